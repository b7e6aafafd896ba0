"""矛盾纠纷调处: disputes and each level's mediation record (三级调处)."""

from flask import abort, flash, redirect, request, send_file
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.kit import (
    Office,
    OfficeScopedModelView,
    RecordView,
    db,
    enabled_office_ids,
    enum_label,
    form_values,
    format_day,
    format_local,
    local_today,
    log_personal_view,
    permissions,
    submit,
)
from plugins.petitions.admin.common import (
    PLUGIN,
    day_cell,
    enum_filter_options,
    flash_error,
    in_office_scope,
    may_see_personal,
    scope_ids,
    scoped_petitions,
)
from plugins.petitions.admin.forms import (
    DisputeForm,
    MediationForm,
)
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import (
    MediationSession,
)
from plugins.petitions.services import mediation


class DisputeView(OfficeScopedModelView):
    """矛盾纠纷调处: disputes and their three levels."""

    column_list = ("title", "status", "current_level", "office", "created_at")
    column_labels = {
        "title": _l("纠纷事由"),
        "status": _l("状态"),
        "current_level": _l("当前层级"),
        "office": _l("受理单位"),
        "created_at": _l("登记时间"),
        "parties": _l("当事人"),
        "facts": _l("基本情况"),
    }
    column_searchable_list = ("title",)
    column_export_list = ("title", "status", "current_level", "office", "created_at")
    personal_data_columns = ("parties",)
    column_default_sort = ("created_at", True)
    allow_edit = False
    allow_delete = False
    details_template = "petitions/admin/dispute_details.html"

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        """Register a dispute; its first level's record is created with it."""
        form = DisputeForm()
        offices = [
            SelectChoice(o.id, o.name)
            for o in db.session.scalars(
                select(Office)
                .where(Office.id.in_(sorted(scope_ids())))
                .order_by(Office.sort_order, Office.code)
            )
        ]
        form.office.choices = offices
        form.petition_id.choices = [SelectChoice("", _("（无）"))] + [
            SelectChoice(str(p.id), f"{p.receipt_no or ''} {p.subject}") for p in scoped_petitions()
        ]
        if request.method == "GET" and current_user.office_id in {c.value for c in offices}:
            form.office.data = current_user.office_id
        if request.method == "POST":
            if permissions.is_read_only(current_user):
                abort(403)
            if form.validate_on_submit():
                office_id = form.office.data or current_user.office_id
                if not in_office_scope(office_id):
                    abort(403)
                try:
                    dispute = mediation.open_dispute(
                        office_id=office_id,
                        **form_values(form, "title parties facts"),
                        petition_id=form.petition_id.data or None,
                        actor_id=current_user.id,
                    )
                    db.session.commit()
                except PetitionError as exc:
                    flash_error(exc)
                else:
                    flash(
                        _("纠纷已登记，等待%(level)s。", level=dispute.current_level.label),
                        "success",
                    )
                    return redirect(self.get_url(".details_view", id=dispute.id))
        return self.render("petitions/admin/dispute_new.html", form=form)

    @expose("/details/")
    def details_view(self):
        """A dispute with every level's record (the parties in full for allowed roles)."""
        dispute = self.get_one(request.args.get("id", ""))
        full = may_see_personal()
        if full:
            log_personal_view(dispute, "parties")
        return self.render(
            self.details_template,
            dispute=dispute,
            full=full,
            local=format_local,
            in_scope=in_office_scope,
            return_url=self.get_url(".index_view"),
        )


class MediationSessionView(RecordView):
    """调处记录: each level's record in the office that mediates it; results are recorded here."""

    column_list = ("dispute", "level", "outcome", "held_at", "office")
    column_labels = {
        "dispute": _l("纠纷"),
        "level": _l("层级"),
        "outcome": _l("结果"),
        "held_at": _l("调处日期"),
        "office": _l("调处单位"),
    }
    column_formatters = {"level": enum_label, "outcome": enum_label, "held_at": day_cell}
    column_filters = ("level", "outcome")
    column_choices = {
        "level": enum_filter_options(mediation.MediationLevel),
        "outcome": enum_filter_options(mediation.MediationOutcome),
    }
    column_export_list = ("level", "outcome", "held_at", "office")
    column_formatters_export = {"level": enum_label, "outcome": enum_label, "held_at": day_cell}
    details_template = "petitions/admin/mediation_details.html"

    def _next_offices(self, session: MediationSession) -> list:
        kinds = {"station": ("station",), "township": ("government", "township")}
        level = session.level.next
        if level is None:
            return []
        wanted = kinds[level.value]
        offices = db.session.scalars(
            select(Office)
            .where(Office.id.in_(sorted(enabled_office_ids(PLUGIN))))
            .order_by(Office.sort_order, Office.code)
        )
        return [SelectChoice(str(o.id), o.name) for o in offices if o.kind.value in wanted] or [
            SelectChoice(str(session.office_id), session.office.name)
        ]

    @expose("/details/", methods=("GET", "POST"))
    def details_view(self):
        """The dispute as handed to this level, and the form for this level's result."""
        session = self.get_one(request.args.get("id", ""))
        form = MediationForm()
        form.next_office.choices = self._next_offices(session)
        if request.method == "POST":
            if permissions.is_read_only(current_user):
                abort(403)
            return submit(
                form,
                lambda form: _record(session, form),
                success=None,
                back=self.get_url(".details_view", id=session.id),
                row=session.dispute,
                after_commit=_recorded,
            )
        if form.held_at.data is None:
            form.held_at.data = local_today()
        full = may_see_personal()
        return self.render(
            self.details_template,
            session=session,
            dispute=session.dispute,
            form=form,
            full=full,
            local=format_local,
            day=format_day,
            in_scope=in_office_scope,
            may_act=not permissions.is_read_only(current_user),
            return_url=self.get_url(".index_view"),
        )

    @expose("/agreement/<int:session_id>")
    def agreement(self, session_id):
        """The signed agreement's scan (same scope as the record)."""
        from core.kit import get_storage

        session = db.session.get(MediationSession, session_id)
        dispute_office = session.dispute.office_id if session is not None else None
        if (
            session is None
            or not session.agreement_key
            or not (self._in_scope(session) or in_office_scope(dispute_office))
        ):
            abort(404)
        path = get_storage().path(session.agreement_key)
        if path is None:
            abort(404)
        return send_file(
            path,
            mimetype=session.agreement_content_type,
            download_name=session.agreement_filename,
            as_attachment=True,
        )


def _record(session: MediationSession, form) -> MediationSession | None:
    """Record this level's result from the posted form; the next level's record, if any."""
    upload = form.agreement.data
    agreement = (upload.filename, upload.read()) if upload and upload.filename else None
    return mediation.record_session(
        session,
        **form_values(form, "outcome held_at summary place mediators parties_present"),
        agreement=agreement,
        signature_record=form.signature_record.data,
        next_office_id=form.next_office.data or None,
        actor_id=current_user.id,
    )


def _recorded(following: MediationSession | None) -> None:
    if following is not None:
        flash(
            _(
                "已移交%(level)s（%(office)s）。",
                level=following.level.label,
                office=following.office.name,
            ),
            "success",
        )
    else:
        flash(_("已登记调处结果。"), "success")
