"""Dates as the township reads them: stored in UTC, shown in Beijing time."""

from datetime import datetime

from core.auth.sessions import as_aware
from core.sla import SHANGHAI


def local_date(moment: datetime | None) -> str:
    """2026-12-01 (Beijing date); empty for None."""
    return as_aware(moment).astimezone(SHANGHAI).strftime("%Y-%m-%d") if moment else ""


def local_time(moment: datetime | None) -> str:
    """2026-12-01 09:30 (Beijing time); empty for None."""
    return as_aware(moment).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""
