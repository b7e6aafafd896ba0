"""Time as the township keeps it: stored in UTC, read and typed in Beijing time.

One module for the whole product (core and plugins). Stored times come back from the database
aware, in UTC, on every engine (the ``UTCDateTime`` column type sees to it), so nothing else
needs to "make a datetime aware". What a person reads is Beijing time: ``format_local`` to the
minute and ``format_day`` to the day on staff screens, ``format_local_date`` in words on
residents' pages.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
MINUTE_FORMAT = "%Y-%m-%d %H:%M"
SECOND_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


def utc_now() -> datetime:
    """The current time, aware, in UTC: the form every stored time has."""
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """``moment`` as an aware UTC time; a naive value is taken to be UTC already."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_local(moment: datetime | None) -> datetime | None:
    """A stored (UTC) time in Beijing time; a naive value is taken to be UTC."""
    return None if moment is None else as_utc(moment).astimezone(LOCAL_ZONE)


def local_today(moment: datetime | None = None) -> date:
    """The Beijing calendar day of ``moment`` (default: now)."""
    return to_local(moment or utc_now()).date()


def local_day(moment: datetime | date | None) -> date | None:
    """The Beijing calendar day of a stored time (a date is returned as it is)."""
    if moment is None or not isinstance(moment, datetime):
        return moment
    return to_local(moment).date()


def local_datetime(day: date, at: time) -> datetime:
    """A Beijing date and time of day as an aware datetime."""
    return datetime.combine(day, at, tzinfo=LOCAL_ZONE)


def from_local_input(value: datetime | date | None, *, day_time: time | None = None):
    """What a person typed (a naive Beijing time) as an aware UTC time, ready to store.

    An aware value is converted as it is. A bare date becomes ``day_time`` on that day (default
    midnight); with ``day_time`` None and the date today, it becomes now.
    """
    if value is None:
        return None
    if not isinstance(value, datetime):
        if day_time is None and value == local_today():
            return utc_now()
        value = datetime.combine(value, day_time or time(0, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_ZONE)
    return value.astimezone(UTC)


def local_naive(moment: datetime | None) -> datetime | None:
    """A stored time as a naive Beijing time, to pre-fill a form field."""
    local = to_local(moment)
    return None if local is None else local.replace(tzinfo=None)


def format_local(value, seconds: bool = False) -> str:
    """A stored time as a person reads it on a staff screen: ``2026-12-18 09:00`` Beijing time.

    Dates stay dates (``2026-12-18``); None is empty; anything else is shown as it is.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_local(value).strftime(SECOND_FORMAT if seconds else MINUTE_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return str(value)


def format_day(value) -> str:
    """The Beijing day of a stored time (or a date) as a staff screen writes it:
    ``2026-12-18``; None is empty."""
    return format_local(local_day(value))


def format_local_date(value, style: str = "long") -> str:
    """The Beijing date of a stored time (or a date) in the reader's language
    (``2026年12月18日``; ``style="full"`` adds the weekday)."""
    from flask_babel import format_date

    day = local_day(value)
    return "" if day is None else format_date(day, style)


def format_local_datetime(moment: datetime | None, with_weekday: bool = True) -> str:
    """Date (with weekday) and time in Beijing time, in the reader's language
    (``2026年12月18日星期五 09:00``)."""
    from flask_babel import format_date

    local = to_local(moment)
    if local is None:
        return ""
    return f"{format_date(local.date(), 'full' if with_weekday else 'long')} {local:%H:%M}"


def format_hours(start: time, end: time) -> str:
    """Opening hours: ``08:30–11:30``."""
    return f"{start:%H:%M}–{end:%H:%M}"
