"""Dates as the township reads them: stored in UTC, shown in Beijing time."""

from datetime import datetime

from core.kit import LOCAL_ZONE, as_utc


def local_date(moment: datetime | None) -> str:
    """2026-12-01 (Beijing date); empty for None."""
    return as_utc(moment).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d") if moment else ""


def local_time(moment: datetime | None) -> str:
    """2026-12-01 09:30 (Beijing time); empty for None."""
    return as_utc(moment).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M") if moment else ""
