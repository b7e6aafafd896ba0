"""The disclosure board in the public JSON API (/api/v1/disclosure/…).

Published items and finished topics of an office, read only through the publication gate's
views (titles, texts, bodies and reasons masked by their declared class); withdrawn items and
answers are left out. Never who asked.
"""

from datetime import datetime

from flask import g
from pydantic import BaseModel

from core.kit import (
    MarkdownText,
    OfficeText,
    PublicStr,
    Text,
    db,
    format_local,
    local_day,
    public_url,
    publish_many,
)
from plugins.disclosure.models import DisclosureItem
from plugins.disclosure.public import ITEMS_LIMIT, answer_item_of, finished_topics, public_items


class ItemOut(BaseModel):
    """An item on the office's disclosure board."""

    id: int
    category: PublicStr
    category_label: PublicStr
    stage: PublicStr | None
    title: Text
    body: MarkdownText
    published_at: datetime
    url: PublicStr


class TopicOut(BaseModel):
    """A topic residents asked to be disclosed, with its answer or the reason declined."""

    id: int
    topic: Text
    status: PublicStr
    asked_on: PublicStr
    answered_on: PublicStr
    answer_item_id: int | None
    answer: Text | None
    decline_ground: PublicStr | None
    decline_reason: OfficeText | None


def item_out(item) -> dict:
    """The published facts of one item (a published view)."""
    return {
        "id": item.id,
        "category": item.category.value,
        "category_label": str(item.category.label),
        "stage": item.stage.value if item.stage else None,
        "title": item.title,
        "body": item.body,
        "published_at": item.published_at,
        "url": public_url(
            "disclosure_public.item_page", office_code=item.office.code, item_id=item.id
        ),
    }


def topic_out(topic) -> dict:
    """The published facts of one finished topic (a published view)."""
    item = answer_item_of(topic)
    return {
        "id": topic.id,
        "topic": topic.topic,
        "status": topic.status.value,
        "asked_on": format_local(local_day(topic.created_at)),
        "answered_on": format_local(local_day(topic.answered_at)),
        "answer_item_id": item.id if item is not None else None,
        "answer": topic.answer_note or None,
        "decline_ground": str(topic.decline_ground.label) if topic.decline_ground else None,
        "decline_reason": topic.decline_reason or None,
    }


def register_endpoints(api) -> None:
    """Add /disclosure/<office_code>/items and /disclosure/<office_code>/topics."""

    @api.route("/disclosure/<office_code>/items", list[ItemOut], tag="disclosure")
    def disclosure_items(office_code):
        """Published items of one office's disclosure board, newest first."""
        rows = db.session.scalars(
            public_items([g.office.id])
            .order_by(DisclosureItem.published_at.desc(), DisclosureItem.id.desc())
            .limit(ITEMS_LIMIT)
        )
        return [item_out(i) for i in publish_many(rows.all())]

    @api.route("/disclosure/<office_code>/topics", list[TopicOut], tag="disclosure")
    def disclosure_topics(office_code):
        """Answered and declined topics of one office (no personal data)."""
        return [topic_out(t) for t in finished_topics(g.office.id, with_withdrawn=False)]
