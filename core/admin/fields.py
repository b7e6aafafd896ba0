"""Form fields every admin form gets from the core, whatever view or plugin built it.

- Dates and times are plain text boxes (no script, no English picker) that accept what a
  clerk types or pastes (``2026-12-18 09:00``, ``2026/12/18 9:00``, ``2026-12-18T09:00``),
  are read as Beijing time and stored as aware UTC.
- Numbers are limited to what the database can hold, and NaN/infinity are refused, each with
  a Chinese message, so no database error ever reaches the person.

``harden_form`` applies both to a form class: the base views call it on every form they build
(generated from the model, overridden by ``form_overrides`` or written by hand).
"""

import math
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Integer, Numeric
from wtforms import DateField as WTDateField
from wtforms import DateTimeField as WTDateTimeField
from wtforms import DecimalField, Field, FloatField, IntegerField, ValidationError
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, NumberRange
from wtforms.widgets import TextInput

from core.admin.times import parse_local
from core.time import DATE_FORMAT, MINUTE_FORMAT, as_utc, from_local_input, to_local

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
# Beyond this a float stops being a number a clerk means (and PostgreSQL's REAL overflows).
FLOAT_LIMIT = 1e15


class _TimeInput(TextInput):
    """A text box with a hint of the expected format and no autocomplete history."""

    def __init__(self, placeholder: str):
        super().__init__()
        self.placeholder = placeholder

    def __call__(self, field, **kwargs):
        kwargs.setdefault("placeholder", self.placeholder)
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("class", "form-control local-time-input")
        return super().__call__(field, **kwargs)


class LocalDateTimeField(Field):
    """A date and time typed in Beijing time; ``data`` is an aware UTC datetime (or None).

    Values set by code as naive datetimes are taken as Beijing time already (how views
    prefill a form with local times); values read from a row are UTC.
    """

    widget = _TimeInput("2026-12-18 09:00")
    message = _l("请按“2026-12-18 09:00”的格式填写日期和时间（北京时间）。")

    def process_data(self, value):
        """A stored value as an aware UTC datetime (a naive one is taken as UTC)."""
        if isinstance(value, datetime):
            self.data = as_utc(value)
        else:
            self.data = value if isinstance(value, date) else None

    def process_formdata(self, valuelist):
        """The typed text as an aware UTC datetime; empty is None; anything else an error."""
        self.raw_text = (valuelist[0] if valuelist else "") or ""
        if not self.raw_text.strip():
            self.data = None
            return
        parsed = parse_local(self.raw_text, with_time=True)
        if parsed is None:
            self.data = None
            raise ValueError(str(self.message))
        self.data = from_local_input(parsed)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, datetime):
            shown = to_local(self.data) if self.data.tzinfo else self.data
            return shown.strftime(MINUTE_FORMAT)
        if isinstance(self.data, date):
            return self.data.strftime(DATE_FORMAT)
        return ""


class LocalDateField(Field):
    """A date typed as ``2026-12-18``, ``2026/12/18`` or ``2026年12月18日``."""

    widget = _TimeInput("2026-12-18")
    message = _l("请按“2026-12-18”的格式填写日期。")

    def process_data(self, value):
        """A stored date; a datetime becomes its Beijing date."""
        if isinstance(value, datetime):
            value = to_local(value).date()
        self.data = value if isinstance(value, date) else None

    def process_formdata(self, valuelist):
        """The typed text as a date; empty is None; anything else an error."""
        text = (valuelist[0] if valuelist else "") or ""
        if not text.strip():
            self.data = None
            return
        parsed = parse_local(text, with_time=False)
        if parsed is None:
            self.data = None
            raise ValueError(str(self.message))
        self.data = parsed

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime(DATE_FORMAT) if isinstance(self.data, date) else ""


class Finite:
    """Refuses NaN and infinity, and numbers beyond ``limit`` either way."""

    def __init__(self, limit: float):
        self.limit = limit

    def __call__(self, form, field):
        value = field.data
        if value is None:
            return
        try:
            number = float(value)
        except (TypeError, ValueError, InvalidOperation, OverflowError):
            raise ValidationError(str(_l("请填写一个有效的数字。"))) from None
        if not math.isfinite(number):
            raise ValidationError(str(_l("请填写一个有效的数字。")))
        if abs(number) > self.limit:
            raise ValidationError(
                str(
                    _l(
                        "数字过大，请填写 %(low)s 到 %(high)s 之间的数。",
                        low=_plain(-self.limit),
                        high=_plain(self.limit),
                    )
                )
            )


def _plain(number) -> str:
    """A bound as a person reads it (no exponent, no trailing .0)."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return f"{number:,}" if isinstance(number, int) else str(Decimal(str(number)))


def _range_validator(low, high) -> NumberRange:
    return NumberRange(
        min=low,
        max=high,
        message=str(
            _l("请填写 %(low)s 到 %(high)s 之间的数。", low=_plain(low), high=_plain(high))
        ),
    )


def _column_type(model, name):
    table = getattr(model, "__table__", None)
    column = table.c.get(name) if table is not None else None
    return column.type if column is not None else None


def _numeric_limit(column_type) -> float:
    """The largest magnitude a Numeric(p, s) column holds; FLOAT_LIMIT when unbounded."""
    precision = getattr(column_type, "precision", None)
    if isinstance(column_type, Numeric) and precision:
        scale = getattr(column_type, "scale", None) or 0
        return float(10 ** (precision - scale)) - 10.0**-scale
    return FLOAT_LIMIT


def _hardened(name: str, unbound: UnboundField, model) -> UnboundField:
    """The same field, with the core's date widgets and number bounds."""
    field_class = unbound.field_class
    kwargs = dict(unbound.kwargs)
    column_type = _column_type(model, name)
    if issubclass(
        field_class, WTDateField | WTDateTimeField | LocalDateField | LocalDateTimeField
    ):  # (WTDateField is a subclass of WTDateTimeField)
        for key in ("widget", "format"):
            kwargs.pop(key, None)
        # DataRequired drops the field's own "wrong format" message; InputRequired keeps it.
        kwargs["validators"] = [
            InputRequired() if isinstance(v, DataRequired) else v
            for v in kwargs.get("validators") or ()
        ]
        local = (
            LocalDateField
            if issubclass(field_class, WTDateField | LocalDateField)
            else LocalDateTimeField
        )
        return UnboundField(local, *unbound.args, **kwargs)
    if getattr(field_class, "__name__", "") == "QuerySelectField" and kwargs.get("allow_blank"):
        if not kwargs.get("blank_text"):  # else the empty choice reads "__None"
            kwargs["blank_text"] = _l("（不选）")
            return UnboundField(field_class, *unbound.args, **kwargs)
        return unbound
    validators = list(kwargs.get("validators") or ())
    if issubclass(field_class, IntegerField):
        low, high = INT64 if isinstance(column_type, BigInteger) else INT32
        validators.append(_range_validator(low, high))
    elif issubclass(field_class, FloatField | DecimalField):
        limit = float(INT32[1]) if isinstance(column_type, Integer) else _numeric_limit(column_type)
        validators.append(Finite(limit))
    else:
        return unbound
    kwargs["validators"] = validators
    return UnboundField(field_class, *unbound.args, **kwargs)


def harden_form(form_class, model=None):
    """A subclass of ``form_class`` whose date, time and number fields follow the core's rules.

    Returns ``form_class`` itself when it has none (or is already hardened).
    """
    if form_class is None or getattr(form_class, "_core_hardened", False):
        return form_class
    changes = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField):
            new = _hardened(name, unbound, model)
            if new is not unbound:
                new.creation_counter = unbound.creation_counter  # keep the field order
                changes[name] = new
    changes["_core_hardened"] = True
    return type(form_class)(form_class.__name__, (form_class,), changes)
