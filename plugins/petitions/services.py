"""Everything that changes a petition: registration and one function per step of the procedure.

Each function checks the input, the actor and the regulations first and raises
``PetitionError`` (a Chinese message for the user) before touching anything, so a refused step
changes nothing. Callers commit (and roll back on error). ``actor_id=None`` means the system.

The stage machine (``Stage``)::

    registration ─pass_on─▶ acceptance ─decide_acceptance─▶ handling ─reply─▶ replied
         └──────────decide_acceptance──────────┘    (not accepted ▶ not_accepted)
    replied ─delivery─▶ review_window ─request_review─▶ review ─decide_review─▶ review_decided
    review_decided ─delivery─▶ rereview_window ─request_rereview─▶ rereview ─decide_rereview─▶
    terminated.   A window that lapses ▶ closed.   A repeat is registered as merged.

Each stage with a limit gets its due date from ``core.sla.compute_due`` counted from its own
start event (see ``plugins.petitions.limits``), recorded as a ``PetitionStep``; the petition's
core case carries the same deadline so the core's supervision sees it.
"""

import logging
import re
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from core.kit import (
    ACTIVE_STATUSES,
    Case,
    CaseError,
    Channel,
    Limit,
    Office,
    Role,
    User,
    close_case,
    db,
    explain_due,
    format_day,
    from_local_input,
    is_enabled,
    local_day,
    open_case,
    permissions,
    restart_clock,
    utc_now,
)
from core.kit import approve_extension as core_approve_extension
from core.kit import refuse_extension as core_refuse_extension
from core.kit import request_extension as core_request_extension
from plugins.petitions import limits
from plugins.petitions.errors import PetitionError
from plugins.petitions.filing import file_petition
from plugins.petitions.models import (
    FINAL_STAGES,
    DeliveryMethod,
    Level,
    NoticeKind,
    Petition,
    PetitionChannel,
    Petitioner,
    PetitionNotice,
    PetitionPause,
    PetitionStep,
    RiskLevel,
    Stage,
)
from plugins.petitions.notices import issue_notice
from plugins.petitions.repeats import fill_hashes, index_petition

log = logging.getLogger(__name__)

PLUGIN = "petitions"
COLLECTIVE_THRESHOLD = 5  # 集体访: five or more people
_FUTURE_SLACK = timedelta(minutes=1)
CHANNEL_TO_CASE = {
    PetitionChannel.LETTER: Channel.LETTER,
    PetitionChannel.VISIT: Channel.VISIT,
    PetitionChannel.CALL: Channel.PHONE,
    PetitionChannel.ONLINE: Channel.ONLINE,
}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


# --- checks ------------------------------------------------------------------------------------


def _actor(actor_id: int | None, office_id: int) -> User | None:
    """The acting user, who must be able to change the office's petitions."""
    if actor_id is None:
        return None
    user = db.session.get(User, int(actor_id))
    if user is None or not user.active:
        raise PetitionError(_("找不到该工作人员，或其账号已停用。"))
    if permissions.is_read_only(user):
        raise PetitionError(_("您的角色只能查看，不能办理信访事项。"))
    if not permissions.may_see_office(user, office_id):
        raise PetitionError(_("只能办理本单位的信访事项。"))
    return user


def _text(value: str | None, message: str, max_length: int = 5000) -> str:
    value = (value or "").strip()
    if not value:
        raise PetitionError(message)
    if len(value) > max_length:
        raise PetitionError(_("内容过长（最多 %(n)d 个字）。", n=max_length))
    return value


def parse_moment(value, what: str, *, not_before: datetime | None = None,
                 not_before_label: str = "") -> datetime:
    """A date or time from a form or a caller as aware UTC (naive values are local time).

    Raises PetitionError when it is missing, in the future, or on a day before
    ``not_before``.
    """
    if value is None or value == "":
        raise PetitionError(_("请填写%(what)s。", what=what))
    if not isinstance(value, date):
        raise PetitionError(_("%(what)s格式不正确。", what=what))
    moment = from_local_input(value)
    if moment > utc_now() + _FUTURE_SLACK:
        raise PetitionError(_("%(what)s不能晚于当前时间。", what=what))
    if moment.year < 2000:
        raise PetitionError(_("%(what)s不正确。", what=what))
    if not_before is not None and local_day(moment) < local_day(not_before):
        raise PetitionError(_("%(what)s不能早于%(event)s（%(day)s）。", what=what,
                              event=not_before_label, day=format_day(not_before)))
    return moment


def _not_terminated(petition: Petition) -> None:
    if petition.stage == Stage.TERMINATED:
        raise PetitionError(_("该信访事项已经复核终结，复核意见为终结意见，不再受理。"))


def _stage(petition: Petition, *allowed: Stage, message: str | None = None) -> None:
    _not_terminated(petition)
    if petition.stage not in allowed:
        raise PetitionError(message or _("该信访事项当前处于“%(stage)s”阶段，不能进行此操作。",
                                         stage=petition.stage.label))


def valid_id_number(value: str) -> bool:
    """A mainland resident ID number: 18 characters with a valid check character (GB 11643),
    or the old 15-digit form."""
    if re.fullmatch(r"\d{15}", value):
        return True
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def clean_petitioner(data: dict) -> dict:
    """Check one petitioner's fields; returns them cleaned (raises PetitionError)."""
    name = (data.get("name") or "").strip()
    if not name:
        raise PetitionError(_("请填写信访人姓名。"))
    if len(name) > 64:
        raise PetitionError(_("信访人姓名过长。"))
    phone = (data.get("phone") or "").strip() or None
    if phone is not None:
        digits = re.sub(r"\D", "", phone)
        if not re.fullmatch(r"[\d\s()+\-]+", phone) or not 7 <= len(digits) <= 20:
            raise PetitionError(_("联系电话“%(p)s”格式不正确。", p=phone[:20]))
    id_number = re.sub(r"\s", "", data.get("id_number") or "").upper() or None
    if id_number is not None and not valid_id_number(id_number):
        raise PetitionError(_("身份证号码格式不正确（18 位，最后一位为数字或 X，校验位须正确）。"))
    address = (data.get("address") or "").strip() or None
    if address and len(address) > 200:
        raise PetitionError(_("住址过长。"))
    return {"name": name, "phone": phone, "id_number": id_number, "address": address,
            "is_representative": bool(data.get("is_representative"))}


def _enum(enum_cls, value, message: str):
    try:
        return enum_cls(value)
    except ValueError:
        raise PetitionError(message) from None


def is_skip_level(brought_to: Level, proper: Level) -> bool:
    """越级: brought above the level with authority and the one above it (the regulations let
    a petitioner go to the competent organ or the next level up)."""
    return brought_to.rank > proper.rank + 1


# --- stages and the case -------------------------------------------------------------------


def _enter_stage(petition: Petition, stage: Stage, *, start: datetime | None, event: str,
                 actor: User | None, limit: Limit | None = None,
                 restart: str | None = None) -> PetitionStep | None:
    """End the current step (keeping its deadline as a snapshot) and start ``stage``.

    ``limit`` is the stage's statutory limit. Its deadline is carried by the stage's core
    case: a case opened for the stage counts it from its acceptance (the category's limit);
    with ``restart`` (the reason, for the case's timeline) the case's clock restarts from
    ``start``. A petitioner's window has no case: it runs from the delivery
    (``Petition.window_due``). A final stage files the petition's file in the office's
    archive (``filing.file_petition``)."""
    moment = start or utc_now()
    _end_step(petition, moment, event)
    petition.stage = stage
    petition.stage_started_at = start
    if stage in FINAL_STAGES:
        # Every way a matter ends comes through here: its file goes to the archive.
        file_petition(petition, moment)
        return None
    step = PetitionStep(office_id=petition.office_id, stage=stage, started_at=moment,
                        start_event=event, actor_id=actor.id if actor else None)
    if limit is not None:
        due = _stage_due(petition, start, limit, restart)
        step.limit_days = limit.amount
        step.explanation = list(due.explanation)
        step.warnings = list(due.warnings)
    petition.steps.append(step)
    return step


def _stage_due(petition: Petition, start: datetime, limit: Limit, restart: str | None):
    """The new stage's due date, from the one place that carries it."""
    case = petition.stage_case
    if case is None:
        return petition.window_due()
    if restart is None:
        return explain_due(case)
    try:
        return restart_clock(case, start=start, limit=limit, reason=restart)
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc


def _end_step(petition: Petition, moment: datetime, event: str) -> None:
    """Close the open step with a snapshot of the stage's deadline as it stood."""
    current = _current_step(petition)
    if current is None:
        return
    current.ended_at = moment
    current.end_event = event
    if current.limit_days:
        current.due_at = petition.due_at
        current.last_day = petition.last_day
    current.overdue = current.due_at is not None and moment > current.due_at


def _current_step(petition: Petition) -> PetitionStep | None:
    open_steps = [s for s in petition.steps if s.ended_at is None]
    return open_steps[-1] if open_steps else None


def _close_case(case: Case | None, outcome: str, actor: User | None) -> None:
    if case is None or case.status not in ACTIVE_STATUSES:
        return
    try:
        close_case(case, outcome=outcome, actor_id=actor.id if actor else None)
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc


def _open_stage_case(petition: Petition, category: str, accepted_at: datetime, subject: str,
                     actor: User | None) -> Case:
    first = petition.first_petitioner
    handler = actor.id if actor and actor.office_id == petition.office_id else None
    try:
        return open_case(
            office_id=petition.office_id, category=category,
            channel=CHANNEL_TO_CASE[petition.channel].value, subject=subject[:200],
            content=petition.demands or petition.content or "",
            applicant_name=first.name if first else None,
            applicant_phone=first.phone if first else None,
            applicant_id_number=first.id_number if first else None,
            handler_id=handler, accepted_at=accepted_at,
            source_type=limits.SOURCE_TYPES[category], source_id=str(petition.id),
            actor_id=actor.id if actor else None)
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc


def _leaders(office_id: int) -> list[User]:
    office = db.session.get(Office, office_id)
    ids = [office_id] + ([a.id for a in office.ancestors()] if office else [])
    return list(db.session.scalars(select(User).where(
        User.office_id.in_(ids), User.active, User.role == Role.LEADER).order_by(User.id)))


def _notify(user_ids, title: str, body: str, dedupe_key: str) -> None:
    from core.kit import notify

    for user_id in sorted(set(user_ids)):
        notify(user_id, title, body, url=None, dedupe_key=f"{dedupe_key}:{user_id}")


# --- registration ------------------------------------------------------------------------------


def register_petition(*, office_id: int, channel: str, received_at, subject: str,  # noqa: C901
                      demands: str = "", content: str = "", people_count: int = 1,
                      petitioners: list[dict], level_brought_to: str = Level.TOWNSHIP.value,
                      proper_level: str = Level.TOWNSHIP.value,
                      hidden_risk: str = RiskLevel.NONE.value, risk_note: str | None = None,
                      repeat_of_id: int | None = None, actor_id: int | None) -> Petition:
    """Register a letter, visit, call or online petition.

    A new matter opens a core case (receipt number, 15-day limit from receipt) and enters the
    registration stage; a repeat (``repeat_of_id``: an earlier petition of the same matter the
    staff member confirmed) is linked to the original, merged, and opens nothing new.
    """
    actor = _actor(actor_id, office_id)
    office = db.session.get(Office, int(office_id)) if office_id is not None else None
    if office is None:
        raise PetitionError(_("找不到该单位。"))
    if not is_enabled(PLUGIN, office.id):
        raise PetitionError(_("该单位未启用信访模块。"))
    subject = (subject or "").strip()
    demands = (demands or "").strip()
    content = (content or "").strip()
    if not subject and not demands and not content:
        raise PetitionError(_("信访事项为空：请填写事由和诉求。"))
    subject = _text(subject, _("请填写信访事由。"), 200)
    if not demands and not content:
        raise PetitionError(_("请填写信访诉求或主要内容。"))
    if len(demands) > 5000 or len(content) > 20000:
        raise PetitionError(_("诉求或内容过长。"))
    channel_value = _enum(PetitionChannel, channel, _("请选择信访形式（来信、来访、来电或网上信访）。"))
    brought = _enum(Level, level_brought_to, _("请选择信访人到达的层级。"))
    proper = _enum(Level, proper_level, _("请选择有权处理的层级。"))
    risk = _enum(RiskLevel, hidden_risk or RiskLevel.NONE.value, _("请选择隐患等级。"))
    received = parse_moment(received_at, _("收到日期"))
    people = [clean_petitioner(p) for p in petitioners or [] if any(
        (p.get(k) or "").strip() for k in ("name", "phone", "id_number", "address"))]
    if not people:
        raise PetitionError(_("请至少填写一名信访人。"))
    try:
        count = int(people_count)
    except (TypeError, ValueError):
        raise PetitionError(_("信访人数必须是整数。")) from None
    if count < len(people):
        raise PetitionError(_("信访人数（%(n)d）不能少于登记的信访人（%(m)d 人）。", n=count,
                              m=len(people)))
    if count > 100000:
        raise PetitionError(_("信访人数不正确。"))
    original = None
    if repeat_of_id not in (None, ""):
        original = db.session.get(Petition, int(repeat_of_id))
        if original is None or (actor is not None and not permissions.may_see_office(
                actor, original.office_id)) or original.office_id != office.id:
            raise PetitionError(_("找不到要关联的原信访事项。"))
        while original.repeat_of is not None:
            original = original.repeat_of

    petition = Petition(
        office_id=office.id, channel=channel_value, received_at=received, subject=subject,
        demands=demands, content=content, people_count=count,
        collective=count >= COLLECTIVE_THRESHOLD, level_brought_to=brought,
        proper_level=proper, skip_level=is_skip_level(brought, proper), hidden_risk=risk,
        risk_note=(risk_note or "").strip() or None,
        risk_set_at=utc_now() if risk != RiskLevel.NONE else None,
        risk_set_by_id=actor.id if actor and risk != RiskLevel.NONE else None,
        registered_by_id=actor.id if actor else None,
        handler_id=actor.id if actor and actor.office_id == office.id else None,
        stage=Stage.REGISTRATION)
    for person in people:
        petitioner = Petitioner(office_id=office.id, **person)
        fill_hashes(petitioner)
        petition.petitioners.append(petitioner)
    db.session.add(petition)

    if original is not None:
        petition.repeat_of_id = original.id
        petition.repeat_of = original
        petition.stage = Stage.MERGED
        petition.closed_at = received
        petition.receipt_no = original.receipt_no
        db.session.flush()
        if original.case is not None:
            from core.kit import add_note

            add_note(original.case, note=_("同一事项再次信访（%(channel)s，%(day)s），已并案。",
                                           channel=channel_value.label, day=format_day(received)),
                     actor_id=None)
    else:
        db.session.flush()
        case = _open_stage_case(petition, limits.CATEGORY_PETITION, received, subject, actor)
        petition.case = case
        petition.receipt_no = case.receipt_no
        _enter_stage(petition, Stage.REGISTRATION, start=received, event=_("收到信访事项"),
                     actor=actor, limit=limits.REGISTER)
        db.session.flush()
        index_petition(petition)
    if risk == RiskLevel.HIGH:
        _alert_risk(petition)
    return petition


def add_petitioner(petition: Petition, data: dict, *, actor_id: int | None) -> Petitioner:
    """Add one more petitioner (e.g. a collective petition's further members)."""
    _actor(actor_id, petition.office_id)
    person = clean_petitioner(data)
    if len(petition.petitioners) + 1 > petition.people_count:
        petition.people_count = len(petition.petitioners) + 1
        petition.collective = petition.people_count >= COLLECTIVE_THRESHOLD
    petitioner = Petitioner(office_id=petition.office_id, **person)
    fill_hashes(petitioner)
    petition.petitioners.append(petitioner)
    return petitioner


def update_registration(petition: Petition, *, actor_id: int | None, **fields) -> None:
    """Correct registration details (subject, demands, content, number of people, levels);
    the flags and the repeat index follow."""
    _actor(actor_id, petition.office_id)
    if "subject" in fields:
        fields["subject"] = _text(fields["subject"], _("请填写信访事由。"), 200)
    if "people_count" in fields:
        try:
            fields["people_count"] = int(fields["people_count"])
        except (TypeError, ValueError):
            raise PetitionError(_("信访人数必须是整数。")) from None
        if fields["people_count"] < max(1, len(petition.petitioners)):
            raise PetitionError(_("信访人数不能少于登记的信访人。"))
    for name in ("level_brought_to", "proper_level"):
        if name in fields:
            fields[name] = _enum(Level, fields[name], _("请选择层级。"))
    for name, value in fields.items():
        setattr(petition, name, value)
    refresh_flags(petition)
    if "subject" in fields:
        index_petition(petition)


def refresh_flags(petition: Petition) -> None:
    """Recompute the collective and skip-level flags from the stored values."""
    petition.collective = (petition.people_count or 0) >= COLLECTIVE_THRESHOLD
    petition.skip_level = is_skip_level(Level(petition.level_brought_to),
                                        Level(petition.proper_level))


def set_risk(petition: Petition, *, level: str, note: str | None, actor_id: int | None) -> None:
    """排查信访隐患: staff set the hidden-risk level; a high risk alerts the leaders."""
    actor = _actor(actor_id, petition.office_id)
    risk = _enum(RiskLevel, level, _("请选择隐患等级。"))
    note = (note or "").strip() or None
    if risk in (RiskLevel.MEDIUM, RiskLevel.HIGH) and not note:
        raise PetitionError(_("中、高隐患请写明隐患情况。"))
    previous = petition.hidden_risk
    petition.hidden_risk = risk
    petition.risk_note = note
    petition.risk_set_at = utc_now()
    petition.risk_set_by_id = actor.id if actor else None
    if risk == RiskLevel.HIGH and previous != RiskLevel.HIGH:
        _alert_risk(petition)


def _alert_risk(petition: Petition) -> None:
    _notify([u.id for u in _leaders(petition.office_id)],
            _("信访隐患（高）：%(s)s", s=petition.subject[:60]), petition.risk_note or "",
            dedupe_key=f"petition:{petition.id}:risk-high:{petition.risk_set_at:%Y%m%d%H%M%S}"
            if petition.risk_set_at else f"petition:{petition.id}:risk-high")


# --- first instance ---------------------------------------------------------------------


def pass_on(petition: Petition, *, handling_unit: str, passed_at, actor_id: int | None) -> None:
    """转送、交办: within 15 days of receipt the matter goes to the unit that handles it; that
    unit's 15 days to decide acceptance run from its receipt."""
    actor = _actor(actor_id, petition.office_id)
    _stage(petition, Stage.REGISTRATION)
    unit = _text(handling_unit, _("请填写转送或交办的单位。"), 120)
    moment = parse_moment(passed_at, _("转送日期"), not_before=petition.received_at,
                     not_before_label=_("收到日期"))
    petition.handling_unit = unit
    petition.passed_on_at = moment
    _enter_stage(petition, Stage.ACCEPTANCE, start=moment,
                 event=_("转送至%(unit)s", unit=unit), actor=actor, limit=limits.ACCEPT,
                 restart=_("信访事项已转送%(unit)s，受理告知期限自转送之日起算。", unit=unit))


def decide_acceptance(petition: Petition, *, accepted: bool, decided_at, note: str | None,
                      actor_id: int | None) -> PetitionNotice:
    """Decide whether to accept and tell the petitioner in writing. Accepted: the 60-day
    handling limit runs from the decision. Not accepted: the reason is required and the
    matter ends."""
    actor = _actor(actor_id, petition.office_id)
    _stage(petition, Stage.REGISTRATION, Stage.ACCEPTANCE)
    start = petition.passed_on_at or petition.received_at
    moment = parse_moment(decided_at, _("决定日期"), not_before=start,
                     not_before_label=_("收到日期") if petition.passed_on_at is None
                     else _("转送日期"))
    note = (note or "").strip() or None
    if not accepted and not note:
        raise PetitionError(_("不予受理的，请写明理由。"))
    petition.accepted = bool(accepted)
    petition.decided_at = moment
    petition.decision_note = note
    if not accepted:
        notice = issue_notice(petition, NoticeKind.NON_ACCEPTANCE, actor_id=actor_id,
                              moment=moment, reason=note)
        _enter_stage(petition, Stage.NOT_ACCEPTED, start=moment, event=_("决定不予受理"),
                     actor=actor)
        petition.closed_at = moment
        _close_case(petition.case, _("不予受理：%(reason)s", reason=note), actor)
        return notice
    _enter_stage(petition, Stage.HANDLING, start=moment, event=_("决定受理"), actor=actor,
                 limit=limits.HANDLE, restart=_("已受理，自受理之日起 60 日内办结。"))
    return issue_notice(petition, NoticeKind.ACCEPTANCE, actor_id=actor_id, moment=moment,
                        due_day=petition.last_day)


def _pending_core_extension(petition: Petition):
    case = petition.case
    if case is None:
        return None
    pending = [e for e in case.extensions if e.status == "requested"]
    return pending[-1] if pending else None


def request_extension(petition: Petition, *, days: int, reason: str,
                      actor_id: int | None) -> None:
    """Ask the leader to extend the handling limit: once only, by at most 30 days, before the
    60 days have run out."""
    actor = _actor(actor_id, petition.office_id)
    _stage(petition, Stage.HANDLING,
           message=_("只有办理中的信访事项可以申请延长办理期限。"))
    if petition.extension_days or any(e.status == "approved" for e in petition.case.extensions):
        raise PetitionError(_("办理期限只能延长一次，该信访事项已经延期。"))
    if _pending_core_extension(petition) is not None:
        raise PetitionError(_("已有一项延期申请待领导审批。"))
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise PetitionError(_("延长天数必须是整数。")) from None
    if not 1 <= days <= limits.EXTENSION_MAX_DAYS:
        raise PetitionError(_("延长期限为 1 至 %(n)d 日，不得超过 %(n)d 日。",
                              n=limits.EXTENSION_MAX_DAYS))
    reason = _text(reason, _("请写明延期理由。"), 2000)
    if utc_now() > petition.due_at:
        raise PetitionError(_("办理期限已于 %(day)s 届满，不能再申请延期。",
                              day=format_day(petition.last_day)))
    try:
        core_request_extension(petition.case, amount=days, reason=reason,
                               actor_id=actor.id if actor else None)
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc


def approve_extension(petition: Petition, *, actor_id: int | None,
                      note: str | None = None) -> PetitionNotice:
    """A leader approves the extension: the handling limit becomes 60 + n days from
    acceptance and the petitioner is told in writing (延期办理告知书)."""
    actor = _actor(actor_id, petition.office_id)
    _stage(petition, Stage.HANDLING)
    extension = _pending_core_extension(petition)
    if extension is None:
        raise PetitionError(_("没有待审批的延期申请。延长办理期限须先申请，经领导批准。"))
    if petition.extension_days:
        raise PetitionError(_("办理期限只能延长一次，该信访事项已经延期。"))
    if actor is not None and actor.role != Role.LEADER:
        raise PetitionError(_("延长办理期限须经领导批准，您不能审批。"))
    try:
        core_approve_extension(extension, actor_id=actor.id if actor else None, note=note)
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc
    days = extension.amount
    petition.extension_days = days
    petition.extension_reason = extension.reason
    petition.extension_approved_by_id = actor.id if actor else None
    petition.extended_at = utc_now()
    _current_step(petition).extra_days = days
    return issue_notice(petition, NoticeKind.EXTENSION, actor_id=actor_id, days=days,
                        reason=extension.reason, due_day=petition.last_day)


def refuse_extension(petition: Petition, *, actor_id: int | None, note: str) -> None:
    """A leader refuses the extension; the limit stays."""
    actor = _actor(actor_id, petition.office_id)
    extension = _pending_core_extension(petition)
    if extension is None:
        raise PetitionError(_("没有待审批的延期申请。"))
    if actor is not None and actor.role != Role.LEADER:
        raise PetitionError(_("只有领导可以审批延期申请。"))
    try:
        core_refuse_extension(extension, actor_id=actor.id if actor else None, note=note)
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc


def reply(petition: Petition, *, result: str, replied_at, actor_id: int | None) -> PetitionNotice:
    """出具书面答复意见: the result is recorded, the 信访事项处理意见书 issued and the case
    closed. The petitioner's 30 days to ask for a review start when it is delivered."""
    actor = _actor(actor_id, petition.office_id)
    _stage(petition, Stage.HANDLING)
    result = _text(result, _("请填写处理意见。"), 5000)
    moment = parse_moment(replied_at, _("答复日期"), not_before=petition.decided_at,
                     not_before_label=_("受理日期"))
    petition.result = result
    petition.replied_at = moment
    notice = issue_notice(petition, NoticeKind.REPLY, actor_id=actor_id, moment=moment,
                          result=result)
    _enter_stage(petition, Stage.REPLIED, start=moment, event=_("出具处理意见书"), actor=actor)
    _close_case(petition.case, result, actor)
    return notice


def record_delivery(notice: PetitionNotice, *, method: str, delivered_at,
                    note: str | None = None, actor_id: int | None) -> None:
    """Record how, when and by whom a notice was delivered. Delivering the reply or the
    review opinion opens the petitioner's 30-day window for the next request."""
    petition = notice.petition
    actor = _actor(actor_id, notice.office_id)
    if notice.delivered_at is not None:
        raise PetitionError(_("该文书已经登记过送达。"))
    method_value = _enum(DeliveryMethod, method, _("请选择送达方式。"))
    moment = parse_moment(delivered_at, _("送达日期"), not_before=notice.issued_at,
                     not_before_label=_("文书制作日期"))
    note = (note or "").strip() or None
    if method_value in (DeliveryMethod.LEFT_AT_HOME, DeliveryMethod.PUBLIC_NOTICE) and not note:
        raise PetitionError(_("留置送达或公告送达的，请写明见证人或公告情况。"))
    notice.delivery_method = method_value
    notice.delivered_at = moment
    notice.delivered_by_id = actor.id if actor else None
    notice.delivery_note = note
    if notice.kind == NoticeKind.REPLY and petition.stage == Stage.REPLIED:
        petition.reply_delivered_at = moment
        _enter_stage(petition, Stage.REVIEW_WINDOW, start=moment, event=_("处理意见书送达"),
                     actor=actor, limit=limits.REVIEW_REQUEST)
    elif notice.kind == NoticeKind.REVIEW and petition.stage == Stage.REVIEW_DECIDED:
        petition.review_delivered_at = moment
        _enter_stage(petition, Stage.REREVIEW_WINDOW, start=moment, event=_("复查意见书送达"),
                     actor=actor, limit=limits.REREVIEW_REQUEST)


# --- review and re-review -------------------------------------------------------------------


def request_review(petition: Petition, *, requested_at, reason: str | None = None,
                   actor_id: int | None) -> Case:
    """复查: the petitioner asks within 30 days of receiving the written reply; the review is
    due 30 days after the request is received. Opens the review case."""
    actor = _actor(actor_id, petition.office_id)
    _not_terminated(petition)
    if petition.stage == Stage.REPLIED:
        raise PetitionError(_("处理意见书尚未登记送达。复查申请期自送达之日起算，请先登记送达。"))
    if petition.review_requested_at is not None:
        raise PetitionError(_("该信访事项已经申请过复查。"))
    _stage(petition, Stage.REVIEW_WINDOW, Stage.CLOSED,
           message=_("只有出具处理意见并送达后，才能申请复查。"))
    if petition.reply_delivered_at is None:
        raise PetitionError(_("只有出具处理意见并送达后，才能申请复查。"))
    delivered = petition.reply_delivered_at
    moment = parse_moment(requested_at, _("复查申请日期"), not_before=delivered,
                     not_before_label=_("处理意见书送达日期"))
    window = petition.window_due(Stage.REVIEW_WINDOW)
    if moment > window.due_at_utc:
        raise PetitionError(_("复查申请已超过期限：应自收到处理意见书之日起 30 日内（%(day)s 前）"
                              "提出，本申请于 %(asked)s 提出，不予受理。",
                              day=window.last_day.isoformat(), asked=format_day(moment)))
    case = _open_stage_case(petition, limits.CATEGORY_REVIEW, moment,
                            _("复查：%(s)s", s=petition.subject), actor)
    petition.review_case = case
    petition.review_requested_at = moment
    petition.closed_at = None
    if reason:
        from core.kit import add_note

        add_note(case, note=reason.strip()[:2000], actor_id=None)
    _enter_stage(petition, Stage.REVIEW, start=moment, event=_("收到复查请求"), actor=actor,
                 limit=limits.REVIEW)
    return case


def decide_review(petition: Petition, *, opinion: str, decided_at,
                  actor_id: int | None) -> PetitionNotice:
    """复查意见: issued in writing; its delivery opens the 30-day window for a re-review."""
    actor = _actor(actor_id, petition.office_id)
    _stage(petition, Stage.REVIEW)
    opinion = _text(opinion, _("请填写复查意见。"), 5000)
    moment = parse_moment(decided_at, _("复查意见日期"), not_before=petition.review_requested_at,
                     not_before_label=_("复查申请日期"))
    petition.review_opinion = opinion
    petition.review_decided_at = moment
    notice = issue_notice(petition, NoticeKind.REVIEW, actor_id=actor_id, moment=moment,
                          opinion=opinion)
    _enter_stage(petition, Stage.REVIEW_DECIDED, start=moment, event=_("出具复查意见书"),
                 actor=actor)
    _close_case(petition.review_case, opinion, actor)
    return notice


def request_rereview(petition: Petition, *, requested_at, reason: str | None = None,
                     actor_id: int | None) -> Case:
    """复核: asked within 30 days of receiving the review opinion; due 30 days after the
    request is received, hearing time not counted."""
    actor = _actor(actor_id, petition.office_id)
    _not_terminated(petition)
    if petition.stage == Stage.REVIEW_DECIDED:
        raise PetitionError(_("复查意见书尚未登记送达。复核申请期自送达之日起算，请先登记送达。"))
    if petition.rereview_requested_at is not None:
        raise PetitionError(_("该信访事项已经申请过复核。"))
    if petition.review_decided_at is None:
        raise PetitionError(_("尚未复查的信访事项不能申请复核，请先申请复查。"))
    _stage(petition, Stage.REREVIEW_WINDOW, Stage.CLOSED,
           message=_("只有复查意见送达后，才能申请复核。"))
    delivered = petition.review_delivered_at
    moment = parse_moment(requested_at, _("复核申请日期"), not_before=delivered,
                     not_before_label=_("复查意见书送达日期"))
    window = petition.window_due(Stage.REREVIEW_WINDOW)
    if moment > window.due_at_utc:
        raise PetitionError(_("复核申请已超过期限：应自收到复查意见书之日起 30 日内（%(day)s 前）"
                              "提出，本申请于 %(asked)s 提出，不予受理。",
                              day=window.last_day.isoformat(), asked=format_day(moment)))
    case = _open_stage_case(petition, limits.CATEGORY_REREVIEW, moment,
                            _("复核：%(s)s", s=petition.subject), actor)
    petition.rereview_case = case
    petition.rereview_requested_at = moment
    petition.closed_at = None
    if reason:
        from core.kit import add_note

        add_note(case, note=reason.strip()[:2000], actor_id=None)
    _enter_stage(petition, Stage.REREVIEW, start=moment, event=_("收到复核请求"), actor=actor,
                 limit=limits.REREVIEW)
    return case


def _pause_intervals(petition: Petition, stage: Stage):
    return [(p.started_at, p.ended_at if p.ended_at else None)
            for p in petition.pauses if p.stage == stage]


def start_hearing(petition: Petition, *, started_at, reason: str,
                  actor_id: int | None) -> PetitionPause:
    """A hearing during the re-review (复核听证): the clock stops until it ends."""
    actor = _actor(actor_id, petition.office_id)
    _stage(petition, Stage.REREVIEW, message=_("只有复核中的信访事项可以组织听证。"))
    if any(p.ended_at is None for p in petition.pauses):
        raise PetitionError(_("听证尚未结束，请先登记听证结束。"))
    reason = _text(reason, _("请写明听证事项。"), 200)
    moment = parse_moment(started_at, _("听证开始日期"), not_before=petition.rereview_requested_at,
                     not_before_label=_("复核申请日期"))
    if moment > petition.due_at:
        raise PetitionError(_("复核期限已于 %(day)s 届满，届满后组织的听证不能扣除期限。",
                              day=format_day(petition.last_day)))
    pause = PetitionPause(office_id=petition.office_id, stage=Stage.REREVIEW, reason=reason,
                          started_at=moment, recorded_by_id=actor.id if actor else None)
    petition.pauses.append(pause)
    return pause


def end_hearing(petition: Petition, *, ended_at, actor_id: int | None) -> None:
    """The hearing ended: the re-review's due date moves on by the days it took."""
    _actor(actor_id, petition.office_id)
    open_pauses = [p for p in petition.pauses if p.ended_at is None]
    if not open_pauses:
        raise PetitionError(_("没有进行中的听证。"))
    pause = open_pauses[-1]
    moment = parse_moment(ended_at, _("听证结束日期"), not_before=pause.started_at,
                     not_before_label=_("听证开始日期"))
    pause.ended_at = moment
    try:
        due = restart_clock(petition.rereview_case, start=petition.rereview_requested_at,
                            limit=limits.REREVIEW, reason=_("复核听证时间不计入复核期限。"),
                            pauses=_pause_intervals(petition, Stage.REREVIEW))
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc
    step = _current_step(petition)
    step.explanation = list(due.explanation)
    step.warnings = list(due.warnings)


def decide_rereview(petition: Petition, *, opinion: str, decided_at,
                    actor_id: int | None) -> PetitionNotice:
    """复核意见: final. The matter ends; the same facts and reasons are not accepted again."""
    actor = _actor(actor_id, petition.office_id)
    _stage(petition, Stage.REREVIEW)
    if any(p.ended_at is None for p in petition.pauses):
        raise PetitionError(_("听证尚未结束，请先登记听证结束。"))
    opinion = _text(opinion, _("请填写复核意见。"), 5000)
    moment = parse_moment(decided_at, _("复核意见日期"),
                     not_before=petition.rereview_requested_at,
                     not_before_label=_("复核申请日期"))
    petition.rereview_opinion = opinion
    petition.rereview_decided_at = moment
    notice = issue_notice(petition, NoticeKind.REREVIEW, actor_id=actor_id, moment=moment,
                          opinion=opinion)
    _enter_stage(petition, Stage.TERMINATED, start=moment, event=_("出具复核意见书（终结）"),
                 actor=actor)
    petition.closed_at = moment
    _close_case(petition.rereview_case, opinion, actor)
    return notice


# --- the system's side ------------------------------------------------------------------


def close_lapsed_windows(moment: datetime | None = None, office_ids: set[int] | None = None) -> int:
    """Close petitions (of ``office_ids``, default all) whose window for asking a review or
    re-review has passed unused; returns how many (the petitions job runs it)."""
    moment = moment or utc_now()
    # A window is at least its limit long: only petitions delivered before that can have lapsed.
    query = select(Petition).where(or_(
        and_(Petition.stage == Stage.REVIEW_WINDOW,
             Petition.reply_delivered_at < moment - timedelta(days=limits.REVIEW_REQUEST.amount)),
        and_(Petition.stage == Stage.REREVIEW_WINDOW,
             Petition.review_delivered_at
             < moment - timedelta(days=limits.REREVIEW_REQUEST.amount))))
    if office_ids is not None:
        query = query.where(Petition.office_id.in_(sorted(office_ids)))
    lapsed = [p for p in db.session.scalars(query) if p.due_at < moment]
    for petition in lapsed:
        due = petition.due_at
        _enter_stage(petition, Stage.CLOSED, start=due, event=_("申请期届满，未申请复查或复核"),
                     actor=None)
        petition.closed_at = due
    return len(lapsed)


def on_case_closed(case: Case) -> None:
    """A petition's case was closed from the core's case screen: record it on the petition
    as the written result of that stage (issuing the notice the regulations require)."""
    if case.source_type not in limits.SOURCE_TYPES.values() or not case.source_id:
        return
    petition = db.session.get(Petition, int(case.source_id))
    if petition is None:
        return
    outcome = case.outcome or ""
    if case.source_type == "petition" and petition.stage in (
            Stage.REGISTRATION, Stage.ACCEPTANCE, Stage.HANDLING):
        petition.result = outcome
        petition.replied_at = case.closed_at or utc_now()
        issue_notice(petition, NoticeKind.REPLY, actor_id=case.handler_id, result=outcome)
        _enter_stage(petition, Stage.REPLIED, start=petition.replied_at,
                     event=_("出具处理意见书"), actor=None)
    elif case.source_type == "petition_review" and petition.stage == Stage.REVIEW:
        petition.review_opinion = outcome
        petition.review_decided_at = case.closed_at or utc_now()
        issue_notice(petition, NoticeKind.REVIEW, actor_id=case.handler_id, opinion=outcome)
        _enter_stage(petition, Stage.REVIEW_DECIDED, start=petition.review_decided_at,
                     event=_("出具复查意见书"), actor=None)
    elif case.source_type == "petition_rereview" and petition.stage == Stage.REREVIEW:
        petition.rereview_opinion = outcome
        petition.rereview_decided_at = case.closed_at or utc_now()
        issue_notice(petition, NoticeKind.REREVIEW, actor_id=case.handler_id, opinion=outcome)
        _enter_stage(petition, Stage.TERMINATED, start=petition.rereview_decided_at,
                     event=_("出具复核意见书（终结）"), actor=None)
        petition.closed_at = petition.rereview_decided_at
