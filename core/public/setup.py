"""Wiring of the residents' pages into the application: the core's blueprint, each plugin's
under ``/o/<office_code>/<plugin>`` (404 where the office has the module off)."""

from flask import Flask, abort, g, request
from sqlalchemy import select

from core.extensions import db
from core.models import Office
from core.modules import is_enabled
from core.plugins import PluginRegistry


def init_public(app: Flask, registry: PluginRegistry) -> None:
    """Register the core's public pages and mount every plugin's public blueprint."""
    from core.public.views import bp

    app.register_blueprint(bp)
    plugin_of_blueprint: dict[str, str] = {}
    for plugin_name, blueprint in registry.call_each("register_public_blueprint"):
        app.register_blueprint(blueprint, url_prefix=f"/o/<office_code>/{plugin_name}")
        plugin_of_blueprint[blueprint.name] = plugin_name
    app.extensions["township_public_blueprints"] = plugin_of_blueprint

    @app.url_value_preprocessor
    def _resolve_office(endpoint, values):
        blueprint = request.blueprint
        if blueprint not in plugin_of_blueprint or values is None:
            return
        code = values.pop("office_code", None)
        office = db.session.scalar(select(Office).where(Office.code == code))
        if office is None or not is_enabled(plugin_of_blueprint[blueprint], office.id):
            abort(404)
        g.office = office

    @app.url_defaults
    def _office_in_urls(endpoint, values):
        blueprint = endpoint.partition(".")[0]
        if blueprint in plugin_of_blueprint and "office_code" not in values:
            office = getattr(g, "office", None)
            if office is not None:
                values["office_code"] = office.code
