"""Stopping and moving the clock: pauses, a leader's own deadline, extensions within the cap."""

from datetime import date, datetime

from core.cases import receipts
from core.cases.categories import get_category
from core.cases.models import Case, CaseStatus, Extension, Pause, PauseReason
from core.cases.services.access import _require_act, _require_active, _require_leader
from core.cases.services.common import (
    CaseError,
    _case_url,
    _check_version,
    _event,
    _leaders_for,
    _notify,
    _text,
    _user,
    t,
)
from core.cases.services.deadlines import (
    _apply_due,
    _cap_due,
    _closed_pauses,
    _due_for,
    recompute_due,
)
from core.models import utcnow
from core.sla import DueDate, Limit, LimitUnit, compute_due
from core.time import local_day, local_today


def pause_case(
    case: Case, *, reason: str, note: str, actor_id: int | None, expected_version=None
) -> Pause:
    """Stop the clock: waiting for the resident's missing material, or consulting a third
    party. The paused interval is added back to the deadline when the clock restarts."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    try:
        reason_value = PauseReason(reason)
    except ValueError:
        raise CaseError(t("请选择暂停计时的原因。")) from None
    if case.status != CaseStatus.IN_PROGRESS:
        raise CaseError(t("只有办理中的案件可以暂停计时。"))
    _require_act(actor, case)
    note = _text(note, t("请说明需要补正的材料或征求意见的对象。"), 2000)
    now = utcnow()
    pause = Pause(
        case_id=case.id,
        reason=reason_value,
        note=note,
        started_at=now,
        started_by_id=actor.id if actor else None,
    )
    case.pauses.append(pause)
    case.status = CaseStatus.PAUSED
    case.paused_since = now
    _event(case, "paused", actor, note, data={"reason": reason_value.value})
    return pause


def resume_case(
    case: Case, *, actor_id: int | None, note: str | None = None, expected_version=None
) -> None:
    """Restart the clock (the material arrived, the third party answered); the deadline moves
    by the paused time."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    if case.status != CaseStatus.PAUSED:
        raise CaseError(t("案件没有在暂停计时。"))
    _require_act(actor, case)
    open_pauses = [p for p in case.pauses if p.ended_at is None]
    now = utcnow()
    old_due = case.due_at
    for pause in open_pauses:
        pause.ended_at = now
        pause.ended_by_id = actor.id if actor else None
    case.status = CaseStatus.IN_PROGRESS
    case.paused_since = None
    recompute_due(case)
    _event(
        case,
        "resumed",
        actor,
        (note or "").strip() or None,
        data={"old_due_at": old_due.isoformat(), "due_at": case.due_at.isoformat()},
    )


def set_deadline(
    case: Case, *, last_day: date, reason: str, actor_id: int | None, expected_version=None
) -> None:
    """A leader sets the case's own deadline (服务承诺: "a leader may set a limit"): a day
    from today on, never beyond the category's cap. Approved extensions are folded into it."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    _require_active(case)
    _require_leader(actor, case.office_id, t("确定办理时限"))
    reason = _text(reason, t("请填写确定时限的理由。"), 2000)
    if not isinstance(last_day, date):
        raise CaseError(t("请填写截止日期。"))
    if last_day < local_today():
        raise CaseError(
            t("截止日期 %(d)s 已经过去，请选择今天或以后的日期。", d=last_day.isoformat())
        )
    accepted_day = local_day(case.accepted_at)
    days = (last_day - accepted_day).days
    if days < 1:
        raise CaseError(t("截止日期必须晚于受理日。"))
    spec = get_category(case.category)
    cap_limit = (spec.max_limit or spec.limit) if spec else case.limit
    new_limit = Limit(days, LimitUnit.CALENDAR_DAYS)
    due = compute_due(case.accepted_at, new_limit, pauses=_closed_pauses(case))
    cap = compute_due(case.accepted_at, cap_limit, pauses=_closed_pauses(case))
    if due.due_at > cap.due_at:
        raise CaseError(
            t(
                "该类事项最长 %(cap)s（至 %(day)s），不能超过。",
                cap=cap_limit.describe(),
                day=cap.last_day.isoformat(),
            )
        )
    old_due = case.due_at
    case.limit_amount, case.limit_unit, case.extra_amount = days, LimitUnit.CALENDAR_DAYS.value, 0
    _apply_due(case, due)
    _deadline_event(case, actor, reason, old_due)


def _deadline_event(case: Case, actor, reason: str, old_due) -> None:
    _event(
        case,
        "deadline_set",
        actor,
        reason,
        data={"old_due_at": old_due.isoformat(), "due_at": case.due_at.isoformat()},
    )


def restart_clock(
    case: Case,
    *,
    start: datetime,
    limit: Limit,
    reason: str,
    pauses=(),
    actor_id: int | None = None,
) -> DueDate:
    """A new stage of the matter runs on its own statutory limit, counted from ``start`` (a
    petition passed on to the handling unit, accepted…), ``pauses`` (from, to) not counted
    (a hearing): the case's deadline becomes the stage's. Returns the stage's due date,
    explained from ``start``.

    Calendar-day limits only (ValueError otherwise): the stage is stored as the calendar days
    from the case's acceptance to the stage's nominal end, so ``recompute_due`` (an approved
    extension, the holiday sweep) keeps landing on the stage's day. Unlike ``set_deadline``
    this is the procedure's rule, not a leader's choice: no leader is needed, and a day
    already past stands (a stage recorded late is overdue)."""
    if limit.unit is not LimitUnit.CALENDAR_DAYS:
        raise ValueError("restart_clock counts calendar days only")
    actor = _user(actor_id)
    _require_active(case)
    due = compute_due(start, limit, pauses=pauses)
    nominal = due.trace.cal.day(due.trace.nominal_index)
    old_due = case.due_at
    case.limit_amount, case.limit_unit, case.extra_amount = (
        (nominal - local_day(case.accepted_at)).days,
        LimitUnit.CALENDAR_DAYS.value,
        0,
    )
    recompute_due(case)
    if case.due_at != old_due:
        _deadline_event(case, actor, reason, old_due)
    return due


def request_extension(
    case: Case, *, amount: int, reason: str, actor_id: int | None, expected_version=None
) -> Extension:
    """Ask a leader for more time (in the case's unit), within the category's cap."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    _require_active(case)
    _require_act(actor, case)
    reason = _text(reason, t("请填写延期理由。"), 2000)
    try:
        amount = int(amount)
        Limit(amount, LimitUnit(case.limit_unit))
    except (TypeError, ValueError):
        raise CaseError(t("延期时长必须是正整数。")) from None
    if any(e.status == "requested" for e in case.extensions):
        raise CaseError(t("已有一项延期申请待领导审批。"))
    _check_cap(case, case.extra_amount + amount)
    extension = Extension(
        case_id=case.id,
        amount=amount,
        unit=case.limit_unit,
        reason=reason,
        requested_by_id=actor.id if actor else None,
        requested_at=utcnow(),
    )
    case.extensions.append(extension)
    _event(
        case, "extension_requested", actor, reason, data={"amount": amount, "unit": case.limit_unit}
    )
    _notify(
        [u.id for u in _leaders_for(case.office_id)],
        t("延期申请待审批：%(r)s", r=receipts.display(case.receipt_no)),
        reason,
        url=_case_url(case),
        dedupe_key=f"case:{case.id}:ext:{len(case.extensions)}",
    )
    return extension


def _check_cap(case: Case, extra_amount: int) -> None:
    spec = get_category(case.category)
    if spec is None or spec.max_limit is None:
        raise CaseError(t("“%(c)s”类事项不能延期。", c=str(spec.title) if spec else case.category))
    extended = _due_for(case, extra_amount=extra_amount)
    cap = _cap_due(case)
    if extended.due_at > cap.due_at:
        raise CaseError(
            t(
                "延期后期限将到 %(day)s，超过该类事项最长 %(cap)s（至 %(cap_day)s）。",
                day=extended.last_day.isoformat(),
                cap=spec.max_limit.describe(),
                cap_day=cap.last_day.isoformat(),
            )
        )


def _pending_extension(extension: Extension) -> Case:
    if extension.status != "requested":
        raise CaseError(t("该延期申请已经处理过了。"))
    return extension.case


def approve_extension(
    extension: Extension, *, actor_id: int | None, note: str | None = None, expected_version=None
) -> None:
    """A leader approves: the deadline moves, still within the cap."""
    actor = _user(actor_id)
    case = _pending_extension(extension)
    _check_version(case, expected_version)
    _require_active(case)
    _require_leader(actor, case.office_id, t("审批延期"))
    if actor is not None and actor.id == extension.requested_by_id:
        raise CaseError(t("不能审批自己提出的延期申请。"))
    if extension.unit != case.limit_unit:
        raise CaseError(t("案件时限已由领导重新确定，该延期申请不再适用，请驳回。"))
    _check_cap(case, case.extra_amount + extension.amount)
    old_due = case.due_at
    extension.status = "approved"
    extension.decided_by_id = actor.id if actor else None
    extension.decided_at = utcnow()
    extension.decision_note = (note or "").strip() or None
    case.extra_amount += extension.amount
    recompute_due(case)
    _event(
        case,
        "extension_approved",
        actor,
        extension.decision_note,
        data={
            "amount": extension.amount,
            "unit": extension.unit,
            "old_due_at": old_due.isoformat(),
            "due_at": case.due_at.isoformat(),
        },
    )


def refuse_extension(
    extension: Extension, *, actor_id: int | None, note: str, expected_version=None
) -> None:
    """A leader refuses, saying why; the deadline stays."""
    actor = _user(actor_id)
    case = _pending_extension(extension)
    _check_version(case, expected_version)
    _require_leader(actor, case.office_id, t("审批延期"))
    note = _text(note, t("请填写不同意的理由。"), 2000)
    extension.status = "refused"
    extension.decided_by_id = actor.id if actor else None
    extension.decided_at = utcnow()
    extension.decision_note = note
    _event(
        case,
        "extension_refused",
        actor,
        note,
        data={"amount": extension.amount, "unit": extension.unit},
    )
