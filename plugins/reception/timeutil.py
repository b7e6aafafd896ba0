"""Times: stored in UTC; reception days, hours and dates are the township's local time."""

from datetime import UTC, date, datetime, time

from flask_babel import format_date

from core.kit import LOCAL_ZONE, as_utc, utcnow

LOCAL_TZ = LOCAL_ZONE


def aware(moment: datetime | None) -> datetime | None:
    """``moment`` with UTC attached when the database returned it naive (SQLite)."""
    return None if moment is None else as_utc(moment)


def to_utc(moment: datetime) -> datetime:
    """An aware UTC time, the form stored (SQLite keeps only the wall time, so a local time
    stored as it is would read back eight hours off)."""
    return aware(moment).astimezone(UTC)


def now() -> datetime:
    """The current time, aware, UTC."""
    return utcnow()


def today(moment: datetime | None = None) -> date:
    """The local (Beijing) date of ``moment`` (default: now)."""
    return aware(moment or utcnow()).astimezone(LOCAL_TZ).date()


def local_datetime(day: date, at: time) -> datetime:
    """A local date and time of day as an aware datetime."""
    return datetime.combine(day, at, tzinfo=LOCAL_TZ)


def to_local(moment: datetime | None) -> datetime | None:
    """A stored time in local time."""
    return None if moment is None else aware(moment).astimezone(LOCAL_TZ)


def format_day(day: date | None) -> str:
    """The date with its weekday, in the reader's language (2026年12月1日星期二)."""
    return format_date(day, "full") if day else ""


def format_local(moment: datetime | None) -> str:
    """2026-12-01 09:30 (Beijing time); empty for None."""
    local = to_local(moment)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def format_hours(start: time, end: time) -> str:
    """08:30–11:30."""
    return f"{start:%H:%M}–{end:%H:%M}"
