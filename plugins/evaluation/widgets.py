"""The dashboard tiles: scores the user still owes in running campaigns, and overdue
rectification tasks of the offices in scope."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import ACTIVE_STATUSES, Case, Widget, db, utc_now
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
