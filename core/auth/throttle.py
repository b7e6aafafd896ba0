"""Login throttling that holds across app processes: counters live in the database."""

import hashlib
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import LoginFailure, utcnow


def _keys(username: str, ip: str | None) -> list[tuple[str, str]]:
    """(key, limit setting) pairs: the account name from this address, and the address alone."""
    ip = ip or "-"
    account = hashlib.sha256(f"acct:{username.strip().lower()}|{ip}".encode()).hexdigest()
    address = hashlib.sha256(f"ip:{ip}".encode()).hexdigest()
    return [(account, "LOGIN_MAX_FAILURES"), (address, "LOGIN_MAX_FAILURES_PER_IP")]


def _window() -> timedelta:
    return timedelta(minutes=int(current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]))


def seconds_locked(username: str, ip: str | None) -> int:
    """Seconds until another attempt is allowed; 0 when not throttled."""
    now, window, wait = utcnow(), _window(), 0
    for key, setting in _keys(username, ip):
        row = db.session.get(LoginFailure, key)
        if row is None:
            continue
        started = row.window_started_at
        if now - started >= window:
            continue
        if row.count >= int(current_app.config[setting]):
            wait = max(wait, int((started + window - now).total_seconds()) + 1)
    return wait


def record_failure(username: str, ip: str | None) -> None:
    """Count one failed attempt (same rule whether or not the account exists). Commits."""
    try:
        _count_failure(username, ip)
    except IntegrityError:  # another process created the counter first: count on it
        db.session.rollback()
        _count_failure(username, ip)


def _count_failure(username: str, ip: str | None) -> None:
    now, window = utcnow(), _window()
    for key, _setting in _keys(username, ip):
        row = db.session.get(LoginFailure, key, with_for_update=True)
        if row is None:
            db.session.add(LoginFailure(key=key, count=1, window_started_at=now))
        elif now - row.window_started_at >= window:
            row.count, row.window_started_at = 1, now
        else:
            row.count += 1
    db.session.commit()


def clear_failures(username: str, ip: str | None) -> None:
    """Forget the account's failures after a successful login (the address counter stays)."""
    key = _keys(username, ip)[0][0]
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
