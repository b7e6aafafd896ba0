"""The 办事指南 for the printed notice board (公开栏海报): each listed matter added or changed
in the month, with its limit, place, fee, documents and steps, read through the publication
gate."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.kit import PosterItem, db, local_day, month_moments, public_url, publish
from plugins.catalogue import services
from plugins.catalogue.models import ServiceMatter
from plugins.catalogue.public import fee_text


def _text(row, view) -> str:
    parts = [
        _("办理时限：%(limit)s", limit=services.limit_text(row)),
        _("办理地点：%(place)s %(by)s", place=view.place.label, by=view.handled_by or ""),
        _("收费：%(fee)s", fee=fee_text(view)),
    ]
    if view.legal_basis:
        parts.append(_("办理依据：%(basis)s", basis=view.legal_basis))
    documents = services.lines(view.documents)
    if documents:
        parts.append(_("所需材料：") + "；".join(documents))
    steps = services.lines(view.steps)
    if steps:
        parts.append(_("办理流程：") + "；".join(f"{n}. {s}" for n, s in enumerate(steps, start=1)))
    return "\n".join(parts)


def poster_items(office_ids, month) -> list[PosterItem]:
    """The listed matters of these offices added or changed in the month (the
    ``poster_items`` hook)."""
    start, end = month_moments(month)
    rows = db.session.scalars(
        select(ServiceMatter)
        .where(
            ServiceMatter.office_id.in_(office_ids),
            ServiceMatter.listed.is_(True),
            ServiceMatter.updated_at >= start,
            ServiceMatter.updated_at < end,
        )
        .options(selectinload(ServiceMatter.office))
    )
    items = []
    for row in rows:
        view = publish(row)
        items.append(
            PosterItem(
                key=f"matter-{row.id}",
                kind=_("办事指南"),
                title=view.name,
                office_id=row.office_id,
                office_name=row.office.name,
                day=local_day(row.updated_at),
                text=_text(row, view),
                url=public_url(
                    "catalogue_public.matter_page", office_code=row.office.code, matter_id=row.id
                ),
            )
        )
    return items
