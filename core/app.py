"""create_app(): the one place that wires the core, its extensions and the plugins."""

import logging
import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from flask import Flask, g
from werkzeug.routing import Map

from core import config as config_module
from core.extensions import csrf, db, login_manager

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


class _Deferred:
    """One piece of set-up run on first need, once, by whichever thread needs it first."""

    def __init__(self):
        self.pending: Callable[[], object] | None = None
        self._lock = threading.RLock()
        self._running = False

    def run(self) -> None:
        """Run the pending set-up now (no-op when done, or when called from inside it)."""
        if self.pending is None:
            return
        with self._lock:  # other threads wait here until the set-up has finished
            if self.pending is None or self._running:
                return
            self._running = True
            try:
                self.pending()
            finally:
                self.pending, self._running = None, False


class DeferredSetupMap(Map):
    """The URL map; binding it (every request, every ``url_for``) or listing its rules
    (``flask routes``) first completes set-up that was deferred, so no rule is ever missing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deferred = _Deferred()

    def bind(self, *args, **kwargs):
        """Werkzeug's ``bind``, after any deferred set-up."""
        self.deferred.run()
        return super().bind(*args, **kwargs)

    def bind_to_environ(self, *args, **kwargs):
        """Werkzeug's ``bind_to_environ`` (each request), after any deferred set-up."""
        self.deferred.run()
        return super().bind_to_environ(*args, **kwargs)

    def iter_rules(self, *args, **kwargs):
        """Werkzeug's ``iter_rules``, after any deferred set-up."""
        self.deferred.run()
        return super().iter_rules(*args, **kwargs)


class DeferredSetupExtensions(dict):
    """``app.extensions``: looking up what the deferred set-up provides (the admin, the case
    categories, the plugins' public blueprints and API) first completes it — a job finds the
    categories there, a background export its list view, outside any request."""

    DEFERRED_KEYS = frozenset(
        {
            "admin",
            "township_admin",
            "township_case_categories",
            "township_public_blueprints",
            "township_public_blueprint_names",
            "township_api",
        }
    )

    def __init__(self, deferred: _Deferred):
        super().__init__()
        self.deferred = deferred

    def __getitem__(self, key):
        if key in self.DEFERRED_KEYS:
            self.deferred.run()
        return super().__getitem__(key)

    def get(self, key, default=None):
        """``dict.get``, after the admin's deferred set-up for its keys."""
        if key in self.DEFERRED_KEYS:
            self.deferred.run()
        return super().get(key, default)

    def __contains__(self, key):
        if key in self.DEFERRED_KEYS:
            self.deferred.run()
        return super().__contains__(key)


class TownshipFlask(Flask):
    """Flask with a URL map that can complete deferred set-up (see ``create_app``)."""

    url_map_class = DeferredSetupMap

    def complete_setup(self) -> None:
        """Run the deferred set-up now, if any (work about to use the plugins' models)."""
        self.url_map.deferred.run()


def create_app(
    config: dict | None = None,
    *,
    extra_plugins: tuple[ModuleType | str, ...] = (),
    defer_setup: bool = False,
) -> Flask:
    """Build the application.

    ``config`` overrides everything else (tests use it); ``extra_plugins`` registers plugin
    modules (or dotted module names) that are not installed as entry points (tests' example
    plugins).

    ``defer_setup`` (wsgi.py sets it) wires the plugins' models, case categories, residents'
    pages, publication declarations, API and the Flask-Admin screens — nearly all of start-up
    — when they are first needed instead of now: before the first request is routed, on the
    first ``url_for`` or URL-map listing, when code looks up what they provide in
    ``app.extensions`` (the admin, the case categories…), and before any CLI command but
    ``flask modules``. Listing or switching modules never pays for it.
    """
    app = TownshipFlask(
        __name__, instance_path=str(ROOT / "instance"), instance_relative_config=True
    )
    deferred = app.url_map.deferred
    app.extensions = DeferredSetupExtensions(deferred)
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
    init_i18n(app, registry.modules.values())

    from core import errors, security
    from core.audit.setup import init_app as init_audit
    from core.jobs.setup import init_app as init_jobs

    errors.init_app(app)
    init_audit(app)
    init_jobs(app)
    security.init_app(app)
    from core.admin import desk

    desk.init_app(app)  # version_input() for the forms of hand-written desk screens
    from core.auth.views import bp as auth_bp

    app.register_blueprint(auth_bp)

    from core.cli import register_cli
    from core.publication.setup import init_publication_cli
    from core.schema import init_schema

    register_cli(app)
    init_schema(app)
    init_publication_cli(app)

    @app.before_request
    def _request_id():
        g.request_id = secrets.token_hex(8)

    def wire_plugins() -> None:
        _wire_plugins(app, registry)

    if defer_setup:
        deferred.pending = wire_plugins
        _complete_setup_before_commands(app, deferred)
        app.shell_context_processor(lambda: deferred.run() or {})
    else:
        wire_plugins()
    return app


def _wire_plugins(app: Flask, registry) -> None:
    """Everything that imports the plugins beyond their manifests: models, case categories,
    residents' pages, the publication gate's declarations, the API and the admin."""
    registry.call_each("register_models")  # imports every plugin model before mapping
    from core.cases.setup import init_app as init_cases

    init_cases(app)  # case categories (core + plugins), residents' receipt pages, sweep
    from core.public.setup import init_public

    init_public(app, registry)
    from core.api.setup import init_api
    from core.publication.setup import init_publication

    init_publication(app, registry)  # before the API, whose models it checks
    init_api(app, registry)
    from core.admin.setup import init_admin

    init_admin(app, registry)


# Commands that use no plugin beyond its manifest: they run without the deferred set-up.
LIGHT_COMMANDS = frozenset({"modules"})


def _complete_setup_before_commands(app: Flask, deferred: _Deferred) -> None:
    """Every ``flask`` command of the app but the light ones first completes the deferred
    set-up (a command may open a case, mask a text, load the demo…)."""
    import functools

    import click

    def wrap(command: click.Command) -> None:
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                wrap(sub)
            return
        callback = command.callback
        if callback is None:
            return

        @functools.wraps(callback)
        def after_setup(*args, **kwargs):
            deferred.run()
            return callback(*args, **kwargs)

        command.callback = after_setup

    for name, command in app.cli.commands.items():
        if name not in LIGHT_COMMANDS:
            wrap(command)


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
