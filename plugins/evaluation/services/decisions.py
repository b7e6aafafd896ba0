"""Who sees a cadre's figures, and the leader's decision on 停职候岗.

Individual cadres' scores are seen by leaders, auditors and the cadre themselves only; the
organiser sees each group's progress and the offices' results. A cadre residents did not
recognise is *flagged* for 停职候岗 by the results; the township suspends them only by a
leader's recorded decision (suspend or not, with the reason), never automatically.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import Role, User, db
from plugins.evaluation.errors import EvaluationError
from plugins.evaluation.models import (
    CLOSED,
    PUBLISHED,
    CadreResult,
    CampaignCadre,
    SuspensionDecision,
)

SEE_ALL_ROLES = frozenset({Role.LEADER, Role.AUDITOR})


def sees_all_cadres(user: User) -> bool:
    """Leaders and auditors see every cadre's figures in their scope."""
    return user.role in SEE_ALL_ROLES


def may_see_cadre(user: User, cadre: CampaignCadre) -> bool:
    """True for leaders, auditors and the cadre themselves."""
    return sees_all_cadres(user) or cadre.user_id == user.id


def result_of(cadre: CampaignCadre) -> CadreResult | None:
    """The stored result of a cadre (None while the campaign runs)."""
    return db.session.scalar(select(CadreResult).where(CadreResult.cadre_id == cadre.id))


def decision_of(cadre: CampaignCadre) -> SuspensionDecision | None:
    """The leader's decision on the cadre, if one was recorded."""
    return db.session.scalar(
        select(SuspensionDecision).where(SuspensionDecision.cadre_id == cadre.id)
    )


def decide(cadre: CampaignCadre, leader: User, *, suspend: bool, reason: str | None):
    """Record a leader's decision on a cadre flagged 不认可. The caller commits."""
    if leader is None or leader.role != Role.LEADER:
        raise EvaluationError(_("停职候岗须由领导决定。"))
    if cadre.campaign.status not in (CLOSED, PUBLISHED):
        raise EvaluationError(_("考评结束后才能作出决定。"))
    if leader.id == cadre.user_id:
        raise EvaluationError(_("不能对本人作出决定。"))
    result = result_of(cadre)
    if result is None or not result.not_recognised:
        raise EvaluationError(_("该干部未被群众评为不认可，无需作出停职候岗决定。"))
    if decision_of(cadre) is not None:
        raise EvaluationError(_("已对该干部作出决定，不能重复决定。"))
    text = (reason or "").strip()
    if not text or len(text) > 2000:
        raise EvaluationError(_("请填写决定理由（不超过 2000 字）。"))
    row = SuspensionDecision(
        campaign_id=cadre.campaign_id,
        cadre_id=cadre.id,
        office_id=cadre.office_id,
        suspend=bool(suspend),
        reason=text,
        decided_by_id=leader.id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def ineligible(year: int, office_ids) -> list[CadreResult]:
    """Warned cadres who may not be rated excellent, promoted or listed as reserve cadres in
    ``year`` (at the offices given), for leaders and auditors."""
    return list(
        db.session.scalars(
            select(CadreResult)
            .where(
                CadreResult.ineligible_year == year,
                CadreResult.office_id.in_(list(office_ids)),
            )
            .order_by(CadreResult.office_id, CadreResult.id)
        )
    )
