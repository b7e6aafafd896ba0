"""Rectification (限期整改) of problems residents raised, and the supervision group's duty.

When a campaign closes, every resident's evaluation that is not 满意 and carries a comment
becomes a rectification task: a core case of the category "evaluation_rectification" (15
working days on the official calendar, computed by the core's deadline engine) at the cadre's
office, handled by the cadre. Each task has a supervisor of record, taken in turn from the
campaign's supervision group. The supervisor records their follow-up (督办). A task still open
after its deadline is attributed to its handler and — when its supervisor never followed it up
(由于监督不力) — to the supervisor of record as well (追究监督人员责任); the attribution is
written to the audit log. Closing the case is the task's closure, counted in the organiser's
next campaign (``results.rectification_figures``).
"""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.kit import (
    ACTIVE_STATUSES,
    Case,
    CategorySpec,
    Limit,
    LimitUnit,
    db,
    open_case,
    record_event,
    utc_now,
)
from plugins.evaluation.errors import EvaluationError
from plugins.evaluation.models import Campaign, RectificationTask, ResidentEvaluation
from plugins.evaluation.services.residents import SATISFIED

CATEGORY = "evaluation_rectification"
SOURCE_TYPE = "evaluation_task"
LIMIT = Limit(15, LimitUnit.WORKING_DAYS)


def categories() -> list:
    """The case category of rectification tasks, with its time limit."""
    return [CategorySpec(CATEGORY, _l("群众评议整改"), LIMIT)]


def raise_tasks(campaign: Campaign, actor_id: int | None) -> list[RectificationTask]:
    """One task (a core case) per problem residents raised in the campaign's comments."""
    rows = db.session.scalars(
        select(ResidentEvaluation)
        .where(
            ResidentEvaluation.campaign_id == campaign.id,
            ResidentEvaluation.comment.is_not(None),
            ResidentEvaluation.grade_code != SATISFIED,
        )
        .order_by(ResidentEvaluation.id)
    ).all()
    supervisors = [s.user_id for s in campaign.supervisors]
    tasks = []
    for i, evaluation in enumerate(rows):
        cadre = evaluation.cadre
        case = open_case(
            office_id=cadre.office_id,
            category=CATEGORY,
            channel="online",
            subject=_("群众评议整改：%(title)s", title=campaign.title)[:200],
            content=evaluation.comment or "",
            handler_id=cadre.user_id,
            source_type=SOURCE_TYPE,
            source_id=str(evaluation.id),
        )
        db.session.flush()
        task = RectificationTask(
            campaign_id=campaign.id,
            cadre_id=cadre.id,
            office_id=cadre.office_id,
            evaluation_id=evaluation.id,
            case_id=case.id,
            supervisor_id=supervisors[i % len(supervisors)] if supervisors else None,
        )
        db.session.add(task)
        tasks.append(task)
    db.session.flush()
    return tasks


def follow_up(task: RectificationTask, user_id: int, note: str | None) -> RectificationTask:
    """The supervisor of record records their follow-up (督办) of a task."""
    if task.supervisor_id != user_id:
        raise EvaluationError(_("只有该整改任务的监督人员可以登记督办。"))
    text = (note or "").strip()
    if not text or len(text) > 1000:
        raise EvaluationError(_("请填写督办情况（不超过 1000 字）。"))
    task.followed_up_at, task.follow_up_note = utc_now(), text
    return task


def is_overdue(task: RectificationTask, now: datetime | None = None) -> bool:
    """True when the task's case is still being handled after its deadline."""
    case = task.case
    return case.status in ACTIVE_STATUSES and case.due_at < (now or utc_now())


def attribute_overdue(now: datetime | None = None) -> list[RectificationTask]:
    """Attribute every newly overdue task to its handler, and to its supervisor of record when
    it was never followed up; each attribution goes to the audit log. The caller commits."""
    now = now or utc_now()
    rows = db.session.scalars(
        select(RectificationTask)
        .join(Case, Case.id == RectificationTask.case_id)
        .where(
            RectificationTask.attributed_at.is_(None),
            Case.status.in_(ACTIVE_STATUSES),
            Case.due_at < now,
        )
    ).all()
    for task in rows:
        task.attributed_at = now
        task.attributed_handler_id = task.case.handler_id
        unsupervised = task.followed_up_at is None or task.followed_up_at > task.case.due_at
        task.attributed_supervisor_id = task.supervisor_id if unsupervised else None
        record_event(
            "evaluation.overdue",
            office_id=task.office_id,
            target_type="evaluation_rectification",
            target_id=task.id,
            details={
                "case_id": task.case_id,
                "handler_id": task.attributed_handler_id,
                "supervisor_id": task.attributed_supervisor_id,
            },
        )
    db.session.flush()
    return rows


def tasks_of(campaign_ids, office_ids=None) -> list[RectificationTask]:
    """Rectification tasks of the campaigns (optionally at some offices), newest first."""
    query = select(RectificationTask).where(RectificationTask.campaign_id.in_(list(campaign_ids)))
    if office_ids is not None:
        query = query.where(RectificationTask.office_id.in_(list(office_ids)))
    return list(db.session.scalars(query.order_by(RectificationTask.id.desc())))
