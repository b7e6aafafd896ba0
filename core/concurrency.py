"""Optimistic locking: a save based on a stale copy of a record is refused, never merged.

Rows of a model with ``VersionedMixin`` carry a ``version`` the database counts up on every
update. A form loaded from a row carries that version; the save compares it with the row's
(``check_version``) and SQLAlchemy compares it again in the UPDATE itself, so of two people
saving the same record at the same moment exactly one wins and the other reads the core's one
message (``STALE_MESSAGE``). A post without a version is refused like a stale one.
"""

from core.errors import STALE_MESSAGE, StaleError

__all__ = ["STALE_MESSAGE", "StaleError", "check_version", "is_versioned", "posted_version"]


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
