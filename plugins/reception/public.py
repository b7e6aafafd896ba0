"""Residents' pages, mounted at /o/<office_code>/reception/ (404 where the module is off).

The reception schedule (filterable by leader), a day's page with its slots and the booking
form, the booking confirmation with its code, lookup and cancellation by code, and the
iCalendar feed. Every page renders through the core's publication gate (``render_public``):
reception days show only their declared fields, the place, note and cancellation reason
masked (see ``publication.py``); a booking looked up by code shows the name as 张某.
"""

from datetime import timedelta

from flask import Blueprint, Response, abort, g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import (
    CalendarEvent,
    User,
    db,
    form_values,
    format_hours,
    format_local_date,
    ical_feed,
    local_datetime,
    local_today,
    public_url,
    publish_many,
    render_public,
    utc_now,
)
from plugins.reception.errors import ReceptionError
from plugins.reception.forms import BookingForm, CancelForm, CodeForm
from plugins.reception.models import BookingStatus, DayStatus, ReceptionDay
from plugins.reception.services.booking import (
    BookingRequest,
    book,
    cancel,
    closed_reason,
    find_by_code,
    format_code,
    free_places,
    slot_start,
)
from plugins.reception.services.roster import horizon_days, leader_title

bp = Blueprint("reception_public", __name__, template_folder="templates")
bp.add_app_template_filter(lambda day: format_local_date(day, "full"), "reception_day")

LIST_LIMIT = 120


def upcoming_days(
    office_ids,
    *,
    leader_id: int | None = None,
    limit: int = LIST_LIMIT,
    include_cancelled: bool = True,
) -> list[ReceptionDay]:
    """Reception days from today on (cancelled ones too, so residents see the notice)."""
    today = local_today()
    query = select(ReceptionDay).where(
        ReceptionDay.office_id.in_(list(office_ids)), ReceptionDay.day >= today
    )
    if not include_cancelled:
        query = query.where(ReceptionDay.status == DayStatus.SCHEDULED)
    if leader_id:
        query = query.where(ReceptionDay.leader_id == leader_id)
    return list(
        db.session.scalars(query.order_by(ReceptionDay.day, ReceptionDay.start_time).limit(limit))
    )


def published_leader(office_id: int, leader_id: int | None) -> User | None:
    """The leader ``?leader=`` names, only if that account holds a reception day of this
    office from today on (a day residents already see); None for any other id, so the page
    never prints the name of an arbitrary account."""
    if not leader_id:
        return None
    held = db.session.scalar(
        select(ReceptionDay.id)
        .where(
            ReceptionDay.office_id == office_id,
            ReceptionDay.leader_id == leader_id,
            ReceptionDay.day >= local_today(),
        )
        .limit(1)
    )
    return db.session.get(User, leader_id) if held is not None else None


def public_day(day_id: int) -> ReceptionDay:
    """The office's reception day with this id, or 404."""
    day = db.session.get(ReceptionDay, day_id)
    if day is None or day.office_id != g.office.id:
        abort(404)
    return day


def _slot_choices(day: ReceptionDay, free: dict[int, int]) -> list[tuple[str, str]]:
    now = utc_now()
    choices = []
    for slot in day.slots:
        if slot_start(slot) <= now:
            continue
        left = free.get(slot.id, 0)
        label = (
            _(
                "%(hours)s（剩余 %(n)d 个名额）",
                hours=format_hours(slot.start_time, slot.end_time),
                n=left,
            )
            if left
            else _("%(hours)s（已约满）", hours=format_hours(slot.start_time, slot.end_time))
        )
        choices.append((str(slot.id), label))
    return choices


@bp.route("/")
def index():
    """The coming reception days: date, hours, place, duty leader, free places."""
    leader = published_leader(g.office.id, request.args.get("leader", type=int))
    days = upcoming_days([g.office.id], leader_id=leader.id if leader else None)
    leaders = {d.leader_id: d.leader for d in upcoming_days([g.office.id], include_cancelled=False)}
    free = {d.id: sum(free_places(d).values()) for d in days if not d.is_cancelled}
    return render_public(
        "reception/public/index.html",
        office=g.office,
        days=days,
        free=free,
        leaders=sorted(leaders.values(), key=lambda u: u.display_name),
        leader=leader,
        format_hours=format_hours,
    )


def _day_page(
    day: ReceptionDay, form: BookingForm | None = None, error: str | None = None, status: int = 200
):
    free = free_places(day)
    reason = closed_reason(day)
    if form is None and reason is None:
        form = BookingForm()
    if form is not None:
        form.slot_id.choices = _slot_choices(day, free)
        if reason is None and not form.slot_id.choices:
            reason = _("今天的预约时段都已开始，请选择其他接待日。")
    return render_public(
        "reception/public/day.html",
        office=g.office,
        day=day,
        free=free,
        form=form if reason is None else None,
        error=error,
        reason=reason,
        format_hours=format_hours,
    ), status


@bp.route("/day/<int:day_id>")
def day_page(day_id):
    """One reception day: leader, place, hours, slots and the booking form."""
    return _day_page(public_day(day_id))


@bp.route("/day/<int:day_id>/book", methods=["POST"])
def book_view(day_id):
    """Book a slot; the confirmation page shows the code."""
    day = public_day(day_id)
    form = BookingForm()
    form.slot_id.choices = _slot_choices(day, free_places(day))
    if not form.validate_on_submit():
        name, errors = next(iter(form.errors.items()))
        first = (
            _("页面已过期，请刷新后重新提交。")
            if name == "csrf_token" or not errors
            else str(errors[0])
        )
        return _day_page(day, form, first, 400)
    slot_id = int(form.slot_id.data) if (form.slot_id.data or "").isdigit() else None
    if slot_id is not None and slot_id not in {s.id for s in day.slots}:
        slot_id = None
    try:
        booking = book(
            slot_id,
            BookingRequest(
                **form_values(form, "name phone village matter"),
                named_leader=form.leader_choice.data == "named",
            ),
        )
        db.session.commit()
    except ReceptionError as exc:
        db.session.rollback()
        db.session.refresh(day)
        return _day_page(day, form, str(exc), 409)
    return render_public(
        "reception/public/booked.html",
        office=g.office,
        day=day,
        booking=booking,
        code=format_code(booking.code),
        format_hours=format_hours,
        cancel_form=CancelForm(code=booking.code),
    ), 201


def _booking_page(form, booking, error=None, status=200, notice=None):
    return render_public(
        "reception/public/booking.html",
        office=g.office,
        form=form,
        booking=booking,
        error=error,
        notice=notice,
        code=format_code(booking.code) if booking else "",
        format_hours=format_hours,
        cancel_form=CancelForm(code=booking.code) if booking else None,
        can_cancel=booking is not None
        and booking.status == BookingStatus.BOOKED
        and slot_start(booking.slot) > utc_now(),
    ), status


@bp.route("/booking", methods=["GET", "POST"])
def booking_lookup():
    """A resident checks a booking by confirmation code (POST keeps it out of URLs)."""
    form = CodeForm()
    booking, error = None, None
    if form.validate_on_submit():
        booking = find_by_code(form.code.data, g.office.id)
        if booking is None:
            error = _("没有找到该确认码对应的预约，请核对后重试。")
    elif request.method == "POST":
        error = _("请填写确认码。")
    return _booking_page(form, booking, error, 404 if error and request.method == "POST" else 200)


@bp.route("/booking/cancel", methods=["POST"])
def cancel_view():
    """Cancel by confirmation code; the place is free again."""
    form = CancelForm()
    booking = find_by_code(form.code.data, g.office.id) if form.validate_on_submit() else None
    if booking is None:
        return _booking_page(CodeForm(), None, _("没有找到该确认码对应的预约，请核对后重试。"), 404)
    try:
        cancel(booking)
        db.session.commit()
    except ReceptionError as exc:
        db.session.rollback()
        return _booking_page(CodeForm(), booking, str(exc), 409)
    return _booking_page(
        CodeForm(), booking, notice=_("您的预约已取消，名额已释放。如需再约，请重新预约。")
    )


@bp.route("/calendar.ics")
def calendar():
    """iCalendar feed of the office's reception days (past month and the coming weeks)."""
    today = local_today()
    days = db.session.scalars(
        select(ReceptionDay)
        .where(
            ReceptionDay.office_id == g.office.id,
            ReceptionDay.day >= today - timedelta(days=31),
            ReceptionDay.day <= today + timedelta(days=horizon_days()),
        )
        .order_by(ReceptionDay.day, ReceptionDay.start_time)
        .limit(500)
    ).all()
    body = ical_feed(
        _("%(office)s 领导接待日", office=g.office.name),
        "reception",
        [_event(day) for day in publish_many(days)],
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'inline; filename="reception-{g.office.code}.ics"',
            "Cache-Control": "public, max-age=300",
        },
    )


def _event(day) -> CalendarEvent:
    """A published reception day as a calendar event: a cancelled day stays, marked
    CANCELLED with its published reason, so subscribed calendars drop it."""
    summary = _("领导接待日：%(leader)s", leader=leader_title(day.leader))
    description = _("群众可来访、来信、来电，也可在网上预约时段。")
    if day.is_cancelled:
        summary = _("【已取消】%(s)s", s=summary)
        description = _("取消原因：%(r)s", r=day.cancel_reason or "")
    if day.nominal_day:
        description += "\n" + _("原定 %(d)s，因法定节假日顺延。", d=day.nominal_day.isoformat())
    if day.note:
        description += "\n" + day.note
    return CalendarEvent(
        key=f"reception-day-{day.id}",
        start=local_datetime(day.day, day.start_time),
        end=local_datetime(day.day, day.end_time),
        summary=summary,
        description=description,
        location=day.place,
        status="CANCELLED" if day.is_cancelled else "CONFIRMED",
        url=public_url("reception_public.day_page", office_code=g.office.code, day_id=day.id),
        last_modified=day.updated_at,
    )


def home_section(offices):
    """The residents' home-page block: the next reception days of every office."""
    from core.kit import HomeSection

    by_id = {o.id: o for o in offices}
    items = []
    for day in publish_many(upcoming_days(list(by_id), limit=8, include_cancelled=False)):
        office = by_id[day.office_id]
        items.append(
            (
                _(
                    "%(day)s %(hours)s 领导接待：%(leader)s",
                    day=format_local_date(day.day, "full"),
                    hours=format_hours(day.start_time, day.end_time),
                    leader=leader_title(day.leader),
                ),
                url_for("reception_public.day_page", office_code=office.code, day_id=day.id),
                f"{office.name} · {day.place}",
            )
        )
    more = (
        url_for("reception_public.index", office_code=offices[0].code)
        if len(offices) == 1
        else None
    )
    return HomeSection(title=_("领导接待日"), items=items, more_url=more, order=20)
