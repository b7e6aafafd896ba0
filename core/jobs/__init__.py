"""Background jobs: rq on Redis when REDIS_URL is set, otherwise run in-process.

Plugins call ``enqueue("package.module:function", arg1, arg2)`` with plain JSON values (ids,
strings, numbers). rq's own synchronous mode still needs a Redis server, so the in-process
path is ours: the embedded default (SQLite, no Redis) works with no server at all.
"""

import importlib
import logging

from flask import Flask, current_app

log = logging.getLogger(__name__)


def resolve(func_path: str):
    """The function named by ``"package.module:function"``."""
    module_name, _, attr = func_path.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def redis_connection():
    """A Redis client for REDIS_URL, or None when jobs run in-process."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    from redis import Redis

    return Redis.from_url(url)


def queue():
    """The rq queue, or None without Redis."""
    conn = redis_connection()
    if conn is None:
        return None
    from rq import Queue
    from rq.serializers import JSONSerializer

    return Queue(current_app.config.get("RQ_QUEUE", "township"), connection=conn,
                 serializer=JSONSerializer)


def enqueue(func_path: str, *args, job_id: str | None = None, **kwargs):
    """Run ``func_path(*args, **kwargs)`` in the background (or now, without Redis).

    Returns the rq Job, or the function's result when run in-process.
    """
    q = queue()
    if q is None:
        return resolve(func_path)(*args, **kwargs)
    from rq import Retry

    return q.enqueue("core.jobs.worker.run_in_app", func_path, list(args), kwargs,
                     job_id=job_id, retry=Retry(max=3, interval=[10, 60, 300]))


def init_app(app: Flask) -> None:
    """Register the job CLI (``flask worker``)."""
    from core.jobs.cli import worker_command

    app.cli.add_command(worker_command)
