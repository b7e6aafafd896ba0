"""Staff screen: the office's list of service matters (create, edit, unlist; never deleted).

Every save goes through ``services.validate_matter`` so the rules hold whatever the screen: a
known case category (the time limit is the core's), a fee only with the basis of its standard.
"""

from flask import abort, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import DecimalField, SelectField, TextAreaField, ValidationError
from wtforms.validators import Optional

from core.kit import (
    ACTIVE_STATUSES,
    Case,
    ModuleView,
    OfficeScopedModelView,
    Role,
    ScopedChoices,
    User,
    all_categories,
    category_title,
    db,
    enum_choices,
    enum_label,
    get_scoped_or_404,
    public_url,
    scoped_office_ids,
    submit,
)
from plugins.catalogue import cases, services
from plugins.catalogue.errors import CatalogueError
from plugins.catalogue.forms import CloseForm, RegisterForm
from plugins.catalogue.models import (
    CaseFee,
    LiaisonOfficer,
    LiaisonRole,
    Place,
    ServiceMatter,
    ServicePlace,
)


def category_choices() -> list[tuple[str, str]]:
    """Every case category of the app, "title（limit）", for the matter form."""
    return [
        (code, f"{spec.title}（{spec.describe()}）")
        for code, spec in sorted(all_categories().items())
    ]


def _fee(view, context, model, name):
    return _("免费") if model.is_free else _("%(fee)s 元", fee=model.fee)


def _public_link(view, context, model, name):
    url = public_url(
        "catalogue_public.matter_page", office_code=model.office.code, matter_id=model.id
    )
    return Markup('<a href="{}" target="_blank" rel="noopener">{}</a>').format(url, _("办事指南页"))


class MatterView(OfficeScopedModelView):
    """The office's service matters (服务事项清单): its powers, with place, documents, fee
    and steps. A matter no longer handled is unlisted, not deleted."""

    column_list = ("name", "category_code", "place", "fee", "listed", "office", "page")
    column_labels = {
        "name": _l("事项名称"),
        "category_code": _l("办件类别（时限）"),
        "place": _l("办理地点"),
        "fee": _l("收费"),
        "listed": _l("对外公布"),
        "office": _l("单位"),
        "page": _l("公开页面"),
        "legal_basis": _l("职权依据"),
        "handled_by": _l("承办窗口或岗位"),
        "documents": _l("所需材料"),
        "fee_basis": _l("收费依据"),
        "steps": _l("办理步骤"),
    }
    column_formatters = {
        "category_code": lambda v, c, m, n: category_title(m.category_code),
        "place": enum_label,
        "fee": _fee,
        "page": _public_link,
    }
    column_formatters_export = {
        "category_code": lambda v, c, m, n: category_title(m.category_code),
        "place": enum_label,
        "fee": _fee,
    }
    column_export_list = (
        "name",
        "category_code",
        "place",
        "handled_by",
        "fee",
        "fee_basis",
        "legal_basis",
        "listed",
    )
    column_searchable_list = ("name", "documents", "handled_by")
    column_filters = (
        sqla_filters.FilterEqual(
            ServiceMatter.place, _l("办理地点"), options=lambda: enum_choices(Place)
        ),
        "listed",
    )
    column_default_sort = ("name", False)
    column_details_exclude_list = ("version",)
    form_columns = (
        "office",
        "name",
        "legal_basis",
        "category_code",
        "place",
        "handled_by",
        "documents",
        "fee",
        "fee_basis",
        "steps",
        "listed",
    )
    form_overrides = {
        "category_code": SelectField,
        "place": SelectField,
        "fee": DecimalField,
        "legal_basis": TextAreaField,
        "documents": TextAreaField,
        "fee_basis": TextAreaField,
        "steps": TextAreaField,
    }
    form_args = {
        "office": {"label": _l("单位")},
        "name": {"label": _l("事项名称")},
        "legal_basis": {
            "label": _l("职权依据"),
            "description": _l("本单位办理该事项的法律法规或文件依据（限事：不越权）。"),
        },
        "category_code": {"label": _l("办件类别（时限）"), "choices": category_choices},
        "place": {"label": _l("办理地点"), "choices": enum_choices(Place)},
        "handled_by": {"label": _l("承办窗口或岗位")},
        "documents": {"label": _l("所需材料"), "description": _l("每行一项。")},
        "fee": {
            "label": _l("收费标准（元）"),
            "validators": [Optional()],
            "places": 2,
            "description": _l("免费事项留空或填 0。"),
        },
        "fee_basis": {
            "label": _l("收费依据"),
            "description": _l("收费事项必填：收费标准的文件依据。"),
        },
        "steps": {"label": _l("办理步骤"), "description": _l("每行一步。")},
        "listed": {"label": _l("对外公布")},
    }
    form_widget_args = {
        "documents": {"rows": 6},
        "steps": {"rows": 6},
        "legal_basis": {"rows": 3},
        "fee_basis": {"rows": 2},
    }
    allow_delete = False

    def on_model_change(self, form, model, is_created):
        """Within the user's offices, and a matter residents can rely on."""
        super().on_model_change(form, model, is_created)
        try:
            services.validate_matter(model)
        except CatalogueError as exc:
            raise ValidationError(str(exc)) from None


class PlaceView(OfficeScopedModelView):
    """The township's service hall and each village's convenience room, with opening hours."""

    column_list = ("name", "kind", "address", "opening_hours", "phone", "office")
    column_labels = {
        "name": _l("场所名称"),
        "kind": _l("类型"),
        "address": _l("地址"),
        "opening_hours": _l("开放时间"),
        "phone": _l("办公电话"),
        "office": _l("单位"),
    }
    column_formatters = {"kind": enum_label}
    column_formatters_export = {"kind": enum_label}
    column_details_exclude_list = ("version",)
    form_columns = ("office", "kind", "name", "address", "opening_hours", "phone")
    form_overrides = {"kind": SelectField, "opening_hours": TextAreaField}
    form_args = {
        "office": {"label": _l("单位")},
        "kind": {
            "label": _l("类型"),
            "choices": [(p.value, p.label) for p in (Place.HALL, Place.VILLAGE)],
        },
        "name": {"label": _l("场所名称")},
        "address": {"label": _l("地址")},
        "opening_hours": {
            "label": _l("开放时间"),
            "description": _l("如：周一至周五 8:30–12:00、14:30–17:30"),
        },
        "phone": {"label": _l("办公电话"), "description": _l("单位座机，不填个人手机。")},
    }
    allow_delete = False

    def on_model_change(self, form, model, is_created):
        """Within the user's offices, a hall or a village room with a name."""
        super().on_model_change(form, model, is_created)
        try:
            services.validate_place(model)
        except CatalogueError as exc:
            raise ValidationError(str(exc)) from None


class LiaisonView(OfficeScopedModelView):
    """Each village's liaison officers (the women's director, the bookkeeper): staff records;
    an officer belongs to the office of the staff record chosen."""

    column_list = ("user", "role", "office")
    column_labels = {"user": _l("工作人员"), "role": _l("联络员身份"), "office": _l("单位")}
    column_formatters = {"role": enum_label}
    column_formatters_export = {"role": enum_label}
    column_details_exclude_list = ("version",)
    form_columns = ("user", "role")
    form_overrides = {"role": SelectField}
    form_args = {
        "user": {"label": _l("工作人员")},
        "role": {"label": _l("联络员身份"), "choices": enum_choices(LiaisonRole)},
    }
    scoped_choices = {
        "user": ScopedChoices(User, where=(User.active,), order_by=(User.display_name,))
    }

    def on_model_change(self, form, model, is_created):
        """The officer's office is their staff record's, within the user's offices; named
        once."""
        if model.user is not None:
            model.office_id = model.user.office_id
        super().on_model_change(form, model, is_created)
        try:
            services.validate_liaison(model, self.office_id_of(model))
        except CatalogueError as exc:
            raise ValidationError(str(exc)) from None


class DeskView(ModuleView):
    """The matters desk: register a case of a listed matter (不越权; a county matter becomes an
    agency case), the open cases of matters, and closing one with the fee charged (限费)."""

    def _register_form(self) -> RegisterForm:
        form = RegisterForm()
        offices = scoped_office_ids(current_user, services.PLUGIN)
        form.matter_id.choices = [
            (m.id, f"{m.office.name} · {m.name}") for m in services.listed_matters(offices)
        ]
        return form

    @expose("/")
    def index(self):
        """The registration form, open cases of matters soonest due first, recent fees."""
        offices = scoped_office_ids(current_user, services.PLUGIN)
        open_cases = db.session.scalars(
            select(Case)
            .where(
                Case.office_id.in_(offices),
                Case.source_type == cases.SOURCE_TYPE,
                Case.status.in_(ACTIVE_STATUSES),
            )
            .order_by(Case.due_at)
            .limit(200)
        ).all()
        fees = db.session.scalars(
            select(CaseFee)
            .where(CaseFee.office_id.in_(offices))
            .options(selectinload(CaseFee.case), selectinload(CaseFee.matter))
            .order_by(CaseFee.id.desc())
            .limit(50)
        ).all()
        return self.render(
            "catalogue/admin/desk.html",
            form=self._register_form(),
            open_cases=open_cases,
            fees=fees,
            matter_of=cases.matter_of,
        )

    @expose("/register", methods=["POST"])
    def register(self):
        """Register the case and open its page."""
        form = self._register_form()

        def action(form):
            matter = get_scoped_or_404(ServiceMatter, form.matter_id.data, services.PLUGIN)
            return cases.register_case(
                matter,
                actor_id=current_user.id,
                subject=form.subject.data,
                content=form.content.data or "",
                applicant_name=form.applicant_name.data,
                applicant_phone=form.applicant_phone.data,
                channel=form.channel.data,
            )

        return submit(
            form,
            action,
            success=_("已登记。"),
            back=lambda case: url_for(".case_page", case_id=case.id) if case else url_for(".index"),
        )

    def _case(self, case_id) -> Case:
        case = get_scoped_or_404(Case, case_id, services.PLUGIN)
        if cases.matter_of(case) is None:
            abort(404)
        return case

    def _close_form(self, case) -> CloseForm:
        form = CloseForm()
        leaders = db.session.scalars(
            select(User).where(User.role == Role.LEADER, User.active).order_by(User.display_name)
        ).all()
        form.approver_id.choices = [(0, _("（无需减免）"))] + [
            (u.id, u.display_name) for u in leaders if cases.may_approve(u, case.office_id)
        ]
        return form

    @expose("/case/<int:case_id>")
    def case_page(self, case_id):
        """A case of a matter: the matter's standard and the close-with-fee form."""
        case = self._case(case_id)
        matter = cases.matter_of(case)
        fee = db.session.scalar(select(CaseFee).where(CaseFee.case_id == case.id))
        return self.render(
            "catalogue/admin/case.html",
            case=case,
            matter=matter,
            fee=fee,
            standard=cases.standard_text(matter),
            limit=services.limit_text(matter),
            form=self._close_form(case),
            active=case.status in ACTIVE_STATUSES,
        )

    @expose("/case/<int:case_id>/close", methods=["POST"])
    def close(self, case_id):
        """办结 with the fee charged; a fee above the standard is refused, nothing saved."""
        case = self._case(case_id)
        return submit(
            self._close_form(case),
            lambda form: cases.close_with_fee(
                case,
                outcome=form.outcome.data,
                amount=form.fee.data,
                actor_id=current_user.id,
                approver_id=form.approver_id.data or None,
                reason=form.reason.data or "",
            ),
            success=_("已办结，收费已登记。"),
            back=url_for(".case_page", case_id=case.id),
            row=case,
        )


def admin_views() -> list:
    """The module's staff screens, in menu order."""
    return [
        DeskView(name=_l("事项办件"), endpoint="desk", url="/admin/catalogue-desk"),
        MatterView(ServiceMatter, db, name=_l("服务事项"), endpoint="matters"),
        PlaceView(ServicePlace, db, name=_l("服务场所"), endpoint="places"),
        LiaisonView(LiaisonOfficer, db, name=_l("村级联络员"), endpoint="liaisons"),
    ]
