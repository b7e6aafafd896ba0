"""The desk (``DeskView``): where a hearing is run.

Lifecycle buttons, invitations, the printable sign-in sheet (签到表), check-in by code or QR,
questions with on-the-spot answers or deferral to a tracked case, and the minutes editor with
preview. Every change goes through the services (``services``, ``registration``,
``followups``) so the rules hold whatever the screen; actions that change the hearing carry
its version.
"""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.kit import (
    STALE_MESSAGE,
    ModuleView,
    StaleError,
    User,
    check_version,
    db,
    decisions_from,
    first_error,
    form_values,
    format_local_datetime,
    get_scoped_or_404,
    highlighted,
    looks_scripted,
    mask_phone,
    run,
    scoped_office_ids,
    submit,
    withdraw_url,
    withdrawals_for,
)
from plugins.hearings import followups, registration, services
from plugins.hearings.errors import HearingError
from plugins.hearings.forms import (
    AnswerForm,
    CheckInForm,
    ConfirmForm,
    DeferForm,
    InviteForm,
    MinutesForm,
    QuestionForm,
    ReasonForm,
    ResultsForm,
)
from plugins.hearings.minutes import draft_minutes
from plugins.hearings.models import (
    HELD_STATUSES,
    AttendeeCategory,
    AttendeeSource,
    AttendeeStatus,
    Hearing,
    HearingStatus,
    MinutesVersion,
    Question,
)
from plugins.hearings.public_lists import public_figure_names

MODULE = "hearings"


class DeskView(ModuleView):
    """Running a hearing: lifecycle, attendees, check-in, questions, minutes."""

    # --- access ------------------------------------------------------------------------

    def _hearing(self, hearing_id: int) -> Hearing:
        return get_scoped_or_404(Hearing, hearing_id, MODULE)

    def _back(self, hearing: Hearing, anchor: str = "") -> str:
        return url_for(".hearing", hearing_id=hearing.id) + anchor

    def _office_staff(self, office_id: int) -> list[User]:
        return list(
            db.session.scalars(
                select(User)
                .where(User.office_id == office_id, User.active)
                .order_by(User.display_name)
            )
        )

    # --- pages ------------------------------------------------------------------------------

    @expose("/")
    def index(self):
        offices = scoped_office_ids(current_user, MODULE)
        hearings = db.session.scalars(
            select(Hearing)
            .where(Hearing.office_id.in_(offices))
            .order_by(Hearing.starts_at.desc())
            .limit(200)
        ).all()
        return self.render(
            "hearings/admin/desk_index.html", hearings=hearings, format_local=format_local_datetime
        )

    @expose("/<int:hearing_id>")
    def hearing(self, hearing_id):
        hearing = self._hearing(hearing_id)
        question_form = QuestionForm()
        question_form.attendee_id.choices = [("", "—")] + [
            (str(a.id), f"{a.name}（{a.category.label}）")
            for a in hearing.attendees
            if a.status == AttendeeStatus.CONFIRMED
        ]
        invite_form = InviteForm()
        invite_form.user_id.choices = [("", "—")] + [
            (str(u.id), u.display_name) for u in self._office_staff(hearing.office_id)
        ]
        defer_form = DeferForm()
        defer_form.responsible_id.choices = [
            (u.id, u.display_name) for u in self._office_staff(hearing.office_id)
        ]
        return self.render(
            "hearings/admin/desk_hearing.html",
            hearing=hearing,
            format_local=format_local_datetime,
            counts=registration.category_counts(hearing),
            checked_in=registration.category_counts(hearing, checked_in=True),
            places_left=registration.places_left(hearing),
            waiting=registration.count_status(hearing.id, AttendeeStatus.WAITING),
            states=followups.case_states(q.case_id for q in hearing.questions),
            mask_phone=mask_phone,
            reason_form=ReasonForm(),
            results_form=ResultsForm(),
            confirm_form=ConfirmForm(),
            question_form=question_form,
            answer_form=AnswerForm(),
            defer_form=defer_form,
            invite_form=invite_form,
            HearingStatus=HearingStatus,
            AttendeeStatus=AttendeeStatus,
            AttendeeSource=AttendeeSource,
            format_code=registration.format_code,
            checkin_closed=registration.check_in_closed_reason(hearing),
            open_followups=services.open_followups(hearing),
            public_url=url_for(
                "hearings_public.hearing_page",
                office_code=hearing.office.code,
                hearing_id=hearing.id,
            ),
            withdrawals=withdrawals_for(MinutesVersion, hearing.minutes),
            withdraw_link=lambda m: withdraw_url(
                m, url_for(".hearing", hearing_id=hearing.id) + "#minutes"
            ),
        )

    @expose("/<int:hearing_id>/transition/<action>", methods=["POST"])
    def transition(self, hearing_id, action):
        hearing = self._hearing(hearing_id)
        form = (
            ReasonForm()
            if action in ("postpone", "cancel")
            else ResultsForm()
            if action == "results"
            else ConfirmForm()
        )
        actions = {
            "announce": (lambda: services.announce(hearing), _("已公告，群众现在可以报名。")),
            "hold": (
                lambda: services.mark_held(hearing),
                _("已标记为已举行。请整理并发布会议纪要。"),
            ),
            "postpone": (
                lambda: services.postpone(hearing, form.reason.data),
                _("已延期，原因已向群众公开。请修改时间后重新公告。"),
            ),
            "cancel": (
                lambda: services.cancel(hearing, form.reason.data),
                _("已取消，原因已向群众公开。"),
            ),
            "results": (
                lambda: services.publish_results(hearing, form.summary.data),
                _("办理结果已公开。"),
            ),
        }
        if action not in actions:
            abort(404)
        call, message = actions[action]
        return submit(
            form,
            lambda _form: call(),
            success=message,
            back=self._back(hearing),
            row=hearing,
            after_commit=services.after_commit,
        )

    @expose("/<int:hearing_id>/invite", methods=["POST"])
    def invite(self, hearing_id):
        hearing = self._hearing(hearing_id)
        form = InviteForm()
        form.user_id.choices = [("", "—")] + [
            (str(u.id), u.display_name) for u in self._office_staff(hearing.office_id)
        ]

        def action(form):
            user_id = int(form.user_id.data) if (form.user_id.data or "").isdigit() else None
            if user_id and user_id not in {u.id for u in self._office_staff(hearing.office_id)}:
                user_id = None
            return registration.invite(
                hearing.id,
                **form_values(form, "name category phone village affiliation"),
                user_id=user_id,
                consent_public_name=form.consent_public_name.data,
                invited_by_id=current_user.id,
            )

        return submit(
            form, action, success=_("已加入参加人名单。"), back=self._back(hearing, "#attendees")
        )

    @expose("/<int:hearing_id>/attendees/<int:attendee_id>/withdraw", methods=["POST"])
    def withdraw(self, hearing_id, attendee_id):
        hearing = self._hearing(hearing_id)
        attendee = next((a for a in hearing.attendees if a.id == attendee_id), None)
        if attendee is None or not ConfirmForm().validate_on_submit():
            abort(404)

        def action():
            promoted = registration.withdraw(attendee)
            return {"hearing_id": hearing.id, "deliver": bool(promoted)}

        return run(
            action,
            success=_("已将 %(name)s 移出名单，候补名单已顺延。", name=attendee.name),
            back=self._back(hearing, "#attendees"),
            after_commit=services.after_commit,
        )

    @expose("/<int:hearing_id>/attendees/<int:attendee_id>/checkin", methods=["POST"])
    def checkin_row(self, hearing_id, attendee_id):
        """Check in an invited attendee from their row (they got no resident's page with a
        QR code; their code is shown on the row)."""
        hearing = self._hearing(hearing_id)
        attendee = next((a for a in hearing.attendees if a.id == attendee_id), None)
        if (
            attendee is None
            or attendee.source != AttendeeSource.INVITED
            or not ConfirmForm().validate_on_submit()
        ):
            abort(404)
        return run(
            lambda: registration.check_in_attendee(hearing, attendee, actor_id=current_user.id),
            success=_(
                "%(name)s（%(cat)s）签到成功。", name=attendee.name, cat=attendee.category.label
            ),
            back=self._back(hearing, "#attendees"),
        )

    @expose("/<int:hearing_id>/signin")
    def signin(self, hearing_id):
        """The printable sign-in sheet (签到表): no phone numbers on paper passed round."""
        hearing = self._hearing(hearing_id)
        order = list(AttendeeCategory)
        people = sorted(
            (a for a in hearing.attendees if a.status == AttendeeStatus.CONFIRMED),
            key=lambda a: (order.index(a.category), a.id),
        )
        return self.render(
            "hearings/admin/signin_sheet.html",
            hearing=hearing,
            people=people,
            format_local=format_local_datetime,
            counts=registration.category_counts(hearing),
        )

    @expose("/<int:hearing_id>/checkin", methods=["GET", "POST"])
    def checkin(self, hearing_id):
        """Check-in by code: typed, or opened from the QR code on the resident's page."""
        hearing = self._hearing(hearing_id)
        form = CheckInForm()
        if request.method == "GET" and request.args.get("code"):
            form.code.data = registration.format_code(registration.parse_code(request.args["code"]))
        found = None
        if form.validate_on_submit():
            try:
                found = registration.check_in(hearing, form.code.data, actor_id=current_user.id)
                db.session.commit()
                flash(
                    _("%(name)s（%(cat)s）签到成功。", name=found.name, cat=found.category.label),
                    "success",
                )
                return redirect(url_for(".checkin", hearing_id=hearing.id))
            except HearingError as exc:
                db.session.rollback()
                flash(str(exc), "error")
        return self.render(
            "hearings/admin/checkin.html",
            hearing=hearing,
            form=form,
            closed=registration.check_in_closed_reason(hearing),
            counts=registration.category_counts(hearing),
            checked_in=registration.category_counts(hearing, checked_in=True),
        )

    @expose("/<int:hearing_id>/questions", methods=["POST"])
    def add_question(self, hearing_id):
        hearing = self._hearing(hearing_id)

        def action(form):
            raw = form.attendee_id.data or ""
            attendee_id = int(raw) if raw.isdigit() else None
            if attendee_id not in {a.id for a in hearing.attendees}:
                attendee_id = None
            return followups.add_question(
                hearing,
                **form_values(form, "asker_name asker_category text"),
                attendee_id=attendee_id,
            )

        return submit(
            QuestionForm(),
            action,
            success=_("已记录提问。"),
            back=self._back(hearing, "#questions"),
        )

    def _question(self, hearing: Hearing, question_id: int) -> Question:
        question = next((q for q in hearing.questions if q.id == question_id), None)
        if question is None:
            abort(404)
        return question

    @expose("/<int:hearing_id>/questions/<int:question_id>/answer", methods=["POST"])
    def answer(self, hearing_id, question_id):
        hearing = self._hearing(hearing_id)
        question = self._question(hearing, question_id)
        return submit(
            AnswerForm(),
            lambda form: followups.answer_on_the_spot(
                question, answer=form.answer.data, answered_by=form.answered_by.data
            ),
            success=_("已记录当场答复。"),
            back=self._back(hearing, "#questions"),
        )

    @expose("/<int:hearing_id>/questions/<int:question_id>/defer", methods=["POST"])
    def defer(self, hearing_id, question_id):
        hearing = self._hearing(hearing_id)
        question = self._question(hearing, question_id)
        return submit(
            DeferForm(),
            lambda form: followups.defer(
                question,
                reason=form.reason.data,
                responsible_id=form.responsible_id.data,
                actor_id=current_user.id,
            ),
            success=_("已转为会后限期答复，并在办件系统中立案跟踪。"),
            back=self._back(hearing, "#questions"),
        )

    @expose("/<int:hearing_id>/minutes", methods=["GET", "POST"])
    def minutes(self, hearing_id):
        """The minutes editor: the exact text residents will get (masked, suspected names
        highlighted), one decision per suspected name, save, publish."""
        hearing = self._hearing(hearing_id)
        form = MinutesForm()
        preview = None
        if request.method == "GET":
            # No draft yet: start from what the desk recorded, not from an empty page.
            form.text.data = hearing.minutes_draft or draft_minutes(hearing)
        elif not form.validate_on_submit():
            flash(first_error(form), "error")
        elif form.preview.data:
            try:
                preview = services.preview_minutes(
                    hearing, form.text.data or "", public_figure_names(hearing)
                )
            except HearingError as exc:
                flash(str(exc), "error")
        else:
            saved = self._save_minutes(hearing, form)
            if saved is not None:
                return saved
        return self._minutes_editor(hearing, form, preview)

    def _save_minutes(self, hearing: Hearing, form: MinutesForm):
        """Save the draft (and publish it when asked) from a form carrying the hearing's
        version; a redirect when saved, None to show the editor again with the text kept."""
        text = form.text.data or ""
        try:
            check_version(hearing, request.form.get("version"))
            services.save_minutes_draft(hearing, text)
            result = self._publish_minutes(hearing, form, text) if form.publish.data else None
            db.session.commit()
        except (StaleError, StaleDataError):
            db.session.rollback()
            flash(str(STALE_MESSAGE), "error")
            return None
        except HearingError as exc:
            db.session.rollback()
            if form.publish.data and len(text) <= services.MINUTES_MAX_CHARS:
                # Publication refused: the draft is still kept.
                services.save_minutes_draft(hearing, text)
                db.session.commit()
                flash(_("草稿已保存，但未发布：%(reason)s", reason=str(exc)), "error")
            else:
                flash(str(exc), "error")
            return None
        if looks_scripted(text):
            flash(_("纪要中的 HTML 标签和脚本不会被执行，公开时按普通文字显示。"), "warning")
        if result:
            services.after_commit(result)
            flash(
                _("纪要已发布（第 %(n)d 版），群众现在可以查看。", n=len(hearing.minutes)),
                "success",
            )
            return redirect(self._back(hearing, "#minutes"))
        flash(_("草稿已保存。"), "success")
        return redirect(url_for(".minutes", hearing_id=hearing.id))

    def _publish_minutes(self, hearing: Hearing, form: MinutesForm, text: str) -> dict:
        """Publish the saved draft once every suspected name has a decision."""
        allowed, undecided = decisions_from(
            request.form, services.minutes_suspects(hearing, text, form.correction_note.data)
        )
        if undecided:
            raise HearingError(
                _(
                    "请对每个疑似人名作出选择（隐去或可以公开）后再发布，还有 %(n)d 个未确认：%(names)s。",
                    n=len(undecided),
                    names="、".join(undecided),
                )
            )
        return services.publish_minutes(
            hearing,
            correction_note=form.correction_note.data,
            actor_id=current_user.id,
            allowed=allowed,
        )

    def _minutes_editor(self, hearing: Hearing, form: MinutesForm, preview: str | None):
        text = (form.text.data or "")[: services.MINUTES_MAX_CHARS]
        note = form.correction_note.data or ""
        standing = public_figure_names(hearing)
        return self.render(
            "hearings/admin/minutes_editor.html",
            hearing=hearing,
            form=form,
            preview=preview,
            format_local=format_local_datetime,
            can_publish=hearing.status in HELD_STATUSES,
            review_segments=highlighted(text, standing),
            note_segments=highlighted(note, standing) if note else None,
            suspects=services.minutes_suspects(hearing, text, note),
        )

    @expose("/<int:hearing_id>/pdf/<int:number>")
    def pdf(self, hearing_id, number):
        """Download one version's PDF (rendered now when the job has not run yet)."""
        from flask import send_file

        from core.kit import get_storage
        from plugins.hearings.jobs import render_minutes_pdf

        hearing = self._hearing(hearing_id)
        version = next((m for m in hearing.minutes if m.number == number), None)
        if version is None:
            abort(404)
        key = render_minutes_pdf(version.id)
        if key is None:  # withdrawn: residents have no PDF of it, staff read it on the desk
            abort(404)
        return send_file(
            get_storage().path(key),
            mimetype="application/pdf",
            download_name=f"hearing-{hearing.id}-minutes-v{number}.pdf",
        )
