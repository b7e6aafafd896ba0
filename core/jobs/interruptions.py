"""Jobs whose worker died: noticed within a minute, queued again, and shown so to the person.

A worker killed with -9 (or a machine that went down) leaves its job in rq's
StartedJobRegistry. rq counts such a job as abandoned once its execution's heartbeat expires,
and its own maintenance then retries it or moves it to the FailedJobRegistry — but with rq's
defaults that takes 90 s for the heartbeat and up to the next maintenance of an idle worker
(ten minutes or more), while the person's job screen keeps saying "running". Here:

- ``flask worker`` runs a ``core.jobs.rq_worker.TownshipWorker``: it beats every
  ``JOB_HEARTBEAT_SECONDS`` (default 10) and an execution expires after three missed beats
  (30 s) instead of rq's extra minute;
- every worker's schedule loop calls ``recover_interrupted_jobs`` (every
  ``SCHEDULE_POLL_SECONDS``; ``worker --burst`` once): under rq's own maintenance lock it marks
  the person's record of each abandoned job, lets rq's ``StartedJobRegistry.cleanup`` retry it
  (a retry is used up, per the job's ``Retry``) or fail it, and queues a retried job at once:
  nothing failed, so the failure back-off does not apply (and the scheduler that would end it
  may have died with the worker, its lock held for another minute);
- a work horse killed under a live worker is marked by ``on_work_horse_killed`` before rq
  retries or fails it;
- records left "running" whose rq job is no longer started (someone else's maintenance
  retried it) are brought in line on the same round.

A worker killed alone leaves its work horse running the job to its end; after the heartbeat
expires the job is still counted as abandoned and queued again. Jobs may run twice (see
``core.jobs``); a person's job finished by either run is not run again.
"""

import logging
from datetime import datetime

from rq.job import Job
from rq.job import JobStatus as RqStatus
from rq.registry import StartedJobRegistry
from sqlalchemy import select, update

from core.extensions import db
from core.jobs.models import JobRecord, JobStatus
from core.jobs.user_jobs import user_job_id, user_job_record_id
from core.models.base import utcnow

log = logging.getLogger(__name__)

SWEEP_LOCK_SECONDS = 60  # longest a sweep may hold rq's maintenance lock if its process dies

_REQUEUED = (RqStatus.QUEUED, RqStatus.SCHEDULED, RqStatus.DEFERRED)
_ENDED = (RqStatus.FAILED, RqStatus.STOPPED, RqStatus.CANCELED)


def mark_interrupted(
    record_id: int,
    will_retry: bool,
    started_at: datetime | None = None,
    *,
    match_started: bool = False,
) -> bool:
    """Record that the run of a person's job died: queued again, or failed with no retry left.

    Only a record still "running" changes (with ``match_started``, only the run that started
    at ``started_at``, so a retry already running is left alone). Commits; returns whether the
    record changed.
    """
    now = utcnow()
    query = update(JobRecord).where(
        JobRecord.id == record_id, JobRecord.status == JobStatus.RUNNING
    )
    if match_started:
        query = query.where(
            JobRecord.started_at.is_(None)
            if started_at is None
            else JobRecord.started_at == started_at
        )
    values = (
        {"status": JobStatus.QUEUED, "interrupted_at": now, "error": None}
        if will_retry
        else {
            "status": JobStatus.FAILED,
            "interrupted_at": now,
            "finished_at": now,
            "error": "AbandonedJobError: the worker running this job died",
        }
    )
    try:
        changed = db.session.execute(query.values(**values)).rowcount == 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if changed:
        log.warning(
            "job record %s interrupted with its worker; %s",
            record_id,
            "queued again" if will_retry else "failed, no retry left",
        )
    return changed


def on_work_horse_killed(job: Job, retpid, ret_val, rusage) -> None:
    """rq's ``work_horse_killed_handler``: a work horse died under a live worker (killed,
    out of memory); mark the person's record before rq retries or fails the job."""
    from core.jobs.worker import job_app

    record_id = user_job_record_id(job.id)
    if record_id is None:
        return
    with job_app().app_context():
        try:
            mark_interrupted(record_id, will_retry=job.should_retry)
        finally:
            db.session.remove()


def recover_interrupted_jobs() -> int:
    """Retry or fail the jobs whose worker died, marking the people's records; returns how
    many rq jobs were abandoned. Needs an app context; does nothing without Redis, or while
    another worker (or rq's own maintenance) is cleaning this queue."""
    from core.jobs.queueing import queue

    q = queue()
    if q is None:
        return 0
    conn = q.connection
    if not conn.set(q.registry_cleaning_key, 1, nx=True, ex=SWEEP_LOCK_SECONDS):
        return 0
    try:
        registry = StartedJobRegistry(queue=q)
        abandoned = [
            job
            for job in Job.fetch_many(
                registry.get_expired_job_ids(), connection=conn, serializer=q.serializer
            )
            if job is not None and job.get_status(refresh=False) == RqStatus.STARTED
        ]
        for job in abandoned:
            record_id = user_job_record_id(job.id)
            if record_id is not None:
                mark_interrupted(record_id, will_retry=job.should_retry)
        registry.cleanup()  # rq's abandoned-job handling: retry (using one up) or fail
        for job in abandoned:
            if job.get_status(refresh=True) == RqStatus.SCHEDULED:
                q.scheduled_job_registry.requeue(job.id)
            log.warning("job %s was abandoned by its worker; now %s", job.id, job.get_status())
        _sync_running_records(q)
    finally:
        q.release_maintenance_lock()
    return len(abandoned)


def _sync_running_records(q) -> None:
    """Mark the records still "running" whose rq job is queued again or failed without them
    knowing (rq's own maintenance retried or failed it)."""
    rows = db.session.execute(
        select(JobRecord.id, JobRecord.started_at).where(JobRecord.status == JobStatus.RUNNING)
    ).all()
    db.session.commit()
    if not rows:
        return
    jobs = Job.fetch_many(
        [user_job_id(row.id) for row in rows], connection=q.connection, serializer=q.serializer
    )
    for row, job in zip(rows, jobs, strict=True):
        if job is None:  # run in-process (no Redis then), or long expired
            continue
        status = job.get_status(refresh=False)
        if status in _REQUEUED or status in _ENDED:
            mark_interrupted(row.id, status in _REQUEUED, row.started_at, match_started=True)
