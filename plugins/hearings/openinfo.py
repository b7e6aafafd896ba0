"""Hearings' figures for the annual open-government-information report: notices of hearings
announced, and minutes versions published, in the year, per office."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import PublishedCount, db, year_bounds
from plugins.hearings.models import Hearing, MinutesVersion


def _per_office(model, column, office_ids, year: int) -> dict[int, int]:
    start, end = year_bounds(year)
    rows = db.session.execute(
        select(model.office_id, func.count())
        .where(model.office_id.in_(list(office_ids)), column >= start, column < end)
        .group_by(model.office_id)
    )
    return dict(rows.all())


def published_counts(year: int, office_ids) -> list[PublishedCount]:
    """Hearing notices (``announced_at``) and minutes versions (``published_at``) in ``year``."""
    return [
        PublishedCount(
            "hearings_notice",
            _("听证会、询问会公告"),
            _per_office(Hearing, Hearing.announced_at, office_ids, year),
        ),
        PublishedCount(
            "hearings_minutes",
            _("听证会、询问会纪要"),
            _per_office(MinutesVersion, MinutesVersion.published_at, office_ids, year),
        ),
    ]
