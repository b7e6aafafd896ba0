"""The disclosure board's items for the printed notice board (公开栏海报): every item published
in the month and not withdrawn, its body read through the publication gate."""

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from core.kit import (
    PosterItem,
    db,
    local_day,
    markdown_plain_text,
    month_moments,
    public_url,
    publish,
)
from plugins.disclosure.models import DisclosureItem
from plugins.disclosure.public import public_items


def _kind(view) -> str:
    kind = str(view.category.label)
    return f"{kind} · {view.stage.label}" if view.stage else kind


def poster_items(office_ids, month) -> list[PosterItem]:
    """The month's published disclosure items of these offices (the ``poster_items`` hook)."""
    start, end = month_moments(month)
    query = (
        public_items(office_ids)
        .where(DisclosureItem.published_at >= start, DisclosureItem.published_at < end)
        .options(selectinload(DisclosureItem.office))
    )
    items = []
    for row in db.session.scalars(query):
        view = publish(row)
        items.append(
            PosterItem(
                key=f"item-{row.id}",
                kind=_("政务村务公开") + " · " + _kind(view),
                title=view.title,
                office_id=row.office_id,
                office_name=row.office.name,
                day=local_day(row.published_at),
                text=markdown_plain_text(view.body),
                url=public_url(
                    "disclosure_public.item_page", office_code=row.office.code, item_id=row.id
                ),
            )
        )
    return items
