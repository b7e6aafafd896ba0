"""Staff screen: the office's list of service matters (create, edit, unlist; never deleted).

Every save goes through ``services.validate_matter`` so the rules hold whatever the screen: a
known case category (the time limit is the core's), a fee only with the basis of its standard.
"""

from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import DecimalField, SelectField, TextAreaField, ValidationError
from wtforms.validators import Optional

from core.kit import (
    OfficeScopedModelView,
    all_categories,
    category_title,
    db,
    enum_choices,
    enum_label,
    public_url,
)
from plugins.catalogue import services
from plugins.catalogue.errors import CatalogueError
from plugins.catalogue.models import Place, ServiceMatter


def category_choices() -> list[tuple[str, str]]:
    """Every case category of the app, "title（limit）", for the matter form."""
    return [(code, f"{spec.title}（{spec.describe()}）")
            for code, spec in sorted(all_categories().items())]


def _fee(view, context, model, name):
    return _("免费") if model.is_free else _("%(fee)s 元", fee=model.fee)


def _public_link(view, context, model, name):
    url = public_url("catalogue_public.matter_page", office_code=model.office.code,
                     matter_id=model.id)
    return Markup('<a href="{}" target="_blank" rel="noopener">{}</a>').format(url, _("办事指南页"))


class MatterView(OfficeScopedModelView):
    """The office's service matters (服务事项清单): its powers, with place, documents, fee
    and steps. A matter no longer handled is unlisted, not deleted."""

    column_list = ("name", "category_code", "place", "fee", "listed", "office", "page")
    column_labels = {"name": _l("事项名称"), "category_code": _l("办件类别（时限）"),
                     "place": _l("办理地点"), "fee": _l("收费"), "listed": _l("对外公布"),
                     "office": _l("单位"), "page": _l("公开页面"), "legal_basis": _l("职权依据"),
                     "handled_by": _l("承办窗口或岗位"), "documents": _l("所需材料"),
                     "fee_basis": _l("收费依据"), "steps": _l("办理步骤")}
    column_formatters = {"category_code": lambda v, c, m, n: category_title(m.category_code),
                         "place": enum_label, "fee": _fee, "page": _public_link}
    column_formatters_export = {"category_code": lambda v, c, m, n: category_title(m.category_code),
                                "place": enum_label, "fee": _fee}
    column_export_list = ("name", "category_code", "place", "handled_by", "fee", "fee_basis",
                          "legal_basis", "listed")
    column_searchable_list = ("name", "documents", "handled_by")
    column_filters = (
        sqla_filters.FilterEqual(ServiceMatter.place, _l("办理地点"),
                                 options=lambda: enum_choices(Place)),
        "listed",
    )
    column_default_sort = ("name", False)
    column_details_exclude_list = ("version",)
    form_columns = ("office", "name", "legal_basis", "category_code", "place", "handled_by",
                    "documents", "fee", "fee_basis", "steps", "listed")
    form_overrides = {"category_code": SelectField, "place": SelectField, "fee": DecimalField,
                      "legal_basis": TextAreaField, "documents": TextAreaField,
                      "fee_basis": TextAreaField, "steps": TextAreaField}
    form_args = {
        "office": {"label": _l("单位")},
        "name": {"label": _l("事项名称")},
        "legal_basis": {"label": _l("职权依据"),
                        "description": _l("本单位办理该事项的法律法规或文件依据（限事：不越权）。")},
        "category_code": {"label": _l("办件类别（时限）"), "choices": category_choices},
        "place": {"label": _l("办理地点"), "choices": enum_choices(Place)},
        "handled_by": {"label": _l("承办窗口或岗位")},
        "documents": {"label": _l("所需材料"), "description": _l("每行一项。")},
        "fee": {"label": _l("收费标准（元）"), "validators": [Optional()], "places": 2,
                "description": _l("免费事项留空或填 0。")},
        "fee_basis": {"label": _l("收费依据"), "description": _l("收费事项必填：收费标准的文件依据。")},
        "steps": {"label": _l("办理步骤"), "description": _l("每行一步。")},
        "listed": {"label": _l("对外公布")},
    }
    form_widget_args = {"documents": {"rows": 6}, "steps": {"rows": 6}, "legal_basis": {"rows": 3},
                        "fee_basis": {"rows": 2}}
    allow_delete = False

    def on_model_change(self, form, model, is_created):
        """Within the user's offices, and a matter residents can rely on."""
        super().on_model_change(form, model, is_created)
        try:
            services.validate_matter(model)
        except CatalogueError as exc:
            raise ValidationError(str(exc)) from None


def admin_views() -> list:
    """The module's staff screens, in menu order."""
    return [MatterView(ServiceMatter, db, name=_l("服务事项"), endpoint="matters")]
