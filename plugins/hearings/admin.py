"""Staff screens: hearings, attendees, questions and messages (CRUD lists), and the desk.

The desk (``DeskView``) is where a hearing is run: lifecycle buttons, invitations, the
printable sign-in sheet (签到表), check-in by code or QR, questions with on-the-spot answers or
deferral to a tracked case, and the minutes editor with preview. Every change goes through the
services (``lifecycle``, ``registration``, ``followups``) so the rules hold whatever the screen.
"""

from datetime import datetime

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import inspect, select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectField, ValidationError

from core.kit import (
    STALE_MESSAGE,
    ModuleView,
    OfficeScopedModelView,
    ScopedChoices,
    StaleError,
    User,
    check_version,
    db,
    decisions_from,
    enum_label,
    first_error,
    format_local_datetime,
    from_local_input,
    get_scoped_or_404,
    highlighted,
    local_naive,
    looks_scripted,
    mask_phone,
    run,
    scoped_office_ids,
    submit,
    suspects_in,
    withdraw_url,
    withdrawals_for,
)
from plugins.hearings import followups, lifecycle, registration
from plugins.hearings.disclosure import public_figure_names
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
from plugins.hearings.jobs import DESK_URL
from plugins.hearings.minutes import draft_minutes
from plugins.hearings.models import (
    HELD_STATUSES,
    Attendee,
    AttendeeCategory,
    AttendeeSource,
    AttendeeStatus,
    Hearing,
    HearingKind,
    HearingStatus,
    MinutesVersion,
    ParticipantMessage,
    Question,
)

MODULE = "hearings"
TIME_FIELDS = ("starts_at", "ends_at", "registration_closes_at")
SCHEDULE_FIELDS = (*TIME_FIELDS, "venue", "decision_date", "decision_ref")


def _local_time(view, context, model, name):
    return format_local_datetime(getattr(model, name))


def _desk_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(
        url_for("hearings_desk.hearing", hearing_id=model.id), model.title)


def _hearing_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(
        url_for("hearings_desk.hearing", hearing_id=model.hearing_id), model.hearing.title)


def _changed(model, attr) -> bool:
    history = inspect(model).attrs[attr].history
    if not history.deleted:
        return False
    old, new = history.deleted[0], (history.added or [None])[0]
    if isinstance(old, datetime) and isinstance(new, datetime):
        # The form shows whole seconds: a stored fraction of a second is no change.
        return old.replace(microsecond=0) != new.replace(microsecond=0)
    return old != new


class HearingView(OfficeScopedModelView):
    """Hearings of the offices in scope: create, edit the facts; the desk runs the rest."""

    column_list = ("title", "office", "kind", "status", "starts_at", "venue", "capacity")
    column_labels = {"title": _l("标题"), "office": _l("单位"), "kind": _l("类型"),
                     "status": _l("状态"), "starts_at": _l("开始时间"), "ends_at": _l("结束时间"),
                     "venue": _l("地点"), "capacity": _l("容纳人数"), "issue": _l("议题"),
                     "decision_date": _l("党委会决定日期"), "decision_ref": _l("党委会决定文号"),
                     "registration_closes_at": _l("报名截止时间"),
                     "waitlist_size": _l("候补名额"), "organiser": _l("组织人")}
    column_filters = ("status", "kind", "starts_at")
    column_searchable_list = ("title", "venue")
    column_default_sort = ("starts_at", True)
    column_formatters = {"title": _desk_link, "kind": enum_label, "status": enum_label,
                         "starts_at": _local_time, "ends_at": _local_time,
                         "registration_closes_at": _local_time}
    column_formatters_export = {"kind": enum_label, "status": enum_label, "starts_at": _local_time,
                                "ends_at": _local_time}
    column_export_list = ("title", "office", "kind", "status", "starts_at", "ends_at", "venue",
                          "capacity", "decision_date", "decision_ref")
    column_details_exclude_list = ("minutes_draft", "registration_seq", "version")
    form_columns = ("office", "kind", "title", "issue", "decision_date", "decision_ref", "venue",
                    "starts_at", "ends_at", "registration_closes_at", "capacity",
                    "waitlist_size", "organiser")
    form_overrides = {"kind": SelectField}
    form_args = {
        "kind": {"label": _l("类型"), "choices": HearingKind.choices,
                 "coerce": str},
        "starts_at": {"description": _l("北京时间")},
        "ends_at": {"description": _l("北京时间")},
        "registration_closes_at": {"description": _l("北京时间；不填则报名到开始时截止")},
        "decision_ref": {"description": _l("如：镇党委会议纪要〔2026〕5号")},
    }
    create_template = "admin/model/create.html"
    scoped_choices = {"organiser": ScopedChoices(User, where=(User.active,),
                                                 order_by=(User.display_name,))}

    def on_form_prefill(self, form, id):
        """Show stored UTC times in local time."""
        model = self.get_one(id)
        for name in TIME_FIELDS:
            getattr(form, name).data = local_naive(getattr(model, name))

    def on_model_change(self, form, model, is_created):  # noqa: C901
        """Times typed in local time; schedule changes only where the lifecycle allows."""
        for name in TIME_FIELDS:
            value = getattr(model, name)
            if value is not None and value.tzinfo is None:
                setattr(model, name, from_local_input(value))
        if is_created:
            model.status = HearingStatus.DRAFT
            if model.organiser is None:
                model.organiser_id = current_user.id
        else:
            if model.status == HearingStatus.CANCELLED:
                raise ValidationError(_("已取消的听证会不能再修改。"))
            if model.status == HearingStatus.ANNOUNCED and any(
                    _changed(model, f) for f in ("starts_at", "ends_at")):
                raise ValidationError(_("已公告的听证会改期请在工作台使用“延期”，再以新时间重新公告，以便通知已报名的群众。"))
            if model.status in HELD_STATUSES and any(_changed(model, f) for f in SCHEDULE_FIELDS):
                raise ValidationError(_("听证会已经举行，时间、地点和召开依据不能再修改。"))
            confirmed = registration.count_status(model.id, AttendeeStatus.CONFIRMED)
            if model.capacity is not None and model.capacity < confirmed:
                raise ValidationError(_("已有 %(n)d 人确认参加，容纳人数不能少于此数。", n=confirmed))
        if model.capacity is None or model.capacity < 1:
            raise ValidationError(_("容纳人数至少为 1。"))
        if model.waitlist_size is None or model.waitlist_size < 0:
            raise ValidationError(_("候补名额不能为负数。"))
        if model.starts_at and model.ends_at and model.ends_at <= model.starts_at:
            raise ValidationError(_("结束时间必须晚于开始时间。"))
        super().on_model_change(form, model, is_created)

    def after_model_change(self, form, model, is_created):
        """A larger hall gives places to the waiting list."""
        if not is_created and model.status in (HearingStatus.ANNOUNCED, HearingStatus.POSTPONED):
            hearing = registration.lock_hearing(model.id)
            promoted = registration.promote_waiting(hearing)
            db.session.commit()
            if promoted:
                lifecycle.after_commit({"hearing_id": model.id, "deliver": True})
                flash(_("已有 %(n)d 位候补人员转为正式参加。", n=len(promoted)), "success")

    def on_model_delete(self, model):
        if model.status != HearingStatus.DRAFT:
            raise ValidationError(_("只能删除草稿；已公告的听证会请使用“取消”并说明原因。"))


class AttendeeView(OfficeScopedModelView):
    """The attendee lists (phones masked in the list; export is recorded in the audit log)."""

    column_list = ("hearing", "name", "category", "village", "affiliation", "phone", "status",
                   "source", "checked_in_at")
    column_labels = {"hearing": _l("听证会"), "name": _l("姓名"), "category": _l("类别"),
                     "village": _l("村（社区）"), "affiliation": _l("单位职务"),
                     "phone": _l("电话"), "status": _l("状态"), "source": _l("来源"),
                     "checked_in_at": _l("签到时间"), "consent_public_name": _l("同意公开列名"),
                     "hearing.title": _l("听证会")}
    column_filters = ("hearing.title", "category", "status", "source")
    column_searchable_list = ("name", "village")
    column_default_sort = ("id", True)
    personal_data_columns = ("phone",)
    column_formatters = {"hearing": _hearing_link, "category": enum_label, "status": enum_label,
                         "source": enum_label, "checked_in_at": _local_time}
    column_formatters_export = {"category": enum_label, "status": enum_label, "source": enum_label,
                                "checked_in_at": _local_time}
    column_export_list = ("hearing", "name", "category", "village", "affiliation", "phone",
                          "status", "source", "checked_in_at")
    column_details_exclude_list = ("phone_hash", "code")
    form_columns = ("name", "village", "affiliation", "consent_public_name")
    allow_create = False  # invitations go through the desk, which holds the capacity lock
    allow_delete = False  # withdraw instead: the list keeps its history

    @action("confirm_public_role", _l("核实代表/委员身份（按全名公开）"),
            _l("确认已核实所选人员的人大代表、政协委员身份？核实后其姓名将在公开名单和纪要中全名显示。"))
    def action_confirm_public_role(self, ids):
        """Staff vouch for self-registered deputies and members: from now on they are named in
        full, like those staff invited (``Attendee.named_in_full``)."""
        rows = self.get_query().filter(Attendee.id.in_(self._typed_ids(ids))).all()
        confirmed = 0
        for attendee in rows:
            if attendee.category.is_public_figure and attendee.source != AttendeeSource.INVITED:
                attendee.source = AttendeeSource.INVITED
                attendee.invited_by_id = current_user.id
                confirmed += 1
        db.session.commit()
        flash(_("已核实 %(n)d 人的身份；其余所选人员不是代表、委员或已核实。", n=confirmed), "success")


class QuestionView(OfficeScopedModelView):
    """Every question raised, with its answer or follow-up case (recorded on the desk)."""

    column_list = ("hearing", "number", "asker_name", "asker_category", "text", "status",
                   "responsible", "due_at", "case_receipt_no")
    column_labels = {"hearing": _l("听证会"), "number": _l("序号"), "asker_name": _l("提问人"),
                     "asker_category": _l("类别"), "text": _l("问题"), "status": _l("答复方式"),
                     "responsible": _l("责任人"), "due_at": _l("答复期限"),
                     "case_receipt_no": _l("办件号"), "answer": _l("答复"),
                     "deferred_reason": _l("不能当场答复的原因"), "outcome": _l("办理结果"),
                     "hearing.title": _l("听证会")}
    column_filters = ("hearing.title", "status", "asker_category")
    column_searchable_list = ("text", "asker_name")
    column_formatters = {"hearing": _hearing_link, "asker_category": enum_label, "status": enum_label,
                         "due_at": _local_time}
    column_formatters_export = {"asker_category": enum_label, "status": enum_label, "due_at": _local_time}
    allow_create = False
    allow_edit = False
    allow_delete = False


MESSAGE_CHANNELS = {"sms": _l("短信"), "email": _l("电子邮件")}
MESSAGE_STATUSES = {"pending": _l("待发送"), "recorded": _l("已记录（未接短信网关）"),
                    "sent": _l("已发送"), "failed": _l("发送失败")}


def _labelled(labels):
    def formatter(view, context, model, name):
        value = getattr(model, name)
        return labels.get(value, value)

    return formatter


class MessageView(OfficeScopedModelView):
    """What was sent (or, without a gateway, recorded) to resident participants."""

    column_list = ("hearing", "channel", "recipient_masked", "body", "status", "created_at")
    column_labels = {"hearing": _l("听证会"), "channel": _l("渠道"), "recipient_masked": _l("收件人"),
                     "body": _l("内容"), "status": _l("状态"), "created_at": _l("时间")}
    column_formatters = {"hearing": _hearing_link, "created_at": _local_time,
                         "channel": _labelled(MESSAGE_CHANNELS),
                         "status": _labelled(MESSAGE_STATUSES)}
    column_default_sort = ("id", True)
    allow_create = False
    allow_edit = False
    allow_delete = False
    allow_export = False


class DeskView(ModuleView):
    """Running a hearing: lifecycle, attendees, check-in, questions, minutes."""

    # --- access ------------------------------------------------------------------------

    def _hearing(self, hearing_id: int) -> Hearing:
        return get_scoped_or_404(Hearing, hearing_id, MODULE)

    def _back(self, hearing: Hearing, anchor: str = "") -> str:
        return url_for(".hearing", hearing_id=hearing.id) + anchor

    def _office_staff(self, office_id: int) -> list[User]:
        return list(db.session.scalars(select(User).where(
            User.office_id == office_id, User.active).order_by(User.display_name)))

    # --- pages ------------------------------------------------------------------------------

    @expose("/")
    def index(self):
        offices = scoped_office_ids(current_user, MODULE)
        hearings = db.session.scalars(select(Hearing).where(Hearing.office_id.in_(offices))
                                      .order_by(Hearing.starts_at.desc()).limit(200)).all()
        return self.render("hearings/admin/desk_index.html", hearings=hearings,
                           format_local=format_local_datetime)

    @expose("/<int:hearing_id>")
    def hearing(self, hearing_id):
        hearing = self._hearing(hearing_id)
        question_form = QuestionForm()
        question_form.attendee_id.choices = [("", "—")] + [
            (str(a.id), f"{a.name}（{a.category.label}）") for a in hearing.attendees
            if a.status == AttendeeStatus.CONFIRMED]
        invite_form = InviteForm()
        invite_form.user_id.choices = [("", "—")] + [
            (str(u.id), u.display_name) for u in self._office_staff(hearing.office_id)]
        defer_form = DeferForm()
        defer_form.responsible_id.choices = [
            (u.id, u.display_name) for u in self._office_staff(hearing.office_id)]
        return self.render(
            "hearings/admin/desk_hearing.html", hearing=hearing, format_local=format_local_datetime,
            counts=registration.category_counts(hearing),
            checked_in=registration.category_counts(hearing, checked_in=True),
            places_left=registration.places_left(hearing),
            waiting=registration.count_status(hearing.id, AttendeeStatus.WAITING),
            states=followups.case_states(q.case_id for q in hearing.questions),
            mask_phone=mask_phone, reason_form=ReasonForm(), results_form=ResultsForm(),
            confirm_form=ConfirmForm(), question_form=question_form, answer_form=AnswerForm(),
            defer_form=defer_form, invite_form=invite_form, HearingStatus=HearingStatus,
            AttendeeStatus=AttendeeStatus, AttendeeSource=AttendeeSource,
            format_code=registration.format_code,
            checkin_closed=registration.check_in_closed_reason(hearing), open_followups=lifecycle.open_followups(hearing),
            public_url=url_for("hearings_public.hearing_page", office_code=hearing.office.code,
                               hearing_id=hearing.id),
            withdrawals=withdrawals_for(MinutesVersion, hearing.minutes),
            withdraw_link=lambda m: withdraw_url(m, url_for(".hearing", hearing_id=hearing.id)
                                                 + "#minutes"),
        )

    @expose("/<int:hearing_id>/transition/<action>", methods=["POST"])
    def transition(self, hearing_id, action):
        hearing = self._hearing(hearing_id)
        form = ReasonForm() if action in ("postpone", "cancel") else \
            ResultsForm() if action == "results" else ConfirmForm()
        actions = {
            "announce": (lambda: lifecycle.announce(hearing), _("已公告，群众现在可以报名。")),
            "hold": (lambda: lifecycle.mark_held(hearing), _("已标记为已举行。请整理并发布会议纪要。")),
            "postpone": (lambda: lifecycle.postpone(hearing, form.reason.data),
                         _("已延期，原因已向群众公开。请修改时间后重新公告。")),
            "cancel": (lambda: lifecycle.cancel(hearing, form.reason.data),
                       _("已取消，原因已向群众公开。")),
            "results": (lambda: lifecycle.publish_results(hearing, form.summary.data),
                        _("办理结果已公开。")),
        }
        if action not in actions:
            abort(404)
        call, message = actions[action]
        return submit(form, lambda _form: call(), success=message, back=self._back(hearing),
                      row=hearing, after_commit=lifecycle.after_commit)

    @expose("/<int:hearing_id>/invite", methods=["POST"])
    def invite(self, hearing_id):
        hearing = self._hearing(hearing_id)
        form = InviteForm()
        form.user_id.choices = [("", "—")] + [
            (str(u.id), u.display_name) for u in self._office_staff(hearing.office_id)]

        def action(form):
            user_id = int(form.user_id.data) if (form.user_id.data or "").isdigit() else None
            if user_id and user_id not in {u.id for u in self._office_staff(hearing.office_id)}:
                user_id = None
            return registration.invite(
                hearing.id, name=form.name.data, category=form.category.data,
                phone=form.phone.data, village=form.village.data,
                affiliation=form.affiliation.data, user_id=user_id,
                consent_public_name=form.consent_public_name.data,
                invited_by_id=current_user.id)

        return submit(form, action, success=_("已加入参加人名单。"),
                      back=self._back(hearing, "#attendees"))

    @expose("/<int:hearing_id>/attendees/<int:attendee_id>/withdraw", methods=["POST"])
    def withdraw(self, hearing_id, attendee_id):
        hearing = self._hearing(hearing_id)
        attendee = next((a for a in hearing.attendees if a.id == attendee_id), None)
        if attendee is None or not ConfirmForm().validate_on_submit():
            abort(404)

        def action():
            promoted = registration.withdraw(attendee)
            return {"hearing_id": hearing.id, "deliver": bool(promoted)}

        return run(action, success=_("已将 %(name)s 移出名单，候补名单已顺延。", name=attendee.name),
                   back=self._back(hearing, "#attendees"), after_commit=lifecycle.after_commit)

    @expose("/<int:hearing_id>/attendees/<int:attendee_id>/checkin", methods=["POST"])
    def checkin_row(self, hearing_id, attendee_id):
        """Check in an invited attendee from their row (they got no resident's page with a
        QR code; their code is shown on the row)."""
        hearing = self._hearing(hearing_id)
        attendee = next((a for a in hearing.attendees if a.id == attendee_id), None)
        if attendee is None or attendee.source != AttendeeSource.INVITED \
                or not ConfirmForm().validate_on_submit():
            abort(404)
        return run(lambda: registration.check_in_attendee(hearing, attendee, actor_id=current_user.id),
                   success=_("%(name)s（%(cat)s）签到成功。", name=attendee.name,
                             cat=attendee.category.label),
                   back=self._back(hearing, "#attendees"))

    @expose("/<int:hearing_id>/signin")
    def signin(self, hearing_id):
        """The printable sign-in sheet (签到表): no phone numbers on paper passed round."""
        hearing = self._hearing(hearing_id)
        order = list(AttendeeCategory)
        people = sorted((a for a in hearing.attendees if a.status == AttendeeStatus.CONFIRMED),
                        key=lambda a: (order.index(a.category), a.id))
        return self.render("hearings/admin/signin_sheet.html", hearing=hearing, people=people,
                           format_local=format_local_datetime,
                           counts=registration.category_counts(hearing))

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
                flash(_("%(name)s（%(cat)s）签到成功。", name=found.name, cat=found.category.label),
                      "success")
                return redirect(url_for(".checkin", hearing_id=hearing.id))
            except HearingError as exc:
                db.session.rollback()
                flash(str(exc), "error")
        return self.render("hearings/admin/checkin.html", hearing=hearing, form=form,
                           closed=registration.check_in_closed_reason(hearing),
                           counts=registration.category_counts(hearing),
                           checked_in=registration.category_counts(hearing, checked_in=True))

    @expose("/<int:hearing_id>/questions", methods=["POST"])
    def add_question(self, hearing_id):
        hearing = self._hearing(hearing_id)

        def action(form):
            raw = form.attendee_id.data or ""
            attendee_id = int(raw) if raw.isdigit() else None
            if attendee_id not in {a.id for a in hearing.attendees}:
                attendee_id = None
            return followups.add_question(
                hearing, asker_name=form.asker_name.data,
                asker_category=form.asker_category.data, text=form.text.data,
                attendee_id=attendee_id)

        return submit(QuestionForm(), action, success=_("已记录提问。"),
                      back=self._back(hearing, "#questions"))

    def _question(self, hearing: Hearing, question_id: int) -> Question:
        question = next((q for q in hearing.questions if q.id == question_id), None)
        if question is None:
            abort(404)
        return question

    @expose("/<int:hearing_id>/questions/<int:question_id>/answer", methods=["POST"])
    def answer(self, hearing_id, question_id):
        hearing = self._hearing(hearing_id)
        question = self._question(hearing, question_id)
        return submit(AnswerForm(), lambda form: followups.answer_on_the_spot(
            question, answer=form.answer.data, answered_by=form.answered_by.data),
            success=_("已记录当场答复。"), back=self._back(hearing, "#questions"))

    @expose("/<int:hearing_id>/questions/<int:question_id>/defer", methods=["POST"])
    def defer(self, hearing_id, question_id):
        hearing = self._hearing(hearing_id)
        question = self._question(hearing, question_id)
        return submit(DeferForm(), lambda form: followups.defer(
            question, reason=form.reason.data, responsible_id=form.responsible_id.data,
            actor_id=current_user.id),
            success=_("已转为会后限期答复，并在办件系统中立案跟踪。"),
            back=self._back(hearing, "#questions"))

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
                preview = lifecycle.preview_minutes(hearing, form.text.data or "",
                                                    public_figure_names(hearing))
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
            lifecycle.save_minutes_draft(hearing, text)
            result = self._publish_minutes(hearing, form, text) if form.publish.data else None
            db.session.commit()
        except (StaleError, StaleDataError):
            db.session.rollback()
            flash(str(STALE_MESSAGE), "error")
            return None
        except HearingError as exc:
            db.session.rollback()
            if form.publish.data and len(text) <= lifecycle.MINUTES_MAX_CHARS:
                # Publication refused: the draft is still kept.
                lifecycle.save_minutes_draft(hearing, text)
                db.session.commit()
                flash(_("草稿已保存，但未发布：%(reason)s", reason=str(exc)), "error")
            else:
                flash(str(exc), "error")
            return None
        if looks_scripted(text):
            flash(_("纪要中的 HTML 标签和脚本不会被执行，公开时按普通文字显示。"), "warning")
        if result:
            lifecycle.after_commit(result)
            flash(_("纪要已发布（第 %(n)d 版），群众现在可以查看。", n=len(hearing.minutes)),
                  "success")
            return redirect(self._back(hearing, "#minutes"))
        flash(_("草稿已保存。"), "success")
        return redirect(url_for(".minutes", hearing_id=hearing.id))

    def _publish_minutes(self, hearing: Hearing, form: MinutesForm, text: str) -> dict:
        """Publish the saved draft once every suspected name has a decision."""
        allowed, undecided = decisions_from(
            request.form, minutes_suspects(hearing, text, form.correction_note.data))
        if undecided:
            raise HearingError(_(
                "请对每个疑似人名作出选择（隐去或可以公开）后再发布，还有 %(n)d 个未确认：%(names)s。",
                n=len(undecided), names="、".join(undecided)))
        return lifecycle.publish_minutes(hearing, correction_note=form.correction_note.data,
                                         actor=current_user, allowed=allowed)

    def _minutes_editor(self, hearing: Hearing, form: MinutesForm, preview: str | None):
        text = (form.text.data or "")[:lifecycle.MINUTES_MAX_CHARS]
        note = form.correction_note.data or ""
        standing = public_figure_names(hearing)
        return self.render("hearings/admin/minutes_editor.html", hearing=hearing, form=form,
                           preview=preview, format_local=format_local_datetime,
                           can_publish=hearing.status in HELD_STATUSES,
                           review_segments=highlighted(text, standing),
                           note_segments=highlighted(note, standing) if note else None,
                           suspects=minutes_suspects(hearing, text, note))

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
        return send_file(get_storage().path(key), mimetype="application/pdf",
                         download_name=f"hearing-{hearing.id}-minutes-v{number}.pdf")


def minutes_suspects(hearing: Hearing, text: str, note: str | None) -> list[str]:
    """The suspected names in a minutes draft and its correction note that staff must decide
    on before publishing (the public figures staff put on this hearing's lists stand)."""
    standing = public_figure_names(hearing)
    return [n for n in suspects_in(text or "", note or "") if n not in standing]


def admin_views() -> list:
    """The module's staff screens, in menu order."""
    return [
        DeskView(name=_l("听证工作台"), endpoint="hearings_desk", url=DESK_URL),
        HearingView(Hearing, db, name=_l("听证会"), endpoint="hearings_hearings"),
        AttendeeView(Attendee, db, name=_l("参加人名单"), endpoint="hearings_attendees"),
        QuestionView(Question, db, name=_l("提问与答复"), endpoint="hearings_questions"),
        MessageView(ParticipantMessage, db, name=_l("群众通知记录"), endpoint="hearings_messages"),
    ]
