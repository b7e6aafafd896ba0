"""The actions on a case's detail page: their forms, and one handler per transition."""

from flask import abort, current_app, flash, redirect
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.cases import services
from core.cases.admin.common import _office_choices, _user_choices
from core.cases.categories import get_category
from core.cases.display import fmt_datetime
from core.cases.forms import (
    AgencyForm,
    AppealDecisionForm,
    AppealForm,
    AttachmentForm,
    DeadlineForm,
    DecisionForm,
    DeliveryForm,
    EscalateForm,
    ExtensionForm,
    FollowUpForm,
    NoteForm,
    NotifyOfficesForm,
    PauseForm,
    RectificationForm,
    ResolveForm,
    TransferForm,
)
from core.cases.models import (
    AgencyRecord,
    Case,
    Extension,
    RatingAppeal,
    Rectification,
)
from core.errors import STALE_MESSAGE, UserError
from core.extensions import db
from core.models import Role, User, utcnow
from core.plugins import get_registry

# Actions that change a case's clock; refused here for categories whose plugin runs its own.
TIME_RULE_ACTIONS = frozenset(
    {"pause", "resume", "deadline", "extension_request", "extension_approve", "extension_refuse"}
)


class _FormInvalid(UserError):
    """A posted action form failed WTForms validation; the message is for the user."""


class CaseActions:
    """The transitions run from a case's detail page (one ``_do_<action>`` each), mixed into
    ``CaseView``: each validates its form, passes the version the person saw and calls the
    case service; ``case_action`` commits or flashes the refusal."""

    def _action_forms(self, case: Case) -> dict:
        version = case.version
        forms = {
            name: cls(formdata=None, version=version)
            for name, cls in (
                ("note_form", NoteForm),
                ("transfer_form", TransferForm),
                ("escalate_form", EscalateForm),
                ("notify_form", NotifyOfficesForm),
                ("pause_form", PauseForm),
                ("extension_form", ExtensionForm),
                ("decision_form", DecisionForm),
                ("deadline_form", DeadlineForm),
                ("agency_form", AgencyForm),
                ("delivery_form", DeliveryForm),
                ("resolve_form", ResolveForm),
            )
        }
        forms["attachment_form"] = AttachmentForm(formdata=None)
        forms["rectification_form"] = RectificationForm(formdata=None)
        forms["follow_up_form"] = FollowUpForm(formdata=None)
        forms["appeal_form"] = AppealForm(formdata=None)
        forms["appeal_decision_form"] = AppealDecisionForm(formdata=None)
        office_choices = _office_choices()
        forms["transfer_form"].to_office_id.choices = [("", _("请选择"))] + office_choices
        forms["transfer_form"].to_user_id.choices = _user_choices(
            select(User)
            .where(User.active, User.role.in_((Role.STAFF, Role.OFFICE_ADMIN, Role.LEADER)))
            .order_by(User.office_id, User.display_name),
            blank=_("（由该单位签收）"),
        )
        forms["escalate_form"].leader_id.choices = _user_choices(
            select(User).where(User.active, User.role == Role.LEADER).order_by(User.display_name)
        )
        forms["notify_form"].office_ids.choices = [
            c for c in office_choices if c[0] != case.first_office_id
        ]
        office_people = (
            select(User)
            .where(User.active, User.office_id == case.office_id, User.role != Role.AUDITOR)
            .order_by(User.display_name)
        )
        forms["agency_form"].agent_id.choices = _user_choices(office_people)
        forms["agency_form"].agent_id.data = current_user.id
        forms["delivery_form"].delivered_by_id.choices = _user_choices(office_people)
        forms["delivery_form"].delivered_by_id.data = current_user.id
        now = utcnow().replace(second=0, microsecond=0)  # shown in Beijing time by the field
        forms["delivery_form"].delivered_at.data = now
        forms["follow_up_form"].called_at.data = now
        return forms

    def _item(self, model, case: Case, item_id):
        try:
            item = db.session.get(model, int(item_id))
        except (TypeError, ValueError):
            item = None
        if item is None or item.case_id != case.id:
            abort(404)
        return item

    @expose("/<int:case_id>/do/<action>", methods=("POST",))
    def case_action(self, case_id, action):
        """Run one transition from the detail page; errors come back as a message, and a
        refused action changes nothing."""
        case = self._case_or_404(case_id)
        handler = getattr(self, f"_do_{action}", None)
        if handler is None:
            abort(404)
        back = self.get_url(".details_view", id=case.id)
        spec = get_category(case.category)
        if action in TIME_RULE_ACTIONS and spec is not None and spec.own_time_rules:
            module = get_registry().manifests.get(spec.plugin)
            flash(
                _(
                    "该类案件的期限、中止和延期由“%(module)s”模块按其规定办理，请在该模块中操作。",
                    module=module.title if module else spec.plugin,
                ),
                "error",
            )
            return redirect(back, code=303)
        try:
            message = handler(case)
            db.session.commit()
        except (UserError, StaleDataError) as exc:
            db.session.rollback()
            flash(str(exc if isinstance(exc, UserError) else STALE_MESSAGE), "error")
            return redirect(back, code=303)
        if message:
            flash(message, "success")
        return redirect(back, code=303)

    def _form(self, cls):
        form = cls()
        if not form.validate():
            errors = [e for field_errors in form.errors.values() for e in field_errors]
            raise _FormInvalid(errors[0] if errors else _("提交的内容有误，请检查后重试。"))
        return form

    def _version(self, form):
        """The version the person's form was loaded with; a post without one is refused like a
        stale one (the service treats a missing version as a system call that skips the check)."""
        if form.version.data in (None, ""):
            raise services.CaseError(services.STALE_MESSAGE)
        return form.version.data

    def _call(self, service, form, target, **fields):
        """Run a transition as the person, on the version of the case their form was loaded with."""
        service(target, actor_id=current_user.id, expected_version=self._version(form), **fields)

    def _do_accept(self, case):
        form = self._form(NoteForm)
        self._call(services.accept_case, form, case, note=form.note.data)
        return _("已签收。")

    def _do_transfer(self, case):
        form = self._form(TransferForm)
        self._call(
            services.transfer_case,
            form,
            case,
            reason=form.reason.data,
            to_office_id=form.to_office_id.data,
            to_user_id=form.to_user_id.data,
        )
        return (
            _("已转办。您作为首问责任人仍可查看办理进度。")
            if case.first_responder_id == current_user.id
            else _("已转办。")
        )

    def _do_hand_back(self, case):
        form = self._form(NoteForm)
        self._call(services.hand_back, form, case, reason=form.note.data)
        return _("已退回转出单位。")

    def _do_escalate(self, case):
        form = self._form(EscalateForm)
        self._call(
            services.escalate_to_leader,
            form,
            case,
            leader_id=form.leader_id.data,
            reason=form.reason.data,
        )
        return _("已呈报领导。")

    def _do_notify_offices(self, case):
        form = self._form(NotifyOfficesForm)
        self._call(
            services.notify_offices,
            form,
            case,
            office_ids=[o for o in form.office_ids.data or [] if o],
            note=form.note.data,
        )
        return _("已知会所选单位。")

    def _do_pause(self, case):
        form = self._form(PauseForm)
        self._call(services.pause_case, form, case, reason=form.reason.data, note=form.note.data)
        return _("已暂停计时。")

    def _do_resume(self, case):
        form = self._form(NoteForm)
        self._call(services.resume_case, form, case, note=form.note.data)
        return _("已恢复计时，期限顺延至 %(d)s。", d=fmt_datetime(case.due_at))

    def _do_deadline(self, case):
        form = self._form(DeadlineForm)
        self._call(
            services.set_deadline, form, case, last_day=form.last_day.data, reason=form.reason.data
        )
        return _("办理时限已确定，截止 %(d)s。", d=fmt_datetime(case.due_at))

    def _do_extension_request(self, case):
        form = self._form(ExtensionForm)
        self._call(
            services.request_extension, form, case, amount=form.amount.data, reason=form.reason.data
        )
        return _("延期申请已提交，等待领导审批。")

    def _do_extension_approve(self, case):
        form = self._form(DecisionForm)
        self._call(
            services.approve_extension,
            form,
            self._item(Extension, case, form.item_id.data),
            note=form.note.data,
        )
        return _("已批准延期，期限至 %(d)s。", d=fmt_datetime(case.due_at))

    def _do_extension_refuse(self, case):
        form = self._form(DecisionForm)
        self._call(
            services.refuse_extension,
            form,
            self._item(Extension, case, form.item_id.data),
            note=form.note.data,
        )
        return _("已不同意延期。")

    def _do_agency(self, case):
        form = self._form(AgencyForm)
        self._call(
            services.start_agency, form, case, reason=form.reason.data, agent_id=form.agent_id.data
        )
        return _("已登记办事代理。")

    def _do_delivery(self, case):
        form = self._form(DeliveryForm)
        self._call(
            services.record_delivery,
            form,
            self._item(AgencyRecord, case, form.item_id.data),
            delivered_at=form.delivered_at.data,
            items=form.items.data,
            delivered_by_id=form.delivered_by_id.data,
        )
        return _("已登记上门送达。")

    def _do_agency_sign_off(self, case):
        form = self._form(DecisionForm)
        self._call(
            services.sign_off_agency,
            form,
            self._item(AgencyRecord, case, form.item_id.data),
            note=form.note.data,
        )
        return _("代办记录已签字确认。")

    def _do_resolve(self, case):
        form = self._form(ResolveForm)
        self._call(services.close_case, form, case, outcome=form.outcome.data)
        return _("已办结。群众可凭回执号查询并评价。")

    def _do_archive(self, case):
        form = self._form(NoteForm)
        self._call(services.archive_case, form, case, note=form.note.data)
        return _("已归档。")

    def _do_note(self, case):
        form = self._form(NoteForm)
        services.add_note(case, note=form.note.data, actor_id=current_user.id)
        return _("已记录办理进展。")

    def _do_attachment(self, case):
        form = self._form(AttachmentForm)
        upload = form.file.data
        limit = int(
            current_app.config.get(
                "CASE_ATTACHMENT_MAX_BYTES", services.DEFAULT_ATTACHMENT_MAX_BYTES
            )
        )
        data = upload.stream.read(limit + 1)
        services.add_attachment(
            case, filename=upload.filename or "", data=data, actor_id=current_user.id
        )
        return _("附件已上传。")

    def _rectification(self, case, item_id) -> Rectification:
        return self._item(Rectification, case, item_id)

    def _do_rectification_done(self, case):
        form = self._form(RectificationForm)
        services.complete_rectification(
            self._rectification(case, form.item_id.data),
            measures=form.measures.data,
            actor_id=current_user.id,
        )
        return _("已登记整改措施，请安排回访。")

    def _do_follow_up(self, case):
        form = self._form(FollowUpForm)
        services.record_follow_up(
            self._rectification(case, form.item_id.data),
            called_at=form.called_at.data,
            reached=form.reached.data,
            resident_grade=form.resident_grade.data,
            note=form.note.data,
            actor_id=current_user.id,
        )
        return _("已登记回访。")

    def _do_appeal(self, case):
        form = self._form(AppealForm)
        if case.rating is None:
            raise services.CaseError(_("该案件尚无群众评价。"))
        services.file_appeal(
            case.rating,
            reason=form.reason.data,
            statement=form.statement.data,
            actor_id=current_user.id,
        )
        return _("申诉已提交，等待领导裁定。")

    def _do_appeal_decide(self, case):
        form = self._form(AppealDecisionForm)
        appeal = self._item(RatingAppeal, case, form.item_id.data)
        services.decide_appeal(
            appeal, upheld=form.upheld.data == "1", note=form.note.data, actor_id=current_user.id
        )
        return _("已裁定。")
