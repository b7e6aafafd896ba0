"""The petitions module and the core's cases: the three case categories with their statutory
limits (``case_categories``), and a case closed from the core's case screen (``case_closed``)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.kit import Case, CategorySpec, Limit, db, utc_now
from plugins.petitions import limits
from plugins.petitions.models import NoticeKind, Petition, Stage
from plugins.petitions.notices import issue_notice
from plugins.petitions.services.stages import enter_stage


class PetitionCategorySpec(CategorySpec):
    """A category whose limit residents read as the regulations write it.

    ``max_limit`` is the outer bound the core checks deadline changes against: 15 + 15 + 60
    + 30 days for the first-instance case, which runs from receipt through acceptance and an
    extension; 90 days for a re-review whose hearing stopped the clock. The statutory limits
    themselves are enforced by the petition stages (``plugins.petitions.services``), so the
    core's case screen leaves pauses, extensions and deadlines to the petition screens
    (``own_time_rules=True``).
    """

    def describe(self) -> str:
        """The statutory limits in the regulations' words."""
        if self.code == limits.CATEGORY_PETITION:
            return _(
                "收到之日起 15 日内登记转送、决定是否受理并书面告知；受理之日起 60 日内办结，"
                "经负责人批准可延长一次，不超过 30 日"
            )
        if self.code == limits.CATEGORY_REREVIEW:
            return _("收到复核请求之日起 30 日内提出复核意见（听证时间不计入）")
        return _("收到复查请求之日起 30 日内提出复查意见")


def categories() -> list[CategorySpec]:
    """The petition categories for the core's ``case_categories`` hook."""
    return [
        PetitionCategorySpec(
            limits.CATEGORY_PETITION,
            _l("信访事项"),
            limits.REGISTER,
            Limit(120, limits.DAYS),
            own_time_rules=True,
            confidential=True,
        ),
        PetitionCategorySpec(
            limits.CATEGORY_REVIEW,
            _l("信访事项复查"),
            limits.REVIEW,
            own_time_rules=True,
            confidential=True,
        ),
        PetitionCategorySpec(
            limits.CATEGORY_REREVIEW,
            _l("信访事项复核"),
            limits.REREVIEW,
            Limit(90, limits.DAYS),
            own_time_rules=True,
            confidential=True,
        ),
    ]


# a case's source type → the stages its closing ends, the petition's fields for the written
# result and its time, the notice issued (and its argument), the next stage and its event
_CLOSING = {
    "petition": (
        (Stage.REGISTRATION, Stage.ACCEPTANCE, Stage.HANDLING),
        ("result", "replied_at", NoticeKind.REPLY, "result"),
        (Stage.REPLIED, _l("出具处理意见书")),
    ),
    "petition_review": (
        (Stage.REVIEW,),
        ("review_opinion", "review_decided_at", NoticeKind.REVIEW, "opinion"),
        (Stage.REVIEW_DECIDED, _l("出具复查意见书")),
    ),
    "petition_rereview": (
        (Stage.REREVIEW,),
        ("rereview_opinion", "rereview_decided_at", NoticeKind.REREVIEW, "opinion"),
        (Stage.TERMINATED, _l("出具复核意见书（终结）")),
    ),
}


def on_case_closed(case: Case) -> None:
    """A petition's case was closed from the core's case screen: record it on the petition
    as the written result of that stage (issuing the notice the regulations require)."""
    if case.source_type not in limits.SOURCE_TYPES.values() or not case.source_id:
        return
    petition = db.session.get(Petition, int(case.source_id))
    if petition is None:
        return
    stages, (field, at_field, kind, argument), (next_stage, event) = _CLOSING[case.source_type]
    if petition.stage not in stages:
        return
    outcome = case.outcome or ""
    moment = case.closed_at or utc_now()
    setattr(petition, field, outcome)
    setattr(petition, at_field, moment)
    issue_notice(petition, kind, actor_id=case.handler_id, **{argument: outcome})
    enter_stage(petition, next_stage, start=moment, event=str(event), actor_id=None)
    if next_stage == Stage.TERMINATED:
        petition.closed_at = moment
