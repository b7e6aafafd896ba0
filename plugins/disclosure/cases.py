"""Residents' topics as core cases: the category the plugin declares, and the topic answered
when its case is closed on the core's case screen."""

from flask_babel import lazy_gettext as _l

from core.kit import CategorySpec, Limit, LimitUnit, db, utc_now
from plugins.disclosure.models import DisclosureTopic, TopicStatus

CATEGORY_CODE = "disclosure_topic"
SOURCE_TYPE = "disclosure_topic"


def category_spec() -> CategorySpec:
    """The core case category of residents' topics: 15 calendar days, at most one month.

    限时服务制度 3: "请求解答咨询的应解答，需要请求上级或查阅资料的应于半月内答复，经分管领导同意可
    延长到一个月" (the rulebook's own limit for a question; 政务村务公开制度 4 asks that what
    residents want to know be disclosed at any time)."""
    return CategorySpec(
        code=CATEGORY_CODE,
        title=_l("群众点题公开"),
        limit=Limit(15, LimitUnit.CALENDAR_DAYS),
        max_limit=Limit(1, LimitUnit.MONTHS),
    )


def categories() -> list[CategorySpec]:
    """The categories of the ``case_categories`` hook."""
    return [category_spec()]


def on_case_closed(case) -> DisclosureTopic | None:
    """A topic's case closed on the core's case screen: the topic is answered with the case's
    outcome. Returns the topic, or None for cases of other origins."""
    if getattr(case, "source_type", None) != SOURCE_TYPE or not case.source_id:
        return None
    try:
        topic = db.session.get(DisclosureTopic, int(case.source_id))
    except ValueError:
        return None
    if topic is None or topic.status != TopicStatus.OPEN:
        return topic
    topic.status = TopicStatus.ANSWERED
    topic.answer_note = case.outcome
    topic.answered_at = utc_now()
    topic.answered_by_id = case.handler_id
    return topic
