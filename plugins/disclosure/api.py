"""The disclosure board in the public JSON API (/api/v1/disclosure/…).

Published items and finished topics of an office — the topic's text (phones and ID numbers
starred), its answer or the reason it was declined. Never who asked.
"""

from datetime import datetime

from flask import g, url_for
from pydantic import BaseModel

from core import db
from core.masking import mask_private_numbers
from plugins.disclosure.models import DisclosureItem
from plugins.disclosure.public import ITEMS_LIMIT, finished_topics, public_items, topic_out


class ItemOut(BaseModel):
    """An item on the office's disclosure board."""

    id: int
    category: str
    category_label: str
    stage: str | None
    title: str
    body: str
    published_at: datetime
    url: str


class TopicOut(BaseModel):
    """A topic residents asked to be disclosed, with its answer or the reason declined."""

    id: int
    topic: str
    status: str
    asked_on: str
    answered_on: str
    answer_item_id: int | None
    answer: str | None
    decline_ground: str | None
    decline_reason: str | None


def item_out(item: DisclosureItem) -> dict:
    """The published facts of one item."""
    return {"id": item.id, "category": item.category.value,
            "category_label": item.category.label,
            "stage": item.stage.value if item.stage else None, "title": item.title,
            "body": mask_private_numbers(item.body), "published_at": item.published_at,
            "url": url_for("disclosure_public.item_page", office_code=item.office.code,
                           item_id=item.id, _external=True)}


def register_endpoints(api) -> None:
    """Add /disclosure/<office_code>/items and /disclosure/<office_code>/topics."""

    @api.route("/disclosure/<office_code>/items", list[ItemOut], tag="disclosure")
    def disclosure_items(office_code):
        """Published items of one office's disclosure board, newest first."""
        rows = db.session.scalars(public_items([g.office.id]).order_by(
            DisclosureItem.published_at.desc(), DisclosureItem.id.desc()).limit(ITEMS_LIMIT))
        return [item_out(i) for i in rows]

    @api.route("/disclosure/<office_code>/topics", list[TopicOut], tag="disclosure")
    def disclosure_topics(office_code):
        """Answered and declined topics of one office (no personal data)."""
        out = []
        for topic in finished_topics(g.office.id):
            row = topic_out(topic)
            out.append({"id": row["id"], "topic": row["topic"], "status": row["status"],
                        "asked_on": row["asked_on"], "answered_on": row["answered_on"],
                        "answer_item_id": row["item"].id if row["item"] else None,
                        "answer": row["answer"], "decline_ground": row["decline_ground"],
                        "decline_reason": row["decline_reason"]})
        return out
