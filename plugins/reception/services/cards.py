"""《群众预约领导办公卡》 — appointment cards (群众预约领导制度).

When the main or responsible leader a resident asks for is away on official business, the
receiving staff fill the card. When the leader is back the card is on the leader's list; the
leader visits the resident at home, learns the situation and resolves it; afterwards the
outcome is registered (填表登记).

The visit has a time limit set by the office (``ReceptionSettings``, default 3 days), counted
with ``core.sla`` from the day the leader is back (the expected day until someone records the
actual one). The card's colour follows ``core.sla.colour`` like any case: green, yellow near
the limit, red once it has passed. If the visit shows the matter needs an office, it is handed
over as a core case, and the card's outcome is registered when that case is closed.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.kit import (
    Limit,
    LimitUnit,
    colour,
    compute_due,
    db,
    local_datetime,
    local_day,
    local_today,
    utc_now,
)
from plugins.reception.errors import ReceptionError
from plugins.reception.models import (
    AppointmentCard,
    CardStatus,
    ReceptionSettings,
    Satisfaction,
)
from plugins.reception.services.booking import clean_text, normalise_phone
from plugins.reception.services.matters import CARD_SOURCE_TYPE, CATEGORY_CODE
from plugins.reception.services.roster import check_leader

DEFAULT_LIMIT = Limit(3, LimitUnit.CALENDAR_DAYS)
MAX_CARD_DAYS = 30  # 服务承诺制度 4: never more than 30 days
MAX_AWAY_DAYS = 90
TEXT_MAX = 5000


# --- the office's limit -------------------------------------------------------------------


def office_limit(office_id: int) -> Limit:
    """The office's limit for the home visit (its settings, else 3 days)."""
    row = db.session.scalar(
        select(ReceptionSettings).where(ReceptionSettings.office_id == office_id)
    )
    if row is None:
        return DEFAULT_LIMIT
    try:
        return Limit(row.card_limit_amount, LimitUnit(row.card_limit_unit))
    except ValueError:
        return DEFAULT_LIMIT


def check_limit(amount, unit) -> Limit:
    """A limit an office may set for home visits: a valid limit of at most 30 days."""
    try:
        limit = Limit(int(amount), LimitUnit(unit))
    except (TypeError, ValueError):
        raise ReceptionError(_("请填写有效的走访时限（正整数和单位）。")) from None
    too_long = (limit.unit == LimitUnit.MONTHS and limit.amount > 1) or (
        limit.unit != LimitUnit.MONTHS and limit.amount > MAX_CARD_DAYS
    )
    if too_long:
        raise ReceptionError(_("走访时限最长 30 日（服务承诺制度：最长解决时限不得超过 30 天）。"))
    return limit


# --- colour ----------------------------------------------------------------------------------


def clock_start(card: AppointmentCard) -> date:
    """The day the visit's clock starts: the leader's recorded return, else the expected one."""
    return card.leader_back_on or card.expected_back_on


def leader_is_back(card: AppointmentCard, today: date | None = None) -> bool:
    """True when the card belongs on the leader's list (the leader is, or should be, back)."""
    return clock_start(card) <= (today or local_today())


def card_colour(card: AppointmentCard, now: datetime | None = None) -> str:
    """ "waiting" (leader still away), "green", "yellow", "red", or "closed" once visited."""
    if card.status != CardStatus.OPEN:
        return "closed"
    now = now or utc_now()
    start = clock_start(card)
    if start > local_day(now):
        return "waiting"
    return colour(now, local_datetime(start, time(0, 0)), card.visit_due_at)


def visited_late(card: AppointmentCard) -> bool:
    """True when the home visit took place after the card's last day."""
    if card.visited_on is None:
        return False
    return card.visited_on > local_day(card.visit_due_at)


def _due(start: date, limit: Limit) -> datetime:
    return compute_due(start, limit).due_at_utc


# --- filling -----------------------------------------------------------------------------


@dataclass
class CardInput:
    """What staff write on the card."""

    leader_id: int | None
    name: str
    address: str
    matter: str
    expected_back_on: date | None
    phone: str | None = None
    village: str | None = None
    away_reason: str | None = None


def next_number(office_id: int, year: int) -> str:
    """The office's next card number of the year (2026-0001, 2026-0002, …)."""
    prefix = f"{year}-"
    last = db.session.scalar(
        select(func.max(AppointmentCard.number)).where(
            AppointmentCard.office_id == office_id, AppointmentCard.number.like(prefix + "%")
        )
    )
    seq = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def fill_card(office_id: int, data: CardInput, *, actor_id: int | None) -> AppointmentCard:
    """Fill a card for a resident whose leader is away; the caller commits."""
    leader = check_leader(data.leader_id, office_id)
    name = clean_text(data.name, 32, _("群众姓名"), required=True)
    phone = normalise_phone(data.phone) if (data.phone or "").strip() else None
    address = clean_text(data.address, 200, _("家庭住址"), required=True)
    village = clean_text(data.village, 64, _("村（社区）"))
    matter = clean_text(data.matter, TEXT_MAX, _("要反映的事项"), required=True)
    away = clean_text(data.away_reason, 200, _("领导外出事由"))
    today = local_today()
    if data.expected_back_on is None:
        raise ReceptionError(_("请填写领导预计返回的日期。"))
    if data.expected_back_on < today:
        raise ReceptionError(_("领导预计返回日期不能早于今天；领导已返回的，请直接安排走访。"))
    if data.expected_back_on > today + timedelta(days=MAX_AWAY_DAYS):
        raise ReceptionError(_("领导预计返回日期不能晚于 %(n)d 天以后。", n=MAX_AWAY_DAYS))
    limit = office_limit(office_id)
    card = AppointmentCard(
        office_id=office_id,
        leader_id=leader.id,
        name=name,
        phone=phone,
        address=address,
        village=village,
        matter=matter,
        away_reason=away,
        filled_by_id=actor_id,
        filled_at=utc_now(),
        expected_back_on=data.expected_back_on,
        limit_amount=limit.amount,
        limit_unit=limit.unit.value,
        visit_due_at=_due(data.expected_back_on, limit),
        status=CardStatus.OPEN,
    )
    for _attempt in range(5):  # two cards filled at the same moment may draw the same number
        card.number = next_number(office_id, today.year)
        try:
            with db.session.begin_nested():
                db.session.add(card)
                db.session.flush()
            return card
        except IntegrityError:
            continue
    raise ReceptionError(_("编号冲突，请重新提交。"))


def _open(card: AppointmentCard) -> None:
    if card.status != CardStatus.OPEN:
        raise ReceptionError(_("该预约卡已经走访或撤销。"))


def record_return(card: AppointmentCard, *, back_on: date | None = None) -> None:
    """The leader is back (today, or the day given): the visit's clock restarts from then."""
    _open(card)
    back_on = back_on or local_today()
    if back_on > local_today():
        raise ReceptionError(_("返回日期不能晚于今天。"))
    if back_on < local_day(card.filled_at):
        raise ReceptionError(_("返回日期不能早于填卡日期。"))
    card.leader_back_on = back_on
    card.visit_due_at = _due(back_on, Limit(card.limit_amount, LimitUnit(card.limit_unit)))


def postpone_return(card: AppointmentCard, *, expected_back_on: date | None) -> None:
    """The leader's trip is longer: a later expected return day (before the leader is back)."""
    _open(card)
    if card.leader_back_on is not None:
        raise ReceptionError(_("领导已经返回，不能再更改预计返回日期。"))
    if expected_back_on is None or expected_back_on < local_today():
        raise ReceptionError(_("请填写今天或以后的预计返回日期。"))
    if expected_back_on > local_today() + timedelta(days=MAX_AWAY_DAYS):
        raise ReceptionError(_("领导预计返回日期不能晚于 %(n)d 天以后。", n=MAX_AWAY_DAYS))
    card.expected_back_on = expected_back_on
    card.visit_due_at = _due(expected_back_on, Limit(card.limit_amount, LimitUnit(card.limit_unit)))


def record_visit(
    card: AppointmentCard,
    *,
    visited_on: date | None,
    findings: str,
    resolution: str,
    visitor_id: int | None,
    actor_id: int | None,
    responsible_office_id: int | None = None,
) -> None:
    """Record the leader's home visit: date, what was found, how it is resolved.

    With ``responsible_office_id`` the matter is handed over as a core case (category
    ``reception_matter``); the card's outcome is then registered when the case is closed.
    """
    _open(card)
    if visited_on is None:
        raise ReceptionError(_("请填写走访日期。"))
    if visited_on > local_today():
        raise ReceptionError(_("走访日期不能晚于今天。"))
    if visited_on < local_day(card.filled_at):
        raise ReceptionError(_("走访日期不能早于填卡日期。"))
    findings = clean_text(findings, TEXT_MAX, _("了解的情况"), required=True)
    resolution = clean_text(resolution, TEXT_MAX, _("解决办法"), required=True)
    visitor = check_leader(visitor_id or card.leader_id, card.office_id)
    card.visited_on = visited_on
    card.visitor_id = visitor.id
    card.findings = findings
    card.resolution = resolution
    card.visit_recorded_by_id = actor_id
    card.status = CardStatus.VISITED
    if card.leader_back_on is None and visited_on < card.expected_back_on:
        card.leader_back_on = visited_on  # the leader was back early
    if responsible_office_id:
        from core.kit import CaseError, Office, open_case

        if db.session.get(Office, responsible_office_id) is None:
            raise ReceptionError(_("请选择承办单位。"))
        try:
            case = open_case(
                office_id=responsible_office_id,
                category=CATEGORY_CODE,
                channel="visit",
                subject=_("预约卡 %(no)s：%(matter)s", no=card.number, matter=card.matter)[:200],
                content=_("走访了解的情况：%(f)s\n\n解决办法：%(r)s", f=findings, r=resolution),
                applicant_name=card.name,
                applicant_phone=card.phone,
                first_responder_id=visitor.id,
                source_type=CARD_SOURCE_TYPE,
                source_id=str(card.id),
                accepted_at=min(local_datetime(visited_on, time(12, 0)), utc_now()),
            )
        except CaseError as exc:
            raise ReceptionError(str(exc)) from None
        db.session.flush()
        card.case_id = case.id
        card.case_receipt_no = case.receipt_no


def register_outcome(
    card: AppointmentCard, *, outcome: str, satisfaction: str | None, actor_id: int | None
) -> None:
    """Register the outcome after the visit (填表登记); the card is done."""
    if card.status == CardStatus.OPEN:
        raise ReceptionError(_("请先登记领导上门走访的情况，再登记办理结果。"))
    if card.status != CardStatus.VISITED:
        raise ReceptionError(_("该预约卡已经办结或撤销。"))
    if card.case_id is not None:
        from core.kit import ACTIVE_STATUSES, Case

        case = db.session.get(Case, card.case_id)
        if case is not None and case.status in ACTIVE_STATUSES:
            raise ReceptionError(
                _(
                    "该事项已交办（办件号 %(no)s），办结后结果会自动登记。",
                    no=card.case_receipt_no or "",
                )
            )
    outcome = clean_text(outcome, TEXT_MAX, _("办理结果"), required=True)
    try:
        grade = Satisfaction(satisfaction or Satisfaction.UNKNOWN)
    except ValueError:
        raise ReceptionError(_("请选择群众满意度。")) from None
    card.outcome = outcome
    card.satisfaction = grade
    card.outcome_at = utc_now()
    card.outcome_by_id = actor_id
    card.status = CardStatus.DONE


def withdraw_card(card: AppointmentCard, *, reason: str) -> None:
    """The resident no longer needs the visit (resolved otherwise, moved away…)."""
    _open(card)
    card.withdrawn_reason = clean_text(reason, 500, _("撤销原因"), required=True)
    card.status = CardStatus.WITHDRAWN
