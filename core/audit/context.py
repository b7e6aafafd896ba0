"""Who is acting, from where: the context every audit entry is stamped with."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import click
from flask import g, has_request_context, request


@dataclass(frozen=True)
class Actor:
    """The actor of an entry: a staff account, a named job, "resident", or the command line."""

    id: int | None
    name: str | None


_acting_as: ContextVar[Actor | None] = ContextVar("audit_acting_as", default=None)
_capture_suspended: ContextVar[bool] = ContextVar("audit_capture_suspended", default=False)
_archive_deletion: ContextVar[bool] = ContextVar("audit_archive_deletion", default=False)


@contextmanager
def acting_as(name: str, user_id: int | None = None) -> Iterator[None]:
    """Attribute every change made inside the block to ``name``.

    Jobs use ``acting_as("job:sla_sweep")`` (with ``user_id`` when a staff member started
    the job); public forms use ``acting_as("resident")``. It wins over the logged-in user.
    """
    token = _acting_as.set(Actor(user_id, name[:64]))
    try:
        yield
    finally:
        _acting_as.reset(token)


@contextmanager
def capture_suspended_for_benchmark() -> Iterator[None]:
    """Switch row-change capture off inside the block. For ``bench/audit_bench.py`` only.

    The product never calls it: it exists so the benchmark can time the same updates with
    and without auditing in one process. Explicit events (``record_event``) still record.
    """
    token = _capture_suspended.set(True)
    try:
        yield
    finally:
        _capture_suspended.reset(token)


def capture_suspended() -> bool:
    """True inside ``capture_suspended_for_benchmark()``."""
    return _capture_suspended.get()


@contextmanager
def archive_deletion() -> Iterator[None]:
    """Let the ORM guard pass a DELETE of audit rows. Used by ``core.audit.archive`` only,
    around the one statement that removes rows already copied to a checked archive file."""
    token = _archive_deletion.set(True)
    try:
        yield
    finally:
        _archive_deletion.reset(token)


def archive_deletion_allowed() -> bool:
    """True inside ``archive_deletion()``."""
    return _archive_deletion.get()


def current_actor(explicit_name: str | None = None) -> Actor:
    """The actor of a change made now.

    Order: ``acting_as``; ``explicit_name`` (record_event's ``actor_name``); the logged-in
    user; "anonymous" in a request without one; the running ``flask`` command
    ("cli:audit archive"); else "system".
    """
    forced = _acting_as.get()
    if forced is not None:
        return forced
    if explicit_name:
        return Actor(None, explicit_name[:64])
    if has_request_context():
        from flask_login import current_user

        user = current_user._get_current_object() if current_user else None
        if user is not None and user.is_authenticated:
            return Actor(user.id, user.username)
        # Public forms say acting_as("resident"); anything else unauthenticated is named so.
        return Actor(None, "anonymous")
    click_ctx = click.get_current_context(silent=True)
    if click_ctx is not None:
        return Actor(None, ("cli:" + " ".join(click_ctx.command_path.split()[1:]))[:64])
    return Actor(None, "system")


def request_origin() -> tuple[str | None, str | None]:
    """(IP address, request id) of the current request, or (None, None) outside one."""
    if not has_request_context():
        return None, None
    return request.remote_addr, getattr(g, "request_id", None)
