"""Long work a person starts (a large export, a PDF): progress they see, a file they download.

A job function for ``start_user_job`` takes the JobRecord id first, then its own JSON
arguments; it reports progress with ``report_progress`` and stores its file with
``store_result``::

    def export_cases(record_id, office_id):
        rows = ...
        for i, row in enumerate(rows, 1):
            ...
            report_progress(record_id, i, len(rows))
        store_result(record_id, data, "cases.xlsx")
"""

import logging
import re
import time
from pathlib import PurePath

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from core.extensions import db
from core.jobs.models import JobRecord, JobStatus
from core.jobs.notifications import notify
from core.jobs.queueing import enqueue, json_args, resolve
from core.models import Role, User
from core.models.base import utcnow
from core.storage import get_storage
from core.urls import site_path

log = logging.getLogger(__name__)

PROGRESS_MIN_SECONDS = 1.0  # write progress at most this often per job (plus the last step)
_last_progress: dict[int, float] = {}


USER_JOB_PREFIX = "userjob-"


def user_job_id(record_id: int) -> str:
    """The rq job id of a person's job: "userjob-<queue>-<record id>". The queue's name keeps
    two databases that share one Redis (each with its own queue) from sharing job ids."""
    from core.jobs.queueing import queue_name

    return f"{USER_JOB_PREFIX}{queue_name()}-{record_id}"


def user_job_record_id(job_id: str) -> int | None:
    """The JobRecord id of a person's job (see ``user_job_id``), or None for another job."""
    suffix = job_id.rsplit("-", 1)[-1] if job_id.startswith(USER_JOB_PREFIX) else ""
    return int(suffix) if suffix.isdigit() else None


def status_path(record_id: int) -> str:
    """The path of a job's status page (works in a request, a job and the CLI)."""
    return site_path("my_jobs.status", record_id=record_id)


def start_user_job(user_id: int, title: str, func_path: str, *args) -> JobRecord:
    """Start ``func_path(record_id, *args)`` for a person and return its JobRecord.

    Commits the session (the job must be able to read its record). Without Redis the job
    runs now, before this returns; with Redis a worker runs it. Send the person to
    ``status_path(record.id)`` to follow it.
    """
    resolve(func_path)
    plain = json_args(args)
    record = JobRecord(
        user_id=user_id, title=title[:200], func_path=func_path, args=plain, status=JobStatus.QUEUED
    )
    db.session.add(record)
    db.session.commit()
    enqueue("core.jobs.user_jobs:run_user_job", record.id, job_id=user_job_id(record.id))
    return record


def run_user_job(record_id: int) -> None:
    """Job: run a person's job function, keeping its JobRecord's status up to date.

    Does nothing for a record already done (a retry after success). On an exception the
    record says "failed" with the error, and the exception propagates so the job is retried.
    """
    record = db.session.get(JobRecord, record_id)
    if record is None or record.status == JobStatus.DONE:
        return
    record.status = JobStatus.RUNNING
    record.started_at = utcnow()
    record.error = None
    func_path, args, user_id, title = (
        record.func_path,
        list(record.args),
        record.user_id,
        record.title,
    )
    db.session.commit()
    try:
        resolve(func_path)(record_id, *args)
    except Exception as exc:
        db.session.rollback()
        db.session.execute(
            update(JobRecord)
            .where(JobRecord.id == record_id)
            .values(
                status=JobStatus.FAILED,
                error=f"{type(exc).__name__}: {exc}"[:500],
                finished_at=utcnow(),
            )
        )
        db.session.commit()
        raise
    finally:
        _last_progress.pop(record_id, None)
    db.session.execute(
        update(JobRecord)
        .where(JobRecord.id == record_id)
        .values(status=JobStatus.DONE, finished_at=utcnow())
    )
    notify(
        user_id,
        _("任务已完成：%(title)s", title=title),
        url=status_path(record_id),
        dedupe_key=f"userjob-{record_id}-done",
    )
    db.session.commit()


def report_progress(job_record_id: int, done: int, total: int | None = None) -> None:
    """Record that ``done`` of ``total`` steps are finished (what the person sees).

    Written on its own connection and committed at once, at most once a second (and always
    for the last step), so a job may call it for every row. Progress is best-effort: a write
    that fails (SQLite busy because the job holds uncommitted writes) is skipped, never raised.
    """
    now = time.monotonic()
    last = _last_progress.get(job_record_id)
    final = total is not None and done >= total
    if not final and last is not None and now - last < PROGRESS_MIN_SECONDS:
        return
    _last_progress[job_record_id] = now
    values = {"done": int(done)}
    if total is not None:
        values["total"] = int(total)
    try:
        with db.engine.begin() as conn:
            conn.execute(update(JobRecord).where(JobRecord.id == job_record_id).values(**values))
    except OperationalError:
        log.warning("progress of job record %s not written", job_record_id, exc_info=True)


def _safe_suffix(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else ""


def store_result(
    job_record_id: int, data: bytes, filename: str, mimetype: str | None = None
) -> None:
    """Store the job's result file (through ``core.storage``) for the person to download.

    Commits. A retried job that stores again replaces the earlier file.
    """
    record = db.session.get(JobRecord, job_record_id)
    if record is None:
        raise ValueError(f"no job record {job_record_id}")
    storage = get_storage()
    old_key = record.result_key
    record.result_key = storage.save(data, _safe_suffix(filename))
    record.result_name = PurePath(filename).name[:200] or "result"
    record.result_mime = mimetype
    db.session.commit()
    if old_key:
        storage.delete(old_key)


def may_access(user: User, record: JobRecord) -> bool:
    """Only the person who started a job, or a township admin, sees it and its file."""
    return record.user_id == user.id or user.role == Role.TOWNSHIP_ADMIN
