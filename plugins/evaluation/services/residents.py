"""Residents' evaluation: one-time codes handed out at the service hall, and one grade per
phone per cadre per campaign.

The core has no text-message sender, so a resident's phone is confirmed by a one-time code
printed at the hall (on the 评议码 slip handed out with the receipt). The first phone that uses a
code binds it; the code then serves that phone only, for every cadre of the campaign. Only a
keyed hash of the phone is stored (``contact.phone_hash``, purpose "evaluation.phone"), never
the number, and nothing of the resident is published. "One evaluation per phone per cadre" is
a unique constraint of the table, so it holds however many residents evaluate at once.

Grades and points: 满意 100, 基本满意 70, 不满意 0.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.kit import contact, db, utc_now
from plugins.evaluation.errors import EvaluationError
from plugins.evaluation.models import (
    DRAFT,
    OPEN,
    Campaign,
    CampaignCadre,
    EvaluationCode,
    ResidentEvaluation,
)
from plugins.evaluation.services.campaigns import require_open

SATISFIED, BASIC, DISSATISFIED = "satisfied", "basic", "dissatisfied"
GRADE_POINTS = {SATISFIED: 100, BASIC: 70, DISSATISFIED: 0}
GRADE_LABELS = {SATISFIED: _l("满意"), BASIC: _l("基本满意"), DISSATISFIED: _l("不满意")}
MAX_CODES_PER_BATCH = 500
MAX_COMMENT = 500


def phone_hash(normalised: str) -> str:
    """The keyed hash a resident's phone is matched by (no number is stored)."""
    return contact.phone_hash(normalised, "evaluation.phone", "EVALUATION_PHONE_KEY")


def issue_codes(campaign: Campaign, count: int, actor_id: int | None) -> list[EvaluationCode]:
    """``count`` fresh one-time codes for the hall to print and hand out."""
    if campaign.status not in (DRAFT, OPEN):
        raise EvaluationError(_("考评已结束，不再发放评议码。"))
    if count is None or not 1 <= count <= MAX_CODES_PER_BATCH:
        raise EvaluationError(_("每次可发放 1–%(n)d 个评议码。", n=MAX_CODES_PER_BATCH))
    taken = set(
        db.session.scalars(
            select(EvaluationCode.code).where(EvaluationCode.campaign_id == campaign.id)
        )
    )
    rows = []
    for _i in range(count):
        code = contact.new_code(lambda c: c in taken)
        taken.add(code)
        rows.append(
            EvaluationCode(
                campaign_id=campaign.id,
                office_id=campaign.office_id,
                code=code,
                issued_by_id=actor_id,
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _clean_phone(raw: str | None) -> str:
    try:
        return contact.normalise_phone(raw)
    except contact.InvalidPhone as exc:
        raise EvaluationError(str(exc)) from exc


def _bind_code(campaign: Campaign, raw_code: str | None, hashed: str) -> EvaluationCode:
    """The campaign's code the resident typed, bound to their phone (first use binds it)."""
    code = contact.parse_code(raw_code)
    row = None
    if contact.looks_like_code(code):
        row = db.session.scalar(
            select(EvaluationCode)
            .where(EvaluationCode.campaign_id == campaign.id, EvaluationCode.code == code)
            .with_for_update()
        )
    if row is None:
        raise EvaluationError(_("评议码不正确，请核对服务大厅发放的评议码。"))
    if row.phone_hash is None:
        row.phone_hash, row.bound_at = hashed, utc_now()
    elif row.phone_hash != hashed:
        raise EvaluationError(_("该评议码已由其他手机号使用，每个评议码只限一个手机号。"))
    return row


def _clean_grade(grade: str | None) -> str:
    if grade not in GRADE_POINTS:
        raise EvaluationError(_("请选择满意、基本满意或不满意。"))
    return grade


def _clean_comment(comment: str | None) -> str | None:
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise EvaluationError(_("意见建议不能超过 %(n)d 字。", n=MAX_COMMENT))
    return text or None


def already_evaluated(cadre: CampaignCadre, hashed: str) -> bool:
    """True when this phone has evaluated this cadre in the campaign."""
    return (
        db.session.scalar(
            select(ResidentEvaluation.id).where(
                ResidentEvaluation.campaign_id == cadre.campaign_id,
                ResidentEvaluation.cadre_id == cadre.id,
                ResidentEvaluation.phone_hash == hashed,
            )
        )
        is not None
    )


DUPLICATE = _l("该手机号已评议过这位干部，每个手机号对每位干部只能评议一次。")


def evaluate(
    cadre: CampaignCadre, *, phone: str | None, code: str | None, grade: str | None, comment=None
) -> ResidentEvaluation:
    """Record one resident's grade of ``cadre``; refuses a second one from the same phone.

    Flushes (the unique constraint decides between two simultaneous evaluations from one
    phone); on a refusal the session is rolled back and nothing is changed. The caller commits.
    """
    campaign = cadre.campaign
    require_open(campaign)
    grade = _clean_grade(grade)
    comment = _clean_comment(comment)
    hashed = phone_hash(_clean_phone(phone))
    _bind_code(campaign, code, hashed)
    if already_evaluated(cadre, hashed):
        raise EvaluationError(str(DUPLICATE))
    row = ResidentEvaluation(
        campaign_id=campaign.id,
        cadre_id=cadre.id,
        office_id=cadre.office_id,
        phone_hash=hashed,
        grade_code=grade,
        points=GRADE_POINTS[grade],
        comment=comment,
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise EvaluationError(str(DUPLICATE)) from exc
    return row


def open_campaigns_for(office_id: int) -> list[Campaign]:
    """Running campaigns that evaluate cadres of ``office_id`` or that the office organises."""
    evaluated = select(CampaignCadre.campaign_id).where(CampaignCadre.office_id == office_id)
    return list(
        db.session.scalars(
            select(Campaign)
            .where(
                Campaign.status == OPEN,
                (Campaign.office_id == office_id) | Campaign.id.in_(evaluated),
            )
            .order_by(Campaign.id.desc())
        )
    )
