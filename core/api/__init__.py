"""The read-only public JSON API (/api/v1/…) and its generated OpenAPI 3 document.

Endpoints declare a pydantic response model; the OpenAPI document is built from those models
and the routes' docstrings, so it cannot drift from the code. Plugins add endpoints through
the ``register_api`` hook.
"""

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, jsonify
from pydantic import TypeAdapter

from core.plugins import PluginRegistry

API_PREFIX = "/api/v1"


@dataclass
class _Endpoint:
    path: str
    summary: str
    response: Any
    params: dict[str, str]
    tag: str


@dataclass
class PublicApi:
    """Collects API routes with their response models."""

    blueprint: Blueprint
    endpoints: list[_Endpoint] = field(default_factory=list)

    def route(self, path: str, response, *, tag: str = "core", params: dict[str, str] | None = None):
        """Decorate a view returning data that validates against ``response`` (a pydantic model,
        or ``list[Model]``). ``params`` names query parameters with their descriptions."""
        adapter = TypeAdapter(response)

        def decorator(func):
            endpoint_name = f"{tag}_{func.__name__}"

            def view(**kwargs):
                data = func(**kwargs)
                return jsonify(adapter.dump_python(adapter.validate_python(data), mode="json"))

            view.__name__ = endpoint_name
            self.blueprint.add_url_rule(path, endpoint_name, view)
            self.endpoints.append(_Endpoint(path, (func.__doc__ or "").strip().splitlines()[0]
                                            if func.__doc__ else func.__name__,
                                            response, params or {}, tag))
            return func

        return decorator

    def openapi(self, title: str) -> dict:
        """The OpenAPI 3.1 document of every registered endpoint."""
        paths, schemas = {}, {}
        for ep in self.endpoints:
            schema = TypeAdapter(ep.response).json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            parameters = [
                {"name": name.strip("<>").split(":")[-1], "in": "path", "required": True,
                 "schema": {"type": "string"}}
                for name in ep.path.split("/") if name.startswith("<")
            ] + [
                {"name": name, "in": "query", "required": False, "schema": {"type": "string"},
                 "description": desc}
                for name, desc in ep.params.items()
            ]
            openapi_path = API_PREFIX + "/".join(
                "{" + s.strip("<>").split(":")[-1] + "}" if s.startswith("<") else s
                for s in ep.path.split("/")
            )
            paths[openapi_path] = {"get": {
                "summary": ep.summary, "tags": [ep.tag], "parameters": parameters,
                "responses": {"200": {"description": "OK", "content": {
                    "application/json": {"schema": schema}}},
                    "404": {"description": "Not found"}},
            }}
        return {"openapi": "3.1.0", "info": {"title": title, "version": "1"},
                "paths": paths, "components": {"schemas": schemas}}


def init_api(app: Flask, registry: PluginRegistry) -> PublicApi:
    """Create the API blueprint with the core's endpoints and each plugin's."""
    from core.api.core_endpoints import register_core_endpoints

    api = PublicApi(Blueprint("api", __name__, url_prefix=API_PREFIX))
    register_core_endpoints(api)
    registry.call_each("register_api", api=api)

    @api.blueprint.route("/openapi.json")
    def openapi_document():
        return jsonify(api.openapi(f"{app.config['TOWNSHIP_NAME']} public API"))

    @api.blueprint.after_request
    def _cors(response):
        response.headers["Access-Control-Allow-Origin"] = "*"  # public, read-only data
        return response

    from core.extensions import csrf

    csrf.exempt(api.blueprint)
    app.register_blueprint(api.blueprint)
    app.extensions["township_api"] = api
    return api
