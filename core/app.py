"""create_app(): the one place that wires the core, its extensions and the plugins."""

import logging
import os
import secrets
from pathlib import Path
from types import ModuleType

from flask import Flask, g

from core import config as config_module
from core.extensions import csrf, db, login_manager

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def create_app(config: dict | None = None, *, extra_plugins: tuple[ModuleType | str, ...] = ()) -> Flask:
    """Build the application.

    ``config`` overrides everything else (tests use it); ``extra_plugins`` registers plugin
    modules (or dotted module names) that are not installed as entry points (tests' example
    plugins).
    """
    app = Flask(__name__, instance_path=str(ROOT / "instance"), instance_relative_config=True)
    _configure(app, config or {})
    from core.input_guard import init_input_guard

    init_input_guard(app)  # before any route: bounded ids, no control characters

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # sessions are server-side; see core.auth.sessions
    from core.i18n import init_i18n
    from core.plugins import load_plugins

    registry = load_plugins(app, extra_plugins)
    app.extensions["township_plugins"] = registry
    init_i18n(app, registry.pm.get_plugins())
    registry.call_each("register_models")  # imports every plugin model before mapping

    from core import audit, errors, jobs, security

    errors.init_app(app)
    audit.init_app(app)
    jobs.init_app(app)
    security.init_app(app)
    from core import cases

    cases.init_app(app)  # case categories (core + plugins), residents' receipt pages, sweep

    from core.auth.views import bp as auth_bp
    from core.public import init_public

    app.register_blueprint(auth_bp)
    init_public(app, registry)

    from core.api import init_api
    from core.publication.setup import init_publication

    init_publication(app, registry)  # before the API, whose models it checks
    init_api(app, registry)

    from core.admin.setup import init_admin

    init_admin(app, registry)

    from core.cli import register_cli
    from core.schema import init_schema

    register_cli(app)
    init_schema(app)

    @app.before_request
    def _request_id():
        g.request_id = secrets.token_hex(8)

    return app


def _configure(app: Flask, overrides: dict) -> None:
    app.config.from_object(config_module.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key in config_module.ENV_KEYS:
        if key in os.environ:
            app.config[key] = os.environ[key]
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.load_secret_key(app.instance_path)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI",
        config_module.database_uri(app.config, app.instance_path),
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
