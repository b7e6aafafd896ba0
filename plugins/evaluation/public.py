"""Residents' pages, mounted at /o/<office_code>/evaluation/ (404 where the module is off):
the running campaigns with the cadres a resident may evaluate, the evaluation form (phone,
the hall's one-time code, grade, an optional comment that is never published), and each
office's overall results once a campaign is published — through the publication gate, never
a resident's identity or an individual cadre's score."""

from flask import Blueprint, abort, g
from sqlalchemy import or_, select

from core.kit import acting_as, db, format_local_date, render_public
from plugins.evaluation.errors import EvaluationError
from plugins.evaluation.forms import ResidentForm
from plugins.evaluation.models import PUBLISHED, Campaign, CampaignCadre, OfficeResult
from plugins.evaluation.services import residents
from plugins.evaluation.services.results import band_label

bp = Blueprint("evaluation_public", __name__, template_folder="templates")


def cadres_here(campaign: Campaign, office_id: int) -> list[CampaignCadre]:
    """The campaign's cadres a resident reaches from this office's page (the organiser's page
    lists every cadre of the campaign)."""
    if campaign.office_id == office_id:
        return list(campaign.cadres)
    return [c for c in campaign.cadres if c.office_id == office_id]


def published_results(office_id: int) -> list[OfficeResult]:
    """Published office results of campaigns organised by, or evaluating, this office."""
    return list(
        db.session.scalars(
            select(OfficeResult)
            .join(Campaign, Campaign.id == OfficeResult.campaign_id)
            .where(
                Campaign.status == PUBLISHED,
                or_(Campaign.office_id == office_id, OfficeResult.office_id == office_id),
            )
            .order_by(Campaign.period_end.desc(), OfficeResult.office_id)
        )
    )


@bp.route("/")
def index():
    """Running campaigns (with the cadres to evaluate) and published results."""
    office = g.office
    running = [(c, cadres_here(c, office.id)) for c in residents.open_campaigns_for(office.id)]
    return render_public(
        "evaluation/public/index.html",
        office=office,
        running=[(c, cadres) for c, cadres in running if cadres],
        results=published_results(office.id),
        band_text=band_label,
        format_local_date=format_local_date,
    )


def _cadre_or_404(campaign_id: int, cadre_id: int) -> CampaignCadre:
    cadre = db.session.get(CampaignCadre, cadre_id) if 0 < cadre_id < 2**31 else None
    if cadre is None or cadre.campaign_id != campaign_id:
        abort(404)
    if cadre not in cadres_here(cadre.campaign, g.office.id):
        abort(404)
    return cadre


def _page(cadre, form, **extra):
    return render_public(
        "evaluation/public/evaluate.html",
        office=g.office,
        campaign=cadre.campaign,
        cadre=cadre,
        form=form,
        running=cadre.campaign.status == "open",
        format_local_date=format_local_date,
        **extra,
    )


@bp.route("/<int:campaign_id>/cadre/<int:cadre_id>", methods=["GET", "POST"])
def evaluate(campaign_id, cadre_id):
    """Evaluate one cadre: once per phone per cadre per campaign, with the hall's code."""
    cadre = _cadre_or_404(campaign_id, cadre_id)
    form = ResidentForm()
    if not form.is_submitted():
        return _page(cadre, form)
    if not form.validate():
        return _page(cadre, form), 400
    try:
        with acting_as("resident"):  # the audit log names no one: residents evaluate anonymously
            residents.evaluate(
                cadre,
                phone=form.phone.data,
                code=form.code.data,
                grade=form.grade.data,
                comment=form.comment.data,
            )
            db.session.commit()
    except EvaluationError as exc:
        db.session.rollback()
        cadre = db.session.get(CampaignCadre, cadre_id)
        return _page(cadre, ResidentForm(formdata=None), error=str(exc)), 409
    return _page(cadre, ResidentForm(formdata=None), thanks=True)
