"""Demo data: the government office's evaluations — last half-year's, closed and published
(with its rectification cases), and this year's, running, with residents' evaluations and
leaders' and colleagues' scores. Fictional people; phones are made up."""

from datetime import date

from sqlalchemy import select

from core.kit import User, acting_as, db, local_today
from plugins.evaluation.models import Campaign
from plugins.evaluation.services import campaigns, residents, staff

# (phone, cadre username, grade, comment)
EVALUATIONS = [
    ("13800000001", "staff", "satisfied", "窗口服务热情，一次就办好了。"),
    ("13800000002", "staff", "satisfied", None),
    ("13800000003", "staff", "basic", "午休时间窗口无人，希望安排轮岗。"),
    ("13800000004", "officeadmin", "satisfied", None),
    ("13800000005", "officeadmin", "dissatisfied", "低保复核材料要求讲得不清楚，跑了两趟。"),
    ("13800000006", "village", "satisfied", "村里的事情书记都上门来办。"),
    ("13800000007", "village", "basic", None),
]


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _campaign(office_id: int, title: str, start: date, end: date) -> Campaign:
    campaign = campaigns.create_campaign(
        office_id, campaigns.Settings(title=title, period_start=start, period_end=end)
    )
    people = {n: _user(n) for n in ("staff", "officeadmin", "village", "leader", "auditor")}
    for name in ("staff", "officeadmin", "village"):
        if people[name] is not None:
            campaigns.enrol_cadre(campaign, people[name], people["leader"])
    campaigns.name_supervisor(campaign, people["auditor"])
    db.session.flush()
    campaigns.open_campaign(campaign)
    return campaign


def _evaluate(campaign: Campaign, rows) -> None:
    codes = residents.issue_codes(campaign, 30, None)
    by_user = {c.user.username: c for c in campaign.cadres}
    phones: dict[str, str] = {}
    with acting_as("resident"):
        for phone, username, grade, comment in rows:
            code = phones.setdefault(phone, codes[len(phones)].code)
            cadre = by_user.get(username)
            if cadre is not None:
                residents.evaluate(cadre, phone=phone, code=code, grade=grade, comment=comment)


def _score(campaign: Campaign, leader: User, scores: dict[str, int]) -> None:
    for cadre in campaign.cadres:
        staff.score(cadre, leader.id, scores.get(cadre.user.username, 85))
        for other in campaign.cadres:
            if other.id != cadre.id and staff.role_towards(other, cadre.user_id):
                staff.score(other, cadre.user_id, 88)


def load_demo(offices) -> None:
    """Create the demo campaigns once (nothing when the office has a campaign already)."""
    government = offices.get("SFZ-ZF")
    leader, auditor = _user("leader"), _user("auditor")
    if government is None or leader is None or auditor is None or _user("staff") is None:
        return
    if db.session.scalar(select(Campaign.id).where(Campaign.office_id == government.id)):
        return
    year = local_today().year
    last = _campaign(
        government.id,
        f"{year - 1}年下半年干部作风群众评议",
        date(year - 1, 7, 1),
        date(year - 1, 12, 31),
    )
    _evaluate(last, EVALUATIONS)
    _score(last, leader, {"staff": 90, "officeadmin": 80})
    campaigns.close_campaign(last, leader.id)
    campaigns.publish_campaign(last)
    current = _campaign(
        government.id, f"{year}年度干部社会监督考评", date(year, 1, 1), date(year, 12, 31)
    )
    _evaluate(current, EVALUATIONS)
    _score(current, leader, {"staff": 92, "officeadmin": 86, "village": 90})
    db.session.flush()
