"""Input nobody can mean: refused at the door, the same on SQLite and PostgreSQL.

- ``<int:…>`` URL segments only match ids a database integer column can hold (1 … 2³¹−1), so an
  id like 99999999999999999999 is a 404 instead of an overflow deep in the driver.
- ``request.args.get(key, type=int)`` reads an out-of-range number as missing.
- A NUL byte or another control character (other than tab and line breaks) in the path, the
  query string or a form field is refused with 400: PostgreSQL cannot store NUL at all, SQLite
  would store it, and neither is anything a person typed.
"""

import re

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

DB_INT_MAX = 2**31 - 1
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DatabaseIntConverter(IntegerConverter):
    """``int`` URL segments within the range of a database integer column."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


class BoundedArgs(ImmutableMultiDict):
    """Query and form values where ``get(key, type=int)`` only yields an integer a database
    column can hold; a larger one reads as missing (the default), like any non-number."""

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        value = super().get(key, default, type)
        if (
            type is int
            and isinstance(value, int)
            and value is not default
            and not -DB_INT_MAX - 1 <= value <= DB_INT_MAX
        ):
            return default
        return value


class TownshipRequest(Request):
    """The app's request: bounded integer arguments (see ``BoundedArgs``)."""

    parameter_storage_class = BoundedArgs


def has_control_characters(value: str) -> bool:
    """True when ``value`` holds a character no form or link legitimately sends."""
    return bool(_CONTROL.search(value))


def _refuse_control_characters():
    if has_control_characters(request.path):
        abort(400)
    for values in (request.args, request.form if request.method != "GET" else None):
        if not values:
            continue
        for key, value in values.items(multi=True):
            if has_control_characters(key) or has_control_characters(value):
                abort(400)


def init_input_guard(app: Flask) -> None:
    """Install the bounded ``int`` converter (before any route is added) and the check."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.request_class = TownshipRequest
    # A URL value preprocessor, not before_request: those run after the preprocessors, and
    # one of them (core.public) already looks the office code up in the database.
    app.url_value_preprocessor(lambda _endpoint, _values: _refuse_control_characters())


def parse_db_int(value) -> int | None:
    """``value`` as a database integer id, or None when it is not one (``"1,2"``, ``""``,
    ``"99999999999"``)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if -DB_INT_MAX - 1 <= number <= DB_INT_MAX else None
