"""Which campaigns a staff member reaches on the desk, and who may organise them.

A campaign is reached by the staff of its organising office and of the offices it evaluates
(within the person's scope), by its supervisors, and by the leaders who score in it. Only
township admins, office admins and leaders of the organising office's scope organise it. When a
supervisor opens something of a campaign, the visit is written to the audit log (服务监督:
everything they look at is on record).
"""

from flask import abort
from flask_login import current_user
from sqlalchemy import or_, select

from core.kit import db, record_event, scoped_office_ids
from plugins.evaluation.models import Campaign, CampaignCadre, CampaignSupervisor
from plugins.evaluation.services.campaigns import ORGANISER_ROLES, PLUGIN, is_supervisor


def office_ids() -> set[int]:
    """Offices in the user's scope that have the module on."""
    return scoped_office_ids(current_user, PLUGIN)


def visible_campaigns() -> list[Campaign]:
    """The campaigns the current user reaches, newest first."""
    ids = list(office_ids())
    uid = current_user.id
    evaluated = select(CampaignCadre.campaign_id).where(
        or_(CampaignCadre.office_id.in_(ids), CampaignCadre.leader_id == uid)
    )
    supervised = select(CampaignSupervisor.campaign_id).where(CampaignSupervisor.user_id == uid)
    return list(
        db.session.scalars(
            select(Campaign)
            .where(
                or_(
                    Campaign.office_id.in_(ids),
                    Campaign.id.in_(evaluated),
                    Campaign.id.in_(supervised),
                )
            )
            .order_by(Campaign.id.desc())
        )
    )


def campaign_or_404(campaign_id: int) -> Campaign:
    """A campaign the current user reaches, else 404."""
    campaign = db.session.get(Campaign, campaign_id) if 0 < campaign_id < 2**31 else None
    if campaign is None or campaign not in visible_campaigns():
        abort(404)
    return campaign


def may_organise(campaign: Campaign | None = None) -> bool:
    """Organiser roles, for a campaign of an office in scope (or any, for a new one)."""
    if current_user.role not in ORGANISER_ROLES:
        return False
    return campaign is None or campaign.office_id in office_ids()


def require_organiser(campaign: Campaign | None = None) -> None:
    """403 unless the current user organises ``campaign``."""
    if not may_organise(campaign):
        abort(403)


def note_supervisor_visit(campaign: Campaign, what: str, target_id: int | None = None) -> None:
    """Write a supervisor's visit to the audit log (and commit it)."""
    if not is_supervisor(campaign, current_user.id):
        return
    record_event(
        "evaluation.supervisor_view",
        office_id=campaign.office_id,
        target_type="evaluation_campaign",
        target_id=campaign.id,
        details={"page": what, "id": target_id},
    )
    db.session.commit()
