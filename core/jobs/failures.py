"""Failed jobs in one list for admins: rq's FailedJobRegistry and in-process failures."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.extensions import db
from core.jobs.models import JobFailure
from core.jobs.queueing import WORKER_ENTRY, queue, retry_failure
from core.models.base import utcnow

LIST_LIMIT = 200


@dataclass
class FailedJob:
    """One failed job as the admin screen shows it.

    ``ref`` is "rq:<job id>" or "local:<failure id>"; ``next_retry_at`` is set while an
    automatic retry is still planned.
    """

    ref: str
    func_path: str
    args: list
    error: str
    detail: str
    failed_at: datetime | None
    attempts: int | None
    next_retry_at: datetime | None = None


def _last_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def rq_failed_jobs(limit: int = LIST_LIMIT) -> list[FailedJob]:
    """Jobs in rq's FailedJobRegistry of this app's queue (empty without Redis)."""
    q = queue()
    if q is None:
        return []
    from rq.job import Job
    from rq.registry import FailedJobRegistry

    registry = FailedJobRegistry(queue=q)
    ids = registry.get_job_ids(0, limit - 1, desc=True)
    items = []
    for job in Job.fetch_many(ids, connection=q.connection, serializer=q.serializer):
        if job is None:
            continue
        if job.func_name == WORKER_ENTRY and len(job.args) >= 2:
            func_path, args = job.args[0], job.args[1]
        else:
            func_path, args = job.func_name, list(job.args)
        result = job.latest_result()
        exc_info = (result.exc_string if result is not None else None) or ""
        items.append(
            FailedJob(
                ref=f"rq:{job.id}",
                func_path=func_path,
                args=args,
                error=_last_line(exc_info),
                detail=exc_info[-20000:],
                failed_at=job.ended_at,
                attempts=None,
            )
        )
    return items


def local_failed_jobs(limit: int = LIST_LIMIT) -> list[FailedJob]:
    """In-process failures not yet resolved, newest first."""
    rows = db.session.scalars(
        select(JobFailure)
        .where(JobFailure.resolved_at.is_(None))
        .order_by(JobFailure.failed_at.desc(), JobFailure.id.desc())
        .limit(limit)
    )
    return [
        FailedJob(
            ref=f"local:{f.id}",
            func_path=f.func_path,
            args=list(f.args or []),
            error=f.error,
            detail=f.traceback,
            failed_at=f.failed_at,
            attempts=f.attempts,
            next_retry_at=f.next_retry_at,
        )
        for f in rows
    ]


def _parse(ref: str) -> tuple[str, str]:
    kind, _sep, ident = ref.partition(":")
    if kind not in ("rq", "local") or not ident:
        raise LookupError(ref)
    if kind == "local" and not ident.isdigit():
        raise LookupError(ref)
    return kind, ident


def _failed_rq_job(ref: str, ident: str):
    """The failed-job registry that holds rq job ``ident``; LookupError where none does."""
    q = queue()
    if q is None:
        raise LookupError(ref)
    from rq.registry import FailedJobRegistry

    registry = FailedJobRegistry(queue=q)
    if ident not in registry.get_job_ids():
        raise LookupError(ref)
    return registry


def _open_failure(ref: str, ident: str) -> JobFailure:
    """The unresolved in-process failure ``ident``; LookupError where there is none."""
    failure = db.session.get(JobFailure, int(ident))
    if failure is None or failure.resolved_at is not None:
        raise LookupError(ref)
    return failure


def retry(ref: str) -> str:
    """Run a failed job again: requeue it on rq ("queued"), or rerun an in-process failure
    now ("done" when it succeeded, "failed" when it failed again).

    Raises LookupError for an unknown or already resolved job.
    """
    kind, ident = _parse(ref)
    if kind == "rq":
        _failed_rq_job(ref, ident).requeue(ident)
        return "queued"
    retry_failure(_open_failure(ref, ident).id)
    db.session.expire_all()
    failure = db.session.get(JobFailure, int(ident))
    return "done" if failure.resolved_at is not None else "failed"


def dismiss(ref: str) -> None:
    """Remove a failed job from the list without running it. The caller commits."""
    kind, ident = _parse(ref)
    if kind == "rq":
        _failed_rq_job(ref, ident).remove(ident, delete_job=True)
        return
    failure = _open_failure(ref, ident)
    failure.resolved_at = utcnow()
    failure.next_retry_at = None
