"""The disclosure board's figures for the annual open-government-information report: items
published on the board, and residents' topics (群众点题) by outcome as at the year's end."""

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from core.kit import PublishedCount, RequestCount, db, year_bounds
from plugins.disclosure.models import DeclineGround, DisclosureItem, DisclosureTopic, TopicStatus

# A declined topic's ground, in the national template's outcome terms.
GROUND_OUTCOMES = {
    DeclineGround.STATE_SECRET: "declined_state_secret",
    DeclineGround.BUSINESS_SECRET: "declined_business_secret",
    DeclineGround.PRIVACY: "declined_privacy",
    DeclineGround.NOT_OUR_DUTY: "not_held",
    DeclineGround.OTHER: "declined_other",
}


def published_counts(year: int, office_ids) -> list[PublishedCount]:
    """Board items whose publication falls in ``year`` (withdrawn later or not), per office."""
    start, end = year_bounds(year)
    rows = db.session.execute(
        select(DisclosureItem.office_id, func.count())
        .where(
            DisclosureItem.office_id.in_(list(office_ids)),
            DisclosureItem.published_at >= start,
            DisclosureItem.published_at < end,
        )
        .group_by(DisclosureItem.office_id)
    )
    return [PublishedCount("disclosure_item", _("公开栏公开事项"), dict(rows.all()))]


def _outcome(status, ground, answered_at, end) -> str:
    """A topic's outcome on the last day of the year."""
    if answered_at is None or answered_at >= end or status == TopicStatus.OPEN:
        return "pending"
    if status == TopicStatus.ANSWERED:
        return "disclosed"
    return GROUND_OUTCOMES.get(ground, "declined_other")


def request_counts(year: int, office_ids) -> list[RequestCount]:
    """Topics received in ``year`` and those carried over from before it, by outcome."""
    start, end = year_bounds(year)
    rows = db.session.execute(
        select(
            DisclosureTopic.office_id,
            DisclosureTopic.status,
            DisclosureTopic.decline_ground,
            DisclosureTopic.answered_at,
            DisclosureTopic.created_at,
        ).where(
            DisclosureTopic.office_id.in_(list(office_ids)),
            DisclosureTopic.created_at < end,
            or_(
                DisclosureTopic.created_at >= start,
                DisclosureTopic.answered_at.is_(None),
                DisclosureTopic.answered_at >= start,
            ),
        )
    )
    tally: dict[tuple[int, str, bool], int] = {}
    for office_id, status, ground, answered_at, created_at in rows:
        key = (office_id, _outcome(status, ground, answered_at, end), created_at < start)
        tally[key] = tally.get(key, 0) + 1
    return [RequestCount(o, outcome, n, carried) for (o, outcome, carried), n in tally.items()]
