"""The audit log: every change, login, export and module switch, recorded by the core."""

from flask import g, has_request_context, request
from flask_login import current_user

from core.audit.models import AuditEntry
from core.extensions import db

__all__ = ["AuditEntry", "record_event"]


def _request_context() -> dict:
    if not has_request_context():
        return {}
    ctx = {"ip_address": request.remote_addr, "request_id": getattr(g, "request_id", None)}
    if current_user and current_user.is_authenticated:
        ctx["actor_id"] = current_user.id
        ctx["actor_name"] = current_user.username
    return ctx


def record_event(action: str, *, office_id=None, target_type=None, target_id=None,
                 details: dict | None = None, actor_name: str | None = None) -> AuditEntry:
    """Record a non-row event (login, export, module switch…) in the current transaction.

    ``actor_name`` overrides the actor for jobs ("job:sweep") and public forms ("resident").
    The caller commits.
    """
    entry = AuditEntry(action=action, office_id=office_id, target_type=target_type,
                       target_id=None if target_id is None else str(target_id),
                       details=details, **_request_context())
    if actor_name:
        entry.actor_name = actor_name
    db.session.add(entry)
    return entry


def init_app(app) -> None:
    """Attach audit capture and the ``flask audit`` commands to ``app``."""
