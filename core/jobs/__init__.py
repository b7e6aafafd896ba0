"""Background jobs: one small API for the core and plugins.

Running jobs
    ``enqueue("package.module:function", *args, job_id=None)``. With ``REDIS_URL`` the job goes
    to rq (queue ``RQ_QUEUE``, JSON serializer — never pickle — retried with back-off
    ``JOB_RETRY_INTERVALS``, default 10 s, 1 min, 5 min) and ``flask worker`` runs it. Without
    Redis it runs in-process at once, in its own app context and session, so the embedded default
    needs no server (rq's own synchronous mode still needs Redis). Arguments are plain JSON values
    only (ids, strings, numbers…); anything else raises ``JobArgumentError`` before anything runs.
    Enqueue after committing what the job will read. Job functions run in an app context and
    commit their own work.

Failures
    rq keeps failed jobs in its FailedJobRegistry; in-process failures are recorded in
    ``job_failure`` and retried by ``flask jobs run-due`` with the same back-off. Township admins
    see both on "系统 › 后台任务" and can retry or dismiss them.

Workers that die
    A job whose worker was killed (-9, out of memory, the machine went down) is noticed within
    about half a minute by the other workers (``JOB_HEARTBEAT_SECONDS``, default 10: three
    missed heartbeats), queued again at once using up one retry, or failed when none is left;
    a person's job says so on its page ("任务因工作进程中断而重新排队"). See
    ``core.jobs.interruptions``.

Idempotency (the rule for job authors)
    A job may run twice: retried after a crash, or killed after its commit but before rq noted
    success. Make each effect happen once: claim it with ``claim_once(name, key)`` in the same
    transaction as the effect, and commit them together (a killed job leaves no claim, so its
    retry does the work; a retry after the commit skips it). ``notify(..., dedupe_key=...)`` is the
    same rule for notifications. Prefer writes that are naturally repeatable (set a status, not
    "add one").

Periodic schedules
    Core code calls ``schedule(name, func_path, every_seconds)`` at start-up; plugins return
    ``Schedule(name, func_path, every_seconds)`` objects from the ``register_schedules`` hook.
    The job function takes no arguments and works only for ``offices_with(plugin_name)`` (offices
    that have the plugin switched on); a plugin's schedule is skipped while no office has it on.
    Each schedule runs once per tick (ticks counted from the Unix epoch) however many processes
    look (see ``core.jobs.schedules``):
    - with Redis, every ``flask worker`` runs a small loop (every ``SCHEDULE_POLL_SECONDS``)
      that claims each tick with a Redis ``SET NX PX`` and enqueues it; ``flask worker --burst``
      looks once before working;
    - without Redis, run ``flask jobs run-due`` from cron (every minute), or keep
      ``flask jobs run-due --loop 60`` running next to ``flask run``; ticks are claimed in the
      ``schedule_state`` table. We do not start threads inside web processes: several gunicorn
      processes would each run one.

Notifications
    ``notify(user_id, title, body="", url=None, dedupe_key=None)`` adds to the person's list (the
    bell in the staff navbar). When ``SMTP_HOST`` is set and the person entered an address on
    their notifications page it is e-mailed by the ``core.notification_emails`` schedule — never
    inside a request.

Long work started by a person
    ``start_user_job(user_id, title, func_path, *args) -> JobRecord``: the function gets the
    record id first, reports ``report_progress(record_id, done, total)`` and saves its file with
    ``store_result(record_id, data, filename)``. The person follows it on a status page that
    refreshes itself, is notified when it is done, and downloads the file; nobody else but a
    township admin can.
"""

from core.jobs.idempotency import claim_once
from core.jobs.models import (
    JobFailure,
    JobRecord,
    JobRun,
    JobStatus,
    Notification,
    NotificationSetting,
    ScheduleState,
)
from core.jobs.notifications import notify, unread_count
from core.jobs.queueing import JobArgumentError, enqueue, queue, redis_connection, resolve
from core.jobs.schedules import Schedule, offices_with, run_due_schedules, schedule
from core.jobs.user_jobs import report_progress, start_user_job, status_path, store_result
