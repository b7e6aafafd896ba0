"""Review (复查) and re-review (复核): asked within the petitioner's window, each a core case
of its own; a hearing during the re-review stops its clock; the re-review's opinion is final."""

from flask_babel import gettext as _

from core.kit import Case, CaseError, add_note, format_day, restart_clock
from plugins.petitions import limits
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import NoticeKind, Petition, PetitionNotice, PetitionPause, Stage
from plugins.petitions.notices import issue_notice
from plugins.petitions.services.checks import (
    acting_user,
    in_stage,
    not_terminated,
    own_staff_id,
    parse_moment,
    required_text,
)
from plugins.petitions.services.stages import (
    close_stage_case,
    current_step,
    enter_stage,
    open_stage_case,
)

# an appeal's stage → its request window, core case category, limit, attribute prefix
_APPEALS = {
    Stage.REVIEW: (Stage.REVIEW_WINDOW, limits.CATEGORY_REVIEW, limits.REVIEW, "review"),
    Stage.REREVIEW: (Stage.REREVIEW_WINDOW, limits.CATEGORY_REREVIEW, limits.REREVIEW, "rereview"),
}


def _open_appeal(petition, stage, moment, late, title, event, reason, actor) -> Case:
    """Open the review or re-review (``stage``) asked at ``moment``: refused with ``late``
    after its 30-day window, else a core case of its own with ``reason`` as its first note."""
    window_stage, category, limit, name = _APPEALS[stage]
    window = petition.window_due(window_stage)
    if moment > window.due_at_utc:
        asked = format_day(moment)
        raise PetitionError(late % {"day": window.last_day.isoformat(), "asked": asked})
    actor_id = actor.id if actor else None
    staff_id = own_staff_id(actor, petition.office_id)
    case = open_stage_case(petition, category, moment, title, actor_id, staff_id)
    setattr(petition, f"{name}_case", case)
    setattr(petition, f"{name}_requested_at", moment)
    petition.closed_at = None
    if reason:
        add_note(case, note=reason.strip()[:2000], actor_id=None)
    enter_stage(petition, stage, start=moment, event=event, actor_id=actor_id, limit=limit)
    return case


def request_review(
    petition: Petition, *, requested_at, reason: str | None = None, actor_id: int | None
) -> Case:
    """复查: the petitioner asks within 30 days of receiving the written reply; the review is
    due 30 days after the request is received. Opens the review case."""
    actor = acting_user(actor_id, petition.office_id)
    not_terminated(petition)
    if petition.stage == Stage.REPLIED:
        raise PetitionError(_("处理意见书尚未登记送达。复查申请期自送达之日起算，请先登记送达。"))
    if petition.review_requested_at is not None:
        raise PetitionError(_("该信访事项已经申请过复查。"))
    in_stage(
        petition,
        Stage.REVIEW_WINDOW,
        Stage.CLOSED,
        message=_("只有出具处理意见并送达后，才能申请复查。"),
    )
    if petition.reply_delivered_at is None:
        raise PetitionError(_("只有出具处理意见并送达后，才能申请复查。"))
    delivered = petition.reply_delivered_at
    moment = parse_moment(
        requested_at,
        _("复查申请日期"),
        not_before=delivered,
        not_before_label=_("处理意见书送达日期"),
    )
    late = _(
        "复查申请已超过期限：应自收到处理意见书之日起 30 日内（%(day)s 前）"
        "提出，本申请于 %(asked)s 提出，不予受理。"
    )
    title = _("复查：%(s)s", s=petition.subject)
    return _open_appeal(
        petition, Stage.REVIEW, moment, late, title, _("收到复查请求"), reason, actor
    )


def decide_review(
    petition: Petition, *, opinion: str, decided_at, actor_id: int | None
) -> PetitionNotice:
    """复查意见: issued in writing; its delivery opens the 30-day window for a re-review."""
    acting_user(actor_id, petition.office_id)
    in_stage(petition, Stage.REVIEW)
    opinion = required_text(opinion, _("请填写复查意见。"), 5000)
    moment = parse_moment(
        decided_at,
        _("复查意见日期"),
        not_before=petition.review_requested_at,
        not_before_label=_("复查申请日期"),
    )
    petition.review_opinion = opinion
    petition.review_decided_at = moment
    notice = issue_notice(
        petition, NoticeKind.REVIEW, actor_id=actor_id, moment=moment, opinion=opinion
    )
    enter_stage(
        petition, Stage.REVIEW_DECIDED, start=moment, event=_("出具复查意见书"), actor_id=actor_id
    )
    close_stage_case(petition.review_case, opinion, actor_id)
    return notice


def request_rereview(
    petition: Petition, *, requested_at, reason: str | None = None, actor_id: int | None
) -> Case:
    """复核: asked within 30 days of receiving the review opinion; due 30 days after the
    request is received, hearing time not counted."""
    actor = acting_user(actor_id, petition.office_id)
    not_terminated(petition)
    if petition.stage == Stage.REVIEW_DECIDED:
        raise PetitionError(_("复查意见书尚未登记送达。复核申请期自送达之日起算，请先登记送达。"))
    if petition.rereview_requested_at is not None:
        raise PetitionError(_("该信访事项已经申请过复核。"))
    if petition.review_decided_at is None:
        raise PetitionError(_("尚未复查的信访事项不能申请复核，请先申请复查。"))
    in_stage(
        petition,
        Stage.REREVIEW_WINDOW,
        Stage.CLOSED,
        message=_("只有复查意见送达后，才能申请复核。"),
    )
    delivered = petition.review_delivered_at
    moment = parse_moment(
        requested_at,
        _("复核申请日期"),
        not_before=delivered,
        not_before_label=_("复查意见书送达日期"),
    )
    late = _(
        "复核申请已超过期限：应自收到复查意见书之日起 30 日内（%(day)s 前）"
        "提出，本申请于 %(asked)s 提出，不予受理。"
    )
    title = _("复核：%(s)s", s=petition.subject)
    return _open_appeal(
        petition, Stage.REREVIEW, moment, late, title, _("收到复核请求"), reason, actor
    )


def _pause_intervals(petition: Petition, stage: Stage):
    return [
        (p.started_at, p.ended_at if p.ended_at else None)
        for p in petition.pauses
        if p.stage == stage
    ]


def start_hearing(
    petition: Petition, *, started_at, reason: str, actor_id: int | None
) -> PetitionPause:
    """A hearing during the re-review (复核听证): the clock stops until it ends."""
    acting_user(actor_id, petition.office_id)
    in_stage(petition, Stage.REREVIEW, message=_("只有复核中的信访事项可以组织听证。"))
    if any(p.ended_at is None for p in petition.pauses):
        raise PetitionError(_("听证尚未结束，请先登记听证结束。"))
    reason = required_text(reason, _("请写明听证事项。"), 200)
    moment = parse_moment(
        started_at,
        _("听证开始日期"),
        not_before=petition.rereview_requested_at,
        not_before_label=_("复核申请日期"),
    )
    if moment > petition.due_at:
        raise PetitionError(
            _(
                "复核期限已于 %(day)s 届满，届满后组织的听证不能扣除期限。",
                day=format_day(petition.last_day),
            )
        )
    pause = PetitionPause(
        office_id=petition.office_id,
        stage=Stage.REREVIEW,
        reason=reason,
        started_at=moment,
        recorded_by_id=actor_id,
    )
    petition.pauses.append(pause)
    return pause


def end_hearing(petition: Petition, *, ended_at, actor_id: int | None) -> None:
    """The hearing ended: the re-review's due date moves on by the days it took."""
    acting_user(actor_id, petition.office_id)
    open_pauses = [p for p in petition.pauses if p.ended_at is None]
    if not open_pauses:
        raise PetitionError(_("没有进行中的听证。"))
    pause = open_pauses[-1]
    moment = parse_moment(
        ended_at, _("听证结束日期"), not_before=pause.started_at, not_before_label=_("听证开始日期")
    )
    pause.ended_at = moment
    try:
        due = restart_clock(
            petition.rereview_case,
            start=petition.rereview_requested_at,
            limit=limits.REREVIEW,
            reason=_("复核听证时间不计入复核期限。"),
            pauses=_pause_intervals(petition, Stage.REREVIEW),
        )
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc
    step = current_step(petition)
    step.explanation = list(due.explanation)
    step.warnings = list(due.warnings)


def decide_rereview(
    petition: Petition, *, opinion: str, decided_at, actor_id: int | None
) -> PetitionNotice:
    """复核意见: final. The matter ends; the same facts and reasons are not accepted again."""
    acting_user(actor_id, petition.office_id)
    in_stage(petition, Stage.REREVIEW)
    if any(p.ended_at is None for p in petition.pauses):
        raise PetitionError(_("听证尚未结束，请先登记听证结束。"))
    opinion = required_text(opinion, _("请填写复核意见。"), 5000)
    moment = parse_moment(
        decided_at,
        _("复核意见日期"),
        not_before=petition.rereview_requested_at,
        not_before_label=_("复核申请日期"),
    )
    petition.rereview_opinion = opinion
    petition.rereview_decided_at = moment
    notice = issue_notice(
        petition, NoticeKind.REREVIEW, actor_id=actor_id, moment=moment, opinion=opinion
    )
    enter_stage(
        petition,
        Stage.TERMINATED,
        start=moment,
        event=_("出具复核意见书（终结）"),
        actor_id=actor_id,
    )
    petition.closed_at = moment
    close_stage_case(petition.rereview_case, opinion, actor_id)
    return notice
