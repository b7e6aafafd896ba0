"""信访事项: the register of petitions, each petition's detail screen with the procedure's
actions, and its notices (printable page, PDF).

Another office's staff never reach a petition (lists, details, notices answer 404), auditors
read and never write, and petitioners' personal data is shown in full only to roles allowed
to read it — each full view is logged."""

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import ValidationError

from core.kit import (
    OfficeScopedModelView,
    add_attachment,
    db,
    enum_label,
    form_values,
    format_day,
    format_local,
    get_scoped_or_404,
    local_today,
    log_personal_view,
    mask_name,
    mask_phone,
    permissions,
    submit,
    utc_now,
)
from plugins.petitions import services
from plugins.petitions.admin.common import (
    PLUGIN,
    due_cell,
    enum_filter_options,
    first_petitioner_cell,
    flags_cell,
    may_see_personal,
    scope_ids,
)
from plugins.petitions.admin.forms import (
    AttachmentForm,
    DecisionForm,
    DeliveryForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    HearingEndForm,
    HearingStartForm,
    OpinionForm,
    PassOnForm,
    PetitionerForm,
    ReplyForm,
    RequestForm,
    RiskForm,
)
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import (
    Dispute,
    Level,
    NoticeKind,
    Petition,
    PetitionChannel,
    PetitionNotice,
    RiskLevel,
    SessionHearing,
    Stage,
)
from plugins.petitions.repeats import find_repeats
from plugins.petitions.services.first_instance import pending_extension


class PetitionView(OfficeScopedModelView):
    """信访事项: the register, each petition's stages, notices, files and possible repeats."""

    column_list = (
        "receipt_no",
        "subject",
        "channel",
        "received_at",
        "petitioner",
        "people_count",
        "flags",
        "stage",
        "due_at",
        "hidden_risk",
        "office",
    )
    column_labels = {
        "receipt_no": _l("回执号"),
        "subject": _l("信访事由"),
        "channel": _l("形式"),
        "received_at": _l("收到时间"),
        "petitioner": _l("信访人"),
        "people_count": _l("人数"),
        "flags": _l("标记"),
        "stage": _l("阶段"),
        "due_at": _l("本阶段期限"),
        "hidden_risk": _l("隐患"),
        "office": _l("单位"),
        "collective": _l("集体访"),
        "skip_level": _l("越级访"),
        "demands": _l("信访诉求"),
        "content": _l("主要内容"),
        "level_brought_to": _l("到达层级"),
        "proper_level": _l("有权处理的层级"),
        "repeat_of": _l("重复于"),
    }
    column_formatters = {
        "channel": enum_label,
        "stage": enum_label,
        "hidden_risk": enum_label,
        "due_at": due_cell,
        "flags": flags_cell,
        "petitioner": first_petitioner_cell,
    }
    column_filters = (
        "stage",
        "channel",
        "collective",
        "skip_level",
        "hidden_risk",
        "received_at",
        "office",
    )
    column_choices = {
        "stage": enum_filter_options(Stage),
        "channel": enum_filter_options(PetitionChannel),
        "hidden_risk": enum_filter_options(RiskLevel),
    }
    column_searchable_list = ("subject", "receipt_no")
    column_default_sort = ("received_at", True)
    column_export_list = (
        "receipt_no",
        "subject",
        "channel",
        "received_at",
        "people_count",
        "collective",
        "skip_level",
        "stage",
        "due_at",
        "hidden_risk",
        "office",
    )
    column_formatters_export = {
        "channel": enum_label,
        "stage": enum_label,
        "hidden_risk": enum_label,
    }
    form_columns = (
        "subject",
        "demands",
        "content",
        "people_count",
        "level_brought_to",
        "proper_level",
    )
    form_choices = {"level_brought_to": Level.choices(), "proper_level": Level.choices()}
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
        full = may_see_personal()
        if full and petition.petitioners:
            log_personal_view(petition, "name", "phone", "id_number", "address")
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
            "risk": RiskForm(
                formdata=None,
                version=version,
                level=petition.hidden_risk.value,
                note=petition.risk_note,
            ),
            "petitioner": PetitionerForm(formdata=None, version=version),
            "attachment": AttachmentForm(formdata=None, version=version),
        }
        matches = []
        if petition.repeat_of_id is None:
            first = petition.petitioners
            matches = find_repeats(
                subject=petition.subject,
                phones=[p.phone for p in first if p.phone],
                id_numbers=[p.id_number for p in first if p.id_number],
                office_ids=scope_ids(),
                exclude_id=petition.id,
            )
            matches = [m for m in matches if m.petition.id not in {r.id for r in petition.repeats}]
        disputes = db.session.scalars(select(Dispute).where(Dispute.petition_id == petition.id))
        hearings = db.session.scalars(
            select(SessionHearing).where(SessionHearing.petition_id == petition.id)
        )
        case_files = []
        root = petition.repeat_of or petition
        for case in (root.case, root.review_case, root.rereview_case):
            if case is not None:
                case_files.extend((case, a) for a in case.attachments)
        return {
            "model": petition,
            "petition": petition,
            "full": full,
            "forms": forms,
            "Stage": Stage,
            "NoticeKind": NoticeKind,
            "matches": matches,
            "pending_extension": pending_extension(petition),
            "disputes": list(disputes),
            "hearings": list(hearings),
            "case_files": case_files,
            "day": format_day,
            "local": format_local,
            "mask_name": mask_name,
            "mask_phone": mask_phone,
            "may_act": not permissions.is_read_only(current_user),
            "is_leader": current_user.role == "leader",
            "now": utc_now(),
            "return_url": self.get_url(".index_view"),
        }

    # --- actions ----------------------------------------------------------------------------

    @expose("/act/<action>/", methods=("POST",))
    def act(self, action):
        """Run one step of the procedure on a petition (POST from its detail screen, carrying
        the petition's version)."""
        if action not in ACTIONS:
            abort(404)
        form_class, step = ACTIONS[action]
        petition = get_scoped_or_404(Petition, request.form.get("id", ""), PLUGIN)
        return submit(
            form_class(),
            lambda form: step(petition, form, current_user.id),
            success=None,
            back=self.get_url(".details_view", id=petition.id),
            row=petition,
            after_commit=lambda message: flash(message, "success"),
        )

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
        if not may_see_personal():
            masked = "、".join(mask_name(n) for n in notice.recipient.split("、"))
            body = body.replace(str(escape(notice.recipient)), str(escape(masked)))
        return self.render(
            "petitions/admin/notice_print.html",
            notice=notice,
            body=Markup(body),
            petition=notice.petition,
            local=format_local,
        )

    @expose("/notice/<int:notice_id>/pdf")
    def notice_pdf(self, notice_id):
        """The notice as a PDF (for staff allowed to read the petitioner's name)."""
        import io

        from plugins.petitions.notices import notice_pdf

        notice = self._notice(notice_id)
        if not may_see_personal():
            abort(403)
        return send_file(
            io.BytesIO(notice_pdf(notice)),
            mimetype="application/pdf",
            download_name=f"{notice.number}.pdf",
            as_attachment=False,
        )


# --- the procedure's steps, as the detail screen posts them ---------------------------------
# Each takes the petition, its validated form and the acting user's id, calls the service and
# returns the message shown once the step is saved.


def _extension_decision(petition: Petition, form, actor_id: int) -> str:
    if form.decision.data == "approve":
        services.approve_extension(petition, actor_id=actor_id, note=form.note.data)
        return _("已批准延期，并生成延期办理告知书。")
    services.refuse_extension(petition, actor_id=actor_id, note=form.note.data)
    return _("已不批准延期。")


def _deliver(petition: Petition, form, actor_id: int) -> str:
    notice = db.session.get(PetitionNotice, int(form.notice_id.data or 0))
    if notice is None or notice.petition_id != petition.id:
        raise PetitionError(_("找不到该文书。"))
    services.record_delivery(
        notice,
        **form_values(form, "method delivered_at note"),
        actor_id=actor_id,
    )
    return _("已登记送达。")


def _attach(petition: Petition, form, actor_id: int) -> str:
    upload = form.file.data
    if not upload or not upload.filename:
        raise PetitionError(_("请选择要上传的文件。"))
    root = petition.repeat_of or petition
    case = root.rereview_case or root.review_case or root.case
    if case is None:
        raise PetitionError(_("该信访事项没有可上传附件的案件。"))
    add_attachment(case, filename=upload.filename, data=upload.read(), actor_id=actor_id)
    return _("附件已上传。")


def _step(service, message, *fields):
    """A step that calls ``service`` with these fields of the form (same names) and says
    ``message``."""

    def step(petition: Petition, form, actor_id: int) -> str:
        service(petition, actor_id=actor_id, **{name: getattr(form, name).data for name in fields})
        return str(message)

    return step


def _decide(petition: Petition, form, actor_id: int) -> str:
    services.decide_acceptance(
        petition,
        accepted=form.accepted.data == "yes",
        decided_at=form.decided_at.data,
        note=form.note.data,
        actor_id=actor_id,
    )
    return _("已登记受理决定，并生成书面告知书。")


def _add_petitioner(petition: Petition, form, actor_id: int) -> str:
    services.add_petitioner(
        petition,
        {
            name: getattr(form, name).data
            for name in ("name", "phone", "id_number", "address", "is_representative")
        },
        actor_id=actor_id,
    )
    return _("已添加信访人。")


# The desk actions: each posts its form with the petition's version.
ACTIONS = {
    "pass_on": (
        PassOnForm,
        _step(
            services.pass_on,
            _l("已登记转送，受理告知期限自转送之日起算。"),
            "handling_unit",
            "passed_at",
        ),
    ),
    "decide": (DecisionForm, _decide),
    "extension_request": (
        ExtensionRequestForm,
        _step(services.request_extension, _l("延期申请已提交，待领导审批。"), "days", "reason"),
    ),
    "extension_decision": (ExtensionDecisionForm, _extension_decision),
    "reply": (
        ReplyForm,
        _step(services.reply, _l("已出具处理意见书。请在送达后登记送达。"), "result", "replied_at"),
    ),
    "deliver": (DeliveryForm, _deliver),
    "request_review": (
        RequestForm,
        _step(services.request_review, _l("已登记复查请求。"), "requested_at", "reason"),
    ),
    "decide_review": (
        OpinionForm,
        _step(services.decide_review, _l("已出具复查意见书。"), "opinion", "decided_at"),
    ),
    "request_rereview": (
        RequestForm,
        _step(services.request_rereview, _l("已登记复核请求。"), "requested_at", "reason"),
    ),
    "decide_rereview": (
        OpinionForm,
        _step(
            services.decide_rereview,
            _l("已出具复核意见书，该信访事项终结。"),
            "opinion",
            "decided_at",
        ),
    ),
    "hearing_start": (
        HearingStartForm,
        _step(
            services.start_hearing, _l("已登记听证开始，复核期限暂停计算。"), "started_at", "reason"
        ),
    ),
    "hearing_end": (
        HearingEndForm,
        _step(services.end_hearing, _l("已登记听证结束，复核期限已顺延。"), "ended_at"),
    ),
    "risk": (RiskForm, _step(services.set_risk, _l("已更新隐患等级。"), "level", "note")),
    "add_petitioner": (PetitionerForm, _add_petitioner),
    "attach": (AttachmentForm, _attach),
}
