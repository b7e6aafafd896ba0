"""Finishing a case (办结, 归档) and what residents do after: rating, rectification, appeal."""

from datetime import datetime

from core import permissions
from core.cases import receipts
from core.cases.models import (
    FINISHED_STATUSES,
    AppealReason,
    Case,
    CaseStatus,
    FollowUpCall,
    Grade,
    Rating,
    RatingAppeal,
    Rectification,
)
from core.cases.services.access import (
    _require_act,
    _require_active,
    _require_leader,
    _require_not_paused,
    is_leader_for,
)
from core.cases.services.common import (
    _FUTURE_SLACK,
    RESIDENT,
    CaseError,
    _case_url,
    _check_version,
    _config,
    _event,
    _leaders_for,
    _notify,
    _office_staff,
    _text,
    _user,
    t,
)
from core.cases.services.deadlines import _clear_step
from core.extensions import db
from core.models import Role, User, utcnow
from core.sla import Colour, Limit, LimitUnit, compute_due
from core.time import as_utc, from_local_input


def close_case(case: Case, *, outcome: str, actor_id: int | None, expected_version=None) -> None:
    """办结: record the outcome; the resident may now rate it. Calls the ``case_closed`` hook
    so the plugin the case came from can publish the outcome."""
    from core.plugins import get_registry

    actor = _user(actor_id)
    _check_version(case, expected_version)
    _require_active(case)
    _require_not_paused(case)
    _require_act(actor, case)
    outcome = _text(outcome, t("请填写办理结果。"), 5000)
    now = utcnow()
    case.status = CaseStatus.RESOLVED
    case.outcome = outcome
    case.closed_at = now
    if case.handler_id is None and actor is not None:
        case.handler_id = actor.id
    _clear_step(case)
    late = now > case.due_at
    case.swept_colour = Colour.CLOSED.value
    _event(case, "resolved", actor, outcome, data={"overdue": late})
    get_registry().call_each("case_closed", case=case)


def archive_case(
    case: Case, *, actor_id: int | None, note: str | None = None, expected_version=None
) -> None:
    """归档: file a resolved case (a rating, if any, and any rectification are done)."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    if case.status != CaseStatus.RESOLVED:
        raise CaseError(t("只有已办结的案件可以归档。"))
    _require_act(actor, case)
    rectification = case.rating.rectification if case.rating else None
    if rectification is not None and rectification.status in ("open", "done"):
        raise CaseError(t("整改和回访完成之前不能归档。"))
    case.status = CaseStatus.CLOSED
    case.archived_at = utcnow()
    _event(case, "archived", actor, (note or "").strip() or None)


def rate_case(case: Case, *, grade: str, comment: str | None = None) -> Rating:
    """The resident's one rating of a resolved case. 不满意 or worse opens a rectification
    for the office head with its own deadline (default 15 working days)."""
    if case.status not in FINISHED_STATUSES:
        raise CaseError(t("该事项尚未办结，办结后才能评价。"))
    if case.rating is not None:
        raise CaseError(t("该事项已经评价过了，每件事项只能评价一次。"))
    try:
        grade_value = Grade(grade)
    except ValueError:
        raise CaseError(t("请选择评价等级。")) from None
    comment = (comment or "").strip() or None
    if comment and len(comment) > 1000:
        raise CaseError(t("评价内容过长（最多 %(n)d 个字）。", n=1000))
    now = utcnow()
    rating = Rating(
        case=case, office_id=case.office_id, grade=grade_value, comment=comment, rated_at=now
    )
    db.session.add(rating)
    _event(case, "rated", None, comment, actor_name=RESIDENT, data={"grade": grade_value.value})
    if grade_value.is_negative:
        open_rectification(case, rating)
    elif case.status == CaseStatus.RESOLVED:
        case.status = CaseStatus.CLOSED
        case.archived_at = now
    return rating


def open_rectification(case: Case, rating: Rating) -> Rectification:
    """整改 for the head of the case's office (its office admin, else a leader)."""
    days = int(_config("CASE_RECTIFICATION_WORKING_DAYS", 15))
    now = utcnow()
    heads = _office_staff(case.office_id, (Role.OFFICE_ADMIN,)) or _office_staff(
        case.office_id, (Role.LEADER,)
    )
    due = compute_due(now, Limit(days, LimitUnit.WORKING_DAYS))
    rectification = Rectification(
        case=case,
        rating=rating,
        office_id=case.office_id,
        assignee_id=heads[0].id if heads else None,
        opened_at=now,
        due_at=as_utc(due.due_at),
        status="open",
    )
    db.session.add(rectification)
    _event(
        case,
        "rectification_opened",
        None,
        t("群众评价“%(g)s”，整改期限至 %(d)s", g=rating.grade.label, d=due.last_day.isoformat()),
        to_user_id=rectification.assignee_id,
    )
    if heads:
        _notify(
            [heads[0].id],
            t("差评整改：%(r)s", r=receipts.display(case.receipt_no)),
            rating.comment or "",
            url=_case_url(case),
            dedupe_key=f"case:{case.id}:rectification",
        )
    return rectification


def _office_head_may(actor: User | None, office_id: int) -> bool:
    return actor is None or (
        not permissions.is_read_only(actor)
        and (
            actor.role == Role.TOWNSHIP_ADMIN
            or (actor.office_id == office_id and actor.role in (Role.OFFICE_ADMIN, Role.LEADER))
            or is_leader_for(actor, office_id)
        )
    )


def complete_rectification(
    rectification: Rectification, *, measures: str, actor_id: int | None
) -> None:
    """The office head records what was put right."""
    actor = _user(actor_id)
    if rectification.status != "open":
        raise CaseError(t("该整改已经完成或已撤销。"))
    if not _office_head_may(actor, rectification.office_id):
        raise CaseError(t("只有单位负责人或分管领导可以登记整改。"))
    measures = _text(measures, t("请填写整改措施。"), 5000)
    rectification.measures = measures
    rectification.completed_at = utcnow()
    rectification.completed_by_id = actor.id if actor else None
    rectification.status = "done"
    _event(rectification.case, "rectification_done", actor, measures)


def record_follow_up(
    rectification: Rectification,
    *,
    called_at: datetime,
    reached: bool,
    actor_id: int | None,
    resident_grade: str | None = None,
    note: str | None = None,
) -> FollowUpCall:
    """回访: a call to the resident after the rectification. A call that reached them ends the
    rectification and files a resolved case."""
    actor = _user(actor_id)
    if rectification.status != "done":
        raise CaseError(t("整改完成后才能登记回访。"))
    if not _office_head_may(actor, rectification.office_id):
        raise CaseError(t("只有单位负责人或分管领导可以登记回访。"))
    if not isinstance(called_at, datetime):
        raise CaseError(t("请填写回访时间。"))
    moment = from_local_input(called_at)
    if moment > utcnow() + _FUTURE_SLACK:
        raise CaseError(t("回访时间不能晚于当前时间。"))
    grade_value = None
    if resident_grade:
        try:
            grade_value = Grade(resident_grade)
        except ValueError:
            raise CaseError(t("请选择群众的评价等级。")) from None
    if reached and grade_value is None:
        raise CaseError(t("已联系上群众时，请记录其对整改的评价。"))
    call = FollowUpCall(
        rectification_id=rectification.id,
        called_at=moment,
        reached=bool(reached),
        called_by_id=actor.id if actor else None,
        resident_grade=grade_value,
        note=(note or "").strip() or None,
    )
    rectification.calls.append(call)
    case = rectification.case
    _event(
        case,
        "follow_up",
        actor,
        call.note,
        data={"reached": bool(reached), "grade": grade_value.value if grade_value else None},
    )
    if reached:
        rectification.status = "followed_up"
        if case.status == CaseStatus.RESOLVED:
            case.status = CaseStatus.CLOSED
            case.archived_at = utcnow()
    return call


def file_appeal(
    rating: Rating, *, reason: str, statement: str, actor_id: int | None
) -> RatingAppeal:
    """The office appeals a rating it shows to be mistaken or malicious; a leader decides."""
    actor = _user(actor_id)
    if actor is not None and (
        permissions.is_read_only(actor)
        or (actor.office_id != rating.office_id and actor.role != Role.TOWNSHIP_ADMIN)
    ):
        raise CaseError(t("只有被评价单位可以申诉。"))
    if rating.voided:
        raise CaseError(t("该评价已经作废。"))
    if rating.appeals:
        raise CaseError(t("该评价已经申诉过，不能重复申诉。"))
    try:
        reason_value = AppealReason(reason)
    except ValueError:
        raise CaseError(t("请选择申诉理由。")) from None
    statement = _text(statement, t("请写明申诉的事实和依据。"), 5000)
    appeal = RatingAppeal(
        rating=rating,
        case_id=rating.case_id,
        office_id=rating.office_id,
        reason=reason_value,
        statement=statement,
        status="pending",
        filed_by_id=actor.id if actor else None,
        filed_at=utcnow(),
    )
    db.session.add(appeal)
    _event(rating.case, "appeal_filed", actor, statement, data={"reason": reason_value.value})
    _notify(
        [u.id for u in _leaders_for(rating.office_id)],
        t("评价申诉待裁定：%(r)s", r=receipts.display(rating.case.receipt_no)),
        statement,
        url=_case_url(rating.case),
        dedupe_key=f"appeal:{rating.id}",
    )
    return appeal


def decide_appeal(appeal: RatingAppeal, *, upheld: bool, note: str, actor_id: int | None) -> None:
    """A leader decides: upheld voids the rating (and cancels its rectification)."""
    actor = _user(actor_id)
    if appeal.status != "pending":
        raise CaseError(t("该申诉已经裁定。"))
    _require_leader(actor, appeal.office_id, t("裁定评价申诉"))
    if actor is not None and actor.id == appeal.filed_by_id:
        raise CaseError(t("不能裁定自己提出的申诉。"))
    note = _text(note, t("请填写裁定理由。"), 2000)
    appeal.status = "upheld" if upheld else "rejected"
    appeal.decided_by_id = actor.id if actor else None
    appeal.decided_at = utcnow()
    appeal.decision_note = note
    rating = appeal.rating
    if upheld:
        rating.voided = True
        rectification = rating.rectification
        if rectification is not None and rectification.status in ("open", "done"):
            rectification.status = "cancelled"
    _event(rating.case, "appeal_decided", actor, note, data={"upheld": bool(upheld)})
