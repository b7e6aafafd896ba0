"""Builds the Flask-Admin instance: core screens plus each plugin's screens."""

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from core.admin.badge import BadgeView
from core.admin.dashboard import DashboardView
from core.admin.modules_view import ModulesView
from core.admin.staff_views import OfficeView, UserView
from core.extensions import db
from core.models import Office, User
from core.plugins import PluginRegistry
from core.security import csp_nonce
from core.time import format_local


def admin_message(message):
    """A flashed message in the reader's language.

    Flask-Admin 2.2.1 ships a compiled Chinese catalogue older than its own source: two of its
    messages ("Failed to save record.", "Failed to create record.") are missing from it and
    would reach the reader in English. They are translated here; every other message passes
    through unchanged.
    """
    if isinstance(message, Markup):
        return message
    known = {
        "Failed to save record.": _("保存记录失败。"),
        "Failed to create record.": _("创建记录失败。"),
    }
    return known.get(str(message), message)


def init_admin(app: Flask, registry: PluginRegistry) -> Admin:
    """Create the admin at /admin with the core's views and every plugin's views."""
    admin = Admin(
        app,
        name=str(app.config.get("TOWNSHIP_NAME", "")) or "Township",
        index_view=DashboardView(name=_l("工作台"), url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/township_base.html", swatch="default"),
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(OfficeView(Office, db, name=_l("单位"), category=_l("系统"), endpoint="offices"))
    admin.add_view(UserView(User, db, name=_l("工作人员"), category=_l("系统"), endpoint="staff"))
    admin.add_view(ModulesView(name=_l("模块"), category=_l("系统"), endpoint="modules"))
    from core.sla.admin import CalendarDayView
    from core.sla.models import CalendarDay

    admin.add_view(
        CalendarDayView(
            CalendarDay, db, name=_l("节假日/调休"), category=_l("系统"), endpoint="calendar_days"
        )
    )
    admin.add_view(BadgeView(name=_l("我的工作证"), endpoint="badge"))
    from core.admin.posters_view import PostersView

    admin.add_view(PostersView(name=_l("公开栏海报"), endpoint="posters"))
    from core.publication.views import PublicationView

    admin.add_view(
        PublicationView(name=_l("撤回公开内容"), category=_l("系统"), endpoint="publication")
    )
    from core.audit.views import add_audit_views

    add_audit_views(admin, category=_l("系统"))
    from core.jobs.views import job_views

    for view in job_views():
        admin.add_view(view)
    from core.cases.admin import case_views

    for view in case_views():
        admin.add_view(view)

    for plugin_name, views in registry.call_each("register_admin_views"):
        title = registry.manifests[plugin_name].title
        for view in views if isinstance(views, list | tuple) else [views]:
            view.plugin_name = plugin_name
            if not view.endpoint.startswith(f"{plugin_name}_"):
                view.endpoint = f"{plugin_name}_{view.endpoint}"
            if view.category is None:
                view.category = title
            admin.add_view(view)
    app.add_template_filter(admin_message, "admin_message")
    app.add_template_filter(format_local, "staff_time")
    from core.audit.views import table_label
    from core.cases.receipts import display as receipt_display

    app.add_template_filter(receipt_display, "receipt")

    app.add_template_filter(table_label, "table_label")
    app.extensions["township_admin"] = admin
    return admin
