"""Throttling of residents' receipt lookups, against enumeration of receipt numbers.

What gives a guesser away is looking up numbers that do not exist, so those are counted per
address in a window; past the limit the address may not look anything up until the window
ends. A lookup that finds its case writes nothing (the page stays fast and the database
quiet). Counters live in Redis when REDIS_URL is set, else in the database, so the limit
holds across app processes and machines.
"""

import hashlib
from datetime import timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from core.cases.models import ReceiptLookupCounter
from core.extensions import db
from core.models import utcnow

DEFAULTS = {"CASE_LOOKUP_MAX_FAILURES": 10, "CASE_LOOKUP_WINDOW_MINUTES": 15}


def _setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def _key(ip: str | None) -> str:
    return hashlib.sha256(f"case-lookup:{ip or '-'}".encode()).hexdigest()


def _window() -> timedelta:
    return timedelta(minutes=_setting("CASE_LOOKUP_WINDOW_MINUTES"))


def _redis():
    from core.jobs import redis_connection

    return redis_connection()


def _redis_down(exc) -> None:
    import logging

    logging.getLogger(__name__).warning(
        "Redis unreachable: lookup throttle counts in the database (%s)", exc
    )


def seconds_blocked(ip: str | None) -> int:
    """Seconds until this address may look up again; 0 when it may now."""
    key, conn = _key(ip), _redis()
    limit = _setting("CASE_LOOKUP_MAX_FAILURES")
    if conn is not None:
        from redis.exceptions import RedisError

        try:
            failures, ttl = conn.get(key), conn.ttl(key)
            return max(int(ttl), 1) if int(failures or 0) >= limit else 0
        except RedisError as exc:  # Redis away: the database keeps counting
            _redis_down(exc)
    row = db.session.get(ReceiptLookupCounter, key)
    if row is None:
        return 0
    started, now = row.window_started_at, utcnow()
    if now - started >= _window() or row.failures < limit:
        return 0
    return int((started + _window() - now).total_seconds()) + 1


def record_failure(ip: str | None) -> None:
    """Count one lookup from ``ip`` that found nothing. Commits."""
    key, conn = _key(ip), _redis()
    if conn is not None:
        from redis.exceptions import RedisError

        try:
            pipe = conn.pipeline()
            pipe.incr(key)
            pipe.expire(key, int(_window().total_seconds()), nx=True)
            pipe.execute()
            return
        except RedisError as exc:  # Redis away: the database keeps counting
            _redis_down(exc)
    try:
        _count(key)
    except IntegrityError:  # another process created the counter first: count on it
        db.session.rollback()
        _count(key)


def _count(key: str) -> None:
    now = utcnow()
    row = db.session.get(ReceiptLookupCounter, key, with_for_update=True)
    if row is None:
        db.session.add(ReceiptLookupCounter(key=key, failures=1, window_started_at=now))
    elif now - row.window_started_at >= _window():
        row.failures, row.window_started_at = 1, now
    else:
        row.failures += 1
    db.session.commit()
