"""Throttling of residents' receipt lookups, against enumeration of receipt numbers.

Counted per address in a window: every lookup, and separately the ones that found nothing
(a guesser's signature). Counters live in Redis when REDIS_URL is set, else in the database,
so the limit holds across app processes and machines.
"""

import hashlib
from datetime import timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from core.cases.models import ReceiptLookupCounter, aware
from core.extensions import db
from core.models import utcnow

DEFAULTS = {"CASE_LOOKUP_MAX_PER_WINDOW": 30, "CASE_LOOKUP_MAX_FAILURES": 10,
            "CASE_LOOKUP_WINDOW_MINUTES": 15}


def _setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def _key(ip: str | None) -> str:
    return hashlib.sha256(f"case-lookup:{ip or '-'}".encode()).hexdigest()


def _window() -> timedelta:
    return timedelta(minutes=_setting("CASE_LOOKUP_WINDOW_MINUTES"))


def _redis():
    from core.jobs import redis_connection

    return redis_connection()


def seconds_blocked(ip: str | None) -> int:
    """Seconds until this address may look up again; 0 when it may now."""
    key, conn = _key(ip), _redis()
    if conn is not None:
        count, failures, ttl = conn.get(f"{key}:n"), conn.get(f"{key}:f"), conn.ttl(f"{key}:n")
        if _over(int(count or 0), int(failures or 0)):
            return max(int(ttl), 1)
        return 0
    row = db.session.get(ReceiptLookupCounter, key)
    if row is None:
        return 0
    started, now = aware(row.window_started_at), utcnow()
    if now - started >= _window() or not _over(row.count, row.failures):
        return 0
    return int((started + _window() - now).total_seconds()) + 1


def _over(count: int, failures: int) -> bool:
    return (count >= _setting("CASE_LOOKUP_MAX_PER_WINDOW")
            or failures >= _setting("CASE_LOOKUP_MAX_FAILURES"))


def record_lookup(ip: str | None, *, found: bool) -> None:
    """Count one lookup from ``ip`` (a failure when nothing was found). Commits."""
    key, conn = _key(ip), _redis()
    if conn is not None:
        seconds = int(_window().total_seconds())
        pipe = conn.pipeline()
        pipe.incr(f"{key}:n")
        pipe.expire(f"{key}:n", seconds, nx=True)
        pipe.incrby(f"{key}:f", 0 if found else 1)
        pipe.expire(f"{key}:f", seconds, nx=True)
        pipe.execute()
        return
    try:
        _count(key, found)
    except IntegrityError:  # another process created the counter first: count on it
        db.session.rollback()
        _count(key, found)


def _count(key: str, found: bool) -> None:
    now = utcnow()
    row = db.session.get(ReceiptLookupCounter, key, with_for_update=True)
    if row is None:
        db.session.add(ReceiptLookupCounter(key=key, count=1, failures=0 if found else 1,
                                            window_started_at=now))
    elif now - aware(row.window_started_at) >= _window():
        row.count, row.failures, row.window_started_at = 1, 0 if found else 1, now
    else:
        row.count += 1
        row.failures += 0 if found else 1
    db.session.commit()
