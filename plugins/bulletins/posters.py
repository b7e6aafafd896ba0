"""Information products for the printed notice board (公开栏海报): each product released on
the residents' pages in the month, with its summary and the items still valid, read through
the publication gate."""

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from core.kit import PosterItem, db, month_days, public_url, publish, publish_many
from plugins.bulletins import services
from plugins.bulletins.models import InfoProduct, Release


def _text(row, view) -> str:
    parts = [view.summary] if view.summary else []
    for item in publish_many(services.current_items(row)):
        parts.append(f"【{item.title}】{item.content}")
    parts.append(_("有效期至 %(until)s", until=view.valid_until.isoformat()))
    return "\n".join(parts)


def poster_items(office_ids, month) -> list[PosterItem]:
    """The products of these offices first released on the web in the month (the
    ``poster_items`` hook)."""
    first, last = month_days(month)
    released = exists().where(
        Release.product_id == InfoProduct.id,
        Release.web.is_(True),
        Release.released_on >= first,
        Release.released_on <= last,
    )
    rows = db.session.scalars(
        select(InfoProduct)
        .where(InfoProduct.office_id.in_(office_ids), released)
        .options(selectinload(InfoProduct.office), selectinload(InfoProduct.items))
    )
    items = []
    for row in rows:
        day = services.released_on(row)
        if day is None or not first <= day <= last:
            continue  # released before this month: it was on an earlier month's board
        view = publish(row)
        items.append(
            PosterItem(
                key=f"product-{row.id}",
                kind=_("惠民信息") + " · " + str(view.kind.label),
                title=view.title,
                office_id=row.office_id,
                office_name=row.office.name,
                day=day,
                text=_text(row, view),
                url=public_url(
                    "bulletins_public.product", office_code=row.office.code, product_id=row.id
                ),
            )
        )
    return items
