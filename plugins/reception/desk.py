"""The reception desk (接待工作台): the roster with its exceptions, the day's page (bookings,
walk-ins, the register of letters, visits and calls with each matter's case state), the
printable day sheet, appointment cards from filling to outcome, and the monthly figures.

Every change goes through the services (``roster``, ``booking``, ``matters``, ``cards``) and is
saved with the kit's ``run`` / ``submit``: a ReceptionError (a ``UserError``) or a stale save
rolls back and shows its message, and nothing has changed.
"""

from datetime import timedelta

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.kit import (
    ModuleView,
    Office,
    Role,
    db,
    first_error,
    format_hours,
    format_local,
    format_local_date,
    get_scoped_or_404,
    local_today,
    mask_phone,
    permissions,
    scoped_office_ids,
    scoped_offices,
    submit,
)
from plugins.reception.errors import ReceptionError
from plugins.reception.forms import (
    AddDayForm,
    BookingActionForm,
    CardForm,
    ConfirmForm,
    MatterForm,
    OutcomeForm,
    PostponeForm,
    ReasonForm,
    ReturnForm,
    SubstituteForm,
    SwapForm,
    VisitForm,
    WalkInForm,
    WithdrawCardForm,
)
from plugins.reception.models import (
    AppointmentCard,
    Booking,
    BookingStatus,
    CardStatus,
    DayStatus,
    ReceptionDay,
    RosterChange,
)
from plugins.reception.services import booking as booking_service
from plugins.reception.services import cards as card_service
from plugins.reception.services import roster, stats
from plugins.reception.services.matters import MatterInput, register_matter

PLUGIN = "reception"
ROSTER_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER})


def colour_label(colour: str | None) -> str:
    """The supervision colour as staff read it."""
    labels = {"green": _("正常"), "yellow": _("临期"), "red": _("超期"), "closed": _("已办结"),
              "waiting": _("领导未返回")}
    return labels.get(colour or "", "")


class DeskView(ModuleView):
    """The reception desk of the offices in the user's scope."""

    # --- access --------------------------------------------------------------------------

    def office_ids(self) -> set[int]:
        """Offices in the user's scope that have the module on."""
        return scoped_office_ids(current_user, PLUGIN)

    def _day(self, day_id: int) -> ReceptionDay:
        return get_scoped_or_404(ReceptionDay, day_id, PLUGIN)

    def _card(self, card_id: int) -> AppointmentCard:
        """A card of the offices in scope, or one asking for the signed-in leader."""
        card = db.session.get(AppointmentCard, card_id)
        if card is None or (card.office_id not in self.office_ids()
                            and card.leader_id != current_user.id):
            abort(404)
        return card

    def _require_roster_role(self) -> None:
        if current_user.role not in ROSTER_ROLES:
            abort(403)

    def _offices(self) -> list[Office]:
        return scoped_offices(current_user, PLUGIN)

    def _leader_choices(self, office_ids) -> list[tuple[int, str]]:
        seen = {}
        for office_id in office_ids:
            for leader in roster.eligible_leaders(office_id):
                seen[leader.id] = roster.leader_title(leader)
        return sorted(seen.items(), key=lambda kv: kv[1])

    # --- the roster ------------------------------------------------------------------------

    @expose("/")
    def index(self):
        """Today's and the coming reception days, the last exceptions, an extra day."""
        ids = self.office_ids()
        today = local_today()
        days = db.session.scalars(select(ReceptionDay).where(
            ReceptionDay.office_id.in_(ids), ReceptionDay.day >= today - timedelta(days=7),
            ReceptionDay.day <= today + timedelta(days=28))
            .order_by(ReceptionDay.day, ReceptionDay.start_time)).all()
        changes = db.session.scalars(select(RosterChange).where(RosterChange.office_id.in_(ids))
                                     .order_by(RosterChange.id.desc()).limit(15)).all()
        booked = {}
        for day in days:
            free = booking_service.free_places(day)
            booked[day.id] = (sum(s.capacity for s in day.slots) - sum(free.values()),
                              sum(s.capacity for s in day.slots))
        form = AddDayForm()
        offices = self._offices()
        form.office_id.choices = [(o.id, o.name) for o in offices]
        form.leader_id.choices = self._leader_choices(ids)
        return self.render("reception/admin/desk_index.html", days=days, changes=changes,
                           booked=booked, today=today, add_form=form, confirm_form=ConfirmForm(),
                           warnings=roster.calendar_warnings(ids), format_local_date=format_local_date,
                           format_hours=format_hours, format_local=format_local,
                           may_change=current_user.role in ROSTER_ROLES)

    @expose("/sync", methods=["POST"])
    def sync(self):
        """Expand every rule of the offices in scope now (normally a scheduled job does it)."""
        self._require_roster_role()
        return submit(ConfirmForm(), lambda f: [roster.sync_office(i) for i in sorted(self.office_ids())],
                      success=None, back=url_for(".index"), after_commit=_report_sync)

    @expose("/add-day", methods=["POST"])
    def add_day(self):
        """An extra reception day outside the rules."""
        self._require_roster_role()
        form = AddDayForm()
        form.office_id.choices = [(o.id, o.name) for o in self._offices()]
        form.leader_id.choices = self._leader_choices(self.office_ids())
        def action(f):
            if f.office_id.data not in self.office_ids():
                abort(404)
            return roster.add_day(
                office_id=f.office_id.data, day=f.day.data, start=f.start_time.data,
                end=f.end_time.data, place=f.place.data, leader_id=f.leader_id.data,
                slot_minutes=f.slot_minutes.data, slot_capacity=f.slot_capacity.data,
                reason=f.reason.data, actor_id=current_user.id, note=f.note.data)
        return submit(form, action,
            success=_("已增加接待日。"),
            back=lambda day: url_for(".day", day_id=day.id) if day else url_for(".index"))

    # --- one day -----------------------------------------------------------------------------

    def _walk_in_form(self, day: ReceptionDay) -> WalkInForm:
        form = WalkInForm()
        free = booking_service.free_places(day)
        form.slot_id.choices = [(s.id, _("%(hours)s（剩余 %(n)d）",
                                         hours=format_hours(s.start_time, s.end_time),
                                         n=free.get(s.id, 0))) for s in day.slots]
        return form

    def _matter_form(self, day: ReceptionDay) -> MatterForm:
        form = MatterForm()
        form.booking_id.choices = [("", "—")] + [
            (str(b.id), f"{b.slot} {b.name}") for b in db.session.scalars(select(Booking).where(
                Booking.day_id == day.id, Booking.status == BookingStatus.BOOKED)
                .order_by(Booking.slot_id, Booking.id))]
        offices = db.session.scalars(select(Office).order_by(Office.sort_order, Office.code)).all()
        form.responsible_office_id.choices = [(o.id, o.name) for o in offices]
        if request.method == "GET":
            form.responsible_office_id.data = day.office_id
        return form

    @expose("/day/<int:day_id>")
    def day(self, day_id):
        """The day's page: slots and bookings, walk-ins, the register, roster actions."""
        day = self._day(day_id)
        bookings = db.session.scalars(select(Booking).where(Booking.day_id == day.id)
                                      .order_by(Booking.slot_id, Booking.id)).all()
        substitute_form = SubstituteForm()
        substitute_form.leader_id.choices = [
            (u.id, u.display_name) for u in roster.eligible_leaders(day.office_id)
            if u.id != day.leader_id]
        swap_form = SwapForm()
        swap_form.other_day_id.choices = [
            (d.id, f"{d.day.isoformat()} {format_hours(d.start_time, d.end_time)} "
                   f"{d.leader.display_name}")
            for d in db.session.scalars(select(ReceptionDay).where(
                ReceptionDay.office_id == day.office_id, ReceptionDay.id != day.id,
                ReceptionDay.day >= local_today(), ReceptionDay.status == DayStatus.SCHEDULED,
                ReceptionDay.leader_id != day.leader_id)
                .order_by(ReceptionDay.day).limit(60))]
        changes = db.session.scalars(select(RosterChange).where(
            (RosterChange.day_id == day.id) | (RosterChange.other_day_id == day.id))
            .order_by(RosterChange.id)).all()
        return self.render(
            "reception/admin/desk_day.html", day=day, bookings=bookings,
            free=booking_service.free_places(day), matters=stats.day_matters(day),
            walk_in_form=self._walk_in_form(day), matter_form=self._matter_form(day),
            reason_form=ReasonForm(), substitute_form=substitute_form, swap_form=swap_form,
            action_form=BookingActionForm(), changes=changes, mask_phone=mask_phone,
            format_local_date=format_local_date, format_hours=format_hours, format_local=format_local,
            colour_label=colour_label, may_change=current_user.role in ROSTER_ROLES,
            closed=booking_service.closed_reason(day), today=local_today(),
            BookingStatus=BookingStatus,
            public_url=url_for("reception_public.day_page", office_code=day.office.code,
                               day_id=day.id))

    @expose("/day/<int:day_id>/sheet")
    def sheet(self, day_id):
        """The printable day sheet (接待登记表): bookings and every matter with its state."""
        day = self._day(day_id)
        bookings = db.session.scalars(select(Booking).where(
            Booking.day_id == day.id, Booking.status != BookingStatus.CANCELLED)
            .order_by(Booking.slot_id, Booking.id)).all()
        return self.render("reception/admin/day_sheet.html", day=day, bookings=bookings,
                           matters=stats.day_matters(day), mask_phone=mask_phone,
                           format_local_date=format_local_date, format_hours=format_hours,
                           format_local=format_local, colour_label=colour_label)

    @expose("/day/<int:day_id>/roster/<action>", methods=["POST"])
    def roster_action(self, day_id, action):
        """Cancel, restore, substitute or swap (recorded with the reason)."""
        self._require_roster_role()
        day = self._day(day_id)
        if action not in ROSTER_ACTIONS:
            abort(404)
        form_class, call, message = ROSTER_ACTIONS[action]
        after = _warn_cancelled if action == "cancel" else None
        return submit(form_class(), lambda f: call(self, day, f), success=message(),
                      back=url_for(".day", day_id=day.id), after_commit=after)

    def _other_day(self, form) -> ReceptionDay:
        if not form.other_day_id.data:
            raise ReceptionError(_("请选择要互换的接待日。"))
        return self._day(form.other_day_id.data)

    @expose("/day/<int:day_id>/walk-in", methods=["POST"])
    def walk_in(self, day_id):
        """Book for a resident at the counter or on the phone."""
        day = self._day(day_id)
        slot_ids = {s.id for s in day.slots}

        def call(form):
            return booking_service.book(
                form.slot_id.data if form.slot_id.data in slot_ids else None,
                booking_service.BookingRequest(
                    name=form.name.data, phone=form.phone.data, village=form.village.data,
                    matter=form.matter.data, named_leader=form.named_leader.data),
                walk_in=True, actor_id=current_user.id)
        return submit(self._walk_in_form(day), call, success=_("已代为预约。"),
                      back=url_for(".day", day_id=day.id) + "#bookings",
                      after_commit=lambda made: flash(_(
                          "确认码：%(code)s（请告知群众）",
                          code=booking_service.format_code(made.code)), "info"))

    @expose("/day/<int:day_id>/matters", methods=["POST"])
    def add_matter(self, day_id):
        """Register a letter, visit or call and hand it over as a core case."""
        day = self._day(day_id)

        def call(form):
            booking_id = form.booking_id.data or ""
            return register_matter(day, MatterInput(
                channel=form.channel.data, name=form.name.data, phone=form.phone.data,
                village=form.village.data, subject=form.subject.data, content=form.content.data,
                instruction=form.instruction.data,
                responsible_office_id=form.responsible_office_id.data,
                instructed_last_day=form.instructed_last_day.data,
                answered_on_the_spot=form.answered_on_the_spot.data,
                collective=form.collective.data,
                booking_id=int(booking_id) if booking_id.isdigit() else None),
                office_id=day.office_id, actor_id=current_user.id)
        return submit(self._matter_form(day), call, success=_("已登记并交承办单位办理。"),
                      back=url_for(".day", day_id=day.id) + "#matters",
                      after_commit=lambda matter: flash(
                          _("办件号：%(no)s", no=matter.case_receipt_no), "info"))

    @expose("/booking/<int:booking_id>/<action>", methods=["POST"])
    def booking_action(self, booking_id, action):
        """Mark a booking attended or not come, or cancel it for the resident."""
        made = get_scoped_or_404(Booking, booking_id, PLUGIN)
        actions = {
            "attended": (lambda f: booking_service.mark(made, BookingStatus.ATTENDED),
                         _("已标记为已接待。")),
            "no_show": (lambda f: booking_service.mark(made, BookingStatus.NO_SHOW),
                        _("已标记为未到。")),
            "cancel": (lambda f: booking_service.cancel(made, by_office=True, note=f.note.data),
                       _("预约已取消，名额已释放。")),
        }
        if action not in actions:
            abort(404)
        call, message = actions[action]
        return submit(BookingActionForm(), call, success=message,
                      back=url_for(".day", day_id=made.day_id) + "#bookings")

    # --- appointment cards -----------------------------------------------------------------

    @expose("/cards")
    def cards(self):
        """Open cards (with colour), cards awaiting their outcome, and the last finished."""
        ids = self.office_ids()
        scope = (AppointmentCard.office_id.in_(ids)) | (AppointmentCard.leader_id == current_user.id)
        rows = db.session.scalars(select(AppointmentCard).where(
            scope, AppointmentCard.status.in_((CardStatus.OPEN, CardStatus.VISITED)))
            .order_by(AppointmentCard.visit_due_at)).all()
        finished = db.session.scalars(select(AppointmentCard).where(
            scope, AppointmentCard.status.in_((CardStatus.DONE, CardStatus.WITHDRAWN)))
            .order_by(AppointmentCard.id.desc()).limit(30)).all()
        return self.render("reception/admin/cards.html", rows=rows, finished=finished,
                           card_colour=card_service.card_colour, colour_label=colour_label,
                           format_local=format_local, CardStatus=CardStatus)

    @expose("/cards/new", methods=["GET", "POST"])
    def new_card(self):
        """Fill 《群众预约领导办公卡》 for a resident whose leader is away."""
        form = CardForm()
        offices = self._offices()
        form.office_id.choices = [(o.id, o.name) for o in offices]
        form.leader_id.choices = self._leader_choices(self.office_ids())
        if request.method == "GET" and request.args.get("leader_id", type=int):
            form.leader_id.data = request.args.get("leader_id", type=int)
        if form.validate_on_submit():
            if form.office_id.data not in self.office_ids():
                abort(404)
            try:
                card = card_service.fill_card(form.office_id.data, card_service.CardInput(
                    leader_id=form.leader_id.data, name=form.name.data, phone=form.phone.data,
                    address=form.address.data, village=form.village.data,
                    matter=form.matter.data, expected_back_on=form.expected_back_on.data,
                    away_reason=form.away_reason.data), actor_id=current_user.id)
                db.session.commit()
            except ReceptionError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                flash(_("预约卡 %(no)s 已填写。领导返回后将出现在领导的接待日程中。", no=card.number),
                      "success")
                return redirect(url_for(".card", card_id=card.id))
        elif request.method == "POST":
            flash(first_error(form), "error")
        return self.render("reception/admin/card_form.html", form=form)

    @expose("/card/<int:card_id>")
    def card(self, card_id):
        """One card: what the resident asked, the leader's return, the visit, the outcome."""
        card = self._card(card_id)
        visit_form = VisitForm()
        visit_form.visitor_id.choices = [(u.id, u.display_name)
                                         for u in roster.eligible_leaders(card.office_id)]
        visit_form.visitor_id.data = card.leader_id
        visit_form.visited_on.data = local_today()
        visit_form.responsible_office_id.choices = [(0, "—")] + [
            (o.id, o.name) for o in db.session.scalars(select(Office).order_by(
                Office.sort_order, Office.code))]
        show_personal = permissions.may_see_personal_data(current_user)
        if show_personal and (card.phone or card.address):
            from core.kit import record_event

            record_event("personal_data.view", office_id=card.office_id,
                         target_type=AppointmentCard.__tablename__, target_id=card.id,
                         details={"columns": ["phone", "address"]})
            db.session.commit()
        case = None
        if card.case_id:
            from core.kit import Case

            case = db.session.get(Case, card.case_id)
        return self.render(
            "reception/admin/card.html", card=card, colour=card_service.card_colour(card),
            colour_label=colour_label, late=card_service.visited_late(card),
            back=card_service.leader_is_back(card), return_form=ReturnForm(),
            postpone_form=PostponeForm(), visit_form=visit_form, outcome_form=OutcomeForm(),
            withdraw_form=WithdrawCardForm(), format_local=format_local, CardStatus=CardStatus,
            case=case, show_personal=show_personal,
            mask_phone=mask_phone)

    @expose("/card/<int:card_id>/<action>", methods=["POST"])
    def card_action(self, card_id, action):
        """Leader back, trip longer, home visit, outcome, withdrawal."""
        card = self._card(card_id)
        if action not in CARD_ACTIONS:
            abort(404)
        form_class, call, message = CARD_ACTIONS[action]
        form = form_class()
        if action == "visit":
            form.visitor_id.choices = [(u.id, u.display_name)
                                       for u in roster.eligible_leaders(card.office_id)]
        return submit(form, lambda f: call(card, f), success=message(), row=card,
                      back=url_for(".card", card_id=card.id))

    # --- figures ---------------------------------------------------------------------------

    @expose("/report")
    def report(self):
        """Monthly counts per leader (CSV/XLSX with ``?export=csv|xlsx``)."""
        raw = request.args.get("month") or ""
        try:
            first, last = stats.parse_month(raw or None)
        except ReceptionError as exc:
            flash(str(exc), "error")
            first, last = stats.parse_month(None)
        rows = stats.monthly_counts(self.office_ids(), first, last)
        export = request.args.get("export")
        if export in ("csv", "xlsx"):
            from core.kit import export_response, record_event

            record_event("export", target_type="reception_monthly",
                         details={"view": self.endpoint, "format": export,
                                  "month": first.strftime("%Y-%m"), "rows": len(rows)})
            db.session.commit()
            headers = [_("领导")] + [str(label) for _key, label in stats.COLUMNS]
            return export_response(export, f"reception-{first:%Y-%m}", headers,
                                   ([r.name] + [r[k] for k, _l in stats.COLUMNS] for r in rows))
        totals = {k: sum(r[k] for r in rows) for k, _l in stats.COLUMNS}
        return self.render("reception/admin/report.html", rows=rows, columns=stats.COLUMNS,
                           totals=totals, month=first.strftime("%Y-%m"))



def _report_sync(results) -> None:
    created = sum(len(r.created) for r in results)
    removed = sum(len(r.removed) for r in results)
    flash(_("已按规则生成 %(c)d 个接待日，移除 %(r)d 个。", c=created, r=removed), "success")
    kept = [day for r in results for day in r.kept_with_bookings]
    if kept:
        flash(_("以下接待日已有群众预约，仍保留：%(days)s",
                days=_("、").join(d.isoformat() for d in kept)), "warning")


def _warn_cancelled(affected) -> None:
    if affected:
        flash(_("已同时取消 %(n)d 个预约，请电话通知这些群众。", n=len(affected)), "warning")


# action: (form, call(view, day, form), success message)
ROSTER_ACTIONS = {
    "cancel": (ReasonForm, lambda view, day, f: roster.cancel_day(
        day, reason=f.reason.data, actor_id=current_user.id),
        lambda: _("接待日已取消，原因已向群众公开。")),
    "restore": (ReasonForm, lambda view, day, f: roster.restore_day(
        day, reason=f.reason.data, actor_id=current_user.id), lambda: _("接待日已恢复。")),
    "substitute": (SubstituteForm, lambda view, day, f: roster.substitute(
        day, leader_id=f.leader_id.data, reason=f.reason.data, actor_id=current_user.id),
        lambda: _("已换人接待，调整已记录。")),
    "swap": (SwapForm, lambda view, day, f: roster.swap(
        day, view._other_day(f), reason=f.reason.data, actor_id=current_user.id),
        lambda: _("两个接待日的领导已互换，调整已记录。")),
}

# action: (form, call(card, form), success message)
CARD_ACTIONS = {
    "return": (ReturnForm, lambda card, f: card_service.record_return(card, back_on=f.back_on.data),
               lambda: _("已记录领导返回，走访期限从返回之日起算。")),
    "postpone": (PostponeForm, lambda card, f: card_service.postpone_return(
        card, expected_back_on=f.expected_back_on.data), lambda: _("已更改预计返回日期。")),
    "visit": (VisitForm, lambda card, f: card_service.record_visit(
        card, visited_on=f.visited_on.data, findings=f.findings.data,
        resolution=f.resolution.data, visitor_id=f.visitor_id.data, actor_id=current_user.id,
        responsible_office_id=f.responsible_office_id.data or None),
        lambda: _("已登记上门走访情况。")),
    "outcome": (OutcomeForm, lambda card, f: card_service.register_outcome(
        card, outcome=f.outcome.data, satisfaction=f.satisfaction.data,
        actor_id=current_user.id), lambda: _("办理结果已登记，预约卡办结。")),
    "withdraw": (WithdrawCardForm, lambda card, f: card_service.withdraw_card(
        card, reason=f.reason.data), lambda: _("预约卡已撤销。")),
}
