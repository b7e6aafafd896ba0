"""Attendee registration: places, waiting list, confirmation codes, withdrawal and check-in.

Capacity holds under concurrent registrations because every change of a hearing's places
first locks the hearing row: ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite an UPDATE of the
row, which takes the database write lock before anything is counted. Two registrations for
the same hearing therefore run one after the other, each counting the other's result.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.kit import (
    contact,
    count_rows,
    db,
    format_local_datetime,
    local_datetime,
    local_day,
    lock_row,
    utc_now,
)
from plugins.hearings.errors import HearingError
from plugins.hearings.models import (
    SELF_REGISTER_CATEGORIES,
    Attendee,
    AttendeeCategory,
    AttendeeSource,
    AttendeeStatus,
    Hearing,
    HearingStatus,
)

NAME_MAX = 32
VILLAGE_MAX = 64
AFFILIATION_MAX = 120
format_code = contact.format_code
parse_code = contact.parse_code


def normalise_phone(raw: str | None) -> str:
    """The core's phone rule (``core.contact``); raises HearingError for a malformed number."""
    return contact.normalise_phone(raw, HearingError)


def phone_hash(normalised: str) -> str:
    """Keyed hash of a normalised phone: equal numbers match, the index holds no number."""
    return contact.phone_hash(normalised, "hearings.phone", "HEARINGS_PHONE_KEY")


def new_code() -> str:
    """A fresh confirmation code (not yet used by any attendee)."""
    return contact.new_code(
        lambda code: db.session.scalar(select(Attendee.id).where(Attendee.code == code)) is not None
    )


def find_by_code(raw: str | None) -> Attendee | None:
    """The attendee with this confirmation code, or None."""
    code = parse_code(raw)
    if not contact.looks_like_code(code):
        return None
    return db.session.scalar(select(Attendee).where(Attendee.code == code))


# --- locking and counting ----------------------------------------------------------------


def lock_hearing(hearing_id: int) -> Hearing:
    """Lock the hearing row for the rest of the transaction and return it freshly loaded."""
    hearing = lock_row(Hearing, hearing_id, "registration_seq")
    if hearing is None:
        raise HearingError(_("没有找到该听证会。"))
    return hearing


def count_status(hearing_id: int, status: AttendeeStatus) -> int:
    """How many attendees of the hearing have ``status``."""
    return count_rows(Attendee, Attendee.hearing_id == hearing_id, Attendee.status == status)


def confirmed_counts(hearing_ids) -> dict[int, int]:
    """Confirmed attendees per hearing, for many hearings in one query."""
    ids = list(hearing_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Attendee.hearing_id, func.count())
        .where(Attendee.hearing_id.in_(ids), Attendee.status == AttendeeStatus.CONFIRMED)
        .group_by(Attendee.hearing_id)
    ).all()
    found = dict(rows)
    return {i: found.get(i, 0) for i in ids}


def places_left(hearing: Hearing) -> int:
    """Free places in the hall (not counting the waiting list)."""
    return max(hearing.capacity - count_status(hearing.id, AttendeeStatus.CONFIRMED), 0)


def category_counts(hearing: Hearing, *, checked_in: bool = False) -> dict[AttendeeCategory, int]:
    """Confirmed attendees (or those checked in) per category, every category listed."""
    query = (
        select(Attendee.category, func.count())
        .where(Attendee.hearing_id == hearing.id, Attendee.status == AttendeeStatus.CONFIRMED)
        .group_by(Attendee.category)
    )
    if checked_in:
        query = query.where(Attendee.checked_in_at.is_not(None))
    found = dict(db.session.execute(query).all())
    return {c: found.get(c, 0) for c in AttendeeCategory}


def registration_closed_reason(hearing: Hearing, now=None) -> str | None:
    """Why residents cannot register now, or None while registration is open."""
    now = now or utc_now()
    if hearing.status == HearingStatus.DRAFT:
        return _("该听证会尚未公告，暂不接受报名。")
    if hearing.status == HearingStatus.CANCELLED:
        return _("该听证会已取消，不再接受报名。")
    if hearing.status == HearingStatus.POSTPONED:
        return _("该听证会已延期，新的时间公告后再开放报名。")
    if hearing.status != HearingStatus.ANNOUNCED:
        return _("该听证会已经举行，报名已结束。")
    closes = hearing.registration_closes_at or hearing.starts_at
    if closes is not None and now >= closes:
        return _("报名已于 %(time)s 截止。", time=format_local_datetime(closes))
    if (
        count_status(hearing.id, AttendeeStatus.CONFIRMED) >= hearing.capacity
        and count_status(hearing.id, AttendeeStatus.WAITING) >= hearing.waitlist_size
    ):
        return full_message()
    return None


def full_message() -> str:
    """The one message residents get when the hall and the waiting list are both full."""
    return _("本场名额和候补名额均已报满，无法再报名。")


# --- registering -------------------------------------------------------------------------


@dataclass
class Registration:
    """What a resident submits on the public form."""

    name: str
    phone: str
    category: str
    village: str = ""
    consent_public_name: bool = False


def _clean_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise HearingError(_("请填写姓名。"))
    if len(name) > NAME_MAX:
        raise HearingError(_("姓名不能超过 %(n)d 个字。", n=NAME_MAX))
    if re.search(r"[\d<>{}]", name):
        raise HearingError(_("姓名中不能包含数字或符号。"))
    return name


def _clean_optional(value: str | None, limit: int, label: str) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise HearingError(_("%(field)s不能超过 %(n)d 个字。", field=label, n=limit))
    return value or None


def register(hearing_id: int, form: Registration, *, now=None) -> Attendee:
    """Register a resident: a place if one is free, else the waiting list; the caller commits.

    Raises HearingError (nothing added) when registration is closed, the phone is malformed
    or already registered for this hearing, or both the hall and the waiting list are full.
    """
    name = _clean_name(form.name)
    phone = normalise_phone(form.phone)
    try:
        category = AttendeeCategory(form.category)
    except ValueError:
        raise HearingError(_("请选择参加人类别。")) from None
    if category not in SELF_REGISTER_CATEGORIES:
        raise HearingError(_("请选择参加人类别。"))
    village = _clean_optional(form.village, VILLAGE_MAX, _("村（社区）"))
    hashed = phone_hash(phone)

    hearing = lock_hearing(hearing_id)
    reason = registration_closed_reason(hearing, now)
    if reason:
        raise HearingError(reason)
    taken = db.session.scalar(
        select(Attendee.id).where(Attendee.hearing_id == hearing.id, Attendee.phone_hash == hashed)
    )
    if taken is not None:
        raise HearingError(
            _("该电话号码已报名本场听证。如需查询或退出，请使用报名时取得的确认码。")
        )
    confirmed = count_status(hearing.id, AttendeeStatus.CONFIRMED)
    if confirmed < hearing.capacity:
        status = AttendeeStatus.CONFIRMED
    elif count_status(hearing.id, AttendeeStatus.WAITING) < hearing.waitlist_size:
        status = AttendeeStatus.WAITING
    else:
        raise HearingError(full_message())
    attendee = Attendee(
        hearing_id=hearing.id,
        office_id=hearing.office_id,
        name=name,
        category=category,
        village=village,
        phone=phone,
        phone_hash=hashed,
        consent_public_name=bool(form.consent_public_name),
        source=AttendeeSource.REGISTERED,
        status=status,
        code=new_code(),
    )
    db.session.add(attendee)
    try:
        db.session.flush()
    except IntegrityError:  # the unique index is the last line of defence
        db.session.rollback()
        raise HearingError(
            _("该电话号码已报名本场听证。如需查询或退出，请使用报名时取得的确认码。")
        ) from None
    if (
        status == AttendeeStatus.CONFIRMED
        and confirmed + 1 == hearing.capacity
        and hearing.organiser_id
    ):
        from plugins.hearings.notifications import notify_staff

        notify_staff(
            hearing.organiser_id,
            _(
                "“%(title)s”的 %(n)d 个名额已报满，之后报名的群众进入候补名单。",
                title=hearing.title,
                n=hearing.capacity,
            ),
            f"full:{hearing.id}",
        )
    return attendee


def waiting_position(attendee: Attendee) -> int | None:
    """1-based place on the waiting list, or None when not waiting."""
    if attendee.status != AttendeeStatus.WAITING:
        return None
    ahead = count_rows(
        Attendee,
        Attendee.hearing_id == attendee.hearing_id,
        Attendee.status == AttendeeStatus.WAITING,
        Attendee.id < attendee.id,
    )
    return ahead + 1


def invite(
    hearing_id: int,
    *,
    name: str,
    category: str,
    phone: str | None = None,
    village: str | None = None,
    affiliation: str | None = None,
    user_id: int | None = None,
    consent_public_name: bool = False,
    invited_by_id: int | None = None,
) -> Attendee:
    """Put a person on the attendee list on staff's initiative (deputies, cadres, staff).

    Invitees take a place in the hall; when none is free the error asks staff to raise the
    capacity first. The caller commits.
    """
    name = _clean_name(name)
    try:
        category = AttendeeCategory(category)
    except ValueError:
        raise HearingError(_("请选择参加人类别。")) from None
    normalised = normalise_phone(phone) if (phone or "").strip() else None
    hashed = phone_hash(normalised) if normalised else None
    village = _clean_optional(village, VILLAGE_MAX, _("村（社区）"))
    affiliation = _clean_optional(affiliation, AFFILIATION_MAX, _("单位职务"))
    hearing = lock_hearing(hearing_id)
    if hearing.status in (HearingStatus.CANCELLED,):
        raise HearingError(_("该听证会已取消，不能再邀请参加人。"))
    if (
        hashed
        and db.session.scalar(
            select(Attendee.id).where(
                Attendee.hearing_id == hearing.id, Attendee.phone_hash == hashed
            )
        )
        is not None
    ):
        raise HearingError(_("该电话号码已在本场参加人名单中。"))
    if (
        user_id
        and db.session.scalar(
            select(Attendee.id).where(
                Attendee.hearing_id == hearing.id,
                Attendee.user_id == user_id,
                Attendee.status != AttendeeStatus.WITHDRAWN,
            )
        )
        is not None
    ):
        raise HearingError(_("该工作人员已在本场参加人名单中。"))
    if count_status(hearing.id, AttendeeStatus.CONFIRMED) >= hearing.capacity:
        raise HearingError(
            _("会场名额已满（%(n)d 人）。请先调整听证会的容纳人数。", n=hearing.capacity)
        )
    attendee = Attendee(
        hearing_id=hearing.id,
        office_id=hearing.office_id,
        name=name,
        category=category,
        village=village,
        affiliation=affiliation,
        phone=normalised,
        phone_hash=hashed,
        user_id=user_id,
        consent_public_name=consent_public_name,
        source=AttendeeSource.INVITED,
        status=AttendeeStatus.CONFIRMED,
        code=new_code(),
        invited_by_id=invited_by_id,
    )
    db.session.add(attendee)
    db.session.flush()
    return attendee


def withdraw(attendee: Attendee, *, now=None) -> list[Attendee]:
    """Withdraw a registration and move the waiting list up; returns who was promoted.

    The phone may register again afterwards. Withdrawal after the hearing took place is
    refused (the attendance record stays as it was). The caller commits.
    """
    hearing = lock_hearing(attendee.hearing_id)
    db.session.refresh(attendee)
    if attendee.status == AttendeeStatus.WITHDRAWN:
        raise HearingError(_("该报名已经退出，无需重复操作。"))
    if hearing.status in (
        HearingStatus.HELD,
        HearingStatus.MINUTES_PUBLISHED,
        HearingStatus.RESULTS_PUBLISHED,
    ):
        raise HearingError(_("听证会已经举行，不能再退出报名。"))
    attendee.status = AttendeeStatus.WITHDRAWN
    attendee.withdrawn_at = now or utc_now()
    attendee.phone_hash = None
    db.session.flush()
    return promote_waiting(hearing, now=now)


def promote_waiting(hearing: Hearing, *, now=None) -> list[Attendee]:
    """Give free places to the waiting list in order of registration (hearing row locked)."""
    free = hearing.capacity - count_status(hearing.id, AttendeeStatus.CONFIRMED)
    if free <= 0 or hearing.status not in (HearingStatus.ANNOUNCED, HearingStatus.POSTPONED):
        return []
    waiting = db.session.scalars(
        select(Attendee)
        .where(Attendee.hearing_id == hearing.id, Attendee.status == AttendeeStatus.WAITING)
        .order_by(Attendee.id)
        .limit(free)
    ).all()
    for person in waiting:
        person.status = AttendeeStatus.CONFIRMED
        person.promoted_at = now or utc_now()
    db.session.flush()
    if waiting:
        from plugins.hearings.notifications import message_attendee

        for person in waiting:
            message_attendee(
                person,
                _(
                    "您报名的“%(title)s”已由候补转为正式参加，时间：%(time)s，地点：%(venue)s。",
                    title=hearing.title,
                    time=format_local_datetime(hearing.starts_at),
                    venue=hearing.venue or "",
                ),
                dedupe_key=f"promoted:{person.id}",
            )
    return list(waiting)


# Check-in opens on the hearing's day (Beijing date), or two hours before the start when that
# falls on the day before (an early-morning hearing), and closes at the end of the day on
# which the hearing ends. A hearing two weeks ahead cannot be "attended" by mistake.
CHECK_IN_OPENS_BEFORE = timedelta(hours=2)


def check_in_window(hearing: Hearing) -> tuple[datetime, datetime]:
    """(opens, closes), aware, of the time staff may record attendance at ``hearing``."""
    start = hearing.starts_at
    end = hearing.ends_at or start
    opens = min(local_datetime(local_day(start), time.min), start - CHECK_IN_OPENS_BEFORE)
    closes = local_datetime(local_day(end) + timedelta(days=1), time.min)
    return opens, closes


def check_in_closed_reason(hearing: Hearing, now=None) -> str | None:
    """Why attendance cannot be recorded now, or None while check-in is open."""
    if hearing.status not in (HearingStatus.ANNOUNCED, HearingStatus.HELD):
        return _("只有已公告或正在举行的听证会可以签到。")
    now = now or utc_now()
    opens, closes = check_in_window(hearing)
    if now < opens:
        return _(
            "尚未到签到时间：签到从 %(time)s 开始（听证会当天，最早开始前 2 小时）。",
            time=format_local_datetime(opens),
        )
    if now >= closes:
        return _(
            "签到已于听证会当天结束（%(time)s）。",
            time=format_local_datetime(closes - timedelta(minutes=1)),
        )
    return None


def check_in(hearing: Hearing, raw_code: str, *, actor_id: int | None, now=None) -> Attendee:
    """Record attendance on the day by confirmation code (typed or from the QR code)."""
    attendee = find_by_code(raw_code)
    if attendee is None or attendee.hearing_id != hearing.id:
        raise HearingError(_("确认码无效或不属于本场听证。"))
    return check_in_attendee(hearing, attendee, actor_id=actor_id, now=now)


def check_in_attendee(
    hearing: Hearing, attendee: Attendee, *, actor_id: int | None, now=None
) -> Attendee:
    """Record one attendee's attendance (by code, or from the staff desk's row); the caller
    commits. Refused for a withdrawn or waiting attendee and outside the check-in window."""
    if attendee.hearing_id != hearing.id:
        raise HearingError(_("确认码无效或不属于本场听证。"))
    if attendee.status == AttendeeStatus.WITHDRAWN:
        raise HearingError(_("%(name)s 已退出报名。", name=attendee.name))
    if attendee.status == AttendeeStatus.WAITING:
        raise HearingError(_("%(name)s 仍在候补名单中，尚未取得参加名额。", name=attendee.name))
    reason = check_in_closed_reason(hearing, now)
    if reason:
        raise HearingError(reason)
    if attendee.checked_in_at is None:
        attendee.checked_in_at = now or utc_now()
        attendee.checked_in_by_id = actor_id
    return attendee
