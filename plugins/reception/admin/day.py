"""The desk's screens of one reception day: slots and bookings, walk-ins booked by staff, the
register of letters, visits and calls (each handed over as a core case), the roster actions,
and the printable day sheet."""

from flask import abort, flash, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.kit import db, form_values, format_hours, get_scoped_or_404, local_today, submit
from plugins.reception.admin.base import PLUGIN, ROSTER_ROLES, office_choices
from plugins.reception.forms import (
    BookingActionForm,
    MatterForm,
    ReasonForm,
    SubstituteForm,
    SwapForm,
    WalkInForm,
)
from plugins.reception.models import Booking, BookingStatus, DayStatus, ReceptionDay, RosterChange
from plugins.reception.services import booking as booking_service
from plugins.reception.services import roster, stats
from plugins.reception.services.matters import MatterInput, register_matter


class DayScreens:
    """The desk's routes of one day (mixed into ``DeskView``)."""

    def _walk_in_form(self, day: ReceptionDay) -> WalkInForm:
        form = WalkInForm()
        free = booking_service.free_places(day)
        form.slot_id.choices = [
            (
                s.id,
                _(
                    "%(hours)s（剩余 %(n)d）",
                    hours=format_hours(s.start_time, s.end_time),
                    n=free.get(s.id, 0),
                ),
            )
            for s in day.slots
        ]
        return form

    def _matter_form(self, day: ReceptionDay) -> MatterForm:
        form = MatterForm()
        form.booking_id.choices = [("", "—")] + [
            (str(b.id), f"{b.slot} {b.name}")
            for b in db.session.scalars(
                select(Booking)
                .where(Booking.day_id == day.id, Booking.status == BookingStatus.BOOKED)
                .order_by(Booking.slot_id, Booking.id)
            )
        ]
        form.responsible_office_id.choices = office_choices()
        if request.method == "GET":
            form.responsible_office_id.data = day.office_id
        return form

    def _swap_form(self, day: ReceptionDay) -> SwapForm:
        form = SwapForm()
        form.other_day_id.choices = [
            (
                d.id,
                f"{d.day.isoformat()} {format_hours(d.start_time, d.end_time)} "
                f"{d.leader.display_name}",
            )
            for d in db.session.scalars(
                select(ReceptionDay)
                .where(
                    ReceptionDay.office_id == day.office_id,
                    ReceptionDay.id != day.id,
                    ReceptionDay.day >= local_today(),
                    ReceptionDay.status == DayStatus.SCHEDULED,
                    ReceptionDay.leader_id != day.leader_id,
                )
                .order_by(ReceptionDay.day)
                .limit(60)
            )
        ]
        return form

    @expose("/day/<int:day_id>")
    def day(self, day_id):
        """The day's page: slots and bookings, walk-ins, the register, roster actions."""
        day = self._day(day_id)
        bookings = db.session.scalars(
            select(Booking).where(Booking.day_id == day.id).order_by(Booking.slot_id, Booking.id)
        ).all()
        substitute_form = SubstituteForm()
        substitute_form.leader_id.choices = [
            (u.id, u.display_name)
            for u in roster.eligible_leaders(day.office_id)
            if u.id != day.leader_id
        ]
        changes = db.session.scalars(
            select(RosterChange)
            .where((RosterChange.day_id == day.id) | (RosterChange.other_day_id == day.id))
            .order_by(RosterChange.id)
        ).all()
        return self.render(
            "reception/admin/desk_day.html",
            day=day,
            bookings=bookings,
            free=booking_service.free_places(day),
            matters=stats.day_matters(day),
            walk_in_form=self._walk_in_form(day),
            matter_form=self._matter_form(day),
            reason_form=ReasonForm(),
            substitute_form=substitute_form,
            swap_form=self._swap_form(day),
            action_form=BookingActionForm(),
            changes=changes,
            may_change=current_user.role in ROSTER_ROLES,
            closed=booking_service.closed_reason(day),
            today=local_today(),
            BookingStatus=BookingStatus,
            public_url=url_for(
                "reception_public.day_page", office_code=day.office.code, day_id=day.id
            ),
        )

    @expose("/day/<int:day_id>/sheet")
    def sheet(self, day_id):
        """The printable day sheet (接待登记表): bookings and every matter with its state."""
        day = self._day(day_id)
        bookings = db.session.scalars(
            select(Booking)
            .where(Booking.day_id == day.id, Booking.status != BookingStatus.CANCELLED)
            .order_by(Booking.slot_id, Booking.id)
        ).all()
        return self.render(
            "reception/admin/day_sheet.html",
            day=day,
            bookings=bookings,
            matters=stats.day_matters(day),
        )

    @expose("/day/<int:day_id>/walk-in", methods=["POST"])
    def walk_in(self, day_id):
        """Book for a resident at the counter or on the phone."""
        day = self._day(day_id)
        slot_ids = {s.id for s in day.slots}

        def call(form):
            return booking_service.book(
                form.slot_id.data if form.slot_id.data in slot_ids else None,
                booking_service.BookingRequest(
                    **form_values(form, "name phone village matter named_leader"),
                ),
                walk_in=True,
                actor_id=current_user.id,
            )

        return submit(
            self._walk_in_form(day),
            call,
            success=_("已代为预约。"),
            back=url_for(".day", day_id=day.id) + "#bookings",
            after_commit=lambda made: flash(
                _("确认码：%(code)s（请告知群众）", code=booking_service.format_code(made.code)),
                "info",
            ),
        )

    @expose("/day/<int:day_id>/matters", methods=["POST"])
    def add_matter(self, day_id):
        """Register a letter, visit or call and hand it over as a core case."""
        day = self._day(day_id)

        def call(form):
            booking_id = form.booking_id.data or ""
            return register_matter(
                day,
                MatterInput(
                    **form_values(
                        form,
                        "channel name phone village subject content instruction "
                        "responsible_office_id instructed_last_day answered_on_the_spot "
                        "collective",
                    ),
                    booking_id=int(booking_id) if booking_id.isdigit() else None,
                ),
                office_id=day.office_id,
                actor_id=current_user.id,
            )

        return submit(
            self._matter_form(day),
            call,
            success=_("已登记并交承办单位办理。"),
            back=url_for(".day", day_id=day.id) + "#matters",
            after_commit=lambda matter: flash(
                _("办件号：%(no)s", no=matter.case_receipt_no), "info"
            ),
        )

    @expose("/booking/<int:booking_id>/<action>", methods=["POST"])
    def booking_action(self, booking_id, action):
        """Mark a booking attended or not come, or cancel it for the resident."""
        made = get_scoped_or_404(Booking, booking_id, PLUGIN)
        actions = {
            "attended": (
                lambda f: booking_service.mark(made, BookingStatus.ATTENDED),
                _("已标记为已接待。"),
            ),
            "no_show": (
                lambda f: booking_service.mark(made, BookingStatus.NO_SHOW),
                _("已标记为未到。"),
            ),
            "cancel": (
                lambda f: booking_service.cancel(made, by_office=True, note=f.note.data),
                _("预约已取消，名额已释放。"),
            ),
        }
        if action not in actions:
            abort(404)
        call, message = actions[action]
        return submit(
            BookingActionForm(),
            call,
            success=message,
            back=url_for(".day", day_id=made.day_id) + "#bookings",
        )
