"""Optimistic locking: a save based on a stale copy of a record is refused, never merged.

Rows of a model with ``VersionedMixin`` carry a ``version`` the database counts up on every
update. A form loaded from a row carries that version; the save compares it with the row's
(``check_version``) and SQLAlchemy compares it again in the UPDATE itself, so of two people
saving the same record at the same moment exactly one wins and the other reads the core's one
message (``STALE_MESSAGE``). A post without a version is refused like a stale one.
"""

from sqlalchemy import select, update

from core.errors import STALE_MESSAGE, StaleError
from core.extensions import db

__all__ = [
    "STALE_MESSAGE",
    "StaleError",
    "check_version",
    "is_versioned",
    "lock_row",
    "posted_version",
]


def is_versioned(model) -> bool:
    """Whether rows of ``model`` (a class or a row) carry an optimistic-locking version."""
    mapper = getattr(model, "__mapper__", None)
    return mapper is not None and mapper.version_id_col is not None


def posted_version(raw) -> int | None:
    """The version a form posted, as an int; None when missing or not a number."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**31 else None


def check_version(row, posted) -> None:
    """Raise StaleError unless ``posted`` (what the form carried) is ``row``'s current version."""
    if posted_version(posted) != row.version:
        raise StaleError()


def lock_row(model, row_id: int, counter: str):
    """Lock ``model``'s row ``row_id`` for the rest of the transaction and return it freshly
    loaded (None when there is none), so that two transactions counting places under it run
    one after the other: ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite an UPDATE counting
    up the row's integer column ``counter``, which takes the database write lock first."""
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.scalar(
            select(model)
            .where(model.id == row_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    table = model.__table__
    db.session.execute(
        update(table).where(table.c.id == row_id).values({counter: table.c[counter] + 1})
    )
    return db.session.get(model, row_id, populate_existing=True)
