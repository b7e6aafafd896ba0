"""How times, colours and borrowers read on the staff screens and the register."""

from datetime import UTC, datetime

from core.kit import as_local

BADGES = {"green": "badge-success", "yellow": "badge-warning", "red": "badge-danger"}


def local_time(moment: datetime | None) -> str:
    """A stored time as Beijing time, 2025-10-09 14:30."""
    return "" if moment is None else as_local(moment).strftime("%Y-%m-%d %H:%M")


def local_date(moment: datetime | None) -> str:
    """A stored time as its Beijing date, 2025-10-09."""
    return "" if moment is None else as_local(moment).strftime("%Y-%m-%d")


def badge_class(colour: str | None) -> str:
    """The Bootstrap badge class of a supervision colour."""
    return BADGES.get(colour or "", "badge-secondary")


def to_utc(moment: datetime) -> datetime:
    """An aware UTC time (naive values are taken as UTC): what every column stores, since
    SQLite keeps the wall time without its zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
