"""Putting a job on the rq queue (REDIS_URL set) or running it in-process now (no Redis)."""

import json
import logging
import math
import traceback
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from core.extensions import db
from core.jobs.models import JobFailure
from core.jobs.paths import JobArgumentError, resolve
from core.models.base import utcnow

log = logging.getLogger(__name__)

DEFAULT_RETRY_INTERVALS = (10, 60, 300)  # seconds before the 1st, 2nd and 3rd retry
WORKER_ENTRY = "core.jobs.worker.run_in_app"


def _check_plain(value, where: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise JobArgumentError(f"Job {where} is {value!r}, which JSON cannot carry.")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_plain(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise JobArgumentError(
                    f"Job {where} has a {type(key).__name__} key {key!r}; JSON keys are strings."
                )
            _check_plain(item, f"{where}[{key!r}]")
        return
    raise JobArgumentError(
        f"Job {where} is a {type(value).__name__}, not a plain JSON value. Jobs carry only ids "
        "and plain values (str, int, float, bool, None, lists and dicts of them): pass a "
        "record's id instead of the record, a date's isoformat() instead of the date."
    )


def json_args(args) -> list:
    """``args`` as the job will receive them (JSON round trip); refuses non-JSON values."""
    for position, value in enumerate(args, 1):
        _check_plain(value, f"argument {position}")
    return json.loads(json.dumps(list(args)))


def redis_connection():
    """A Redis client for REDIS_URL, or None when jobs run in-process."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    from redis import Redis

    # Short timeouts: with Redis away, a page that enqueues answers at once (and falls back)
    # instead of hanging on a connection that will not come.
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def queue_name() -> str:
    """The rq queue of this app (``RQ_QUEUE``, default "township")."""
    return current_app.config.get("RQ_QUEUE") or "township"


def queue():
    """The rq queue (JSON serializer), or None without Redis."""
    conn = redis_connection()
    if conn is None:
        return None
    from rq import Queue
    from rq.serializers import JSONSerializer

    return Queue(queue_name(), connection=conn, serializer=JSONSerializer)


def retry_intervals() -> list[int]:
    """Back-off before each retry (``JOB_RETRY_INTERVALS``); its length is the retry count."""
    return [int(s) for s in current_app.config.get("JOB_RETRY_INTERVALS", DEFAULT_RETRY_INTERVALS)]


def enqueue(func_path: str, *args, job_id: str | None = None):
    """Run ``func_path(*args)`` in the background: on rq with REDIS_URL, else in-process now.

    ``args`` must be plain JSON values (JobArgumentError otherwise, before anything runs).
    Enqueue after committing what the job needs to read. Returns the rq Job, or, in-process,
    the function's result (None when it failed: the failure is recorded, never raised).
    """
    resolve(func_path)
    plain = json_args(args)
    q = queue()
    if q is None:
        return run_now(func_path, plain, job_id=job_id)
    from redis.exceptions import RedisError
    from rq import Retry

    intervals = retry_intervals()
    try:
        return q.enqueue(
            WORKER_ENTRY,
            func_path,
            plain,
            job_id=job_id,
            retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
            job_timeout=current_app.config.get("JOB_TIMEOUT", 1800),
            description=func_path,
        )
    except RedisError:
        # Redis is away: the work is not lost and the person is not told "nothing saved"
        # after a commit; it runs here, as it does on a deployment without Redis (a failure
        # is recorded and retried from the database like any in-process job).
        log.warning("Redis unreachable: job %s runs in-process", func_path, exc_info=True)
        return run_now(func_path, plain, job_id=job_id)


def run_now(
    func_path: str, args: list, *, job_id: str | None = None, failure_id: int | None = None
):
    """Run a job in-process in its own app context and session, as a worker would.

    On an exception the work is rolled back and the failure recorded (or, for a retry of
    ``failure_id``, updated) with the next automatic retry time; nothing is raised.
    """
    from core.jobs.worker import call_in_app

    try:
        result = call_in_app(func_path, args)
    except Exception as exc:
        log.exception("job %s failed", func_path)
        _record_failure(func_path, args, job_id, exc, failure_id)
        return None
    if failure_id is not None:
        _resolve_failure(failure_id)
    return result


def _record_failure(func_path, args, job_id, exc, failure_id) -> None:
    app = current_app._get_current_object()
    with app.app_context():
        try:
            failure = db.session.get(JobFailure, failure_id) if failure_id else None
            if failure is None:
                failure = JobFailure(
                    func_path=func_path, args=list(args), job_id=job_id, attempts=0
                )
                db.session.add(failure)
            failure.attempts += 1
            failure.error = f"{type(exc).__name__}: {exc}"[:500]
            failure.traceback = "".join(traceback.format_exception(exc))[-20000:]
            failure.failed_at = utcnow()
            intervals = retry_intervals()
            retries_done = failure.attempts - 1
            failure.next_retry_at = (
                utcnow() + timedelta(seconds=intervals[retries_done])
                if retries_done < len(intervals)
                else None
            )
            db.session.commit()
        finally:
            db.session.remove()


def _resolve_failure(failure_id: int) -> None:
    app = current_app._get_current_object()
    with app.app_context():
        try:
            failure = db.session.get(JobFailure, failure_id)
            if failure is not None and failure.resolved_at is None:
                failure.resolved_at = utcnow()
                failure.next_retry_at = None
                db.session.commit()
        finally:
            db.session.remove()


def retry_failure(failure_id: int):
    """Run a recorded in-process failure again now; returns the result (None if it failed)."""
    failure = db.session.get(JobFailure, failure_id)
    if failure is None or failure.resolved_at is not None:
        return None
    func_path, args, job_id = failure.func_path, list(failure.args or []), failure.job_id
    db.session.commit()  # end our read transaction before the job writes (SQLite locks)
    return run_now(func_path, args, job_id=job_id, failure_id=failure_id)


def retry_due_failures(now=None) -> int:
    """Retry the in-process failures whose back-off has elapsed; returns how many ran."""
    now = now or utcnow()
    ids = db.session.scalars(
        select(JobFailure.id)
        .where(
            JobFailure.resolved_at.is_(None),
            JobFailure.next_retry_at.is_not(None),
            JobFailure.next_retry_at <= now,
        )
        .order_by(JobFailure.next_retry_at)
    ).all()
    db.session.commit()
    for failure_id in ids:
        retry_failure(failure_id)
    return len(ids)
