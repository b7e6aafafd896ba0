"""Times: stored in UTC, entered and shown in the township's local time (Asia/Shanghai)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

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


def local_day(moment: datetime | None) -> date | None:
    """The local calendar day of a stored time."""
    local = to_local(moment)
    return None if local is None else local.date()


def from_local_input(value: datetime | date | None) -> datetime | None:
    """A date or time typed in a form (naive, local) as an aware UTC time.

    A bare date means that day: now when it is today, else 09:00 local (the hour does not
    matter to a limit counted in days, whose first day is the day after).
    """
    if value is None:
        return None
    if not isinstance(value, datetime):
        if value == datetime.now(LOCAL_TZ).date():
            return now()
        value = datetime.combine(value, time(9, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)


def format_local(moment: datetime | None) -> str:
    """``2026-03-05 14:30`` in local time, or an empty string."""
    local = to_local(moment)
    return "" if local is None else local.strftime("%Y-%m-%d %H:%M")


def format_day(moment: datetime | date | None) -> str:
    """``2026-03-05`` (local day of a stored time, or the date itself)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = local_day(moment)
    return moment.isoformat()
