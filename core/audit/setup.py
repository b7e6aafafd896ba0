"""Wiring of the audit log into the application: capture, ``flask audit`` and the history link
(kept out of ``core.audit`` so that importing the audit API never loads its screens)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach audit capture and the ``flask audit`` commands to ``app``."""
    from core.audit import capture
    from core.audit.cli import audit_cli

    capture.install()
    app.cli.add_command(audit_cli)
    app.jinja_env.globals["audit_history_url"] = _history_url


def _history_url(model) -> str | None:
    """``core.audit.views.history_url``, imported on first use: the views module pulls in
    Flask-Admin's model views, which a CLI command or a worker need not load."""
    from core.audit.views import history_url

    return history_url(model)
