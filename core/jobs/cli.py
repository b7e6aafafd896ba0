"""``flask worker`` (rq with its scheduler, plus our schedules and the recovery of jobs whose
worker died) and ``flask jobs run-due``."""

import time

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from core.extensions import db


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run until the queue is empty, then stop.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs from Redis (needs REDIS_URL), start periodic schedules, and retry
    the jobs of workers that died (``core.jobs.interruptions``)."""
    from core.jobs.interruptions import recover_interrupted_jobs
    from core.jobs.queueing import queue, redis_connection
    from core.jobs.rq_worker import make_worker
    from core.jobs.schedules import ScheduleLoop, poll_seconds, run_due_schedules
    from core.jobs.worker import use_app

    conn = redis_connection()
    if conn is None:
        raise click.ClickException(
            "REDIS_URL 未设置：没有 Redis 时任务在进程内直接运行，无需 worker；"
            "定时任务请用 cron 运行 `flask jobs run-due`。"
        )
    app = current_app._get_current_object()
    use_app(app)
    q = queue()
    worker = make_worker(q)
    current_app.logger.info("worker listening on %s", q.name)
    loop = None
    if burst:
        run_due_schedules()
        recover_interrupted_jobs()
        db.session.commit()
    else:
        loop = ScheduleLoop(app, poll_seconds())
        loop.start()
    try:
        worker.work(burst=burst, with_scheduler=True)
    finally:
        if loop is not None:
            loop.stop()


jobs_cli = AppGroup("jobs", help="Background jobs without Redis: periodic schedules and retries.")


@jobs_cli.command("run-due")
@click.option(
    "--loop",
    "every",
    type=float,
    default=None,
    help="Keep running, looking for due work every N seconds (instead of cron).",
)
def run_due_command(every: float | None) -> None:
    """Run the schedules that are due and retry failed in-process jobs whose wait is over.

    Meant for cron (e.g. every minute) when there is no Redis; several overlapping runs are
    safe: each schedule tick runs once. With Redis it only enqueues the due schedules.
    """
    from core.jobs.queueing import redis_connection, retry_due_failures
    from core.jobs.schedules import run_due_schedules

    while True:
        started = run_due_schedules()
        retried = 0 if redis_connection() is not None else retry_due_failures()
        db.session.commit()
        click.echo(
            f"已启动 {len(started)} 个定时任务，重试 {retried} 个失败任务。"
            + (f"（{'、'.join(started)}）" if started else "")
        )
        if every is None:
            return
        db.session.remove()
        time.sleep(max(every, 1.0))
