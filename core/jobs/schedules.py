"""Periodic jobs: each schedule runs once per tick of ``every_seconds``, however many workers.

Ticks are counted from the Unix epoch (``tick = int(now // every_seconds)``), so every process
agrees on them without talking to each other. Whoever first claims a tick enqueues the job:
- with Redis, the claim is ``SET key NX PX`` on a key naming the schedule and the tick;
- without Redis, it is a conditional UPDATE of the schedule's row in ``schedule_state``.
A tick missed while nothing was running is not caught up: the next tick runs instead.
"""

import logging
import re
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import update

from core.extensions import db
from core.jobs.idempotency import insert_ignore
from core.jobs.models import ScheduleState
from core.jobs.queueing import enqueue, queue_name, redis_connection
from core.models.base import utcnow
from core.modules import enabled_office_ids
from core.plugins import get_registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    """A job function (no arguments) to run every ``every_seconds``.

    ``plugin`` is filled by the core for schedules a plugin returned from
    ``register_schedules``; such a schedule does not run while no office has the plugin on.
    """

    name: str
    func_path: str
    every_seconds: int
    plugin: str | None = None

    def __post_init__(self):
        if not self.name or len(self.name) > 100:
            raise ValueError("a schedule needs a name of 1 to 100 characters")
        if not isinstance(self.every_seconds, int) or self.every_seconds < 1:
            raise ValueError(f"schedule {self.name!r}: every_seconds must be a positive int")

    def tick(self, now: float) -> int:
        """The number of the interval ``now`` (Unix seconds) falls in."""
        return int(now // self.every_seconds)

    def job_id(self, tick: int) -> str:
        """The rq job id of one tick (rq allows letters, digits, '_' and '-'). It names the
        app's queue: job ids are global in a Redis database, and two apps sharing one (each
        with its own queue) must not run each other's ticks."""
        return f"schedule-{re.sub(r'[^A-Za-z0-9_-]', '-', f'{queue_name()}-{self.name}')}-{tick}"


_core_schedules: dict[str, Schedule] = {}


def schedule(name: str, func_path: str, every_seconds: int) -> Schedule:
    """Register a core periodic job (call at start-up; the same name replaces the old one).

    Plugins return ``Schedule`` objects from the ``register_schedules`` hook instead.
    """
    item = Schedule(name, func_path, every_seconds)
    _core_schedules[name] = item
    return item


def all_schedules() -> list[Schedule]:
    """The core's schedules and every loaded plugin's, first registration of a name wins."""
    found: dict[str, Schedule] = dict(_core_schedules)
    for plugin, items in get_registry().call_each("register_schedules"):
        for item in items if isinstance(items, list | tuple) else [items]:
            if not isinstance(item, Schedule):
                log.error("plugin %s returned %r from register_schedules", plugin, item)
                continue
            if item.name in found:
                log.error("schedule %r of plugin %s: the name is taken", item.name, plugin)
                continue
            found[item.name] = Schedule(item.name, item.func_path, item.every_seconds, plugin)
    return list(found.values())


def offices_with(plugin_name: str) -> list[int]:
    """Ids of the offices that have ``plugin_name`` switched on, for scheduled job functions:
    a plugin's periodic job works only for these offices."""
    return sorted(enabled_office_ids(plugin_name))


def claim_tick(item: Schedule, tick: int) -> bool:
    """True for exactly one caller per (schedule, tick), across processes and machines."""
    conn = redis_connection()
    if conn is not None:
        key = f"township:{queue_name()}:schedule:{item.name}:{tick}"
        ttl_ms = max(item.every_seconds * 2, 60) * 1000
        return bool(conn.set(key, "1", nx=True, px=ttl_ms))
    try:
        claimed = (
            db.session.execute(
                update(ScheduleState)
                .where(ScheduleState.name == item.name, ScheduleState.last_tick < tick)
                .values(last_tick=tick, last_run_at=utcnow())
            ).rowcount
            == 1
        )
        if not claimed:
            claimed = insert_ignore(
                ScheduleState,
                {"name": item.name, "last_tick": tick, "last_run_at": utcnow()},
                ["name"],
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return claimed


def run_due_schedules(now: float | None = None) -> list[str]:
    """Enqueue every schedule whose current tick nobody has claimed yet; returns their names.

    Safe to call from any number of workers (or cron runs) at once. Without Redis the jobs
    run in-process here, one after the other.
    """
    now = time.time() if now is None else now
    started = []
    for item in all_schedules():
        if item.plugin is not None and not enabled_office_ids(item.plugin):
            continue
        tick = item.tick(now)
        if not claim_tick(item, tick):
            continue
        log.info("schedule %s: tick %d", item.name, tick)
        enqueue(item.func_path, job_id=item.job_id(tick))
        started.append(item.name)
    return started


class ScheduleLoop(threading.Thread):
    """A daemon thread of ``flask worker`` that calls ``run_due_schedules`` every few seconds,
    and ``core.jobs.interruptions.recover_interrupted_jobs`` (jobs whose worker died), each
    under ``core.jobs.worker.fork_guard`` so that no work horse is forked in the middle."""

    def __init__(self, app: Flask, poll_seconds: float):
        super().__init__(name="township-schedules", daemon=True)
        self.app = app
        self.poll_seconds = poll_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        from core.jobs.interruptions import recover_interrupted_jobs
        from core.jobs.worker import fork_guard

        while not self.stopped.is_set():
            for step, what in (
                (run_due_schedules, "running due schedules"),
                (recover_interrupted_jobs, "recovering interrupted jobs"),
            ):
                with fork_guard, self.app.app_context():
                    try:
                        step()
                    except Exception:
                        log.exception("%s failed; trying again", what)
                    finally:
                        db.session.remove()
            self.stopped.wait(self.poll_seconds)

    def stop(self) -> None:
        """Ask the loop to end after its current round."""
        self.stopped.set()


def poll_seconds() -> float:
    """How often the worker looks for due schedules (``SCHEDULE_POLL_SECONDS``, default 5)."""
    return float(current_app.config.get("SCHEDULE_POLL_SECONDS", 5))
