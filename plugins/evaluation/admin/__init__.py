"""Staff screens of the evaluation module: the campaigns desk (考评活动) and the scoring,
results and rectification screen (考评评分与整改)."""

from flask_babel import lazy_gettext as _l

DESK_URL = "/admin/evaluation"
PEOPLE_URL = "/admin/evaluation-people"


def admin_views() -> list:
    """The campaigns desk and the scoring screen."""
    from plugins.evaluation.admin.desk import CampaignDesk
    from plugins.evaluation.admin.people import PeopleDesk

    return [
        CampaignDesk(name=_l("考评活动"), endpoint="evaluation_desk", url=DESK_URL),
        PeopleDesk(name=_l("考评评分与整改"), endpoint="evaluation_people", url=PEOPLE_URL),
    ]
