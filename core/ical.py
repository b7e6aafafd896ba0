"""iCalendar feeds residents subscribe to (reception days, hearings, …): one builder.

A module hands ``ical_feed`` its events; the feed carries the product's identifiers, Beijing
time as the calendar's zone, and UIDs on the configured public host (never the request's Host
header: feeds are cached publicly).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app

from core.time import utc_now

STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")


@dataclass
class CalendarEvent:
    """One event of a feed. ``key`` is stable within the module (``hearing-42``); times are
    aware; ``status`` one of CONFIRMED, TENTATIVE, CANCELLED (a cancelled event stays in the
    feed so subscribed calendars drop it)."""

    key: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str | None = None
    url: str | None = None
    status: str = "CONFIRMED"
    sequence: int | None = None
    last_modified: datetime | None = None


def ical_feed(name: str, module: str, events: Iterable[CalendarEvent]) -> bytes:
    """An iCalendar document named ``name`` (shown by calendar apps) of ``module``'s events."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", f"-//township-admin//{module}//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "township"
    stamp = utc_now()
    for item in events:
        if item.status not in STATUSES:
            raise ValueError(f"unknown iCalendar status {item.status!r}")
        event = Event()
        event.add("uid", f"{item.key}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("status", item.status)
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        event.add("description", item.description or "")
        if item.url:
            event.add("url", item.url)
        if item.sequence is not None:
            event.add("sequence", item.sequence)
        event.add("last-modified", item.last_modified or stamp)
        cal.add_component(event)
    return cal.to_ical()
