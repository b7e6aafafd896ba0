"""Counting rows: the one-line ``SELECT count(*)`` and ``max(n) + 1`` every widget and rule
needs."""

from sqlalchemy import func, select

from core.extensions import db


def count_rows(model, *conditions) -> int:
    """How many rows of ``model`` meet all ``conditions`` (SQLAlchemy expressions on it)."""
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def next_number(column, *conditions) -> int:
    """One more than the largest ``column`` among the rows meeting ``conditions`` (1 for the
    first): the next item, version or question number. Unique indexes keep it unique."""
    return (db.session.scalar(select(func.max(column)).where(*conditions)) or 0) + 1
