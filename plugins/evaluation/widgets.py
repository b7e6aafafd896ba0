"""The dashboard tiles (scores the user still owes in running campaigns, overdue rectification
tasks of the offices in scope) and the supervision screen's sections."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import ACTIVE_STATUSES, Case, SupervisionSection, User, Widget, db, utc_now
from plugins.evaluation.models import OPEN, Campaign, RectificationTask
from plugins.evaluation.services import staff


def _owed(user) -> int:
    campaigns = db.session.scalars(select(Campaign).where(Campaign.status == OPEN)).all()
    return sum(
        1 for c in campaigns for _cadre, _kind, done in staff.to_score(c, user.id) if done is None
    )


def _overdue(office_ids) -> int:
    return db.session.scalar(
        select(func.count(RectificationTask.id))
        .join(Case, Case.id == RectificationTask.case_id)
        .where(
            RectificationTask.office_id.in_(list(office_ids)),
            Case.status.in_(ACTIVE_STATUSES),
            Case.due_at < utc_now(),
        )
    )


def widgets(user, office_ids) -> list[Widget]:
    """待评分 (the user's) and 逾期整改 (the offices')."""
    owed, late = _owed(user), _overdue(office_ids)
    url = url_for("evaluation_desk.index")
    return [
        Widget(
            title=_("考评待评分"),
            value=owed,
            url=url_for("evaluation_people.index"),
            tone="warn" if owed else "ok",
            note=_("您在进行中的考评里尚未评分的干部") if owed else _("无待评分"),
        ),
        Widget(
            title=_("逾期整改任务"),
            value=late,
            url=url,
            tone="alert" if late else "ok",
            note=_("群众评议整改超过期限") if late else _("整改均在期限内"),
        ),
    ]


def _overdue_by_supervisor(office_ids) -> list[list]:
    rows = db.session.execute(
        select(RectificationTask.supervisor_id, func.count(RectificationTask.id))
        .join(Case, Case.id == RectificationTask.case_id)
        .where(
            RectificationTask.office_id.in_(list(office_ids)),
            Case.status.in_(ACTIVE_STATUSES),
            Case.due_at < utc_now(),
        )
        .group_by(RectificationTask.supervisor_id)
    ).all()
    names = {u.id: u.display_name for u in db.session.scalars(select(User))} if rows else {}
    return [[names.get(uid, "—"), n] for uid, n in rows]


def supervision_sections(user, office_ids) -> list[SupervisionSection]:
    """Each running campaign's progress, and overdue rectification tasks per supervisor."""
    running = db.session.scalars(
        select(Campaign)
        .where(Campaign.status == OPEN, Campaign.office_id.in_(list(office_ids)))
        .order_by(Campaign.id)
    ).all()
    url = url_for("evaluation_desk.index")
    rows = []
    for campaign in running:
        p = staff.progress(campaign)
        rows.append(
            [
                campaign.title,
                p.residents,
                f"{p.leaders_done}/{p.leaders_expected}",
                f"{p.colleagues_done}/{p.colleagues_expected}",
            ]
        )
    return [
        SupervisionSection(
            title=_("进行中的考评"),
            headers=[_("考评活动"), _("群众评议"), _("领导评"), _("互相评")],
            rows=rows,
            url=url,
        ),
        SupervisionSection(
            title=_("逾期整改任务（按监督人员）"),
            headers=[_("监督人员"), _("件数")],
            rows=_overdue_by_supervisor(office_ids),
            url=url,
        ),
    ]
