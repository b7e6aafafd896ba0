"""The hearings' items for the notice board (公开栏海报): notices of hearings announced in the
month, minutes versions published in it, and results published in it — all read through the
publication gate."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.kit import (
    PosterItem,
    db,
    format_local_datetime,
    local_day,
    markdown_plain_text,
    month_moments,
    public_url,
    publish,
    withdrawn_clause,
)
from plugins.hearings.models import Hearing, MinutesVersion


def _hearing_url(hearing) -> str:
    return public_url(
        "hearings_public.hearing_page", office_code=hearing.office.code, hearing_id=hearing.id
    )


def _notice_text(view) -> str:
    lines = [_("议题：%(issue)s", issue=view.issue or "")]
    if view.starts_at:
        lines.append(_("时间：%(when)s", when=format_local_datetime(view.starts_at)))
    if view.venue:
        lines.append(_("地点：%(venue)s", venue=view.venue))
    if view.registration_closes_at:
        lines.append(
            _("报名截止：%(when)s", when=format_local_datetime(view.registration_closes_at))
        )
    if view.status_reason:
        lines.append(_("说明：%(reason)s", reason=view.status_reason))
    lines.append(_("欢迎群众报名旁听，可扫码在网上报名。"))
    return "\n".join(lines)


def _notices(office_ids, start, end) -> list[PosterItem]:
    rows = db.session.scalars(
        select(Hearing)
        .where(
            Hearing.office_id.in_(office_ids),
            Hearing.announced_at >= start,
            Hearing.announced_at < end,
        )
        .options(selectinload(Hearing.office))
    )
    items = []
    for row in rows:
        view = publish(row)
        items.append(
            PosterItem(
                key=f"notice-{row.id}",
                kind=_("听证公告"),
                title=view.title,
                office_id=row.office_id,
                office_name=row.office.name,
                day=local_day(row.announced_at),
                text=_notice_text(view),
                url=_hearing_url(row),
            )
        )
    return items


def _minutes(office_ids, start, end) -> list[PosterItem]:
    rows = db.session.scalars(
        select(MinutesVersion)
        .where(
            MinutesVersion.office_id.in_(office_ids),
            MinutesVersion.published_at >= start,
            MinutesVersion.published_at < end,
            withdrawn_clause(MinutesVersion),
        )
        .options(selectinload(MinutesVersion.hearing), selectinload(MinutesVersion.office))
    )
    items = []
    for row in rows:
        view = publish(row)
        text = markdown_plain_text(view.body_md)
        if view.correction_note:
            text = _("更正说明：%(note)s", note=view.correction_note) + "\n" + text
        items.append(
            PosterItem(
                key=f"minutes-{row.id}",
                kind=_("会议纪要"),
                title=_("%(title)s（第 %(n)s 版）", title=row.hearing.title, n=row.number),
                office_id=row.office_id,
                office_name=row.office.name,
                day=local_day(row.published_at),
                text=text,
                url=public_url(
                    "hearings_public.minutes_version",
                    office_code=row.office.code,
                    hearing_id=row.hearing_id,
                    number=row.number,
                ),
            )
        )
    return items


def _results(office_ids, start, end) -> list[PosterItem]:
    rows = db.session.scalars(
        select(Hearing)
        .where(
            Hearing.office_id.in_(office_ids),
            Hearing.results_published_at >= start,
            Hearing.results_published_at < end,
        )
        .options(selectinload(Hearing.office))
    )
    return [
        PosterItem(
            key=f"results-{row.id}",
            kind=_("听证结果"),
            title=publish(row).title,
            office_id=row.office_id,
            office_name=row.office.name,
            day=local_day(row.results_published_at),
            text=publish(row).results_summary or "",
            url=_hearing_url(row),
        )
        for row in rows
        if row.is_public
    ]


def poster_items(office_ids, month) -> list[PosterItem]:
    """The month's hearing notices, published minutes and results of these offices (the
    ``poster_items`` hook)."""
    start, end = month_moments(month)
    return (
        _notices(office_ids, start, end)
        + _minutes(office_ids, start, end)
        + _results(office_ids, start, end)
    )
