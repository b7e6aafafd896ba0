"""Staff screens: the release desk (this year's planned releases in the core's colours,
generating a product line's dates, recording a release), and the lists of collected items,
products, plans and releases. Every save goes through ``services`` so the rules hold."""

from flask import request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, TextAreaField, ValidationError

from core.kit import (
    ModuleView,
    OfficeScopedModelView,
    ScopedChoices,
    db,
    enum_choices,
    enum_label,
    get_scoped_or_404,
    local_today,
    scoped_office_ids,
    submit,
    utc_now,
)
from plugins.bulletins import services
from plugins.bulletins.errors import BulletinError
from plugins.bulletins.forms import GenerateForm, ReleaseForm
from plugins.bulletins.models import (
    CHANNEL_LABELS,
    CHANNELS,
    CollectedItem,
    Cycle,
    InfoProduct,
    Kind,
    Medium,
    PlanEntry,
    Release,
    ReleasePlan,
)

DESK_URL = "/admin/bulletins-desk"


def channels_text(release) -> str:
    """The release's channels, 、-separated."""
    return _("、").join(str(CHANNEL_LABELS[c]) for c in CHANNELS if getattr(release, c))


def _checked(validate):
    def hook(self, form, model, is_created):
        OfficeScopedModelView.on_model_change(self, form, model, is_created)
        try:
            validate(model)
        except BulletinError as exc:
            raise ValidationError(str(exc)) from None

    return hook


LABELS = {
    "office": _l("单位"),
    "title": _l("标题"),
    "kind": _l("信息类别"),
    "medium": _l("信息渠道"),
    "source": _l("信息来源"),
    "collected_on": _l("收集日期"),
    "valid_until": _l("有效期至"),
    "content": _l("信息内容"),
    "product": _l("编入信息产品"),
    "summary": _l("产品说明"),
    "year": _l("年度"),
    "cycle": _l("发布周期"),
    "release_day": _l("每期发布日"),
    "notes": _l("计划说明（结合本地经济）"),
    "released_on": _l("发布日期"),
    "channels": _l("发布渠道"),
    "audience": _l("发布对象"),
    "archive_no": _l("档案号"),
}


class ItemView(OfficeScopedModelView):
    """收集的信息: source, day, kind and validity of each piece of information."""

    column_list = ("title", "kind", "medium", "source", "collected_on", "valid_until", "office")
    column_labels = LABELS
    column_formatters = {"kind": enum_label, "medium": enum_label}
    column_formatters_export = {"kind": enum_label, "medium": enum_label}
    column_searchable_list = ("title", "source", "content")
    column_default_sort = ("collected_on", True)
    column_details_exclude_list = ("version",)
    form_columns = (
        "office",
        "title",
        "kind",
        "medium",
        "source",
        "collected_on",
        "valid_until",
        "content",
        "product",
    )
    form_overrides = {"kind": SelectField, "medium": SelectField, "content": TextAreaField}
    form_args = {
        "kind": {"label": _l("信息类别"), "choices": enum_choices(Kind)},
        "medium": {"label": _l("信息渠道"), "choices": enum_choices(Medium)},
        "source": {"description": _l("如：中国农业信息网、县电视台农业节目、《农民日报》。")},
        "valid_until": {"description": _l("过了这一天，信息自动从群众信息页撤下。")},
    }
    form_widget_args = {"content": {"rows": 6}}
    scoped_choices = {"product": ScopedChoices(InfoProduct, order_by=(InfoProduct.id.desc(),))}
    allow_delete = False
    on_model_change = _checked(services.validate_item)


class ProductView(OfficeScopedModelView):
    """信息产品: collected items of one line, made into a product valid until a day."""

    column_list = ("title", "kind", "valid_until", "office")
    column_labels = LABELS
    column_formatters = {"kind": enum_label}
    column_formatters_export = {"kind": enum_label}
    column_searchable_list = ("title", "summary")
    column_default_sort = ("id", True)
    column_details_exclude_list = ("version",)
    form_columns = ("office", "title", "kind", "summary", "valid_until")
    form_overrides = {"kind": SelectField, "summary": TextAreaField}
    form_args = {"kind": {"label": _l("信息类别"), "choices": enum_choices(Kind)}}
    form_widget_args = {"summary": {"rows": 5}}
    allow_delete = False
    on_model_change = _checked(services.validate_product)


class PlanView(OfficeScopedModelView):
    """年度信息发布计划: the year, the cycle (monthly unless set) and the release day."""

    column_list = ("year", "cycle", "release_day", "office")
    column_labels = LABELS
    column_formatters = {"cycle": enum_label}
    column_formatters_export = {"cycle": enum_label}
    column_default_sort = ("year", True)
    column_details_exclude_list = ("version",)
    form_columns = ("office", "year", "cycle", "release_day", "notes")
    form_overrides = {"cycle": SelectField, "notes": TextAreaField}
    form_args = {
        "cycle": {"label": _l("发布周期"), "choices": enum_choices(Cycle), "default": "monthly"},
        "year": {"default": lambda: local_today().year},
        "release_day": {
            "default": 10,
            "description": _l("每月（每季度首月）的第几日，遇休息日顺延。"),
        },
    }
    form_widget_args = {
        "year": {"min": 2000, "max": 2100},
        "release_day": {"min": 1, "max": 28},
    }
    allow_delete = False
    on_model_change = _checked(services.validate_plan)


class ReleaseView(OfficeScopedModelView):
    """信息发布记录 (read only: releases are recorded on the desk, where they are filed)."""

    column_list = ("released_on", "product", "channels", "audience", "archive_no", "office")
    column_labels = LABELS
    column_formatters = {"channels": lambda v, c, m, n: channels_text(m)}
    column_formatters_export = {"channels": lambda v, c, m, n: channels_text(m)}
    column_default_sort = ("released_on", True)
    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = True


class DeskView(ModuleView):
    """信息发布台: this year's plan in colours, generating dates, recording releases."""

    def office_ids(self) -> set[int]:
        """Offices in the user's scope that have the module on."""
        return scoped_office_ids(current_user, services.PLUGIN)

    def _year(self) -> int:
        raw = request.args.get("year", "")
        return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else local_today().year

    def _generate_form(self) -> GenerateForm:
        form = GenerateForm()
        plans = db.session.scalars(
            select(ReleasePlan)
            .where(ReleasePlan.office_id.in_(self.office_ids()))
            .order_by(ReleasePlan.year.desc())
        )
        form.plan_id.choices = [(p.id, f"{p.office.name} · {p.year}") for p in plans]
        return form

    def _release_form(self) -> ReleaseForm:
        form = ReleaseForm()
        ids = self.office_ids()
        products = db.session.scalars(
            select(InfoProduct)
            .where(InfoProduct.office_id.in_(ids))
            .order_by(InfoProduct.id.desc())
            .limit(200)
        )
        form.product_id.choices = [(p.id, f"{p.office.name} · {p.title}") for p in products]
        open_entries = [e for e in services.plan_entries(ids, self._year()) if not e.releases]
        form.entry_id.choices = [(0, _("无（计划外发布）"))] + [
            (e.id, f"{e.planned_on.isoformat()} {e.kind.label}") for e in open_entries
        ]
        if not form.released_on.data:
            form.released_on.data = local_today()
        return form

    @expose("/")
    def index(self):
        """The year's planned releases with their colours, the forms, recent releases."""
        ids, year, now = self.office_ids(), self._year(), utc_now()
        entries = [(e, services.entry_colour(e, now)) for e in services.plan_entries(ids, year)]
        releases = db.session.scalars(
            select(Release)
            .where(Release.office_id.in_(ids))
            .options(selectinload(Release.product))
            .order_by(Release.released_on.desc(), Release.id.desc())
            .limit(30)
        ).all()
        return self.render(
            "bulletins/admin/desk.html",
            year=year,
            entries=entries,
            releases=releases,
            generate_form=self._generate_form(),
            release_form=self._release_form(),
            channels_text=channels_text,
        )

    @expose("/generate", methods=["POST"])
    def generate(self):
        """Add one product line's dates to a plan (one per cycle)."""

        def action(form):
            plan = get_scoped_or_404(ReleasePlan, form.plan_id.data, services.PLUGIN)
            return services.generate_entries(plan, form.kind.data)

        return submit(
            self._generate_form(),
            action,
            success=_("已生成发布日期。"),
            back=url_for(".index"),
        )

    @expose("/release", methods=["POST"])
    def release(self):
        """Record a release and file it in the office's archive."""

        def action(form):
            product = get_scoped_or_404(InfoProduct, form.product_id.data, services.PLUGIN)
            entry = None
            if form.entry_id.data:
                entry = get_scoped_or_404(PlanEntry, form.entry_id.data, services.PLUGIN)
            return services.record_release(
                product,
                released_on=form.released_on.data,
                channels=form.channels.data,
                audience=form.audience.data or "",
                entry=entry,
            )

        return submit(
            self._release_form(),
            action,
            success=_("已登记发布。"),
            back=url_for(".index"),
        )


def admin_views() -> list:
    """The module's staff screens, in menu order."""
    return [
        DeskView(name=_l("信息发布台"), endpoint="desk", url=DESK_URL),
        ItemView(CollectedItem, db, name=_l("收集的信息"), endpoint="items"),
        ProductView(InfoProduct, db, name=_l("信息产品"), endpoint="products"),
        PlanView(ReleasePlan, db, name=_l("年度发布计划"), endpoint="plans"),
        ReleaseView(Release, db, name=_l("发布记录"), endpoint="releases"),
    ]
