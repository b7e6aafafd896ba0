"""Published office results in the public JSON API (/api/v1/evaluation/<office_code>/results):
each office's overall figures of published campaigns, read through the publication gate."""

from datetime import date

from flask import g
from pydantic import BaseModel

from core.kit import PublicStr, Text, publish
from plugins.evaluation.public import published_results
from plugins.evaluation.services.results import band_label


class OfficeResultOut(BaseModel):
    """One office's overall result of one published campaign."""

    campaign: Text
    period_start: date
    period_end: date
    office: PublicStr
    cadres: int
    residents: int
    residents_score: float | None
    leaders_score: float | None
    colleagues_score: float | None
    total: float | None
    band: PublicStr
    weight_residents: int


def result_out(row) -> dict:
    """The published figures of one office result."""
    result, campaign = publish(row), publish(row.campaign)
    return {
        "campaign": campaign.title,
        "period_start": row.campaign.period_start,
        "period_end": row.campaign.period_end,
        "office": row.office.name,
        "cadres": result.cadre_count,
        "residents": result.resident_count,
        "residents_score": result.residents_score,
        "leaders_score": result.leaders_score,
        "colleagues_score": result.colleagues_score,
        "total": result.total,
        "band": band_label(row.band_code),
        "weight_residents": campaign.weight_residents,
    }


def register_endpoints(api) -> None:
    """Add /evaluation/<office_code>/results."""

    @api.route("/evaluation/<office_code>/results", list[OfficeResultOut], tag="evaluation")
    def evaluation_results(office_code):
        """Published overall evaluation results of the office's campaigns, newest first."""
        return [result_out(row) for row in published_results(g.office.id)]
