"""The disclosure module on the dashboard (open topics, two cheap queries) and its table on the
core's supervision screen (督办): per office, the topics still open and overdue, this year's
answered and declined topics, and the items on the board now."""

from datetime import date, time

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import (
    Case,
    Office,
    SupervisionSection,
    Widget,
    count_rows,
    db,
    local_datetime,
    local_today,
    utc_now,
    withdrawn_clause,
)
from plugins.disclosure.models import DisclosureItem, DisclosureTopic, TopicStatus


def widgets(user, office_ids) -> list[Widget]:
    """Open topics, red when some are past their case's deadline."""
    open_here = (
        DisclosureTopic.office_id.in_(list(office_ids)),
        DisclosureTopic.status == TopicStatus.OPEN,
    )
    waiting = count_rows(DisclosureTopic, *open_here)
    overdue = (
        db.session.scalar(
            select(func.count())
            .select_from(DisclosureTopic)
            .join(Case, Case.id == DisclosureTopic.case_id)
            .where(*open_here, Case.due_at < utc_now())
        )
        or 0
    )
    return [
        Widget(
            title=_("待答复的点题"),
            value=waiting,
            url=url_for("disclosure_desk.index"),
            tone="alert" if overdue else ("warn" if waiting else "ok"),
            note=_("其中已超期 %(n)d 件", n=overdue) if overdue else "",
        )
    ]


def _by_office(query) -> dict[int, int]:
    return dict(db.session.execute(query).all())


def supervision_sections(user, office_ids) -> list[SupervisionSection]:
    """One table, one row per office (four aggregate queries)."""
    ids = list(office_ids)
    now = utc_now()
    year = local_today(now).year
    year_start = local_datetime(date(year, 1, 1), time(0, 0))
    topic_office = DisclosureTopic.office_id
    open_ = _by_office(
        select(topic_office, func.count())
        .where(topic_office.in_(ids), DisclosureTopic.status == TopicStatus.OPEN)
        .group_by(topic_office)
    )
    overdue = _by_office(
        select(topic_office, func.count())
        .join(Case, Case.id == DisclosureTopic.case_id)
        .where(topic_office.in_(ids), DisclosureTopic.status == TopicStatus.OPEN, Case.due_at < now)
        .group_by(topic_office)
    )
    finished = {}
    for office_id, status, count in db.session.execute(
        select(topic_office, DisclosureTopic.status, func.count())
        .where(topic_office.in_(ids), DisclosureTopic.answered_at >= year_start)
        .group_by(topic_office, DisclosureTopic.status)
    ).all():
        finished[(office_id, TopicStatus(status))] = count
    items = _by_office(
        select(DisclosureItem.office_id, func.count())
        .where(
            DisclosureItem.office_id.in_(ids),
            DisclosureItem.published_at.is_not(None),
            withdrawn_clause(DisclosureItem),
        )
        .group_by(DisclosureItem.office_id)
    )
    offices = db.session.scalars(
        select(Office).where(Office.id.in_(ids)).order_by(Office.sort_order, Office.code)
    ).all()
    rows = [
        [
            o.name,
            open_.get(o.id, 0),
            overdue.get(o.id, 0),
            finished.get((o.id, TopicStatus.ANSWERED), 0),
            finished.get((o.id, TopicStatus.DECLINED), 0),
            items.get(o.id, 0),
        ]
        for o in offices
    ]
    return [
        SupervisionSection(
            title=_("政务村务公开（%(year)d 年）", year=year),
            headers=[
                _("单位"),
                _("待答复点题"),
                _("超期"),
                _("本年已公开"),
                _("本年不予公开"),
                _("公开栏事项"),
            ],
            rows=rows,
            url=url_for("disclosure_desk.index"),
            note=_("待答复、超期和公开栏事项为当前数；已公开、不予公开按本年办结计算。"),
        )
    ]
