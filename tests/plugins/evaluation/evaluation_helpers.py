"""Plain helpers of the evaluation tests: a running campaign, codes, case ratings."""

from datetime import date, timedelta

from support import login

from core.cases.services import close_case, open_case, rate_case
from core.extensions import db
from core.models import User
from core.time import local_today
from plugins.evaluation.models import Campaign
from plugins.evaluation.services import campaigns, residents


def make_campaign(ids, *, cadres=("staff_a", "staff_a2", "staff_b"), open_it=True, **settings):
    """A campaign of office A over this year, its cadres scored by ``leader``, ``supervisor``
    in the group; opened unless ``open_it`` is False. Commits; returns the campaign id."""
    today = local_today()
    values = {
        "title": "2026年度干部社会监督考评",
        "period_start": today - timedelta(days=60),
        "period_end": today + timedelta(days=30),
    }
    values.update(settings)
    campaign = campaigns.create_campaign(ids["A"], campaigns.Settings(**values))
    leader = db.session.get(User, ids["leader"])
    for name in cadres:
        campaigns.enrol_cadre(campaign, db.session.get(User, ids[name]), leader)
    campaigns.name_supervisor(campaign, db.session.get(User, ids["supervisor"]))
    db.session.flush()
    if open_it:
        campaigns.open_campaign(campaign)
    db.session.commit()
    return campaign.id


def cadre_of(campaign_id: int, user_id: int):
    """The campaign's cadre row of a user."""
    campaign = db.session.get(Campaign, campaign_id)
    return next(c for c in campaign.cadres if c.user_id == user_id)


def codes(campaign_id: int, n: int) -> list[str]:
    """``n`` fresh codes of the campaign (committed)."""
    rows = residents.issue_codes(db.session.get(Campaign, campaign_id), n, None)
    db.session.commit()
    return [r.code for r in rows]


def evaluate(campaign_id, user_id, phone, code, grade="satisfied", comment=None):
    """A resident's evaluation through the service (committed)."""
    row = residents.evaluate(
        cadre_of(campaign_id, user_id), phone=phone, code=code, grade=grade, comment=comment
    )
    db.session.commit()
    return row


def rated_case(office_id: int, handler_id: int, grade: str):
    """A case handled by ``handler_id``, resolved and rated ``grade`` (committed)."""
    case = open_case(
        office_id=office_id,
        category="service",
        channel="window",
        subject="办理证明",
        handler_id=handler_id,
    )
    db.session.flush()
    close_case(case, outcome="已办结", actor_id=handler_id)
    rate_case(case, grade=grade)
    db.session.commit()
    return case


def client_for(app, username: str):
    """A new test client signed in as ``username``."""
    client = app.test_client()
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def far_dates():
    """A period of last year (no case ratings fall in it)."""
    year = local_today().year - 1
    return {"period_start": date(year, 1, 1), "period_end": date(year, 12, 31)}
