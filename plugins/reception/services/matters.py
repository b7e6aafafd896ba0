"""The reception register: every letter, visit and call the duty leader receives, handed over
to the responsible office as a core case and supervised to the end (领导接待制度 1–4).

Each matter opens a case in the core register (category ``reception_matter``, the rulebook's
service-commitment limit) in the responsible office; the case points back here through
``source_type="reception_matter"`` and ``source_id``. The leader's instruction may set the
case's own deadline (服务承诺制度 2/4: "领导指示的，按指示限定时间解决", never beyond 30 days). A
matter the leader settled on the spot is registered and closed at once, with the answer as its
outcome. When a case is closed the ``case_closed`` hook (``cases.py``) copies its outcome
onto the matter.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import Office, User, db, local_today, utc_now
from plugins.reception.errors import ReceptionError
from plugins.reception.models import (
    Booking,
    BookingStatus,
    MatterChannel,
    ReceptionDay,
    ReceptionMatter,
)
from plugins.reception.services.booking import clean_text, normalise_phone
from plugins.reception.services.roster import check_leader

CATEGORY_CODE = "reception_matter"
SOURCE_TYPE = "reception_matter"
CARD_SOURCE_TYPE = "reception_card"
SUBJECT_MAX = 200
TEXT_MAX = 5000


@dataclass
class MatterInput:
    """What staff register for one letter, visit or call."""

    channel: str
    name: str
    subject: str
    instruction: str
    responsible_office_id: int | None
    leader_id: int | None = None  # default: the day's duty leader
    phone: str | None = None
    village: str | None = None
    content: str | None = None
    handler_id: int | None = None
    instructed_last_day: date | None = None
    answered_on_the_spot: bool = False
    collective: bool = False
    booking_id: int | None = None
    received_at: datetime | None = None


def _office(office_id: int | None) -> Office:
    office = db.session.get(Office, office_id) if office_id else None
    if office is None:
        raise ReceptionError(_("请选择承办单位。"))
    return office


def register_matter(
    day: ReceptionDay | None, data: MatterInput, *, office_id: int, actor_id: int | None
) -> ReceptionMatter:
    """Register what the duty leader received and hand it over as a core case.

    ``day`` is the reception day (None for a matter a leader received outside one, at
    ``office_id``). Returns the matter with ``case_id`` set. Raises ReceptionError (the caller
    rolls back: nothing is kept) for bad input or when the core refuses the case.
    """
    try:
        channel = MatterChannel(data.channel)
    except ValueError:
        raise ReceptionError(_("请选择来信、来访或来电。")) from None
    if day is not None and day.is_cancelled:
        raise ReceptionError(_("该接待日已取消，不能登记。"))
    if day is not None and day.day > local_today():
        raise ReceptionError(_("该接待日尚未到来，不能登记接待事项。"))
    leader = check_leader(data.leader_id or (day.leader_id if day else None), office_id)
    matter = ReceptionMatter(
        office_id=office_id,
        day_id=day.id if day else None,
        leader_id=leader.id,
        channel=channel,
        name=clean_text(data.name, 32, _("群众姓名"), required=True),
        phone=normalise_phone(data.phone) if (data.phone or "").strip() else None,
        village=clean_text(data.village, 64, _("村（社区）")),
        subject=clean_text(data.subject, SUBJECT_MAX, _("反映的问题"), required=True),
        content=clean_text(data.content, TEXT_MAX, _("详细情况")) or "",
        instruction=clean_text(data.instruction, TEXT_MAX, _("领导批示"), required=True),
        responsible_office_id=_office(data.responsible_office_id).id,
        handler_id=data.handler_id or None,
        instructed_last_day=data.instructed_last_day,
        answered_on_the_spot=bool(data.answered_on_the_spot),
        collective=bool(data.collective),
        created_by_id=actor_id,
    )
    if data.answered_on_the_spot and data.instructed_last_day:
        raise ReceptionError(_("当场答复办结的事项不需要另定办理时限。"))
    matter.received_at = data.received_at or utc_now()
    if matter.received_at > utc_now():
        raise ReceptionError(_("接待时间不能晚于当前时间。"))
    matter.booking_id = _attended_booking(day, data.booking_id)
    db.session.add(matter)
    db.session.flush()
    _hand_over(matter, leader)
    return matter


def _attended_booking(day: ReceptionDay | None, booking_id: int | None) -> int | None:
    """The day's booking the matter came with, marked attended (None without one)."""
    if not booking_id:
        return None
    booking = db.session.get(Booking, booking_id)
    if booking is None or day is None or booking.day_id != day.id:
        raise ReceptionError(_("该预约不属于这个接待日。"))
    if booking.status == BookingStatus.CANCELLED:
        raise ReceptionError(_("该预约已经取消。"))
    booking.status = BookingStatus.ATTENDED
    return booking.id


def _hand_over(matter: ReceptionMatter, leader: User) -> None:
    """Open the matter's core case in the responsible office: with the leader's own deadline,
    or closed at once when the leader answered on the spot."""
    from core.kit import CaseError, close_case, open_case, set_deadline

    body = (
        matter.content
        + ("\n\n" if matter.content else "")
        + _("领导批示（%(leader)s）：%(text)s", leader=leader.display_name, text=matter.instruction)
    )
    if matter.collective:
        body += "\n" + _("重要案件，交党政领导班子集体协商解决。")
    try:
        case = open_case(
            office_id=matter.responsible_office_id,
            category=CATEGORY_CODE,
            channel=matter.channel.value,
            subject=matter.subject,
            content=body,
            applicant_name=matter.name,
            applicant_phone=matter.phone,
            first_responder_id=leader.id,
            handler_id=matter.handler_id,
            accepted_at=matter.received_at,
            source_type=SOURCE_TYPE,
            source_id=str(matter.id),
        )
        db.session.flush()
        if matter.instructed_last_day:
            set_deadline(
                case,
                last_day=matter.instructed_last_day,
                reason=_("领导批示限定办结日期：%(text)s", text=matter.instruction[:200]),
                actor_id=leader.id,
            )
        if matter.answered_on_the_spot:
            close_case(
                case,
                outcome=_("接待领导当场答复：%(text)s", text=matter.instruction),
                actor_id=None,
            )
    except CaseError as exc:
        raise ReceptionError(str(exc)) from None
    matter.case_id = case.id
    matter.case_receipt_no = case.receipt_no
    if matter.answered_on_the_spot:
        matter.outcome = case.outcome
        matter.closed_at = case.closed_at


def case_rows(case_ids) -> dict[int, object]:
    """The core cases with these ids, by id (one query)."""
    from core.kit import Case

    ids = [i for i in case_ids if i]
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(ids)))}
