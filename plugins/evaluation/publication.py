"""What of the evaluation module residents may see, declared for the core's publication gate.

Residents see a running campaign (its title and period, the weights) and the cadres they may
evaluate — staff acting in a public role, by name and post like the staff directory (the core's
``User`` declaration). After a campaign is published they see each office's overall figures.
Never a resident's evaluation, phone hash or comment, never an individual cadre's score, nor a
leader's or colleague's score: those models are not declared, so nothing of them can reach a
public page.
"""

from core.kit import PUBLIC, TEXT, WITHHELD, declare
from plugins.evaluation.models import Campaign, CampaignCadre, OfficeResult

_OFFICE_RESULT_FIELDS = (
    "id campaign_id campaign office_id office cadre_count resident_count residents_score "
    "leaders_score colleagues_score total band_code rectification_total rectification_on_time "
    "rectification_closed"
).split()


def declarations():
    """The published fields of a campaign, of a cadre evaluated and of an office's result."""
    return [
        declare(
            Campaign,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "title": TEXT,
                "period_start": PUBLIC,
                "period_end": PUBLIC,
                "weight_residents": PUBLIC,
                "weight_leaders": PUBLIC,
                "weight_colleagues": PUBLIC,
                "status": PUBLIC,
                "published_at": PUBLIC,
                "closed_at": PUBLIC,
                "band_satisfied": WITHHELD,
                "band_basic": WITHHELD,
                "warning_below": WITHHELD,
                "recognition_below": WITHHELD,
                "cadres": WITHHELD,
                "supervisors": WITHHELD,
            },
        ),
        declare(
            CampaignCadre,
            {
                "id": PUBLIC,
                "campaign_id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "user_id": PUBLIC,
                "user": PUBLIC,
                "leader_id": WITHHELD,
                "leader": WITHHELD,
            },
        ),
        declare(OfficeResult, dict.fromkeys(_OFFICE_RESULT_FIELDS, PUBLIC)),
    ]
