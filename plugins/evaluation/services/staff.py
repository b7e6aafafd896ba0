"""Leaders' and colleagues' evaluation, and each group's progress for the organiser.

A leader scores the cadres they were named to score (领导评); the cadres of one office in a
campaign score each other (互相评). Nobody scores themselves. Scores are whole numbers 0–100;
a scorer may correct their score while the campaign runs. What the person scored sees of their
colleagues is the mean and how many scored, never who gave what.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import db, utc_now
from plugins.evaluation.errors import EvaluationError
from plugins.evaluation.models import (
    Campaign,
    CampaignCadre,
    EvaluationCode,
    ResidentEvaluation,
    StaffScore,
)
from plugins.evaluation.services.campaigns import require_open

LEADER, COLLEAGUE = "leader", "colleague"


def role_towards(cadre: CampaignCadre, user_id: int) -> str | None:
    """ "leader" or "colleague" when ``user_id`` scores ``cadre``; None otherwise."""
    if cadre.user_id == user_id:
        return None
    if cadre.leader_id == user_id:
        return LEADER
    enrolled_here = db.session.scalar(
        select(CampaignCadre.id).where(
            CampaignCadre.campaign_id == cadre.campaign_id,
            CampaignCadre.user_id == user_id,
            CampaignCadre.office_id == cadre.office_id,
        )
    )
    return COLLEAGUE if enrolled_here else None


def to_score(campaign: Campaign, user_id: int) -> list[tuple[CampaignCadre, str, int | None]]:
    """The cadres ``user_id`` scores in the campaign: (cadre, kind, their score so far)."""
    mine = {
        s.cadre_id: s.score
        for s in db.session.scalars(
            select(StaffScore).where(
                StaffScore.campaign_id == campaign.id, StaffScore.scorer_id == user_id
            )
        )
    }
    cadres = campaign.cadres
    my_offices = {c.office_id for c in cadres if c.user_id == user_id}
    out = []
    for cadre in cadres:
        if cadre.user_id == user_id:
            continue
        if cadre.leader_id == user_id:
            out.append((cadre, LEADER, mine.get(cadre.id)))
        elif cadre.office_id in my_offices:
            out.append((cadre, COLLEAGUE, mine.get(cadre.id)))
    return out


def _clean_score(value) -> int:
    if isinstance(value, str):
        value = value.strip()
        value = int(value) if value.isdigit() else None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise EvaluationError(_("评分须为 0 到 100 之间的整数。"))
    return value


def score(cadre: CampaignCadre, scorer_id: int, value) -> StaffScore:
    """Record (or correct) ``scorer_id``'s score of ``cadre``. The caller commits."""
    require_open(cadre.campaign)
    if cadre.user_id == scorer_id:
        raise EvaluationError(_("不能给自己评分。"))
    kind = role_towards(cadre, scorer_id)
    if kind is None:
        raise EvaluationError(_("您不是该干部的评分领导或同单位被考评干部，不能评分。"))
    value = _clean_score(value)
    row = db.session.scalar(
        select(StaffScore).where(StaffScore.cadre_id == cadre.id, StaffScore.scorer_id == scorer_id)
    )
    if row is None:
        row = StaffScore(
            campaign_id=cadre.campaign_id,
            cadre_id=cadre.id,
            office_id=cadre.office_id,
            scorer_id=scorer_id,
            kind=kind,
        )
        db.session.add(row)
    row.score, row.created_at = value, utc_now()
    db.session.flush()
    return row


@dataclass
class Progress:
    """How far each group has come: scored / expected, residents' evaluations and codes."""

    leaders_done: int
    leaders_expected: int
    colleagues_done: int
    colleagues_expected: int
    residents: int
    codes_issued: int
    codes_used: int


def progress(campaign: Campaign) -> Progress:
    """Each group's progress (how many have scored), for the organiser."""
    cadres = campaign.cadres
    per_office: dict[int, int] = {}
    for c in cadres:
        per_office[c.office_id] = per_office.get(c.office_id, 0) + 1
    done = dict(
        db.session.execute(
            select(StaffScore.kind, func.count())
            .where(StaffScore.campaign_id == campaign.id)
            .group_by(StaffScore.kind)
        ).all()
    )

    def count(model, *where) -> int:
        return db.session.scalar(
            select(func.count(model.id)).where(model.campaign_id == campaign.id, *where)
        )

    return Progress(
        leaders_done=done.get(LEADER, 0),
        leaders_expected=sum(1 for c in cadres if c.leader_id),
        colleagues_done=done.get(COLLEAGUE, 0),
        colleagues_expected=sum(n * (n - 1) for n in per_office.values()),
        residents=count(ResidentEvaluation),
        codes_issued=count(EvaluationCode),
        codes_used=count(EvaluationCode, EvaluationCode.phone_hash.is_not(None)),
    )
