"""The iCalendar feed of an office's reception days (``icalendar``).

Each reception day is one event in Beijing time; a cancelled day stays in the feed with
STATUS:CANCELLED so that subscribed calendars drop it, and its published reason. The feed is
built from published views of the days (``core.publication.publish_many``): the place, note and
reason masked as on the pages; the UIDs and URLs use the configured public base URL, never the
request's Host header (the feed is publicly cached).
"""

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from core.kit import local_datetime, utc_now


def leader_title(user) -> str:
    """钱镇长（镇长）: the name with the post, as residents see it."""
    if not user.post:
        return user.display_name
    return _("%(name)s（%(post)s）", name=user.display_name, post=user.post)


def ical(office, days, url_of) -> bytes:
    """An iCalendar document with one event per reception day of ``office``; ``days`` are
    published views, ``url_of(day)`` gives a day page's absolute public URL."""
    cal = Calendar()
    cal.add("prodid", "-//township-admin//reception//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("%(office)s 领导接待日", office=office.name))
    cal.add("x-wr-timezone", "Asia/Shanghai")
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "township"
    stamp = utc_now()
    for day in days:
        event = Event()
        event.add("uid", f"reception-day-{day.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", local_datetime(day.day, day.start_time))
        event.add("dtend", local_datetime(day.day, day.end_time))
        summary = _("领导接待日：%(leader)s", leader=leader_title(day.leader))
        description = _("群众可来访、来信、来电，也可在网上预约时段。")
        if day.is_cancelled:
            event.add("status", "CANCELLED")
            summary = _("【已取消】%(s)s", s=summary)
            description = _("取消原因：%(r)s", r=day.cancel_reason or "")
        else:
            event.add("status", "CONFIRMED")
        if day.nominal_day:
            description += "\n" + _("原定 %(d)s，因法定节假日顺延。", d=day.nominal_day.isoformat())
        if day.note:
            description += "\n" + day.note
        event.add("summary", summary)
        event.add("location", day.place)
        event.add("description", description)
        event.add("url", url_of(day))
        event.add("last-modified", day.updated_at or stamp)
        cal.add_component(event)
    return cal.to_ical()
