"""The training module's dashboard tiles."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from core.kit import Widget, db, local_today
from plugins.training.models import SelfStudyLog, TrainingPerson
from plugins.training.rules import meets_min, resolve_rules


def widgets(user, office_ids) -> list[Widget]:
    """ "本月自学达到要求" (reached / people) and, for a cadre, "我本月自学学时".

    One aggregate over this month's logs plus the settings lookup.
    """
    today = local_today()
    start = today.replace(day=1)
    ids = sorted(office_ids)
    rows = db.session.execute(
        select(
            TrainingPerson.id,
            TrainingPerson.office_id,
            TrainingPerson.user_id,
            func.coalesce(func.sum(SelfStudyLog.hours), 0.0),
        )
        .outerjoin(
            SelfStudyLog,
            and_(
                SelfStudyLog.person_id == TrainingPerson.id,
                SelfStudyLog.studied_on.between(start, today),
            ),
        )
        .where(TrainingPerson.active, TrainingPerson.office_id.in_(ids))
        .group_by(TrainingPerson.id, TrainingPerson.office_id, TrainingPerson.user_id)
    ).all()
    if not rows:
        return []
    rules = resolve_rules(ids)
    reached = sum(
        1
        for _pid, office_id, _uid, hours in rows
        if meets_min(hours, rules[office_id].self_study_hours_min)
    )
    widgets = [
        Widget(
            title=_("本月自学达到要求"),
            value=f"{reached} / {len(rows)}",
            url=url_for("training_compliance.index", year=today.year, month=today.month),
            tone="ok" if reached == len(rows) else "info",
            note=_("截至 %(day)s", day=today.isoformat()),
        )
    ]
    mine = next((r for r in rows if r[2] == user.id), None)
    if mine is not None:
        minimum = rules[mine[1]].self_study_hours_min
        widgets.append(
            Widget(
                title=_("我本月自学学时"),
                value=f"{float(mine[3]):g}",
                url=url_for("training_compliance.person", person_id=mine[0]),
                tone="ok" if meets_min(mine[3], minimum) else "warn",
                note=_("每月要求 %(h)s 课时", h=format(minimum, "g")),
            )
        )
    return widgets
