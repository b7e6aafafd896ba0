"""办事代理: an agent takes over a matter not finished the same day, delivers it, a leader signs."""

from datetime import datetime, timedelta

from core import permissions
from core.cases.models import AgencyRecord, Case
from core.cases.services.access import _require_act, _require_active, _require_leader, may_act
from core.cases.services.common import (
    _FUTURE_SLACK,
    CaseError,
    _check_version,
    _event,
    _text,
    _user,
    t,
)
from core.extensions import db
from core.models import utcnow
from core.time import from_local_input


def start_agency(
    case: Case,
    *,
    reason: str,
    actor_id: int | None,
    agent_id: int | None = None,
    expected_version=None,
) -> AgencyRecord:
    """A matter that cannot be finished the same day is taken over by an agent (代办人),
    by default the receiving staff member."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    _require_active(case)
    _require_act(actor, case)
    reason = _text(reason, t("请填写代办原因。"), 2000)
    agent = _user(agent_id) if agent_id else actor
    if agent is None:
        raise CaseError(t("请选择代办人。"))
    if permissions.is_read_only(agent) or agent.office_id != case.office_id:
        raise CaseError(t("代办人必须是承办单位的工作人员。"))
    if any(a.delivered_at is None for a in case.agencies):
        raise CaseError(t("该案件已有一项代办尚未送达。"))
    record = AgencyRecord(case_id=case.id, agent_id=agent.id, reason=reason, started_at=utcnow())
    case.agencies.append(record)
    _event(case, "agency_started", actor, reason, to_user_id=agent.id)
    return record


def record_delivery(
    agency: AgencyRecord,
    *,
    delivered_at: datetime,
    items: str,
    actor_id: int | None,
    delivered_by_id: int | None = None,
    expected_version=None,
) -> None:
    """上门送达: when, by whom and what was delivered to the resident's door."""
    actor = _user(actor_id)
    case = db.session.get(Case, agency.case_id)
    _check_version(case, expected_version)
    if actor is not None and not may_act(actor, case):
        raise CaseError(t("只有承办单位的工作人员可以登记送达。"))
    if agency.delivered_at is not None:
        raise CaseError(t("该代办已经登记过送达。"))
    items = _text(items, t("请填写送达的材料或结果。"), 2000)
    if not isinstance(delivered_at, datetime):
        raise CaseError(t("请填写送达时间。"))
    moment = from_local_input(delivered_at)
    if moment > utcnow() + _FUTURE_SLACK:
        raise CaseError(t("送达时间不能晚于当前时间。"))
    if moment < agency.started_at - timedelta(days=1):
        raise CaseError(t("送达时间不能早于代办开始时间。"))
    deliverer = _user(delivered_by_id) if delivered_by_id else (actor or agency.agent)
    agency.delivered_at = moment
    agency.delivered_by_id = deliverer.id if deliverer else None
    agency.delivered_items = items
    _event(
        case,
        "agency_delivered",
        actor,
        items,
        data={
            "delivered_at": moment.isoformat(),
            "delivered_by": deliverer.display_name if deliverer else None,
        },
    )


def sign_off_agency(
    agency: AgencyRecord, *, actor_id: int | None, note: str | None = None, expected_version=None
) -> None:
    """The responsible leader signs the agency record off (代办记录签字)."""
    actor = _user(actor_id)
    case = db.session.get(Case, agency.case_id)
    _check_version(case, expected_version)
    _require_leader(actor, case.office_id, t("签字确认代办记录"))
    if agency.delivered_at is None:
        raise CaseError(t("送达之后才能签字确认。"))
    if agency.signed_off_at is not None:
        raise CaseError(t("该代办记录已经签字确认。"))
    agency.signed_off_by_id = actor.id if actor else None
    agency.signed_off_at = utcnow()
    agency.sign_off_note = (note or "").strip() or None
    _event(case, "agency_signed_off", actor, agency.sign_off_note)
