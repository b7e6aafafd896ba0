"""Summarised audit entries for refused attempts: throttled logins and refused pages.

How often these happen is the attacker's choice, so they are counted, not logged one by one:
per key (an account name and address, or a staff member and address) and window of
AUDIT_SUMMARY_WINDOW_MINUTES, the 1st, 10th, 100th, 1000th… occurrence each write one entry
carrying the count so far. A flood of a million requests thus leaves seven entries per key and
window, and a single slip (one stale link) leaves one. The counters share the throttle's table
(``login_failure``, under their own hashed keys): they live in the database, so several app
processes count together, and the audit capture leaves the table out.
"""

import hashlib
from datetime import timedelta

from flask import current_app, request
from sqlalchemy.exc import IntegrityError

from core.audit import record_event
from core.extensions import db
from core.models import LoginFailure, User, utcnow
from core.urls import client_ip

THROTTLED_LOGIN = "auth.login_throttled"
REFUSED_PAGE = "access.refused"
# Answers that, to a logged-in staff member, mean "not yours" or "not there": the shape of
# probing other offices' rows by id.
REFUSED_STATUSES = (403, 404)


def is_summary_point(count: int) -> bool:
    """True for the counts that write an entry: 1, 10, 100, 1000…"""
    while count >= 10 and count % 10 == 0:
        count //= 10
    return count == 1


def note(
    action: str,
    key: str,
    *,
    details: dict,
    office_id: int | None = None,
    actor_name: str | None = None,
) -> None:
    """Count one occurrence of ``action`` for ``key``; at a summary point, record an audit
    entry with ``details`` plus the count and the window's start. Commits."""
    try:
        _note(action, key, details, office_id, actor_name)
    except IntegrityError:  # another process created the counter first: count on it
        db.session.rollback()
        _note(action, key, details, office_id, actor_name)


def _note(action, key, details, office_id, actor_name):
    now = utcnow()
    window = timedelta(minutes=int(current_app.config["AUDIT_SUMMARY_WINDOW_MINUTES"]))
    counter_key = hashlib.sha256(f"alarm:{action}:{key}".encode()).hexdigest()
    row = db.session.get(LoginFailure, counter_key, with_for_update=True)
    if row is None:
        row = LoginFailure(key=counter_key, count=1, window_started_at=now)
        db.session.add(row)
    elif now - row.window_started_at >= window:
        row.count, row.window_started_at = 1, now
    else:
        row.count += 1
    if is_summary_point(row.count):
        record_event(
            action,
            office_id=office_id,
            actor_name=actor_name,
            details={
                **details,
                "count": row.count,
                "window_started_at": row.window_started_at.isoformat(timespec="seconds"),
                "window_minutes": int(window.total_seconds() // 60),
            },
        )
    db.session.commit()


def note_throttled_login(
    username: str, ip: str | None, user: User | None, password_correct: bool
) -> None:
    """A login refused by the throttle (429). A right password is counted apart, so that even
    during a flood of wrong ones its first occurrence leaves an entry of its own."""
    name = username[:64]
    note(
        THROTTLED_LOGIN,
        f"{name.lower()}|{ip or '-'}|{int(password_correct)}",
        details={"username": name, "password_correct": password_correct},
        office_id=user.office_id if user is not None else None,
        actor_name=name,
    )


def note_refused_page(user: User, status: int) -> None:
    """A 403 or 404 answered to a logged-in staff member (as probing other offices' ids
    looks). Anything the failed request left unsaved is discarded first, as the end of the
    request would."""
    user_id, office_id = user.id, user.office_id
    db.session.rollback()
    note(
        REFUSED_PAGE,
        f"{user_id}|{client_ip() or '-'}",
        details={"status": status, "method": request.method, "path": request.path[:200]},
        office_id=office_id,
    )
