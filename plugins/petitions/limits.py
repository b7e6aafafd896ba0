"""The statutory limits of the Regulations on Letters and Visits Work (信访工作条例, 2022).

All in natural days (日), counted by ``core.sla.compute_due``: the start day is not counted and
a last day falling on a rest day or holiday moves to the next working day.

| stage | limit | counted from |
| --- | --- | --- |
| register and pass on (登记、转送交办) | 15 日 | receipt (收到之日) |
| decide acceptance and tell in writing (决定是否受理并书面告知) | 15 日 | receipt by the handling unit |
| handle and reply in writing (办理并出具书面答复意见) | 60 日 | acceptance (受理之日) |
| extension (延长办理期限), once, leader's approval | ≤ 30 日 | end of the 60 days |
| ask for a review (请求复查) | 30 日 | delivery of the written reply |
| review (复查意见) | 30 日 | receipt of the review request |
| ask for a re-review (请求复核) | 30 日 | delivery of the review opinion |
| re-review (复核意见), hearing time not counted | 30 日 | receipt of the re-review request |
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.kit import CategorySpec, Limit, LimitUnit

DAYS = LimitUnit.CALENDAR_DAYS

REGISTER = Limit(15, DAYS)
ACCEPT = Limit(15, DAYS)
HANDLE = Limit(60, DAYS)
EXTENSION_MAX_DAYS = 30
REVIEW_REQUEST = Limit(30, DAYS)
REVIEW = Limit(30, DAYS)
REREVIEW_REQUEST = Limit(30, DAYS)
REREVIEW = Limit(30, DAYS)

# Case categories (the core's register): the first-instance case from receipt to the written
# reply, and one case each for a review and a re-review.
CATEGORY_PETITION = "petition"
CATEGORY_REVIEW = "petition_review"
CATEGORY_REREVIEW = "petition_rereview"
SOURCE_TYPES = {CATEGORY_PETITION: "petition", CATEGORY_REVIEW: "petition_review",
                CATEGORY_REREVIEW: "petition_rereview"}


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
        if self.code == CATEGORY_PETITION:
            return _("收到之日起 15 日内登记转送、决定是否受理并书面告知；受理之日起 60 日内办结，"
                     "经负责人批准可延长一次，不超过 30 日")
        if self.code == CATEGORY_REREVIEW:
            return _("收到复核请求之日起 30 日内提出复核意见（听证时间不计入）")
        return _("收到复查请求之日起 30 日内提出复查意见")


def categories() -> list[CategorySpec]:
    """The petition categories for the core's ``case_categories`` hook."""
    return [
        PetitionCategorySpec(CATEGORY_PETITION, _l("信访事项"), REGISTER, Limit(120, DAYS),
                             own_time_rules=True, confidential=True),
        PetitionCategorySpec(CATEGORY_REVIEW, _l("信访事项复查"), REVIEW, own_time_rules=True,
                             confidential=True),
        PetitionCategorySpec(CATEGORY_REREVIEW, _l("信访事项复核"), REREVIEW, Limit(90, DAYS),
                             own_time_rules=True, confidential=True),
    ]
