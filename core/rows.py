"""Counting rows: the one-line ``SELECT count(*) … WHERE …`` every widget and rule needs."""

from sqlalchemy import func, select

from core.extensions import db


def count_rows(model, *conditions) -> int:
    """How many rows of ``model`` meet all ``conditions`` (SQLAlchemy expressions on it)."""
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
