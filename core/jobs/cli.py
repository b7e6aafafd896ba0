"""``flask worker``: an rq worker (with the scheduler) on REDIS_URL."""

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run until the queue is empty, then stop.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs from Redis (needs REDIS_URL)."""
    from rq import Worker
    from rq.serializers import JSONSerializer

    from core.jobs import queue, redis_connection

    conn = redis_connection()
    if conn is None:
        raise click.ClickException("REDIS_URL 未设置：没有 Redis 时任务在进程内直接运行，无需 worker。")
    worker = Worker([queue()], connection=conn, serializer=JSONSerializer)
    current_app.logger.info("worker listening on %s", queue().name)
    worker.work(burst=burst, with_scheduler=True)
