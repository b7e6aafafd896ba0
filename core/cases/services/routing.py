"""Moving a case between people and offices: sign for, transfer, hand back, escalate, notify."""

from sqlalchemy import select

from core import permissions
from core.cases import receipts
from core.cases.models import Case, CaseEvent, CaseOffice, CaseStatus
from core.cases.services.access import _require_act, _require_active, _require_not_paused, may_act
from core.cases.services.common import (
    CaseError,
    _case_url,
    _check_version,
    _event,
    _notify,
    _office,
    _office_staff,
    _text,
    _user,
    t,
)
from core.cases.services.deadlines import _clear_step, _start_step
from core.extensions import db
from core.models import Role


def accept_case(
    case: Case, *, actor_id: int, note: str | None = None, expected_version=None
) -> None:
    """Sign for a case (签收): its office's staff, or the person it was sent to."""
    actor = _user(actor_id, required=True)
    _check_version(case, expected_version)
    if case.status not in (CaseStatus.OPEN, CaseStatus.WITH_LEADER):
        raise CaseError(t("只有待签收或呈报领导的案件可以签收。"))
    if case.status == CaseStatus.WITH_LEADER and actor.id != case.handler_id:
        raise CaseError(t("该案件已呈报领导，只能由该领导签收。"))
    _require_act(actor, case)
    if (
        case.handler_id
        and case.handler_id != actor.id
        and actor.role not in (Role.OFFICE_ADMIN, Role.LEADER, Role.TOWNSHIP_ADMIN)
    ):
        raise CaseError(t("该案件已指定由 %(name)s 签收。", name=case.handler.display_name))
    previous_handler = case.handler_id
    case.handler_id = actor.id
    case.status = CaseStatus.IN_PROGRESS
    _clear_step(case)
    _event(
        case,
        "accepted",
        actor,
        (note or "").strip() or None,
        from_user_id=previous_handler,
        to_user_id=actor.id,
        to_office_id=case.office_id,
    )


def _moving_actor(case: Case, actor_id, expected_version, refusal: str):
    """The person passing a running case on (None for the system): the handling office or
    the first responder, on the version they saw; ``refusal`` for anybody else."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    _require_active(case)
    _require_not_paused(case)
    if actor is not None and not (may_act(actor, case) or actor.id == case.first_responder_id):
        raise CaseError(refusal)
    return actor


def _move(case: Case, actor, reason: str, kind: str, step: str, office_id: int, user_id) -> None:
    """Give ``case`` to ``office_id`` (and ``user_id``) to be signed for, recording ``kind``."""
    from_office, from_user = case.office_id, case.handler_id
    case.office_id, case.handler_id, case.status = office_id, user_id, CaseStatus.OPEN
    _start_step(case, step)
    _event(
        case,
        kind,
        actor,
        reason,
        from_office_id=from_office,
        to_office_id=office_id,
        from_user_id=from_user,
        to_user_id=user_id,
    )


def transfer_case(
    case: Case,
    *,
    reason: str,
    actor_id: int | None,
    to_office_id: int | None = None,
    to_user_id: int | None = None,
    expected_version=None,
) -> None:
    """转办: hand the case to another office or person, who must sign for it within the step
    limit. The first responder stays on the case for life and keeps seeing its progress."""
    actor = _moving_actor(case, actor_id, expected_version, t("只有承办单位或首问责任人可以转办。"))
    reason = _text(reason, t("请填写转办理由。"), 2000)
    target_user = _user(to_user_id)
    if to_office_id in (None, "") and target_user is None:
        raise CaseError(t("请选择转办的单位或人员。"))
    target_office = _office(
        to_office_id if to_office_id not in (None, "") else target_user.office_id
    )
    if target_user is not None and target_user.office_id != target_office.id:
        raise CaseError(t("所选人员不属于所选单位。"))
    if target_user is not None and permissions.is_read_only(target_user):
        raise CaseError(t("不能转办给监督审计员。"))
    if target_office.id == case.office_id and (
        target_user is None or target_user.id == case.handler_id
    ):
        raise CaseError(t("案件已在该单位办理，请选择其他单位或人员。"))
    to_user = target_user.id if target_user else None
    _move(case, actor, reason, "transferred", "sign_for", target_office.id, to_user)
    recipients = (
        [target_user.id]
        if target_user
        else [u.id for u in _office_staff(target_office.id, (Role.STAFF, Role.OFFICE_ADMIN))]
    )
    _notify(
        recipients,
        t("有案件转办给您：%(r)s", r=receipts.display(case.receipt_no)),
        case.subject,
        url=_case_url(case),
        dedupe_key=f"case:{case.id}:transfer:{case.version}",
    )


def hand_back(case: Case, *, reason: str, actor_id: int | None, expected_version=None) -> None:
    """退回: the receiving office returns a transfer that is not its matter, with the reason;
    the sender must re-route it within the step limit."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    if case.status != CaseStatus.OPEN or case.step_kind != "sign_for":
        raise CaseError(t("只有转来待签收的案件可以退回。"))
    _require_act(actor, case)
    reason = _text(reason, t("请填写退回理由。"), 2000)
    last = db.session.scalar(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == "transferred")
        .order_by(CaseEvent.id.desc())
    )
    if last is None or last.from_office_id is None:
        raise CaseError(t("找不到转出单位，无法退回。"))
    to_user = last.from_user_id or last.actor_id
    _move(case, actor, reason, "handed_back", "hand_back", last.from_office_id, to_user)
    _notify(
        [case.handler_id],
        t("转办案件被退回：%(r)s", r=receipts.display(case.receipt_no)),
        reason,
        url=_case_url(case),
        dedupe_key=f"case:{case.id}:handback:{case.version}",
    )


def escalate_to_leader(
    case: Case, *, leader_id: int, reason: str, actor_id: int | None, expected_version=None
) -> None:
    """A matter nobody can take yet goes to the responsible leader (呈报领导)."""
    actor = _moving_actor(
        case, actor_id, expected_version, t("只有承办单位或首问责任人可以呈报领导。")
    )
    leader = _user(leader_id)
    if leader is None or leader.role != Role.LEADER:
        raise CaseError(t("请选择一位领导。"))
    reason = _text(reason, t("请填写呈报理由。"), 2000)
    from_user = case.handler_id
    case.handler_id = leader.id
    case.status = CaseStatus.WITH_LEADER
    _start_step(case, "sign_for")
    _event(
        case,
        "escalated",
        actor,
        reason,
        from_user_id=from_user,
        to_user_id=leader.id,
        to_office_id=leader.office_id,
    )
    _notify(
        [leader.id],
        t("有案件呈报您处理：%(r)s", r=receipts.display(case.receipt_no)),
        case.subject,
        url=_case_url(case),
        dedupe_key=f"case:{case.id}:escalate:{case.version}",
    )


def notify_offices(
    case: Case, *, office_ids, note: str, actor_id: int | None, expected_version=None
) -> list[int]:
    """A matter of several offices: the accepting office leads and notifies the others (知会),
    who can then follow the case. Returns the ids of the offices newly added."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    _require_active(case)
    _require_act(actor, case)
    note = _text(note, t("请填写知会说明。"), 2000)
    wanted = []
    for office_id in office_ids or []:
        office = _office(office_id)
        if office.id != case.first_office_id and office.id not in wanted:
            wanted.append(office.id)
    existing = {row.office_id for row in case.offices}
    new = [o for o in wanted if o not in existing]
    if not new:
        raise CaseError(t("请选择尚未知会的其他单位。"))
    if case.first_office_id not in existing:
        case.offices.append(
            CaseOffice(
                office_id=case.first_office_id, role="lead", added_by_id=actor.id if actor else None
            )
        )
    for office_id in new:
        case.offices.append(
            CaseOffice(
                office_id=office_id,
                role="notified",
                note=note,
                added_by_id=actor.id if actor else None,
            )
        )
        _event(case, "notified_office", actor, note, to_office_id=office_id)
    return new
