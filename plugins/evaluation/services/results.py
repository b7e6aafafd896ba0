"""Results: a weighted score per cadre and per office, each part shown, and the flags.

The rules (documented here once, shown on the results screen):

- **Residents' score** (群众评): the mean points of the cadre's residents' evaluations of the
  campaign (满意 100, 基本满意 70, 不满意 0) **together with the core's case ratings (好差评)**
  of the period: every rating, not voided on appeal, of a case the cadre handled (the case's
  handler), given between the first and the last day of the campaign's period (Beijing days),
  counts as one more resident's evaluation — 非常满意 and 满意 100, 基本满意 70, 不满意 and
  非常不满意 0. Residents who rated a case have already spoken.
- **Leaders' score** (领导评) and **colleagues' score** (互相评): the mean of the 0–100 scores.
- **Total**: the weighted mean of the parts with the campaign's weights (default 70/20/10). A
  part nobody scored drops out and the others' weights are scaled up to 100 %; without any
  resident's evaluation there is no total ("群众说了算": no total without the residents).
- **Band**: total ≥ 满意 line → 满意; ≥ 基本满意 line → 基本满意; else 不满意.
- **警示**: residents' score below the warning line (对群众满意率低的干部): a warning, and the
  cadre may not be rated excellent, promoted or listed as a reserve cadre that year (the year
  of the period's last day).
- **不认可**: residents' score below the recognition line: flagged for 停职候岗, which only a
  leader's recorded decision (``decisions.decide``) makes so — never this computation.
- **Office**: the mean of its cadres' parts and totals; its residents' count; and how the
  rectification tasks of the organiser's previous campaign at that office were closed.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from core.kit import Case, CaseStatus, Grade, Rating, db, local_datetime, utc_now
from plugins.evaluation.models import (
    CLOSED,
    PUBLISHED,
    CadreResult,
    Campaign,
    CampaignCadre,
    OfficeResult,
    RectificationTask,
    ResidentEvaluation,
    StaffScore,
)

SATISFIED_BAND, BASIC_BAND, DISSATISFIED_BAND, NONE_BAND = (
    "satisfied",
    "basic",
    "dissatisfied",
    "none",
)
CASE_GRADE_POINTS = {
    Grade.VERY_SATISFIED: 100,
    Grade.SATISFIED: 100,
    Grade.BASICALLY_SATISFIED: 70,
    Grade.DISSATISFIED: 0,
    Grade.VERY_DISSATISFIED: 0,
}


def band_label(code: str) -> str:
    """满意 / 基本满意 / 不满意 / 未评 in the current language."""
    labels = {SATISFIED_BAND: _("满意"), BASIC_BAND: _("基本满意"), DISSATISFIED_BAND: _("不满意")}
    return labels.get(code, _("未评"))


@dataclass
class Figures:
    """One cadre's (or office's) parts, total, band and flags."""

    cadre_id: int | None
    office_id: int
    residents_score: float | None = None
    resident_count: int = 0
    case_rating_count: int = 0
    leaders_score: float | None = None
    leader_count: int = 0
    colleagues_score: float | None = None
    colleague_count: int = 0
    total: float | None = None
    band: str = NONE_BAND
    warned: bool = False
    ineligible_year: int | None = None
    not_recognised: bool = False
    extra: dict = field(default_factory=dict)


def period_bounds(campaign: Campaign) -> tuple[datetime, datetime]:
    """The campaign's period as [start, end) aware moments (Beijing days)."""
    start = local_datetime(campaign.period_start, time(0))
    end = local_datetime(campaign.period_end + timedelta(days=1), time(0))
    return start, end


def _resident_sums(campaign_id: int) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(
            ResidentEvaluation.cadre_id,
            func.count(ResidentEvaluation.id),
            func.sum(ResidentEvaluation.points),
        )
        .where(ResidentEvaluation.campaign_id == campaign_id)
        .group_by(ResidentEvaluation.cadre_id)
    )
    return {cadre_id: (count, int(total or 0)) for cadre_id, count, total in rows}


def _case_rating_sums(campaign: Campaign, user_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per handler: how many case ratings of the period and their points."""
    if not user_ids:
        return {}
    start, end = period_bounds(campaign)
    points = case(
        *[(Rating.grade == grade, value) for grade, value in CASE_GRADE_POINTS.items()], else_=0
    )
    rows = db.session.execute(
        select(Case.handler_id, func.count(Rating.id), func.sum(points))
        .join(Case, Case.id == Rating.case_id)
        .where(
            Case.handler_id.in_(user_ids),
            Rating.voided.is_(False),
            Rating.rated_at >= start,
            Rating.rated_at < end,
        )
        .group_by(Case.handler_id)
    )
    return {user_id: (count, int(total or 0)) for user_id, count, total in rows}


def _staff_means(campaign_id: int) -> dict[tuple[int, str], tuple[int, float]]:
    rows = db.session.execute(
        select(StaffScore.cadre_id, StaffScore.kind, func.count(), func.avg(StaffScore.score))
        .where(StaffScore.campaign_id == campaign_id)
        .group_by(StaffScore.cadre_id, StaffScore.kind)
    )
    return {(c, k): (n, float(mean)) for c, k, n, mean in rows}


def weighted_total(campaign: Campaign, residents, leaders, colleagues) -> float | None:
    """The weighted mean of the parts present (None without a residents' part)."""
    if residents is None:
        return None
    parts = [
        (residents, campaign.weight_residents),
        (leaders, campaign.weight_leaders),
        (colleagues, campaign.weight_colleagues),
    ]
    weight = sum(w for value, w in parts if value is not None)
    if weight == 0:
        return None
    return round(sum(value * w for value, w in parts if value is not None) / weight, 2)


def band_of(campaign: Campaign, total: float | None) -> str:
    """满意 / 基本满意 / 不满意 by the campaign's lines ("none" without a total)."""
    if total is None:
        return NONE_BAND
    if total >= campaign.band_satisfied:
        return SATISFIED_BAND
    return BASIC_BAND if total >= campaign.band_basic else DISSATISFIED_BAND


def _flag(campaign: Campaign, figures: Figures) -> None:
    score = figures.residents_score
    if score is None:
        return
    figures.warned = score < campaign.warning_below
    figures.ineligible_year = campaign.period_end.year if figures.warned else None
    figures.not_recognised = score < campaign.recognition_below


def _mean(count: int, total: int) -> float | None:
    return round(total / count, 2) if count else None


def compute(campaign: Campaign) -> dict[int, Figures]:
    """Every cadre's figures, by cadre id (three grouped queries, whatever the numbers)."""
    cadres = db.session.execute(
        select(CampaignCadre.id, CampaignCadre.office_id, CampaignCadre.user_id).where(
            CampaignCadre.campaign_id == campaign.id
        )
    ).all()
    residents = _resident_sums(campaign.id)
    ratings = _case_rating_sums(campaign, [c.user_id for c in cadres])
    staff = _staff_means(campaign.id)
    out = {}
    for cadre_id, office_id, user_id in cadres:
        n_res, p_res = residents.get(cadre_id, (0, 0))
        n_case, p_case = ratings.get(user_id, (0, 0))
        n_lead, leaders = staff.get((cadre_id, "leader"), (0, None))
        n_coll, colleagues = staff.get((cadre_id, "colleague"), (0, None))
        f = Figures(
            cadre_id=cadre_id,
            office_id=office_id,
            residents_score=_mean(n_res + n_case, p_res + p_case),
            resident_count=n_res,
            case_rating_count=n_case,
            leaders_score=None if leaders is None else round(leaders, 2),
            leader_count=n_lead,
            colleagues_score=None if colleagues is None else round(colleagues, 2),
            colleague_count=n_coll,
        )
        f.total = weighted_total(campaign, f.residents_score, f.leaders_score, f.colleagues_score)
        f.band = band_of(campaign, f.total)
        _flag(campaign, f)
        out[cadre_id] = f
    return out


def _avg(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 2) if values else None


def by_office(campaign: Campaign, figures: dict[int, Figures]) -> dict[int, Figures]:
    """Each evaluated office's figures: the mean of its cadres'."""
    groups: dict[int, list[Figures]] = {}
    for f in figures.values():
        groups.setdefault(f.office_id, []).append(f)
    out = {}
    for office_id, rows in groups.items():
        f = Figures(cadre_id=None, office_id=office_id)
        f.residents_score = _avg(r.residents_score for r in rows)
        f.leaders_score = _avg(r.leaders_score for r in rows)
        f.colleagues_score = _avg(r.colleagues_score for r in rows)
        f.total = _avg(r.total for r in rows)
        f.resident_count = sum(r.resident_count + r.case_rating_count for r in rows)
        f.band = band_of(campaign, f.total)
        f.extra["cadres"] = len(rows)
        out[office_id] = f
    return out


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The organiser's last campaign closed before this one."""
    return db.session.scalar(
        select(Campaign)
        .where(
            Campaign.office_id == campaign.office_id,
            Campaign.id != campaign.id,
            Campaign.status.in_([CLOSED, PUBLISHED]),
            Campaign.period_end <= campaign.period_end,
        )
        .order_by(Campaign.period_end.desc(), Campaign.id.desc())
        .limit(1)
    )


def rectification_figures(campaign: Campaign | None) -> dict[int, tuple[int, int, int]]:
    """Per office: (tasks, closed, closed on time) of ``campaign``'s rectification tasks."""
    if campaign is None:
        return {}
    finished = Case.status.in_([CaseStatus.RESOLVED, CaseStatus.CLOSED])
    rows = db.session.execute(
        select(
            RectificationTask.office_id,
            func.count(RectificationTask.id),
            func.sum(case((finished, 1), else_=0)),
            func.sum(case((finished & (Case.closed_at <= Case.due_at), 1), else_=0)),
        )
        .join(Case, Case.id == RectificationTask.case_id)
        .where(RectificationTask.campaign_id == campaign.id)
        .group_by(RectificationTask.office_id)
    )
    return {o: (n, int(closed or 0), int(on_time or 0)) for o, n, closed, on_time in rows}


_CADRE_FIELDS = (
    "office_id residents_score resident_count case_rating_count leaders_score leader_count "
    "colleagues_score colleague_count total warned ineligible_year not_recognised"
).split()


def store(campaign: Campaign) -> None:
    """Write the campaign's cadre and office results (on closing; replaces earlier ones)."""
    figures = compute(campaign)
    now = utc_now()
    for f in figures.values():
        values = {name: getattr(f, name) for name in _CADRE_FIELDS}
        db.session.add(
            CadreResult(
                campaign_id=campaign.id,
                cadre_id=f.cadre_id,
                band_code=f.band,
                computed_at=now,
                **values,
            )
        )
    rect = rectification_figures(previous_campaign(campaign))
    for office_id, f in by_office(campaign, figures).items():
        total, closed, on_time = rect.get(office_id, (0, 0, 0))
        db.session.add(
            OfficeResult(
                campaign_id=campaign.id,
                office_id=office_id,
                cadre_count=f.extra["cadres"],
                resident_count=f.resident_count,
                residents_score=f.residents_score,
                leaders_score=f.leaders_score,
                colleagues_score=f.colleagues_score,
                total=f.total,
                band_code=f.band,
                rectification_total=total,
                rectification_closed=closed,
                rectification_on_time=on_time,
            )
        )
    db.session.flush()
