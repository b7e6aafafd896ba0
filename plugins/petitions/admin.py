"""Staff screens of the petitions module.

Every screen derives from the core's office-scoped views: another office's staff never reach a
petition (lists, details, steps, notices, files answer 404), auditors read and never write, and
petitioners' names, phones and ID numbers are masked everywhere except a petition's (or a
petitioner's) detail screen for roles allowed to read them — each full view is logged.
"""

from datetime import date

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_admin.model.form import InlineFormAdmin
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice

from core.kit import (
    CaseError,
    ModuleView,
    Office,
    OfficeScopedModelView,
    as_utc,
    db,
    enabled_office_ids,
    enum_label,
    export_response,
    format_day,
    format_local,
    local_today,
    mask_name,
    mask_phone,
    permissions,
    record_event,
    utc_now,
    utcnow,
)
from plugins.petitions import services, stats
from plugins.petitions.errors import PetitionError
from plugins.petitions.forms import (
    AttachmentForm,
    DecisionForm,
    DeliveryForm,
    DisputeForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    HearingEndForm,
    HearingStartForm,
    MediationForm,
    OpinionForm,
    PassOnForm,
    PetitionerForm,
    RegisterForm,
    ReplyForm,
    RequestForm,
    RiskForm,
)
from plugins.petitions.models import (
    Dispute,
    HostRole,
    Level,
    MediationSession,
    NoticeKind,
    ObserverCategory,
    Petition,
    PetitionChannel,
    Petitioner,
    PetitionNotice,
    ReceptionSession,
    RiskLevel,
    SessionHearing,
    SessionObserver,
    Stage,
    choices,
)
from plugins.petitions.repeats import find_repeats
from plugins.petitions.services import mediation

PLUGIN = "petitions"


# --- helpers -------------------------------------------------------------------------------------


def _scope() -> set[int] | None:
    """Offices whose petitions the current user may see (with the module on); None: all."""
    allowed = permissions.visible_office_ids(current_user)
    on = enabled_office_ids(PLUGIN)
    return on if allowed is None else allowed & on


def _in_scope(office_id: int) -> bool:
    scope = _scope()
    return scope is None or office_id in scope


def _scope_ids() -> set[int]:
    """Like ``_scope`` but always a set (every office with the module on for all-seeing roles)."""
    scope = _scope()
    return enabled_office_ids(PLUGIN) if scope is None else scope


def _may_see_personal() -> bool:
    return permissions.may_see_personal_data(current_user)


def _local(view, context, model, name):
    return format_local(getattr(model, name))


def _day(view, context, model, name):
    return format_day(getattr(model, name))


def _due(view, context, model, name):
    due = getattr(model, name)
    if due is None:
        return ""
    text = format_day(model.last_day)
    if model.is_overdue:
        return Markup('<span class="badge badge-danger">{}</span> {}').format(_("超期"), text)
    return text


def _flags(view, context, model, name):
    badges = []
    if model.collective:
        badges.append(("badge-warning", _("集体访")))
    if model.skip_level:
        badges.append(("badge-danger", _("越级")))
    if model.repeat_of_id:
        badges.append(("badge-secondary", _("重复")))
    return Markup(" ").join(Markup('<span class="badge {}">{}</span>').format(c, t)
                            for c, t in badges)


def _first_petitioner(view, context, model, name):
    first = model.first_petitioner
    return mask_name(first.name) if first else ""


def _enum_filter_options(enum_cls):
    # Flask-Admin's enum filters look members up by name.
    return [(m.name, m.label) for m in enum_cls]


def _flash_error(exc) -> None:
    db.session.rollback()
    flash(str(exc), "error")


# --- petitions ---------------------------------------------------------------------------------


class PetitionView(OfficeScopedModelView):
    """信访事项: the register, each petition's stages, notices, files and possible repeats."""

    column_list = ("receipt_no", "subject", "channel", "received_at", "petitioner",
                   "people_count", "flags", "stage", "due_at", "hidden_risk", "office")
    column_labels = {
        "receipt_no": _l("回执号"), "subject": _l("信访事由"), "channel": _l("形式"),
        "received_at": _l("收到时间"), "petitioner": _l("信访人"), "people_count": _l("人数"),
        "flags": _l("标记"), "stage": _l("阶段"), "due_at": _l("本阶段期限"),
        "hidden_risk": _l("隐患"), "office": _l("单位"), "collective": _l("集体访"),
        "skip_level": _l("越级访"), "demands": _l("信访诉求"), "content": _l("主要内容"),
        "level_brought_to": _l("到达层级"), "proper_level": _l("有权处理的层级"),
        "repeat_of": _l("重复于"),
    }
    column_formatters = {
        "channel": enum_label, "stage": enum_label, "hidden_risk": enum_label, "received_at": _local,
        "due_at": _due, "flags": _flags, "petitioner": _first_petitioner,
    }
    column_filters = ("stage", "channel", "collective", "skip_level", "hidden_risk",
                      "received_at", "office")
    column_choices = {
        "stage": _enum_filter_options(Stage), "channel": _enum_filter_options(PetitionChannel),
        "hidden_risk": _enum_filter_options(RiskLevel),
    }
    column_searchable_list = ("subject", "receipt_no")
    column_default_sort = ("received_at", True)
    column_export_list = ("receipt_no", "subject", "channel", "received_at", "people_count",
                          "collective", "skip_level", "stage", "due_at", "hidden_risk",
                          "office")
    column_formatters_export = {"channel": enum_label, "stage": enum_label, "hidden_risk": enum_label,
                                "received_at": _local, "due_at": _local}
    form_columns = ("subject", "demands", "content", "people_count", "level_brought_to",
                    "proper_level")
    form_choices = {"level_brought_to": choices(Level), "proper_level": choices(Level)}
    allow_delete = False
    details_template = "petitions/admin/petition_details.html"

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        """New petitions are registered on the registration screen (with the repeat check)."""
        return redirect(url_for("petitions_register.index"))

    def on_model_change(self, form, model, is_created):
        """Corrections keep the flags and the repeat index in step with the text."""
        super().on_model_change(form, model, is_created)
        if not (model.subject or "").strip():
            raise ValidationError(_("请填写信访事由。"))
        if (model.people_count or 0) < max(1, len(model.petitioners)):
            raise ValidationError(_("信访人数不能少于登记的信访人。"))
        services.refresh_flags(model)

    def after_model_change(self, form, model, is_created):
        from plugins.petitions.repeats import index_petition

        index_petition(model)
        db.session.commit()

    # --- detail screen ------------------------------------------------------------------

    @expose("/details/")
    def details_view(self):
        """One petition: registration, petitioners, stages, notices, files, repeats, actions."""
        petition = self.get_one(request.args.get("id", ""))
        full = _may_see_personal()
        if full and petition.petitioners:
            record_event("personal_data.view", office_id=petition.office_id,
                         target_type="petition", target_id=petition.id,
                         details={"columns": ["name", "phone", "id_number", "address"]})
            db.session.commit()
        return self.render(self.details_template, **self._details_context(petition, full))

    def _details_context(self, petition: Petition, full: bool) -> dict:
        today = local_today()
        version = petition.version
        forms = {
            "pass_on": PassOnForm(formdata=None, version=version, passed_at=today),
            "decision": DecisionForm(formdata=None, version=version, decided_at=today),
            "extension_request": ExtensionRequestForm(formdata=None, version=version),
            "extension_decision": ExtensionDecisionForm(formdata=None, version=version),
            "reply": ReplyForm(formdata=None, version=version, replied_at=today),
            "delivery": DeliveryForm(formdata=None, version=version, delivered_at=today),
            "request": RequestForm(formdata=None, version=version, requested_at=today),
            "opinion": OpinionForm(formdata=None, version=version, decided_at=today),
            "hearing_start": HearingStartForm(formdata=None, version=version, started_at=today),
            "hearing_end": HearingEndForm(formdata=None, version=version, ended_at=today),
            "risk": RiskForm(formdata=None, version=version, level=petition.hidden_risk.value,
                             note=petition.risk_note),
            "petitioner": PetitionerForm(formdata=None, version=version),
            "attachment": AttachmentForm(formdata=None, version=version),
        }
        matches = []
        if petition.repeat_of_id is None:
            first = petition.petitioners
            matches = find_repeats(
                subject=petition.subject, phones=[p.phone for p in first if p.phone],
                id_numbers=[p.id_number for p in first if p.id_number],
                office_ids=_scope(), exclude_id=petition.id)
            matches = [m for m in matches if m.petition.id not in
                       {r.id for r in petition.repeats}]
        pending_extension = None
        if petition.case is not None:
            pending = [e for e in petition.case.extensions if e.status == "requested"]
            pending_extension = pending[-1] if pending else None
        disputes = db.session.scalars(select(Dispute).where(Dispute.petition_id == petition.id))
        hearings = db.session.scalars(select(SessionHearing).where(
            SessionHearing.petition_id == petition.id))
        case_files = []
        root = petition.repeat_of or petition
        for case in (root.case, root.review_case, root.rereview_case):
            if case is not None:
                case_files.extend((case, a) for a in case.attachments)
        return {
            "model": petition, "petition": petition, "full": full, "forms": forms,
            "Stage": Stage, "NoticeKind": NoticeKind, "matches": matches,
            "pending_extension": pending_extension, "disputes": list(disputes),
            "hearings": list(hearings), "case_files": case_files, "day": format_day,
            "local": format_local, "mask_name": mask_name, "mask_phone": mask_phone,
            "may_act": not permissions.is_read_only(current_user),
            "is_leader": current_user.role == "leader",
            "now": utc_now(), "return_url": self.get_url(".index_view"),
        }

    # --- actions ----------------------------------------------------------------------------

    ACTIONS = {
        "pass_on": PassOnForm, "decide": DecisionForm, "extension_request": ExtensionRequestForm,
        "extension_decision": ExtensionDecisionForm, "reply": ReplyForm, "deliver": DeliveryForm,
        "request_review": RequestForm, "decide_review": OpinionForm,
        "request_rereview": RequestForm, "decide_rereview": OpinionForm,
        "hearing_start": HearingStartForm, "hearing_end": HearingEndForm, "risk": RiskForm,
        "add_petitioner": PetitionerForm, "attach": AttachmentForm,
    }

    @expose("/act/<action>/", methods=("POST",))
    def act(self, action):
        """Run one step of the procedure on a petition (POST from its detail screen)."""
        form_class = self.ACTIONS.get(action)
        if form_class is None:
            abort(404)
        petition = self.get_one(request.form.get("id", ""))
        back = redirect(self.get_url(".details_view", id=petition.id))
        form = form_class()
        if not form.validate_on_submit():
            errors = "；".join(f"{getattr(form, k).label.text}：{'，'.join(v)}"
                              for k, v in form.errors.items() if hasattr(form, k))
            flash(errors or _("表单已过期，请刷新页面后重试。"), "error")
            return back
        if str(form.version.data) != str(petition.version):
            flash(_("该信访事项已被他人修改，您的操作未保存。请查看最新内容后重试。"), "error")
            return back
        try:
            message = self._run(action, petition, form)
            db.session.commit()
        except (PetitionError, CaseError) as exc:
            _flash_error(exc)
            return back
        except StaleDataError:
            _flash_error(_("该信访事项已被他人修改，您的操作未保存。请查看最新内容后重试。"))
            return back
        flash(message, "success")
        return back

    def _run(self, action: str, petition: Petition, form) -> str:  # noqa: C901
        actor = current_user.id
        if action == "pass_on":
            services.pass_on(petition, handling_unit=form.handling_unit.data,
                             passed_at=form.passed_at.data, actor_id=actor)
            return _("已登记转送，受理告知期限自转送之日起算。")
        if action == "decide":
            services.decide_acceptance(petition, accepted=form.accepted.data == "yes",
                                       decided_at=form.decided_at.data, note=form.note.data,
                                       actor_id=actor)
            return _("已登记受理决定，并生成书面告知书。")
        if action == "extension_request":
            services.request_extension(petition, days=form.days.data, reason=form.reason.data,
                                       actor_id=actor)
            return _("延期申请已提交，待领导审批。")
        if action == "extension_decision":
            if form.decision.data == "approve":
                services.approve_extension(petition, actor_id=actor, note=form.note.data)
                return _("已批准延期，并生成延期办理告知书。")
            services.refuse_extension(petition, actor_id=actor, note=form.note.data)
            return _("已不批准延期。")
        if action == "reply":
            services.reply(petition, result=form.result.data, replied_at=form.replied_at.data,
                           actor_id=actor)
            return _("已出具处理意见书。请在送达后登记送达。")
        if action == "deliver":
            notice = db.session.get(PetitionNotice, int(form.notice_id.data or 0))
            if notice is None or notice.petition_id != petition.id:
                raise PetitionError(_("找不到该文书。"))
            services.record_delivery(notice, method=form.method.data,
                                     delivered_at=form.delivered_at.data, note=form.note.data,
                                     actor_id=actor)
            return _("已登记送达。")
        if action == "request_review":
            services.request_review(petition, requested_at=form.requested_at.data,
                                    reason=form.reason.data, actor_id=actor)
            return _("已登记复查请求。")
        if action == "decide_review":
            services.decide_review(petition, opinion=form.opinion.data,
                                   decided_at=form.decided_at.data, actor_id=actor)
            return _("已出具复查意见书。")
        if action == "request_rereview":
            services.request_rereview(petition, requested_at=form.requested_at.data,
                                      reason=form.reason.data, actor_id=actor)
            return _("已登记复核请求。")
        if action == "decide_rereview":
            services.decide_rereview(petition, opinion=form.opinion.data,
                                     decided_at=form.decided_at.data, actor_id=actor)
            return _("已出具复核意见书，该信访事项终结。")
        if action == "hearing_start":
            services.start_hearing(petition, started_at=form.started_at.data,
                                   reason=form.reason.data, actor_id=actor)
            return _("已登记听证开始，复核期限暂停计算。")
        if action == "hearing_end":
            services.end_hearing(petition, ended_at=form.ended_at.data, actor_id=actor)
            return _("已登记听证结束，复核期限已顺延。")
        if action == "risk":
            services.set_risk(petition, level=form.level.data, note=form.note.data,
                              actor_id=actor)
            return _("已更新隐患等级。")
        if action == "add_petitioner":
            services.add_petitioner(petition, {
                "name": form.name.data, "phone": form.phone.data,
                "id_number": form.id_number.data, "address": form.address.data,
                "is_representative": form.is_representative.data}, actor_id=actor)
            return _("已添加信访人。")
        upload = form.file.data
        if not upload or not upload.filename:
            raise PetitionError(_("请选择要上传的文件。"))
        root = petition.repeat_of or petition
        case = root.rereview_case or root.review_case or root.case
        if case is None:
            raise PetitionError(_("该信访事项没有可上传附件的案件。"))
        from core.kit import add_attachment

        add_attachment(case, filename=upload.filename, data=upload.read(), actor_id=actor)
        return _("附件已上传。")

    # --- notices --------------------------------------------------------------------------

    def _notice(self, notice_id: int) -> PetitionNotice:
        notice = db.session.get(PetitionNotice, notice_id)
        if notice is None or not self._in_scope(notice.petition):
            abort(404)
        return notice

    @expose("/notice/<int:notice_id>/")
    def notice_print(self, notice_id):
        """The notice as a printable A4 page (the browser prints it)."""
        notice = self._notice(notice_id)
        body = notice.body_html
        if not _may_see_personal():
            masked = "、".join(mask_name(n) for n in notice.recipient.split("、"))
            body = body.replace(str(escape(notice.recipient)), str(escape(masked)))
        return self.render("petitions/admin/notice_print.html", notice=notice,
                           body=Markup(body), petition=notice.petition, local=format_local)

    @expose("/notice/<int:notice_id>/pdf")
    def notice_pdf(self, notice_id):
        """The notice as a PDF (for staff allowed to read the petitioner's name)."""
        import io

        from plugins.petitions.notices import notice_pdf

        notice = self._notice(notice_id)
        if not _may_see_personal():
            abort(403)
        return send_file(io.BytesIO(notice_pdf(notice)), mimetype="application/pdf",
                         download_name=f"{notice.number}.pdf", as_attachment=False)


# --- registration ------------------------------------------------------------------------


class RegisterView(ModuleView):
    """登记信访: type the petition in, check for repeats, register it."""

    def _office_choices(self) -> list:
        ids = _scope_ids()
        offices = db.session.scalars(select(Office).where(Office.id.in_(sorted(ids)))
                                     .order_by(Office.sort_order, Office.code))
        return [SelectChoice(o.id, o.name) for o in offices]

    def _form(self) -> RegisterForm:
        form = RegisterForm()
        form.office.choices = self._office_choices()
        if request.method == "GET":
            form.received_at.data = local_today()
            if current_user.office_id in {c.value for c in form.office.choices}:
                form.office.data = current_user.office_id
        return form

    @expose("/", methods=("GET", "POST"))
    def index(self):
        """GET: the empty form. POST: check for repeats, or register."""
        form = self._form()
        matches = []
        if request.method == "POST" and form.validate_on_submit():
            office_id = form.office.data if form.office.data else current_user.office_id
            if not _in_scope(office_id):
                abort(403)
            people = [entry.data for entry in form.petitioners]
            matches = find_repeats(
                subject=form.subject.data or "", office_ids=self._match_scope(office_id),
                phones=[p["phone"] for p in people if p.get("phone")],
                id_numbers=[p["id_number"] for p in people if p.get("id_number")])
            form.repeat_choice.choices = [SelectChoice("new", _("不是重复信访，作为新事项登记"))] + [
                SelectChoice(str(m.petition.id), m.petition.subject) for m in matches]
            choice = form.repeat_choice.data
            wants_save = bool(form.save.data) and (not matches or choice)
            if wants_save:
                return self._save(form, office_id, people, choice, matches)
            if form.save.data and matches:
                flash(_("发现可能重复的信访事项，请确认是否为重复信访后再登记。"), "warning")
        elif request.method == "POST":
            flash(_("请检查表单中的错误。"), "error")
        return self.render("petitions/admin/register.html", form=form, matches=matches,
                           day=format_day)

    def _match_scope(self, office_id: int) -> set[int]:
        return {office_id}

    def _save(self, form, office_id, people, choice, matches):
        repeat_of = None
        if choice and choice != "new":
            if choice not in {str(m.petition.id) for m in matches}:
                flash(_("请从查重结果中选择。"), "error")
                return self.render("petitions/admin/register.html", form=form, matches=matches,
                                   day=format_day)
            repeat_of = int(choice)
        try:
            petition = services.register_petition(
                office_id=office_id, channel=form.channel.data, received_at=form.received_at.data,
                subject=form.subject.data, demands=form.demands.data, content=form.content.data,
                people_count=form.people_count.data, petitioners=people,
                level_brought_to=form.level_brought_to.data, proper_level=form.proper_level.data,
                hidden_risk=form.hidden_risk.data, risk_note=form.risk_note.data,
                repeat_of_id=repeat_of, actor_id=current_user.id)
            files = [f for f in (form.attachments.data or []) if f and f.filename]
            if files:
                from core.kit import add_attachment

                root = petition.repeat_of or petition
                for upload in files:
                    add_attachment(root.case, filename=upload.filename, data=upload.read(),
                                   actor_id=current_user.id)
            db.session.commit()
        except (PetitionError, CaseError) as exc:
            _flash_error(exc)
            return self.render("petitions/admin/register.html", form=form, matches=matches,
                               day=format_day)
        if petition.repeat_of_id:
            flash(_("已登记为重复信访，并关联到原信访事项（回执号 %(r)s），不计为新事项。",
                    r=petition.receipt_no or ""), "success")
        else:
            flash(_("已登记，回执号 %(r)s。", r=petition.receipt_no), "success")
        return redirect(url_for("petitions_petitions.details_view", id=petition.id))


# --- petitioners, notices ------------------------------------------------------------------


class PetitionerView(OfficeScopedModelView):
    """信访人: masked in the list; the full record on the detail screen (logged); corrections."""

    column_list = ("petition", "name", "phone", "id_number", "is_representative", "office")
    column_labels = {"petition": _l("信访事项"), "name": _l("姓名"), "phone": _l("联系电话"),
                     "id_number": _l("身份证号码"), "address": _l("住址"),
                     "is_representative": _l("代表"), "office": _l("单位")}
    column_details_list = ("petition", "name", "phone", "id_number", "address",
                           "is_representative")
    personal_data_columns = ("name", "phone", "id_number", "address")
    form_columns = ("name", "phone", "id_number", "address", "is_representative")
    allow_create = False
    allow_delete = False
    allow_export = False  # a list of private persons' data never leaves the screen

    def on_model_change(self, form, model, is_created):
        """Check the corrected values and refresh the hashes used to find repeats."""
        super().on_model_change(form, model, is_created)
        try:
            cleaned = services.clean_petitioner({
                "name": model.name, "phone": model.phone, "id_number": model.id_number,
                "address": model.address, "is_representative": model.is_representative})
        except PetitionError as exc:
            raise ValidationError(str(exc)) from None
        for name, value in cleaned.items():
            setattr(model, name, value)
        from plugins.petitions.repeats import fill_hashes

        fill_hashes(model)


def _recipient(view, context, model, name):
    return "、".join(mask_name(n) for n in (model.recipient or "").split("、"))


def _notice_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(
        url_for("petitions_petitions.notice_print", notice_id=model.id), model.number)


class NoticeView(OfficeScopedModelView):
    """信访文书: every notice issued, whether and how it was delivered."""

    column_list = ("number", "kind", "petition", "recipient", "issued_at", "delivery_method",
                   "delivered_at")
    column_labels = {"number": _l("文号"), "kind": _l("文书"), "petition": _l("信访事项"),
                     "recipient": _l("受送达人"), "issued_at": _l("制作时间"),
                     "delivery_method": _l("送达方式"), "delivered_at": _l("送达时间")}
    column_formatters = {"kind": enum_label, "delivery_method": enum_label, "issued_at": _local,
                         "delivered_at": _local, "recipient": _recipient, "number": _notice_link}
    column_filters = ("kind", "delivered_at")
    column_choices = {"kind": _enum_filter_options(NoticeKind)}
    column_export_list = ("number", "kind", "issued_at", "delivery_method", "delivered_at")
    column_formatters_export = {"kind": enum_label, "delivery_method": enum_label,
                                "issued_at": _local, "delivered_at": _local}
    column_default_sort = ("issued_at", True)
    allow_create = False
    allow_edit = False
    allow_delete = False
    can_view_details = False


# --- mediation ----------------------------------------------------------------------------


def _scoped_petitions(office_id: int | None = None):
    query = select(Petition).where(Petition.repeat_of_id.is_(None))
    scope = _scope()
    if scope is not None:
        query = query.where(Petition.office_id.in_(sorted(scope)))
    if office_id is not None:
        query = query.where(Petition.office_id == office_id)
    return db.session.scalars(query.order_by(Petition.received_at.desc()).limit(300))


class DisputeView(OfficeScopedModelView):
    """矛盾纠纷调处: disputes and their three levels."""

    column_list = ("title", "status", "current_level", "office", "created_at")
    column_labels = {"title": _l("纠纷事由"), "status": _l("状态"),
                     "current_level": _l("当前层级"), "office": _l("受理单位"),
                     "created_at": _l("登记时间"), "parties": _l("当事人"), "facts": _l("基本情况")}
    column_formatters = {"status": enum_label, "current_level": enum_label, "created_at": _local}
    column_searchable_list = ("title",)
    column_export_list = ("title", "status", "current_level", "office", "created_at")
    column_formatters_export = {"status": enum_label, "current_level": enum_label, "created_at": _local}
    personal_data_columns = ("parties",)
    column_default_sort = ("created_at", True)
    allow_edit = False
    allow_delete = False
    details_template = "petitions/admin/dispute_details.html"

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        """Register a dispute; its first level's record is created with it."""
        form = DisputeForm()
        offices = [SelectChoice(o.id, o.name) for o in db.session.scalars(
            select(Office).where(Office.id.in_(sorted(_scope_ids())))
            .order_by(Office.sort_order, Office.code))]
        form.office.choices = offices
        form.petition_id.choices = [SelectChoice("", _("（无）"))] + [
            SelectChoice(str(p.id), f"{p.receipt_no or ''} {p.subject}")
            for p in _scoped_petitions()]
        if request.method == "GET" and current_user.office_id in {c.value for c in offices}:
            form.office.data = current_user.office_id
        if request.method == "POST":
            if permissions.is_read_only(current_user):
                abort(403)
            if form.validate_on_submit():
                office_id = form.office.data or current_user.office_id
                if not _in_scope(office_id):
                    abort(403)
                try:
                    dispute = mediation.open_dispute(
                        office_id=office_id, title=form.title.data, parties=form.parties.data,
                        facts=form.facts.data, petition_id=form.petition_id.data or None,
                        actor_id=current_user.id)
                    db.session.commit()
                except PetitionError as exc:
                    _flash_error(exc)
                else:
                    flash(_("纠纷已登记，等待%(level)s。", level=dispute.current_level.label),
                          "success")
                    return redirect(self.get_url(".details_view", id=dispute.id))
        return self.render("petitions/admin/dispute_new.html", form=form)

    @expose("/details/")
    def details_view(self):
        """A dispute with every level's record (the parties in full for allowed roles)."""
        dispute = self.get_one(request.args.get("id", ""))
        full = _may_see_personal()
        if full:
            record_event("personal_data.view", office_id=dispute.office_id,
                         target_type="petition_dispute", target_id=dispute.id,
                         details={"columns": ["parties"]})
            db.session.commit()
        return self.render(self.details_template, dispute=dispute, full=full,
                           local=format_local, in_scope=_in_scope,
                           return_url=self.get_url(".index_view"))


class MediationSessionView(OfficeScopedModelView):
    """调处记录: each level's record in the office that mediates it; results are recorded here."""

    column_list = ("dispute", "level", "outcome", "held_at", "office")
    column_labels = {"dispute": _l("纠纷"), "level": _l("层级"), "outcome": _l("结果"),
                     "held_at": _l("调处日期"), "office": _l("调处单位")}
    column_formatters = {"level": enum_label, "outcome": enum_label, "held_at": _day}
    column_filters = ("level", "outcome")
    column_choices = {"level": _enum_filter_options(mediation.MediationLevel),
                      "outcome": _enum_filter_options(mediation.MediationOutcome)}
    column_export_list = ("level", "outcome", "held_at", "office")
    column_formatters_export = {"level": enum_label, "outcome": enum_label, "held_at": _day}
    allow_create = False
    allow_edit = False
    allow_delete = False
    details_template = "petitions/admin/mediation_details.html"

    def _next_offices(self, session: MediationSession) -> list:
        kinds = {"station": ("station",), "township": ("government", "township")}
        level = session.level.next
        if level is None:
            return []
        wanted = kinds[level.value]
        offices = db.session.scalars(select(Office).where(
            Office.id.in_(sorted(enabled_office_ids(PLUGIN)))).order_by(Office.sort_order,
                                                                       Office.code))
        return [SelectChoice(str(o.id), o.name) for o in offices if o.kind.value in wanted] or [
            SelectChoice(str(session.office_id), session.office.name)]

    @expose("/details/", methods=("GET", "POST"))
    def details_view(self):
        """The dispute as handed to this level, and the form for this level's result."""
        session = self.get_one(request.args.get("id", ""))
        form = MediationForm()
        form.next_office.choices = self._next_offices(session)
        if request.method == "POST":
            if permissions.is_read_only(current_user):
                abort(403)
            if form.validate_on_submit():
                upload = form.agreement.data
                agreement = (upload.filename, upload.read()) if upload and upload.filename \
                    else None
                try:
                    following = mediation.record_session(
                        session, outcome=form.outcome.data, held_at=form.held_at.data,
                        summary=form.summary.data, place=form.place.data,
                        mediators=form.mediators.data, parties_present=form.parties_present.data,
                        agreement=agreement, signature_record=form.signature_record.data,
                        next_office_id=form.next_office.data or None, actor_id=current_user.id)
                    db.session.commit()
                except PetitionError as exc:
                    _flash_error(exc)
                else:
                    if following is not None:
                        flash(_("已移交%(level)s（%(office)s）。", level=following.level.label,
                                office=following.office.name), "success")
                    else:
                        flash(_("已登记调处结果。"), "success")
                    return redirect(self.get_url(".details_view", id=session.id))
            else:
                flash(_("请检查表单中的错误。"), "error")
        elif form.held_at.data is None:
            form.held_at.data = local_today()
        full = _may_see_personal()
        return self.render(self.details_template, session=session, dispute=session.dispute,
                           form=form, full=full, local=format_local, day=format_day,
                           in_scope=_in_scope, may_act=not permissions.is_read_only(current_user),
                           return_url=self.get_url(".index_view"))

    @expose("/agreement/<int:session_id>")
    def agreement(self, session_id):
        """The signed agreement's scan (same scope as the record)."""
        from core.kit import get_storage

        session = db.session.get(MediationSession, session_id)
        dispute_office = session.dispute.office_id if session is not None else None
        if session is None or not session.agreement_key or not (
                self._in_scope(session) or _in_scope(dispute_office)):
            abort(404)
        path = get_storage().path(session.agreement_key)
        if path is None:
            abort(404)
        return send_file(path, mimetype=session.agreement_content_type,
                         download_name=session.agreement_filename, as_attachment=True)


# --- observed reception sessions ---------------------------------------------------------


class _ObserverInline(InlineFormAdmin):
    form_columns = ("id", "category", "name", "unit", "opinions", "suggestions")
    form_label = _l("旁听人员")
    column_labels = {"category": _l("类别"), "name": _l("姓名"), "unit": _l("单位/身份"),
                     "opinions": _l("意见"), "suggestions": _l("建议")}
    form_choices = {"category": choices(ObserverCategory)}

    def __init__(self):
        super().__init__(SessionObserver)


class _HearingInline(InlineFormAdmin):
    form_columns = ("id", "petition", "notes", "referred_to_collective", "meeting_held_at",
                    "meeting_decision")
    form_label = _l("接待的信访事项")
    column_labels = {"petition": _l("信访事项"), "notes": _l("接待情况"),
                     "referred_to_collective": _l("提交党政领导班子集体协商"),
                     "meeting_held_at": _l("集体协商日期"),
                     "meeting_decision": _l("集体协商决定")}

    def __init__(self):
        super().__init__(SessionHearing, form_args={
            "petition": {"query_factory": lambda: _scoped_petitions(),
                         "allow_blank": False}})


class ReceptionSessionView(OfficeScopedModelView):
    """信访旁听: receptions by the Party secretary or township head with observers."""

    column_list = ("held_at", "host_role", "host_name", "convenor_name", "place", "office")
    column_labels = {"held_at": _l("接待时间"), "host_role": _l("接待领导职务"),
                     "host_name": _l("接待领导"), "convenor_name": _l("召集人（党委常务副书记）"),
                     "place": _l("地点"), "summary": _l("接待情况"), "office": _l("单位"),
                     "observers": _l("旁听人员"), "hearings": _l("接待的信访事项")}
    column_formatters = {"held_at": _local, "host_role": enum_label}
    column_default_sort = ("held_at", True)
    column_export_list = ("held_at", "host_role", "host_name", "convenor_name", "place", "office")
    column_formatters_export = {"held_at": _local, "host_role": enum_label}
    form_columns = ("office", "held_at", "place", "host_role", "host_name", "convenor_name",
                    "summary")
    form_choices = {"host_role": choices(HostRole)}
    inline_models = (_ObserverInline(), _HearingInline())
    allow_delete = False
    details_template = "petitions/admin/reception_details.html"

    def on_model_change(self, form, model, is_created):  # noqa: C901
        """Observers come from the rulebook's categories; heard petitions are the office's own;
        a collective decision needs the referral and its date."""
        super().on_model_change(form, model, is_created)
        if not model.host_name or not model.convenor_name:
            raise ValidationError(_("请填写接待领导和召集人。"))
        if not model.observers:
            raise ValidationError(_("旁听制度要求有旁听人员，请至少登记一名旁听人员。"))
        office_id = self.office_id_of(model)  # a choice in the form is not on office_id yet
        model.office_id = office_id
        for observer in model.observers:
            observer.office_id = office_id
            if not observer.name:
                raise ValidationError(_("请填写旁听人员姓名。"))
            try:
                ObserverCategory(observer.category)
            except ValueError:
                raise ValidationError(_("旁听人员类别不正确。")) from None
        for hearing in model.hearings:
            hearing.office_id = office_id
            if hearing.petition is None or hearing.petition.office_id != office_id:
                raise ValidationError(_("只能登记本单位的信访事项。"))
            if hearing.meeting_decision and not hearing.referred_to_collective:
                raise ValidationError(_("登记集体协商决定前，请勾选“提交党政领导班子集体协商”。"))
            if hearing.meeting_decision and not hearing.meeting_held_at:
                raise ValidationError(_("请填写集体协商日期。"))
            # The inline form's date comes naive (not yet through the UTCDateTime column).
            if hearing.meeting_held_at and model.held_at and \
                    as_utc(hearing.meeting_held_at) < as_utc(model.held_at).replace(hour=0):
                raise ValidationError(_("集体协商日期不能早于接待日期。"))


# --- supervision ---------------------------------------------------------------------------


class SupervisionView(ModuleView):
    """信访督查: backlog per office, result share, repeat rate, overdue and risk lists, and the
    monthly report (CSV/XLSX)."""

    @expose("/")
    def index(self):
        """Figures for a period (default: this year) and the lists as of now."""
        today = local_today()
        year = request.args.get("year", type=int) or today.year
        if not 2000 <= year <= today.year + 1:
            flash(_("年份不正确。"), "error")
            year = today.year
        office_ids = _scope_ids()
        figures = stats.office_figures(office_ids, date(year, 1, 1), date(year + 1, 1, 1))
        export = request.args.get("format")
        if export in ("csv", "xlsx"):
            record_event("export", target_type="petition_monthly_report",
                         details={"year": year, "format": export, "offices": sorted(office_ids)})
            db.session.commit()
            return export_response(export, f"petitions-monthly-{year}", stats.monthly_headers(),
                                   stats.monthly_rows(office_ids, year))
        disputes_open = db.session.scalar(select(db.func.count()).select_from(MediationSession)
                                          .where(MediationSession.office_id.in_(sorted(office_ids)),
                                                 MediationSession.outcome == "pending")) or 0
        return self.render(
            "petitions/admin/supervision.html", figures=figures, total=stats.totals(figures),
            overdue=stats.overdue_petitions(office_ids), risks=stats.risk_petitions(office_ids),
            monthly=stats.monthly_rows(office_ids, year), headers=stats.monthly_headers(),
            year=year, day=format_day, disputes_open=disputes_open, now=utcnow())


# --- registration with the core -----------------------------------------------------------


def admin_views() -> list:
    """The module's staff screens, in menu order."""
    return [
        PetitionView(Petition, db, name=_l("信访事项"), endpoint="petitions"),
        RegisterView(name=_l("登记信访"), endpoint="register"),
        NoticeView(PetitionNotice, db, name=_l("信访文书"), endpoint="notices"),
        PetitionerView(Petitioner, db, name=_l("信访人"), endpoint="petitioners"),
        DisputeView(Dispute, db, name=_l("矛盾纠纷调处"), endpoint="disputes"),
        MediationSessionView(MediationSession, db, name=_l("调处记录"), endpoint="mediations"),
        ReceptionSessionView(ReceptionSession, db, name=_l("信访旁听"), endpoint="receptions"),
        SupervisionView(name=_l("信访督查"), endpoint="supervision"),
    ]


def dashboard_widgets(user, office_ids: set[int]) -> list:
    """Backlog, overdue and high-risk tiles for the user's offices."""
    from core.kit import Widget

    backlog, overdue, high_risk = stats.current_counts(set(office_ids))
    url = url_for("petitions_supervision.index")
    return [
        Widget(title=_("信访积压"), value=backlog, url=url, tone="warn" if backlog else "ok"),
        Widget(title=_("信访超期"), value=overdue, url=url, tone="alert" if overdue else "ok"),
        Widget(title=_("高风险信访隐患"), value=high_risk, url=url,
               tone="alert" if high_risk else "ok"),
    ]



def supervision_sections(user, office_ids: set[int]) -> list:
    """The petitions table on the core's supervision screen: this year's figures per office."""
    from core.kit import SupervisionSection

    today = local_today()
    figures = stats.office_figures(set(office_ids), start=today.replace(month=1, day=1))

    def percent(share):
        return "—" if share is None else f"{share:.0%}"

    rows = [[f.office.name, f.backlog, f.overdue, f.high_risk, f.registered,
             percent(f.result_share), percent(f.repeat_rate)] for f in figures]
    return [SupervisionSection(
        title=_("信访（%(year)d 年）", year=today.year),
        headers=[_("单位"), _("积压"), _("超期"), _("高风险"), _("本年登记"), _("有结果占比"),
                 _("重复率")],
        rows=rows, url=url_for("petitions_supervision.index"),
        note=_("积压、超期、高风险为当前数；登记、有结果占比、重复率按本年登记计算。"))]
