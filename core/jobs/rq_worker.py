"""The rq Worker that ``flask worker`` runs: short heartbeats, and no fork amid our threads.

- A running job's execution stays alive in Redis for ``MISSED_HEARTBEATS`` beats of
  ``JOB_HEARTBEAT_SECONDS`` (default 10 s, so 30 s) instead of rq's beat plus a fixed minute:
  a job whose worker died counts as abandoned within half a minute
  (``core.jobs.interruptions``).
- A work horse is forked only while the worker's own threads (the schedule loop) hold no lock:
  forking takes ``core.jobs.worker.fork_guard``, which they hold while they work.
"""

import logging

from flask import current_app
from rq import Worker
from rq.job import Job
from rq.serializers import JSONSerializer

from core.jobs.worker import fork_guard

log = logging.getLogger(__name__)

DEFAULT_HEARTBEAT_SECONDS = 10
FORK_WAIT_SECONDS = 10
MISSED_HEARTBEATS = 3  # an execution without a heartbeat for this many beats is abandoned


def heartbeat_seconds() -> int:
    """How often a worker tells Redis its job is alive (``JOB_HEARTBEAT_SECONDS``, default 10)."""
    return max(1, int(current_app.config.get("JOB_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS)))


class TownshipWorker(Worker):
    """rq's Worker with a heartbeat-based expiry of a few beats and fork-safe work horses."""

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """How long this execution stays alive in Redis without the next heartbeat."""
        return self.job_monitoring_interval * MISSED_HEARTBEATS

    def fork_work_horse(self, job: Job, queue) -> None:
        """Fork the work horse once no thread of this worker is inside its work.

        A round of the schedule loop takes milliseconds; one stuck longer (the database away)
        does not hold the job beyond ``FORK_WAIT_SECONDS``, well within its heartbeat expiry.
        """
        guarded = fork_guard.acquire(timeout=FORK_WAIT_SECONDS)
        if not guarded:
            log.warning("forking job %s while the schedule loop is still working", job.id)
        try:
            super().fork_work_horse(job, queue)  # the horse never returns from this
        finally:
            if guarded:
                fork_guard.release()


def make_worker(q) -> TownshipWorker:
    """The worker for the app's queue ``q`` (needs an app context for the settings)."""
    from core.jobs.interruptions import on_work_horse_killed

    return TownshipWorker(
        [q],
        connection=q.connection,
        serializer=JSONSerializer,
        job_monitoring_interval=heartbeat_seconds(),
        work_horse_killed_handler=on_work_horse_killed,
    )
