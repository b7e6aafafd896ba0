"""Times: stored in UTC, shown and entered in the township's local time (Asia/Shanghai)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_time

from core.kit import as_utc, utcnow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def aware(moment: datetime | None) -> datetime | None:
    """``moment`` with UTC attached when the database returned it naive (SQLite)."""
    return None if moment is None else as_utc(moment)


def now() -> datetime:
    """The current time, aware, UTC."""
    return utcnow()


def to_local(moment: datetime | None) -> datetime | None:
    """A stored time in local time."""
    return None if moment is None else as_utc(moment).astimezone(LOCAL_TZ)


def from_local_input(moment: datetime | None) -> datetime | None:
    """A time typed in a form (naive, local) as an aware UTC time."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(UTC)


def local_naive(moment: datetime | None) -> datetime | None:
    """A stored time as naive local time, for pre-filling a form."""
    local = to_local(moment)
    return None if local is None else local.replace(tzinfo=None)


def format_local(moment: datetime | None, with_weekday: bool = True) -> str:
    """The date (with weekday) and time in local time, in the reader's language."""
    local = to_local(moment)
    if local is None:
        return ""
    day = format_date(local.date(), "full" if with_weekday else "long")
    return f"{day} {format_time(local, 'HH:mm', rebase=False)}"


def format_local_date(moment) -> str:
    """The date in the reader's language, for a date or a stored time."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = to_local(moment).date()
    return format_date(moment, "long")
