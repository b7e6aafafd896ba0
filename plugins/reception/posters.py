"""The month's reception days for the printed notice board (公开栏海报): one poster per office
listing every day with hours, place and the leader on duty, read through the publication
gate; a cancelled day stays with its published reason."""

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.kit import (
    PosterItem,
    db,
    format_local_date,
    month_days,
    public_url,
    publish,
)
from plugins.reception.models import ReceptionDay
from plugins.reception.services.roster import leader_title


def _line(view) -> str:
    line = _(
        "%(day)s %(start)s—%(end)s，%(place)s，接待领导：%(leader)s",
        day=format_local_date(view.day, "full"),
        start=f"{view.start_time:%H:%M}",
        end=f"{view.end_time:%H:%M}",
        place=view.place,
        leader=leader_title(view.leader),
    )
    if view.is_cancelled:
        line = _("【已取消】%(s)s", s=line) + _("（原因：%(r)s）", r=view.cancel_reason or "")
    if view.note:
        line += f"（{view.note}）"
    return line


def poster_items(office_ids, month) -> list[PosterItem]:
    """One item per office that has reception days in the month (the ``poster_items``
    hook)."""
    first, last = month_days(month)
    rows = db.session.scalars(
        select(ReceptionDay)
        .where(
            ReceptionDay.office_id.in_(office_ids),
            ReceptionDay.day >= first,
            ReceptionDay.day <= last,
        )
        .options(selectinload(ReceptionDay.office), selectinload(ReceptionDay.leader))
        .order_by(ReceptionDay.day, ReceptionDay.start_time)
    )
    by_office = defaultdict(list)
    for row in rows:
        by_office[row.office_id].append(row)
    items = []
    for office_id, days in by_office.items():
        office = days[0].office
        lines = [_line(publish(row)) for row in days]
        lines.append(_("群众可来访、来信、来电，也可扫码在网上预约时段。"))
        items.append(
            PosterItem(
                key=f"days-{office_id}-{first:%Y-%m}",
                kind=_("领导接待日"),
                title=_("%(year)s年%(month)s月领导接待日安排", year=first.year, month=first.month),
                office_id=office_id,
                office_name=office.name,
                day=first,
                text="\n".join(lines),
                url=public_url("reception_public.index", office_code=office.code),
            )
        )
    return items
