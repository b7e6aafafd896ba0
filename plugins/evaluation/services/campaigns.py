"""Campaigns: their settings (weights, bands), who is evaluated and by which leader, the
supervision group, and the steps draft → open → closed → published.

Weights are whole percentages that add up to 100 (default residents 70, leaders 20, colleagues
10: 群众测评分值占70); they and the bands can be changed while the campaign is a draft, and
every change is a row change in the audit log.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import Role, User, db, utc_now
from plugins.evaluation.errors import EvaluationError
from plugins.evaluation.models import (
    CLOSED,
    DRAFT,
    OPEN,
    PUBLISHED,
    Campaign,
    CampaignCadre,
    CampaignSupervisor,
)

PLUGIN = "evaluation"
ORGANISER_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER})
DEFAULT_WEIGHTS = (70, 20, 10)


@dataclass(frozen=True)
class Settings:
    """What an organiser sets on a campaign."""

    title: str
    period_start: date
    period_end: date
    weight_residents: int = DEFAULT_WEIGHTS[0]
    weight_leaders: int = DEFAULT_WEIGHTS[1]
    weight_colleagues: int = DEFAULT_WEIGHTS[2]
    band_satisfied: int = 90
    band_basic: int = 70
    warning_below: int = 70
    recognition_below: int = 50


def _check_settings(s: Settings) -> None:
    if not (s.title or "").strip():
        raise EvaluationError(_("请填写考评活动名称。"))
    if s.period_end < s.period_start:
        raise EvaluationError(_("考评期间的结束日不能早于开始日。"))
    weights = (s.weight_residents, s.weight_leaders, s.weight_colleagues)
    if any(w is None or not 0 <= w <= 100 for w in weights) or sum(weights) != 100:
        raise EvaluationError(_("群众评、领导评、互相评的权重须为 0–100 的整数，合计 100。"))
    bands = (s.band_satisfied, s.band_basic, s.warning_below, s.recognition_below)
    if any(b is None or not 0 <= b <= 100 for b in bands):
        raise EvaluationError(_("分档分数线须在 0–100 之间。"))
    if s.band_basic > s.band_satisfied:
        raise EvaluationError(_("“基本满意”分数线不能高于“满意”分数线。"))
    if s.recognition_below > s.warning_below:
        raise EvaluationError(_("“不认可”分数线不能高于“警示”分数线。"))


def create_campaign(office_id: int, settings: Settings) -> Campaign:
    """A new draft campaign of ``office_id``. The caller commits."""
    _check_settings(settings)
    campaign = Campaign(office_id=office_id, status=DRAFT, **_values(settings))
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _values(s: Settings) -> dict:
    values = dict(s.__dict__)
    values["title"] = s.title.strip()
    return values


def update_campaign(campaign: Campaign, settings: Settings) -> Campaign:
    """Change a draft's settings (weights and bands are fixed once residents can evaluate)."""
    require_status(campaign, DRAFT, _("考评已开始，权重和分档不能再修改。"))
    _check_settings(settings)
    for key, value in _values(settings).items():
        setattr(campaign, key, value)
    return campaign


def require_status(campaign: Campaign, status: str, message: str) -> None:
    """Refuse with ``message`` unless the campaign is in ``status``."""
    if campaign.status != status:
        raise EvaluationError(message)


def enrol_cadre(campaign: Campaign, user: User, leader: User | None) -> CampaignCadre:
    """Name a cadre evaluated (at their own office) and the leader who scores them."""
    require_status(campaign, DRAFT, _("考评已开始，不能再增加被考评干部。"))
    if user is None or not user.active or user.office_id is None:
        raise EvaluationError(_("请选择在岗的工作人员。"))
    if leader is not None and leader.id == user.id:
        raise EvaluationError(_("不能由被考评干部本人担任其评分领导。"))
    if leader is not None and leader.role != Role.LEADER:
        raise EvaluationError(_("评分领导须为领导账号。"))
    taken = db.session.scalar(
        select(CampaignCadre.id).where(
            CampaignCadre.campaign_id == campaign.id, CampaignCadre.user_id == user.id
        )
    )
    if taken:
        raise EvaluationError(_("该干部已在本次考评名单中。"))
    cadre = CampaignCadre(
        campaign_id=campaign.id,
        office_id=user.office_id,
        user_id=user.id,
        leader_id=leader.id if leader else None,
    )
    campaign.cadres.append(cadre)
    db.session.flush()
    return cadre


def name_supervisor(campaign: Campaign, user: User) -> CampaignSupervisor:
    """Add a member to the campaign's supervision group."""
    if campaign.status == PUBLISHED:
        raise EvaluationError(_("考评结果已公布，监督小组不能再调整。"))
    if user is None or not user.active:
        raise EvaluationError(_("请选择在岗的工作人员。"))
    if any(s.user_id == user.id for s in campaign.supervisors):
        raise EvaluationError(_("该人员已是监督小组成员。"))
    row = CampaignSupervisor(campaign_id=campaign.id, office_id=campaign.office_id, user_id=user.id)
    campaign.supervisors.append(row)
    db.session.flush()
    return row


def is_supervisor(campaign: Campaign, user_id: int) -> bool:
    """True when ``user_id`` is in the campaign's supervision group."""
    return any(s.user_id == user_id for s in campaign.supervisors)


def open_campaign(campaign: Campaign) -> None:
    """Residents, leaders and colleagues may now evaluate."""
    require_status(campaign, DRAFT, _("只有草稿状态的考评可以开始。"))
    count = db.session.scalar(
        select(func.count(CampaignCadre.id)).where(CampaignCadre.campaign_id == campaign.id)
    )
    if not count:
        raise EvaluationError(_("请先添加被考评干部。"))
    if not campaign.supervisors:
        raise EvaluationError(_("请先指定监督小组成员。"))
    campaign.status, campaign.opened_at = OPEN, utc_now()


def close_campaign(campaign: Campaign, actor_id: int | None) -> None:
    """Stop evaluating, compute and store the results, raise the rectification tasks."""
    from plugins.evaluation.services import rectification, results

    require_status(campaign, OPEN, _("只有进行中的考评可以结束。"))
    campaign.status, campaign.closed_at = CLOSED, utc_now()
    results.store(campaign)
    rectification.raise_tasks(campaign, actor_id)


def publish_campaign(campaign: Campaign) -> None:
    """Publish each office's overall results to residents (never individual ratings)."""
    require_status(campaign, CLOSED, _("考评结束后才能公布结果。"))
    campaign.status, campaign.published_at = PUBLISHED, utc_now()


def require_open(campaign: Campaign) -> None:
    """Refuse an evaluation of a campaign that is not running."""
    if campaign.status != OPEN:
        raise EvaluationError(_("本次考评不在进行中，不能评议。"))


def status_label(status: str) -> str:
    """The campaign status in the current language."""
    labels = {DRAFT: _("草稿"), OPEN: _("进行中"), CLOSED: _("已结束"), PUBLISHED: _("已公布")}
    return labels.get(status, status)
