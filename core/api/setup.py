"""Wiring of the public API into the application: the blueprint with the core's endpoints and
each plugin's (``register_api``), the OpenAPI document, JSON errors and cache headers."""

import logging
import traceback

from flask import Blueprint, Flask, jsonify
from werkzeug.exceptions import HTTPException

from core.api import API_PREFIX, PublicApi
from core.plugins import PluginRegistry

log = logging.getLogger(__name__)


def _register_plugin_endpoints(api: PublicApi, registry: PluginRegistry) -> None:
    # Each plugin gets its own view of the registry, so the core knows whose endpoint is whose.
    for impl in registry.pm.hook.register_api.get_hookimpls():
        try:
            impl.function(api=api.for_plugin(impl.plugin_name))
        except Exception:
            log.exception("plugin %s failed in hook register_api", impl.plugin_name)
            registry.failures.setdefault(impl.plugin_name, traceback.format_exc(limit=3))


def init_api(app: Flask, registry: PluginRegistry) -> PublicApi:
    """Create the API blueprint with the core's endpoints and each plugin's."""
    from core.api.core_endpoints import register_core_endpoints

    api = PublicApi(Blueprint("api", __name__, url_prefix=API_PREFIX))
    register_core_endpoints(api)
    _register_plugin_endpoints(api, registry)

    @api.blueprint.route("/openapi.json")
    def openapi_document():
        return jsonify(api.openapi(f"{app.config['TOWNSHIP_NAME']} public API"))

    @api.blueprint.errorhandler(HTTPException)
    def _json_error(exc: HTTPException):
        from core.errors import problem

        return problem(exc.code or 500, allow=getattr(exc, "valid_methods", None))

    @api.blueprint.after_request
    def _headers(response):
        response.headers["Access-Control-Allow-Origin"] = "*"  # public, read-only data
        if response.status_code < 400:
            response.headers.setdefault("Cache-Control", "public, max-age=60")
        else:
            response.headers["Cache-Control"] = "no-store"  # errors are never cached
        return response

    from core.extensions import csrf

    csrf.exempt(api.blueprint)
    app.register_blueprint(api.blueprint)
    app.extensions["township_api"] = api
    return api
