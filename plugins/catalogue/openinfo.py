"""The service catalogue's figures for the annual open-government-information report: matters
added to the published 办事指南 in the year, per office."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import PublishedCount, db, year_bounds
from plugins.catalogue.models import ServiceMatter


def published_counts(year: int, office_ids) -> list[PublishedCount]:
    """Listed matters first entered in ``year`` (``created_at``), per office."""
    start, end = year_bounds(year)
    rows = db.session.execute(
        select(ServiceMatter.office_id, func.count())
        .where(
            ServiceMatter.office_id.in_(list(office_ids)),
            ServiceMatter.listed.is_(True),
            ServiceMatter.created_at >= start,
            ServiceMatter.created_at < end,
        )
        .group_by(ServiceMatter.office_id)
    )
    return [PublishedCount("catalogue_matter", _("办事指南事项"), dict(rows.all()))]
