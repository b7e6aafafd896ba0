"""The first instance: pass on, decide acceptance, extend the handling limit once with a
leader's approval, reply in writing, and record the delivery of a notice."""

from flask_babel import gettext as _

from core.kit import CaseError, Role, format_day, utc_now
from core.kit import approve_extension as core_approve_extension
from core.kit import refuse_extension as core_refuse_extension
from core.kit import request_extension as core_request_extension
from plugins.petitions import limits
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import (
    DeliveryMethod,
    NoticeKind,
    Petition,
    PetitionNotice,
    Stage,
)
from plugins.petitions.notices import issue_notice
from plugins.petitions.services.checks import (
    acting_user,
    in_stage,
    parse_enum,
    parse_moment,
    required_text,
)
from plugins.petitions.services.stages import close_stage_case, current_step, enter_stage


def pass_on(petition: Petition, *, handling_unit: str, passed_at, actor_id: int | None) -> None:
    """转送、交办: within 15 days of receipt the matter goes to the unit that handles it; that
    unit's 15 days to decide acceptance run from its receipt."""
    acting_user(actor_id, petition.office_id)
    in_stage(petition, Stage.REGISTRATION)
    unit = required_text(handling_unit, _("请填写转送或交办的单位。"), 120)
    moment = parse_moment(
        passed_at, _("转送日期"), not_before=petition.received_at, not_before_label=_("收到日期")
    )
    petition.handling_unit = unit
    petition.passed_on_at = moment
    enter_stage(
        petition,
        Stage.ACCEPTANCE,
        start=moment,
        event=_("转送至%(unit)s", unit=unit),
        actor_id=actor_id,
        limit=limits.ACCEPT,
        restart=_("信访事项已转送%(unit)s，受理告知期限自转送之日起算。", unit=unit),
    )


def decide_acceptance(
    petition: Petition, *, accepted: bool, decided_at, note: str | None, actor_id: int | None
) -> PetitionNotice:
    """Decide whether to accept and tell the petitioner in writing. Accepted: the 60-day
    handling limit runs from the decision. Not accepted: the reason is required and the
    matter ends."""
    acting_user(actor_id, petition.office_id)
    in_stage(petition, Stage.REGISTRATION, Stage.ACCEPTANCE)
    start = petition.passed_on_at or petition.received_at
    moment = parse_moment(
        decided_at,
        _("决定日期"),
        not_before=start,
        not_before_label=_("收到日期") if petition.passed_on_at is None else _("转送日期"),
    )
    note = (note or "").strip() or None
    if not accepted and not note:
        raise PetitionError(_("不予受理的，请写明理由。"))
    petition.accepted = bool(accepted)
    petition.decided_at = moment
    petition.decision_note = note
    if not accepted:
        notice = issue_notice(
            petition, NoticeKind.NON_ACCEPTANCE, actor_id=actor_id, moment=moment, reason=note
        )
        enter_stage(
            petition, Stage.NOT_ACCEPTED, start=moment, event=_("决定不予受理"), actor_id=actor_id
        )
        petition.closed_at = moment
        close_stage_case(petition.case, _("不予受理：%(reason)s", reason=note), actor_id)
        return notice
    enter_stage(
        petition,
        Stage.HANDLING,
        start=moment,
        event=_("决定受理"),
        actor_id=actor_id,
        limit=limits.HANDLE,
        restart=_("已受理，自受理之日起 60 日内办结。"),
    )
    return issue_notice(
        petition, NoticeKind.ACCEPTANCE, actor_id=actor_id, moment=moment, due_day=petition.last_day
    )


def pending_extension(petition: Petition):
    """The extension of the handling limit waiting for a leader, or None."""
    case = petition.case
    if case is None:
        return None
    pending = [e for e in case.extensions if e.status == "requested"]
    return pending[-1] if pending else None


def request_extension(petition: Petition, *, days: int, reason: str, actor_id: int | None) -> None:
    """Ask the leader to extend the handling limit: once only, by at most 30 days, before the
    60 days have run out."""
    acting_user(actor_id, petition.office_id)
    in_stage(petition, Stage.HANDLING, message=_("只有办理中的信访事项可以申请延长办理期限。"))
    if petition.extension_days or any(e.status == "approved" for e in petition.case.extensions):
        raise PetitionError(_("办理期限只能延长一次，该信访事项已经延期。"))
    if pending_extension(petition) is not None:
        raise PetitionError(_("已有一项延期申请待领导审批。"))
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise PetitionError(_("延长天数必须是整数。")) from None
    if not 1 <= days <= limits.EXTENSION_MAX_DAYS:
        raise PetitionError(
            _("延长期限为 1 至 %(n)d 日，不得超过 %(n)d 日。", n=limits.EXTENSION_MAX_DAYS)
        )
    reason = required_text(reason, _("请写明延期理由。"), 2000)
    if utc_now() > petition.due_at:
        raise PetitionError(
            _("办理期限已于 %(day)s 届满，不能再申请延期。", day=format_day(petition.last_day))
        )
    try:
        core_request_extension(petition.case, amount=days, reason=reason, actor_id=actor_id)
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc


def approve_extension(
    petition: Petition, *, actor_id: int | None, note: str | None = None
) -> PetitionNotice:
    """A leader approves the extension: the handling limit becomes 60 + n days from
    acceptance and the petitioner is told in writing (延期办理告知书)."""
    actor = acting_user(actor_id, petition.office_id)
    in_stage(petition, Stage.HANDLING)
    extension = pending_extension(petition)
    if extension is None:
        raise PetitionError(_("没有待审批的延期申请。延长办理期限须先申请，经领导批准。"))
    if petition.extension_days:
        raise PetitionError(_("办理期限只能延长一次，该信访事项已经延期。"))
    if actor is not None and actor.role != Role.LEADER:
        raise PetitionError(_("延长办理期限须经领导批准，您不能审批。"))
    try:
        core_approve_extension(extension, actor_id=actor_id, note=note)
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc
    days = extension.amount
    petition.extension_days = days
    petition.extension_reason = extension.reason
    petition.extension_approved_by_id = actor_id
    petition.extended_at = utc_now()
    current_step(petition).extra_days = days
    return issue_notice(
        petition,
        NoticeKind.EXTENSION,
        actor_id=actor_id,
        days=days,
        reason=extension.reason,
        due_day=petition.last_day,
    )


def refuse_extension(petition: Petition, *, actor_id: int | None, note: str) -> None:
    """A leader refuses the extension; the limit stays."""
    actor = acting_user(actor_id, petition.office_id)
    extension = pending_extension(petition)
    if extension is None:
        raise PetitionError(_("没有待审批的延期申请。"))
    if actor is not None and actor.role != Role.LEADER:
        raise PetitionError(_("只有领导可以审批延期申请。"))
    try:
        core_refuse_extension(extension, actor_id=actor_id, note=note)
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc


def reply(petition: Petition, *, result: str, replied_at, actor_id: int | None) -> PetitionNotice:
    """出具书面答复意见: the result is recorded, the 信访事项处理意见书 issued and the case
    closed. The petitioner's 30 days to ask for a review start when it is delivered."""
    acting_user(actor_id, petition.office_id)
    in_stage(petition, Stage.HANDLING)
    result = required_text(result, _("请填写处理意见。"), 5000)
    moment = parse_moment(
        replied_at, _("答复日期"), not_before=petition.decided_at, not_before_label=_("受理日期")
    )
    petition.result = result
    petition.replied_at = moment
    notice = issue_notice(
        petition, NoticeKind.REPLY, actor_id=actor_id, moment=moment, result=result
    )
    enter_stage(petition, Stage.REPLIED, start=moment, event=_("出具处理意见书"), actor_id=actor_id)
    close_stage_case(petition.case, result, actor_id)
    return notice


def record_delivery(
    notice: PetitionNotice,
    *,
    method: str,
    delivered_at,
    note: str | None = None,
    actor_id: int | None,
) -> None:
    """Record how, when and by whom a notice was delivered. Delivering the reply or the
    review opinion opens the petitioner's 30-day window for the next request."""
    petition = notice.petition
    acting_user(actor_id, notice.office_id)
    if notice.delivered_at is not None:
        raise PetitionError(_("该文书已经登记过送达。"))
    method_value = parse_enum(DeliveryMethod, method, _("请选择送达方式。"))
    moment = parse_moment(
        delivered_at, _("送达日期"), not_before=notice.issued_at, not_before_label=_("文书制作日期")
    )
    note = (note or "").strip() or None
    if method_value in (DeliveryMethod.LEFT_AT_HOME, DeliveryMethod.PUBLIC_NOTICE) and not note:
        raise PetitionError(_("留置送达或公告送达的，请写明见证人或公告情况。"))
    notice.delivery_method = method_value
    notice.delivered_at = moment
    notice.delivered_by_id = actor_id
    notice.delivery_note = note
    if notice.kind == NoticeKind.REPLY and petition.stage == Stage.REPLIED:
        petition.reply_delivered_at = moment
        enter_stage(
            petition,
            Stage.REVIEW_WINDOW,
            start=moment,
            event=_("处理意见书送达"),
            actor_id=actor_id,
            limit=limits.REVIEW_REQUEST,
        )
    elif notice.kind == NoticeKind.REVIEW and petition.stage == Stage.REVIEW_DECIDED:
        petition.review_delivered_at = moment
        enter_stage(
            petition,
            Stage.REREVIEW_WINDOW,
            start=moment,
            event=_("复查意见书送达"),
            actor_id=actor_id,
            limit=limits.REREVIEW_REQUEST,
        )
