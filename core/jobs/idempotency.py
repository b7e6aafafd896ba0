"""Doing a piece of work at most once, however often a job is retried."""

from sqlalchemy.dialects import postgresql, sqlite

from core.extensions import db
from core.jobs.models import JobRun


def insert_ignore(model, values: dict, conflict_columns: list[str]) -> bool:
    """INSERT a row unless one with the same ``conflict_columns`` exists; True if inserted.

    Atomic on SQLite and PostgreSQL (``ON CONFLICT DO NOTHING``): two jobs racing for the
    same key never both get True. Runs in the current session's transaction.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        insert = postgresql.insert
    elif dialect == "sqlite":
        insert = sqlite.insert
    else:
        raise RuntimeError(f"insert_ignore does not support the {dialect} database")
    table = model.__table__
    # RETURNING, not rowcount: PostgreSQL reports -1 for this statement's rowcount.
    stmt = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict_columns)
        .returning(*table.primary_key.columns)
    )
    return db.session.connection().execute(stmt).first() is not None


def claim_once(name: str, key: str) -> bool:
    """Claim the piece of work ``(name, key)``; True the first time, False ever after.

    The rule for job authors: claim in the same transaction as the work, then commit both
    together. A job killed before its commit leaves no claim, so its retry does the work; a
    retry after the commit gets False and skips it::

        if claim_once("cases.reminder", f"{case.id}:{case.due_at:%Y-%m-%d}"):
            notify(case.handler_id, ...)
        db.session.commit()
    """
    if len(name) > 100 or len(key) > 200:
        raise ValueError("claim_once: name is at most 100 and key at most 200 characters")
    return insert_ignore(JobRun, {"name": name, "key": key}, ["name", "key"])
