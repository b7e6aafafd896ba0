"""The read-only public JSON API (/api/v1/…) and its generated OpenAPI 3.1 document.

Endpoints declare a pydantic response model; the OpenAPI document is built from those models
and the routes' docstrings, so it cannot drift from the code. Plugins add endpoints through
the ``register_api`` hook; a plugin path with an ``<office_code>`` segment answers 404 for
offices that have the module switched off, exactly like the plugin's public pages.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

from flask import Blueprint, abort, g, jsonify
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import select

API_PREFIX = "/api/v1"
# A time of day has no date to find a zone's offset from; China keeps UTC+8 all year.
BEIJING_OFFSET = timezone(timedelta(hours=8))
OPENAPI_VERSION = "3.1.0"
log = logging.getLogger(__name__)

_PARAM = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
# Text parameters never hold control characters (core.input_guard answers those with 400), and
# integer ones are database ids (core.input_guard bounds the int converter).
_TEXT = {"type": "string", "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"}
_PARAM_TYPES = {
    "int": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    "float": {"type": "number"},
}


@dataclass
class _Endpoint:
    path: str
    name: str
    summary: str
    description: str
    response: Any
    params: dict[str, str]
    tag: str


@dataclass
class PublicApi:
    """Collects API routes with their response models."""

    blueprint: Blueprint
    endpoints: list[_Endpoint] = field(default_factory=list)
    plugin_name: str | None = None  # set on the view handed to one plugin (see for_plugin)

    def for_plugin(self, plugin_name: str) -> "PublicApi":
        """The same registry as seen by one plugin: its endpoints are tagged with its name and
        check that the module is switched on for the ``<office_code>`` in their path."""
        return PublicApi(self.blueprint, self.endpoints, plugin_name)

    def route(
        self, path: str, response, *, tag: str | None = None, params: dict[str, str] | None = None
    ):
        """Decorate a view returning data that validates against ``response`` (a pydantic model,
        or ``list[Model]``). ``params`` names query parameters with their descriptions."""
        from core.publication.schema import unclassified_fields

        unclassified = unclassified_fields(response)
        if unclassified:
            raise TypeError(
                "API fields without a privacy class (use core.publication.schema "
                "types): " + ", ".join(unclassified)
            )
        adapter = TypeAdapter(response)
        tag = tag or self.plugin_name or "core"
        plugin_name = self.plugin_name

        def decorator(func):
            endpoint_name = f"{tag}_{func.__name__}"

            def view(**kwargs):
                if plugin_name is not None and "office_code" in kwargs:
                    g.office = _enabled_office_or_404(plugin_name, kwargs["office_code"])
                data = _aware(func(**kwargs))
                return jsonify(adapter.dump_python(adapter.validate_python(data), mode="json"))

            view.__name__ = endpoint_name
            self.blueprint.add_url_rule(path, endpoint_name, view)
            doc = (func.__doc__ or func.__name__).strip().splitlines()
            self.endpoints.append(
                _Endpoint(
                    path,
                    endpoint_name,
                    doc[0].strip(),
                    "\n".join(doc[1:]).strip(),
                    response,
                    params or {},
                    tag,
                )
            )
            return func

        return decorator

    def openapi(self, title: str, version: str = "1") -> dict:
        """The OpenAPI 3.1 document of every registered endpoint."""
        paths: dict[str, dict] = {}
        schemas: dict[str, dict] = {}
        for ep in self.endpoints:
            schema = TypeAdapter(ep.response).json_schema(
                ref_template="#/components/schemas/{model}"
            )
            schemas.update(schema.pop("$defs", {}))
            if isinstance(ep.response, type) and issubclass(ep.response, BaseModel):
                schemas[ep.response.__name__] = schema
                schema = {"$ref": f"#/components/schemas/{ep.response.__name__}"}
            parameters = [
                {
                    "name": m["name"],
                    "in": "path",
                    "required": True,
                    "schema": _PARAM_TYPES.get(m["converter"] or "", _TEXT),
                }
                for m in _PARAM.finditer(ep.path)
            ] + [
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "schema": _TEXT,
                    "description": desc,
                }
                for name, desc in ep.params.items()
            ]
            operation = {
                "operationId": ep.name,
                "summary": ep.summary,
                "tags": [ep.tag],
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": schema}},
                    },
                    "400": {
                        "description": "Bad request",
                        "content": {
                            "application/problem+json": {
                                "schema": {"$ref": "#/components/schemas/Error"}
                            }
                        },
                    },
                    "404": {
                        "description": "Not found",
                        "content": {
                            "application/problem+json": {
                                "schema": {"$ref": "#/components/schemas/Error"}
                            }
                        },
                    },
                },
            }
            if ep.description:
                operation["description"] = ep.description
            paths[API_PREFIX + _PARAM.sub(lambda m: "{" + m["name"] + "}", ep.path)] = {
                "get": operation
            }
        schemas["Error"] = {
            "type": "object",
            "title": "Problem details (RFC 9457)",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
            },
            "required": ["type", "title", "status"],
        }
        tags = sorted({ep.tag for ep in self.endpoints})
        return {
            "openapi": OPENAPI_VERSION,
            "info": {
                "title": title,
                "version": version,
                "description": "Read-only public data: no personal data of private "
                "persons (ID numbers, phones) is ever included.",
            },
            "tags": [{"name": t} for t in tags],
            "paths": paths,
            "components": {"schemas": schemas},
        }


def _aware(value):
    """Naive datetimes (SQLite hands back the stored UTC without its zone) as aware UTC, and
    naive times of day (schedules are kept in the township's wall-clock time) as Beijing time,
    so every time in the API is RFC 3339 with its offset."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, time):
        return value if value.tzinfo else value.replace(tzinfo=BEIJING_OFFSET)
    if isinstance(value, dict):
        return {k: _aware(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_aware(v) for v in value]
    return value


def _enabled_office_or_404(plugin_name: str, office_code: str):
    from core.extensions import db
    from core.models import Office
    from core.modules import is_enabled

    office = db.session.scalar(select(Office).where(Office.code == office_code))
    if office is None or not is_enabled(plugin_name, office.id):
        abort(404)
    return office
