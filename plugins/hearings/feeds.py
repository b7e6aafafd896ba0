"""Feeds: iCalendar of an office's hearings (icalendar), Atom of published minutes (feedgen).

Both take published views (``core.publication.publish``) only, never rows: every text in a
feed is what the gate lets residents see. Feeds are cached publicly, so their absolute URLs
come from the configured public base URL (``public_url``), never the request's Host header.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from core.kit import format_local_date, utc_now
from plugins.hearings.minutes import published_html
from plugins.hearings.models import HearingStatus


def ical(office, hearings, url_of) -> bytes:
    """An iCalendar document with one event per public hearing of ``office`` (published
    views of the office and the hearings)."""
    cal = Calendar()
    cal.add("prodid", "-//township-admin//hearings//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("%(office)s 听证质询", office=office.name))
    cal.add("x-wr-timezone", "Asia/Shanghai")
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "township"
    stamp = utc_now()
    for hearing in hearings:
        event = Event()
        event.add("uid", f"hearing-{hearing.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", hearing.starts_at)
        event.add("dtend", hearing.ends_at or hearing.starts_at + timedelta(hours=2))
        summary = f"{hearing.kind.label}：{hearing.title}"
        if hearing.status == HearingStatus.CANCELLED:
            event.add("status", "CANCELLED")
            summary = _("【已取消】%(s)s", s=summary)
        elif hearing.status == HearingStatus.POSTPONED:
            event.add("status", "TENTATIVE")
            summary = _("【已延期】%(s)s", s=summary)
        else:
            event.add("status", "CONFIRMED")
        event.add("summary", summary)
        if hearing.venue:
            event.add("location", hearing.venue)
        description = hearing.issue or ""
        if hearing.status_reason:
            description = _("原因：%(r)s", r=hearing.status_reason) + "\n\n" + description
        event.add("description", description)
        event.add("url", url_of(hearing))
        event.add("sequence", hearing.version or 0)
        event.add("last-modified", hearing.updated_at or stamp)
        cal.add_component(event)
    return cal.to_ical()


def atom(office, rows, self_url: str, alternate_url: str, url_of) -> bytes:
    """An Atom feed with one entry per published version of minutes (newest first), from
    published (version, hearing) views; a withdrawn version keeps only its notice."""
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(_("%(office)s 听证质询会议纪要", office=office.name))
    fg.language("zh-CN")
    fg.link(href=self_url, rel="self")
    fg.link(href=alternate_url, rel="alternate")
    fg.author({"name": office.name})
    fg.updated(max((v.withdrawal.withdrawn_at if v.withdrawn else v.published_at
                    for v, _h in rows), default=utc_now()))
    for version, hearing in reversed(rows):  # feedgen prepends each added entry
        entry = fg.add_entry()
        link = url_of(hearing, version)
        entry.id(link)
        title = _("%(title)s 会议纪要", title=hearing.title)
        if version.number > 1:
            title += _("（第 %(n)d 版更正）", n=version.number)
        entry.title(title)
        entry.link(href=link)
        entry.published(version.published_at)
        if version.withdrawn:
            withdrawn_at = version.withdrawal.withdrawn_at
            notice = _("已撤回（%(date)s）", date=format_local_date(withdrawn_at))
            entry.title(title + " · " + notice)
            entry.updated(withdrawn_at)
            entry.content(notice, type="text")
            continue
        entry.updated(version.published_at)
        if version.correction_note:
            entry.summary(_("更正说明：%(note)s", note=version.correction_note))
        entry.content(published_html(version.body_md), type="html")
    return fg.atom_str(pretty=False)
