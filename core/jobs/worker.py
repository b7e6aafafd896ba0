"""What runs a job: the function inside a fresh app context of the right application.

Which application: the current one when there is an app context (``flask worker`` runs inside
the CLI's context, and rq's forked work horse inherits it; tests run a burst worker inside the
test app's context); else the app given to ``use_app``; else a new ``create_app()`` (a worker
started some other way, e.g. rq's own command line).
"""

import json
import os
import threading

from flask import Flask, current_app, has_app_context

from core.extensions import db
from core.jobs.paths import resolve

# Named, not imported: the application imports the jobs package, never the other way round.
APP_FACTORY = "core.app:create_app"
_app: Flask | None = None
_fork_hook_installed = False

# Held by the worker's own threads (the schedule loop) while they work, and by the worker while
# it forks a work horse: a horse must not inherit a lock that a thread held at the fork
# (SQLAlchemy's mapper configuration, a pool, a cache), or it waits on it forever.
fork_guard = threading.Lock()


def use_app(app: Flask) -> None:
    """Make ``app`` the one jobs run in when no app context is active (set by ``flask worker``).

    Also makes forked work horses drop the database connections inherited from the worker
    process: a connection must never be shared across a fork.
    """
    global _app, _fork_hook_installed
    _app = app
    if not _fork_hook_installed and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_forget_inherited_connections)
        _fork_hook_installed = True


def _forget_inherited_connections() -> None:
    if _app is None:
        return
    with _app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def job_app() -> Flask:
    """The application a job should run in (see the module docstring)."""
    global _app
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        _app = resolve(APP_FACTORY)()
    return _app


def call_in_app(func_path: str, args: list):
    """Run ``func_path(*args)`` in a fresh app context (its own database session).

    Uncommitted work is rolled back when the job ends: job functions commit what they do.
    """
    from core.audit import acting_as

    func = resolve(func_path)
    # Changes a job makes are audited as "job:<function>" unless the job names itself.
    with job_app().app_context(), acting_as(f"job:{func_path.rpartition(':')[2]}"[:64]):
        try:
            return func(*args)
        finally:
            db.session.remove()


def run_in_app(func_path: str, args: list):
    """The function rq executes for every job: ``call_in_app``, keeping the result only when
    it is a plain JSON value (rq stores results with the JSON serializer)."""
    result = call_in_app(func_path, args)
    try:
        json.dumps(result)
    except (TypeError, ValueError):
        return None
    return result
