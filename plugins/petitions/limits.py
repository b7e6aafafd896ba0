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

from core.kit import Limit, LimitUnit

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
SOURCE_TYPES = {
    CATEGORY_PETITION: "petition",
    CATEGORY_REVIEW: "petition_review",
    CATEGORY_REREVIEW: "petition_rereview",
}
