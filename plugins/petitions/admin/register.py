"""登记信访: type a petition in, check it for repeats, register it."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.kit import (
    ModuleView,
    Office,
    UserError,
    db,
    form_values,
    format_day,
    local_today,
)
from plugins.petitions import services
from plugins.petitions.admin.common import (
    flash_error,
    in_office_scope,
    scope_ids,
)
from plugins.petitions.admin.forms import (
    RegisterForm,
)
from plugins.petitions.repeats import find_repeats


class RegisterView(ModuleView):
    """登记信访: type the petition in, check for repeats, register it."""

    def _office_choices(self) -> list:
        ids = scope_ids()
        offices = db.session.scalars(
            select(Office)
            .where(Office.id.in_(sorted(ids)))
            .order_by(Office.sort_order, Office.code)
        )
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
            if not in_office_scope(office_id):
                abort(403)
            people = [entry.data for entry in form.petitioners]
            matches = find_repeats(
                subject=form.subject.data or "",
                office_ids=self._match_scope(office_id),
                phones=[p["phone"] for p in people if p.get("phone")],
                id_numbers=[p["id_number"] for p in people if p.get("id_number")],
            )
            form.repeat_choice.choices = [
                SelectChoice("new", _("不是重复信访，作为新事项登记"))
            ] + [SelectChoice(str(m.petition.id), m.petition.subject) for m in matches]
            choice = form.repeat_choice.data
            wants_save = bool(form.save.data) and (not matches or choice)
            if wants_save:
                return self._save(form, office_id, people, choice, matches)
            if form.save.data and matches:
                flash(_("发现可能重复的信访事项，请确认是否为重复信访后再登记。"), "warning")
        elif request.method == "POST":
            flash(_("请检查表单中的错误。"), "error")
        return self.render(
            "petitions/admin/register.html", form=form, matches=matches, day=format_day
        )

    def _match_scope(self, office_id: int) -> set[int]:
        return {office_id}

    def _save(self, form, office_id, people, choice, matches):
        repeat_of = None
        if choice and choice != "new":
            if choice not in {str(m.petition.id) for m in matches}:
                flash(_("请从查重结果中选择。"), "error")
                return self.render(
                    "petitions/admin/register.html", form=form, matches=matches, day=format_day
                )
            repeat_of = int(choice)
        try:
            petition = services.register_petition(
                office_id=office_id,
                **form_values(form, "channel received_at subject demands content people_count"),
                petitioners=people,
                **form_values(form, "level_brought_to proper_level hidden_risk risk_note"),
                repeat_of_id=repeat_of,
                actor_id=current_user.id,
            )
            files = [f for f in (form.attachments.data or []) if f and f.filename]
            if files:
                from core.kit import add_attachment

                root = petition.repeat_of or petition
                for upload in files:
                    add_attachment(
                        root.case,
                        filename=upload.filename,
                        data=upload.read(),
                        actor_id=current_user.id,
                    )
            db.session.commit()
        except UserError as exc:
            flash_error(exc)
            return self.render(
                "petitions/admin/register.html", form=form, matches=matches, day=format_day
            )
        if petition.repeat_of_id:
            flash(
                _(
                    "已登记为重复信访，并关联到原信访事项（回执号 %(r)s），不计为新事项。",
                    r=petition.receipt_no or "",
                ),
                "success",
            )
        else:
            flash(_("已登记，回执号 %(r)s。", r=petition.receipt_no), "success")
        return redirect(url_for("petitions_petitions.details_view", id=petition.id))
