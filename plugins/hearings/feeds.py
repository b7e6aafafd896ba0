"""Feeds: iCalendar of an office's hearings (the kit's ``ical_feed``), Atom of published minutes (feedgen).

Both take published views (``core.publication.publish``) only, never rows: every text in a
feed is what the gate lets residents see. Feeds are cached publicly, so their absolute URLs
come from the configured public base URL (``public_url``), never the request's Host header.
"""

from datetime import timedelta

from feedgen.feed import FeedGenerator
from flask_babel import gettext as _

from core.kit import CalendarEvent, format_local_date, ical_feed, utc_now
from plugins.hearings.minutes import published_html
from plugins.hearings.models import HearingStatus


def ical(office, hearings, url_of) -> bytes:
    """An iCalendar document with one event per public hearing of ``office`` (published
    views of the office and the hearings)."""
    return ical_feed(
        _("%(office)s 听证质询", office=office.name),
        "hearings",
        (_event(hearing, url_of(hearing)) for hearing in hearings),
    )


def _event(hearing, url: str) -> CalendarEvent:
    summary = f"{hearing.kind.label}：{hearing.title}"
    status = "CONFIRMED"
    if hearing.status == HearingStatus.CANCELLED:
        status, summary = "CANCELLED", _("【已取消】%(s)s", s=summary)
    elif hearing.status == HearingStatus.POSTPONED:
        status, summary = "TENTATIVE", _("【已延期】%(s)s", s=summary)
    description = hearing.issue or ""
    if hearing.status_reason:
        description = _("原因：%(r)s", r=hearing.status_reason) + "\n\n" + description
    return CalendarEvent(
        key=f"hearing-{hearing.id}",
        start=hearing.starts_at,
        end=hearing.ends_at or hearing.starts_at + timedelta(hours=2),
        summary=summary,
        description=description,
        location=hearing.venue or None,
        url=url,
        status=status,
        sequence=hearing.version or 0,
        last_modified=hearing.updated_at,
    )


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
    fg.updated(
        max(
            (v.withdrawal.withdrawn_at if v.withdrawn else v.published_at for v, _h in rows),
            default=utc_now(),
        )
    )
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
