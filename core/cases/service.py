"""Everything that changes a case: one function per transition.

Each function checks its input and the actor's right first and raises ``CaseError`` (with a
Chinese message for the user) before touching anything, so a refused action changes nothing.
Every change adds a ``CaseEvent`` (who, when, what, why). Callers commit. ``actor_id=None``
means the system (a plugin or a job) and skips the role checks.

Functions that act on a form loaded earlier take ``expected_version``: the version the user
saw. A different version means someone else saved meanwhile, and the action is refused.
"""

import hashlib
import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core import permissions
from core.cases import receipts
from core.cases.categories import all_categories, effective_limit, get_category
from core.cases.models import (
    ACTIVE_STATUSES,
    FINISHED_STATUSES,
    AgencyRecord,
    AppealReason,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseOffice,
    CaseStatus,
    Channel,
    Extension,
    FollowUpCall,
    Grade,
    Pause,
    PauseReason,
    Rating,
    RatingAppeal,
    Rectification,
    aware,
)
from core.cases.text import t
from core.errors import STALE_MESSAGE, UserError
from core.extensions import db
from core.models import Office, Role, User, utcnow
from core.sla import DueDate, Limit, LimitUnit, compute_due, is_working_day

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Residents rate through the public page; their name is never stored with the event.
RESIDENT = "群众"
SYSTEM = "系统"
# Attachments: what a case file may hold, recognised by content as well as by name.
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
}
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Clocks of two machines may differ a little; a minute's slack is not "in the future".
_FUTURE_SLACK = timedelta(minutes=1)


class CaseError(UserError):
    """A case action that cannot be done; ``str(error)`` is the message for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)

    def __str__(self) -> str:
        return self.message


# --- helpers ---------------------------------------------------------------------------


def _config(key: str, default):
    from flask import current_app

    return current_app.config.get(key, default)


def _user(user_id: int | None, *, required: bool = False) -> User | None:
    if user_id is None:
        if required:
            raise CaseError(t("请先登录。"))
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        raise CaseError(t("找不到该工作人员，或其账号已停用。"))
    return user


def _office(office_id: int | None) -> Office:
    office = db.session.get(Office, int(office_id)) if office_id is not None else None
    if office is None:
        raise CaseError(t("找不到该单位。"))
    return office


def _text(value: str | None, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseError(message)
    if max_length and len(value) > max_length:
        raise CaseError(t("内容过长（最多 %(n)d 个字）。", n=max_length))
    return value


def _check_version(case: Case, expected_version) -> None:
    if expected_version in (None, ""):
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise CaseError(STALE_MESSAGE) from None
    if expected != case.version:
        raise CaseError(STALE_MESSAGE)


def _now_local_date() -> date:
    return utcnow().astimezone(SHANGHAI).date()


def _event(case: Case, kind: str, actor: User | None, note: str | None = None, *,
           actor_name: str | None = None, **fields) -> CaseEvent:
    event = CaseEvent(case=case, kind=kind, at=utcnow(), note=note,
                      actor_id=actor.id if actor else None,
                      actor_name=actor.display_name if actor else (actor_name or SYSTEM),
                      **fields)
    db.session.add(event)
    return event


def is_leader_for(user: User, office_id: int) -> bool:
    """A leader of the office or of an office above it (分管领导)."""
    if user.role != Role.LEADER:
        return False
    if user.office_id == office_id:
        return True
    office = db.session.get(Office, office_id)
    return office is not None and any(a.id == user.office_id for a in office.ancestors())


def may_view(user: User, case: Case) -> bool:
    """Who may open a case: its office, the office that accepted it and its first responder
    (they keep the right to follow it after a transfer), notified offices, its handler, and
    the roles that see every office."""
    if permissions.sees_all_offices(user):
        return True
    if user.office_id in (case.office_id, case.first_office_id):
        return True
    if user.id in (case.first_responder_id, case.handler_id):
        return True
    if is_leader_for(user, case.office_id):
        return True
    return db.session.get(CaseOffice, (case.id, user.office_id)) is not None


def may_act(user: User, case: Case) -> bool:
    """Who may work a case: staff of its current office, its handler, township admins."""
    if permissions.is_read_only(user):
        return False
    if user.role == Role.TOWNSHIP_ADMIN:
        return True
    return user.office_id == case.office_id or user.id == case.handler_id


def _require_act(actor: User | None, case: Case) -> None:
    if actor is not None and not may_act(actor, case):
        raise CaseError(t("只有案件当前承办单位的工作人员可以办理此事项。"))


def _require_leader(actor: User | None, office_id: int, what: str) -> None:
    if actor is not None and not is_leader_for(actor, office_id):
        raise CaseError(t("只有分管领导可以%(what)s。", what=what))


def _require_active(case: Case) -> None:
    if case.status not in ACTIVE_STATUSES:
        raise CaseError(t("案件已办结，不能再进行此操作。"))


def _require_not_paused(case: Case) -> None:
    if case.status == CaseStatus.PAUSED:
        raise CaseError(t("案件正在暂停计时，请先恢复计时。"))


def to_utc(moment: datetime) -> datetime:
    """An aware datetime converted to UTC (what the database stores; SQLite keeps no zone)."""
    return aware(moment)


def warn_moment(start: datetime, due: DueDate) -> datetime:
    """When a case turns yellow, by the supervision rule of ``core.sla.colour``: at most 20 %
    of its time left, or at most one working day left (from the start of the working day
    before its last day), whichever comes first."""
    due_at = due.due_at
    by_share = due_at - (due_at - start) * 0.2
    day = due.last_day - timedelta(days=1)
    for _step in range(60):  # the longest run of rest days is far shorter
        if is_working_day(day)[0]:
            break
        day -= timedelta(days=1)
    day_before = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    return min(by_share, day_before)


def _closed_pauses(case: Case) -> list[tuple[datetime, datetime]]:
    return [(aware(p.started_at), aware(p.ended_at)) for p in case.pauses if p.ended_at]


def _due_for(case: Case, *, extra_amount: int | None = None, limit: Limit | None = None) -> DueDate:
    extra = case.extra_amount if extra_amount is None else extra_amount
    unit = LimitUnit(case.limit_unit)
    return compute_due(aware(case.accepted_at), limit or case.limit,
                       pauses=_closed_pauses(case),
                       extra=Limit(extra, unit) if extra else None)


def _apply_due(case: Case, due: DueDate) -> None:
    start = aware(case.accepted_at)
    case.due_at = to_utc(due.due_at)
    case.warn_at = to_utc(warn_moment(start, due))
    case.due_warnings = list(due.warnings) or None
    case.due_uncovered = bool(due.uncovered)


def recompute_due(case: Case) -> DueDate:
    """Compute and store the case's deadline from its limit, extensions and closed pauses."""
    due = _due_for(case)
    _apply_due(case, due)
    return due


def explain_due(case: Case) -> DueDate:
    """The case's deadline computed afresh (for its explanation, in the reader's language)."""
    return _due_for(case)


def _cap_due(case: Case) -> DueDate | None:
    spec = get_category(case.category)
    if spec is None or spec.max_limit is None:
        return None
    return compute_due(aware(case.accepted_at), spec.max_limit, pauses=_closed_pauses(case))


def _start_step(case: Case, kind: str) -> None:
    """A transfer or hand-back must be signed for within its own limit."""
    now = utcnow()
    days = int(_config("CASE_STEP_WORKING_DAYS", 1))
    case.step_kind = kind
    case.step_started_at = now
    case.step_due_at = to_utc(compute_due(now, Limit(days, LimitUnit.WORKING_DAYS)).due_at)


def _clear_step(case: Case) -> None:
    case.step_kind = case.step_started_at = case.step_due_at = None


def _notify(user_ids, title: str, body: str = "", url: str | None = None,
            dedupe_key: str | None = None) -> None:
    """In-app notification through ``core.jobs.notify`` for each distinct user."""
    from core.jobs import notify

    for user_id in sorted({u for u in user_ids if u}):
        notify(user_id, title, body, url=url,
               dedupe_key=f"{dedupe_key}:{user_id}" if dedupe_key else None)


def _case_url(case: Case) -> str:
    return f"/admin/cases/details/?id={case.id}"


def _office_staff(office_id: int, roles: tuple[Role, ...]) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.office_id == office_id, User.active, User.role.in_(roles))
        .order_by(User.id)))


def _leaders_for(office_id: int) -> list[User]:
    office = db.session.get(Office, office_id)
    ids = [office_id] + [a.id for a in office.ancestors()] if office else [office_id]
    return list(db.session.scalars(
        select(User).where(User.office_id.in_(ids), User.active, User.role == Role.LEADER)
        .order_by(User.id)))


def new_receipt_no() -> str:
    """A random receipt number not yet used."""
    for _attempt in range(20):
        candidate = receipts.new_receipt()
        if db.session.scalar(select(Case.id).where(Case.receipt_no == candidate)) is None:
            if all(getattr(o, "receipt_no", None) != candidate for o in db.session.new):
                return candidate
    raise RuntimeError("could not draw an unused receipt number")


# --- intake ------------------------------------------------------------------------------


def open_case(*, office_id: int, category: str, channel: str, subject: str, content: str = "",  # noqa: C901
              applicant_name: str | None = None, applicant_phone: str | None = None,
              applicant_id_number: str | None = None, first_responder_id: int | None = None,
              handler_id: int | None = None, accepted_at: datetime | None = None,
              source_type: str | None = None, source_id: str | None = None,
              actor_id: int | None = None) -> Case:
    """Register a matter (统一接件): compute its deadline with ``core.sla``, give it a receipt
    number, record the first responder (for life) and the first timeline event.

    The first responder defaults to the acting user. Calls the ``case_opened`` hook. The
    caller commits.
    """
    from core.plugins import get_registry

    actor = _user(actor_id)
    office = _office(office_id)
    if actor is not None:
        if permissions.is_read_only(actor):
            raise CaseError(t("您的角色只能查看，不能登记案件。"))
        if actor.role != Role.TOWNSHIP_ADMIN and actor.office_id != office.id:
            raise CaseError(t("只能为本单位登记案件。"))
    if category not in all_categories():
        raise CaseError(t("未知的事项类别：%(code)s", code=category))
    try:
        channel_value = Channel(channel)
    except ValueError:
        raise CaseError(t("未知的受理渠道：%(channel)s", channel=channel)) from None
    subject = _text(subject, t("请填写事由。"), 200)
    now = utcnow()
    accepted = aware(accepted_at) if accepted_at is not None else now
    if accepted > now + _FUTURE_SLACK:
        raise CaseError(t("受理时间不能晚于当前时间。"))
    responder = _user(first_responder_id) if first_responder_id else actor
    handler = _user(handler_id)
    if handler is not None and handler.office_id != office.id and handler.role != Role.LEADER:
        raise CaseError(t("承办人必须是本单位的工作人员。"))
    for value, label in ((applicant_phone, 32), (applicant_id_number, 32), (applicant_name, 64)):
        if value and len(value.strip()) > label:
            raise CaseError(t("申请人信息过长。"))
    try:
        limit = effective_limit(office.id, category)
    except ValueError as exc:
        raise CaseError(str(exc)) from None

    case = Case(
        receipt_no=new_receipt_no(), office_id=office.id, first_office_id=office.id,
        category=category, channel=channel_value, subject=subject,
        content=(content or "").strip(),
        applicant_name=(applicant_name or "").strip() or None,
        applicant_phone=(applicant_phone or "").strip() or None,
        applicant_id_number=(applicant_id_number or "").strip().upper() or None,
        status=CaseStatus.IN_PROGRESS if handler else CaseStatus.OPEN,
        accepted_at=accepted, limit_amount=limit.amount, limit_unit=limit.unit.value,
        extra_amount=0, handler_id=handler.id if handler else None,
        first_responder_id=responder.id if responder else None,
        source_type=source_type, source_id=None if source_id is None else str(source_id),
    )
    _apply_due(case, compute_due(accepted, limit))
    case.swept_colour = case.colour(now)
    db.session.add(case)
    _event(case, "opened", actor, t("受理：%(limit)s，%(channel)s", limit=limit.describe(),
                                    channel=channel_value.label),
           to_office_id=office.id, to_user_id=case.handler_id,
           data={"first_responder_id": case.first_responder_id})
    get_registry().call_each("case_opened", case=case)
    return case


def edit_case(case: Case, *, actor_id: int | None, expected_version=None, **fields) -> list[str]:
    """Change the registration details (subject, content, channel, applicant); returns the
    names of the fields that changed. Category, office, dates and people change only through
    their own transitions."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    _require_act(actor, case)
    allowed = {"subject", "content", "channel", "applicant_name", "applicant_phone",
               "applicant_id_number"}
    unknown = set(fields) - allowed
    if unknown:
        raise CaseError(t("这些字段不能在此修改：%(f)s", f="、".join(sorted(unknown))))
    values = {}
    for name, value in fields.items():
        if name == "subject":
            value = _text(value, t("请填写事由。"), 200)
        elif name == "channel":
            try:
                value = Channel(value)
            except ValueError:
                raise CaseError(t("未知的受理渠道：%(channel)s", channel=value)) from None
        else:
            value = (value or "").strip() or (None if name.startswith("applicant") else "")
            if name.startswith("applicant") and value and len(value) > 64:
                raise CaseError(t("申请人信息过长。"))
        values[name] = value
    changed = [n for n, v in values.items() if getattr(case, n) != v]
    if not changed:
        return []
    for name in changed:
        setattr(case, name, values[name])
    _event(case, "edited", actor, t("修改登记信息"), data={"fields": changed})
    return changed


def add_note(case: Case, *, note: str, actor_id: int | None) -> CaseEvent:
    """A progress note on the timeline; the first responder may add one too (跟踪督促)."""
    actor = _user(actor_id)
    if actor is not None and (permissions.is_read_only(actor) or not may_view(actor, case)):
        raise CaseError(t("您不能在该案件上记录进展。"))
    return _event(case, "note", actor, _text(note, t("请填写进展说明。"), 2000))


# --- moving the case ---------------------------------------------------------------------


def accept_case(case: Case, *, actor_id: int, note: str | None = None,
                expected_version=None) -> None:
    """Sign for a case (签收): its office's staff, or the person it was sent to."""
    actor = _user(actor_id, required=True)
    _check_version(case, expected_version)
    if case.status not in (CaseStatus.OPEN, CaseStatus.WITH_LEADER):
        raise CaseError(t("只有待签收或呈报领导的案件可以签收。"))
    if case.status == CaseStatus.WITH_LEADER and actor.id != case.handler_id:
        raise CaseError(t("该案件已呈报领导，只能由该领导签收。"))
    _require_act(actor, case)
    if (case.handler_id and case.handler_id != actor.id
            and actor.role not in (Role.OFFICE_ADMIN, Role.LEADER, Role.TOWNSHIP_ADMIN)):
        raise CaseError(t("该案件已指定由 %(name)s 签收。", name=case.handler.display_name))
    previous_handler = case.handler_id
    case.handler_id = actor.id
    case.status = CaseStatus.IN_PROGRESS
    _clear_step(case)
    _event(case, "accepted", actor, (note or "").strip() or None,
           from_user_id=previous_handler, to_user_id=actor.id, to_office_id=case.office_id)


def transfer_case(case: Case, *, reason: str, actor_id: int | None, to_office_id: int | None = None,
                  to_user_id: int | None = None, expected_version=None) -> None:
    """转办: hand the case to another office or person, who must sign for it within the step
    limit. The first responder stays on the case for life and keeps seeing its progress."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    _require_active(case)
    _require_not_paused(case)
    if actor is not None and not (may_act(actor, case) or actor.id == case.first_responder_id):
        raise CaseError(t("只有承办单位或首问责任人可以转办。"))
    reason = _text(reason, t("请填写转办理由。"), 2000)
    target_user = _user(to_user_id)
    if to_office_id in (None, "") and target_user is None:
        raise CaseError(t("请选择转办的单位或人员。"))
    target_office = _office(to_office_id if to_office_id not in (None, "") else target_user.office_id)
    if target_user is not None and target_user.office_id != target_office.id:
        raise CaseError(t("所选人员不属于所选单位。"))
    if target_user is not None and permissions.is_read_only(target_user):
        raise CaseError(t("不能转办给监督审计员。"))
    if target_office.id == case.office_id and (target_user is None
                                               or target_user.id == case.handler_id):
        raise CaseError(t("案件已在该单位办理，请选择其他单位或人员。"))
    from_office, from_user = case.office_id, case.handler_id
    case.office_id = target_office.id
    case.handler_id = target_user.id if target_user else None
    case.status = CaseStatus.OPEN
    _start_step(case, "sign_for")
    _event(case, "transferred", actor, reason, from_office_id=from_office,
           to_office_id=target_office.id, from_user_id=from_user, to_user_id=case.handler_id)
    recipients = [target_user.id] if target_user else [
        u.id for u in _office_staff(target_office.id, (Role.STAFF, Role.OFFICE_ADMIN))]
    _notify(recipients, t("有案件转办给您：%(r)s", r=receipts.display(case.receipt_no)), case.subject,
            url=_case_url(case), dedupe_key=f"case:{case.id}:transfer:{case.version}")


def hand_back(case: Case, *, reason: str, actor_id: int | None, expected_version=None) -> None:
    """退回: the receiving office returns a transfer that is not its matter, with the reason;
    the sender must re-route it within the step limit."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    if case.status != CaseStatus.OPEN or case.step_kind != "sign_for":
        raise CaseError(t("只有转来待签收的案件可以退回。"))
    _require_act(actor, case)
    reason = _text(reason, t("请填写退回理由。"), 2000)
    last = db.session.scalar(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.kind == "transferred").order_by(CaseEvent.id.desc()))
    if last is None or last.from_office_id is None:
        raise CaseError(t("找不到转出单位，无法退回。"))
    from_office, from_user = case.office_id, case.handler_id
    case.office_id = last.from_office_id
    case.handler_id = last.from_user_id or last.actor_id
    case.status = CaseStatus.OPEN
    _start_step(case, "hand_back")
    _event(case, "handed_back", actor, reason, from_office_id=from_office,
           to_office_id=case.office_id, from_user_id=from_user, to_user_id=case.handler_id)
    _notify([case.handler_id], t("转办案件被退回：%(r)s", r=receipts.display(case.receipt_no)), reason,
            url=_case_url(case), dedupe_key=f"case:{case.id}:handback:{case.version}")


def escalate_to_leader(case: Case, *, leader_id: int, reason: str, actor_id: int | None,
                       expected_version=None) -> None:
    """A matter nobody can take yet goes to the responsible leader (呈报领导)."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    _require_active(case)
    _require_not_paused(case)
    if actor is not None and not (may_act(actor, case) or actor.id == case.first_responder_id):
        raise CaseError(t("只有承办单位或首问责任人可以呈报领导。"))
    leader = _user(leader_id)
    if leader is None or leader.role != Role.LEADER:
        raise CaseError(t("请选择一位领导。"))
    reason = _text(reason, t("请填写呈报理由。"), 2000)
    from_user = case.handler_id
    case.handler_id = leader.id
    case.status = CaseStatus.WITH_LEADER
    _start_step(case, "sign_for")
    _event(case, "escalated", actor, reason, from_user_id=from_user, to_user_id=leader.id,
           to_office_id=leader.office_id)
    _notify([leader.id], t("有案件呈报您处理：%(r)s", r=receipts.display(case.receipt_no)), case.subject,
            url=_case_url(case), dedupe_key=f"case:{case.id}:escalate:{case.version}")


def notify_offices(case: Case, *, office_ids, note: str, actor_id: int | None,
                   expected_version=None) -> list[int]:
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
        case.offices.append(CaseOffice(office_id=case.first_office_id, role="lead",
                                       added_by_id=actor.id if actor else None))
    for office_id in new:
        case.offices.append(CaseOffice(office_id=office_id, role="notified", note=note,
                                       added_by_id=actor.id if actor else None))
        _event(case, "notified_office", actor, note, to_office_id=office_id)
    return new


# --- the clock ---------------------------------------------------------------------------


def pause_case(case: Case, *, reason: str, note: str, actor_id: int | None,
               expected_version=None) -> Pause:
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
    pause = Pause(case_id=case.id, reason=reason_value, note=note, started_at=now,
                  started_by_id=actor.id if actor else None)
    case.pauses.append(pause)
    case.status = CaseStatus.PAUSED
    case.paused_since = now
    _event(case, "paused", actor, note, data={"reason": reason_value.value})
    return pause


def resume_case(case: Case, *, actor_id: int | None, note: str | None = None,
                expected_version=None) -> None:
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
    _event(case, "resumed", actor, (note or "").strip() or None,
           data={"old_due_at": aware(old_due).isoformat(), "due_at": aware(case.due_at).isoformat()})


def set_deadline(case: Case, *, last_day: date, reason: str, actor_id: int | None,
                 expected_version=None) -> None:
    """A leader sets the case's own deadline (服务承诺: "a leader may set a limit"): a day
    from today on, never beyond the category's cap. Approved extensions are folded into it."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    _require_active(case)
    _require_leader(actor, case.office_id, t("确定办理时限"))
    reason = _text(reason, t("请填写确定时限的理由。"), 2000)
    if not isinstance(last_day, date):
        raise CaseError(t("请填写截止日期。"))
    if last_day < _now_local_date():
        raise CaseError(t("截止日期 %(d)s 已经过去，请选择今天或以后的日期。", d=last_day.isoformat()))
    accepted_day = aware(case.accepted_at).astimezone(SHANGHAI).date()
    days = (last_day - accepted_day).days
    if days < 1:
        raise CaseError(t("截止日期必须晚于受理日。"))
    spec = get_category(case.category)
    cap_limit = (spec.max_limit or spec.limit) if spec else case.limit
    new_limit = Limit(days, LimitUnit.CALENDAR_DAYS)
    due = compute_due(aware(case.accepted_at), new_limit, pauses=_closed_pauses(case))
    cap = compute_due(aware(case.accepted_at), cap_limit, pauses=_closed_pauses(case))
    if due.due_at > cap.due_at:
        raise CaseError(t("该类事项最长 %(cap)s（至 %(day)s），不能超过。", cap=cap_limit.describe(),
                          day=cap.last_day.isoformat()))
    old_due = case.due_at
    case.limit_amount, case.limit_unit, case.extra_amount = days, LimitUnit.CALENDAR_DAYS.value, 0
    _apply_due(case, due)
    _event(case, "deadline_set", actor, reason,
           data={"old_due_at": aware(old_due).isoformat(), "due_at": aware(case.due_at).isoformat()})


def request_extension(case: Case, *, amount: int, reason: str, actor_id: int | None,
                      expected_version=None) -> Extension:
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
    extension = Extension(case_id=case.id, amount=amount, unit=case.limit_unit, reason=reason,
                          requested_by_id=actor.id if actor else None, requested_at=utcnow())
    case.extensions.append(extension)
    _event(case, "extension_requested", actor, reason,
           data={"amount": amount, "unit": case.limit_unit})
    _notify([u.id for u in _leaders_for(case.office_id)],
            t("延期申请待审批：%(r)s", r=receipts.display(case.receipt_no)), reason, url=_case_url(case),
            dedupe_key=f"case:{case.id}:ext:{len(case.extensions)}")
    return extension


def _check_cap(case: Case, extra_amount: int) -> None:
    spec = get_category(case.category)
    if spec is None or spec.max_limit is None:
        raise CaseError(t("“%(c)s”类事项不能延期。", c=str(spec.title) if spec else case.category))
    extended = _due_for(case, extra_amount=extra_amount)
    cap = _cap_due(case)
    if extended.due_at > cap.due_at:
        raise CaseError(t("延期后期限将到 %(day)s，超过该类事项最长 %(cap)s（至 %(cap_day)s）。",
                          day=extended.last_day.isoformat(), cap=spec.max_limit.describe(),
                          cap_day=cap.last_day.isoformat()))


def _pending_extension(extension: Extension) -> Case:
    if extension.status != "requested":
        raise CaseError(t("该延期申请已经处理过了。"))
    return extension.case


def approve_extension(extension: Extension, *, actor_id: int | None, note: str | None = None,
                      expected_version=None) -> None:
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
    _event(case, "extension_approved", actor, extension.decision_note,
           data={"amount": extension.amount, "unit": extension.unit,
                 "old_due_at": aware(old_due).isoformat(), "due_at": aware(case.due_at).isoformat()})


def refuse_extension(extension: Extension, *, actor_id: int | None, note: str,
                     expected_version=None) -> None:
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
    _event(case, "extension_refused", actor, note,
           data={"amount": extension.amount, "unit": extension.unit})


# --- agency (办事代理) --------------------------------------------------------------------


def start_agency(case: Case, *, reason: str, actor_id: int | None, agent_id: int | None = None,
                 expected_version=None) -> AgencyRecord:
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


def record_delivery(agency: AgencyRecord, *, delivered_at: datetime, items: str,
                    actor_id: int | None, delivered_by_id: int | None = None,
                    expected_version=None) -> None:
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
    moment = aware(delivered_at) if delivered_at.tzinfo else delivered_at.replace(tzinfo=SHANGHAI)
    if moment > utcnow() + _FUTURE_SLACK:
        raise CaseError(t("送达时间不能晚于当前时间。"))
    if moment < aware(agency.started_at) - timedelta(days=1):
        raise CaseError(t("送达时间不能早于代办开始时间。"))
    deliverer = _user(delivered_by_id) if delivered_by_id else (actor or agency.agent)
    agency.delivered_at = moment
    agency.delivered_by_id = deliverer.id if deliverer else None
    agency.delivered_items = items
    _event(case, "agency_delivered", actor, items,
           data={"delivered_at": moment.isoformat(),
                 "delivered_by": deliverer.display_name if deliverer else None})


def sign_off_agency(agency: AgencyRecord, *, actor_id: int | None, note: str | None = None,
                    expected_version=None) -> None:
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


# --- attachments -------------------------------------------------------------------------


def add_attachment(case: Case, *, filename: str, data: bytes, actor_id: int | None) -> CaseAttachment:
    """Attach a file after checking its type (by name and content) and size."""
    from pathlib import PurePath

    from core.storage import get_storage

    actor = _user(actor_id)
    if actor is not None and (permissions.is_read_only(actor) or not may_view(actor, case)):
        raise CaseError(t("您不能为该案件上传附件。"))
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    if not name or not data:
        raise CaseError(t("请选择要上传的文件。"))
    suffix = PurePath(name).suffix.lower()
    allowed = ", ".join(sorted({s.lstrip(".") for s in ATTACHMENT_TYPES}))
    if suffix not in ATTACHMENT_TYPES:
        raise CaseError(t("不支持该文件类型（%(s)s）。可上传：%(allowed)s。",
                          s=suffix or name, allowed=allowed))
    content_type, signatures = ATTACHMENT_TYPES[suffix]
    if not data.startswith(signatures):
        raise CaseError(t("文件内容与扩展名 %(s)s 不符，请上传真实的文件。", s=suffix))
    limit = int(_config("CASE_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES))
    if len(data) > limit:
        raise CaseError(t("文件过大（最大 %(mb).1f MB）。", mb=limit / 1024 / 1024))
    key = get_storage().save(data, suffix)
    attachment = CaseAttachment(case_id=case.id, filename=name[:200], storage_key=key,
                                content_type=content_type, size=len(data),
                                uploaded_by_id=actor.id if actor else None, uploaded_at=utcnow())
    case.attachments.append(attachment)
    _event(case, "attachment_added", actor, name[:200],
           data={"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    return attachment


# --- finishing ---------------------------------------------------------------------------


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
    late = now > aware(case.due_at)
    case.swept_colour = "closed"
    _event(case, "resolved", actor, outcome, data={"overdue": late})
    get_registry().call_each("case_closed", case=case)


resolve_case = close_case


def archive_case(case: Case, *, actor_id: int | None, note: str | None = None,
                 expected_version=None) -> None:
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


# --- residents' rating, rectification, appeal --------------------------------------------


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
    rating = Rating(case=case, office_id=case.office_id, grade=grade_value, comment=comment,
                    rated_at=now)
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
    heads = (_office_staff(case.office_id, (Role.OFFICE_ADMIN,))
             or _office_staff(case.office_id, (Role.LEADER,)))
    due = compute_due(now, Limit(days, LimitUnit.WORKING_DAYS))
    rectification = Rectification(case=case, rating=rating, office_id=case.office_id,
                                  assignee_id=heads[0].id if heads else None, opened_at=now,
                                  due_at=to_utc(due.due_at), status="open")
    db.session.add(rectification)
    _event(case, "rectification_opened", None,
           t("群众评价“%(g)s”，整改期限至 %(d)s", g=rating.grade.label, d=due.last_day.isoformat()),
           to_user_id=rectification.assignee_id)
    if heads:
        _notify([heads[0].id], t("差评整改：%(r)s", r=receipts.display(case.receipt_no)), rating.comment or "",
                url=_case_url(case), dedupe_key=f"case:{case.id}:rectification")
    return rectification


def _office_head_may(actor: User | None, office_id: int) -> bool:
    return actor is None or (not permissions.is_read_only(actor) and (
        actor.role == Role.TOWNSHIP_ADMIN
        or (actor.office_id == office_id and actor.role in (Role.OFFICE_ADMIN, Role.LEADER))
        or is_leader_for(actor, office_id)))


def complete_rectification(rectification: Rectification, *, measures: str,
                           actor_id: int | None) -> None:
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


def record_follow_up(rectification: Rectification, *, called_at: datetime, reached: bool,
                     actor_id: int | None, resident_grade: str | None = None,
                     note: str | None = None) -> FollowUpCall:
    """回访: a call to the resident after the rectification. A call that reached them ends the
    rectification and files a resolved case."""
    actor = _user(actor_id)
    if rectification.status != "done":
        raise CaseError(t("整改完成后才能登记回访。"))
    if not _office_head_may(actor, rectification.office_id):
        raise CaseError(t("只有单位负责人或分管领导可以登记回访。"))
    if not isinstance(called_at, datetime):
        raise CaseError(t("请填写回访时间。"))
    moment = aware(called_at) if called_at.tzinfo else called_at.replace(tzinfo=SHANGHAI)
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
    call = FollowUpCall(rectification_id=rectification.id, called_at=moment, reached=bool(reached),
                        called_by_id=actor.id if actor else None, resident_grade=grade_value,
                        note=(note or "").strip() or None)
    rectification.calls.append(call)
    case = rectification.case
    _event(case, "follow_up", actor, call.note,
           data={"reached": bool(reached), "grade": grade_value.value if grade_value else None})
    if reached:
        rectification.status = "followed_up"
        if case.status == CaseStatus.RESOLVED:
            case.status = CaseStatus.CLOSED
            case.archived_at = utcnow()
    return call


def file_appeal(rating: Rating, *, reason: str, statement: str, actor_id: int | None) -> RatingAppeal:
    """The office appeals a rating it shows to be mistaken or malicious; a leader decides."""
    actor = _user(actor_id)
    if actor is not None and (permissions.is_read_only(actor)
                              or (actor.office_id != rating.office_id
                                  and actor.role != Role.TOWNSHIP_ADMIN)):
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
    appeal = RatingAppeal(rating=rating, case_id=rating.case_id, office_id=rating.office_id,
                          reason=reason_value, statement=statement, status="pending",
                          filed_by_id=actor.id if actor else None, filed_at=utcnow())
    db.session.add(appeal)
    _event(rating.case, "appeal_filed", actor, statement, data={"reason": reason_value.value})
    _notify([u.id for u in _leaders_for(rating.office_id)],
            t("评价申诉待裁定：%(r)s", r=receipts.display(rating.case.receipt_no)), statement,
            url=_case_url(rating.case), dedupe_key=f"appeal:{rating.id}")
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
