"""The information products' figures for the annual open-government-information report:
releases of products in the year, per office."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import PublishedCount, db
from plugins.bulletins.models import Release


def published_counts(year: int, office_ids) -> list[PublishedCount]:
    """Releases (``released_on``, a Beijing date) in ``year``, per office."""
    rows = db.session.execute(
        select(Release.office_id, func.count())
        .where(
            Release.office_id.in_(list(office_ids)),
            Release.released_on >= date(year, 1, 1),
            Release.released_on <= date(year, 12, 31),
        )
        .group_by(Release.office_id)
    )
    return [PublishedCount("bulletins_release", _("信息产品发布"), dict(rows.all()))]
