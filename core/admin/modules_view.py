"""The Modules screen: township admins switch plugins on and off per office."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.admin.base import ModuleView
from core.extensions import db
from core.models import Office, Role
from core.modules import (
    ModuleError,
    delete_office_data,
    enabled_office_ids,
    office_data_counts,
    set_module,
)
from core.plugins import get_registry


class ModulesView(ModuleView):
    """Offices × plugins grid with on/off switches, load failures, and data deletion."""

    allowed_roles = frozenset({Role.TOWNSHIP_ADMIN})

    def _office(self, code: str) -> Office:
        office = db.session.scalar(select(Office).where(Office.code == code))
        if office is None:
            abort(404)
        return office

    @expose("/")
    def index(self):
        registry = get_registry()
        offices = db.session.scalars(select(Office).order_by(Office.sort_order, Office.code)).all()
        enabled = {name: enabled_office_ids(name) for name in registry.names()}
        return self.render(
            "admin/modules.html", offices=offices, registry=registry, enabled=enabled
        )

    @expose("/switch", methods=["POST"])
    def switch(self):
        """Switch a module on at once; switching off first shows a confirmation step (a
        plain form, no JavaScript) and happens only when that is submitted."""
        office = self._office(request.form.get("office", ""))
        plugin = request.form.get("plugin", "")
        turn_on = request.form.get("enabled") == "1"
        manifest = get_registry().manifests.get(plugin)
        if not turn_on and manifest is not None and request.form.get("confirmed") != "1":
            return self.render("admin/modules_confirm.html", office=office, manifest=manifest)
        try:
            set_module(plugin, office, turn_on, actor=current_user)
            db.session.commit()
        except ModuleError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            title = get_registry().manifests[plugin].title
            msg = (
                _("已为“%(office)s”启用“%(module)s”。")
                if turn_on
                else _("已为“%(office)s”停用“%(module)s”，数据已保留。")
            )
            flash(msg % {"office": office.name, "module": title}, "success")
        return redirect(url_for(".index"))

    @expose("/delete-data/<plugin>/<office_code>", methods=["GET", "POST"])
    def delete_data(self, plugin, office_code):
        registry = get_registry()
        if plugin not in registry.manifests:
            abort(404)
        office = self._office(office_code)
        counts = office_data_counts(plugin, office.id)
        if request.method == "POST":
            if request.form.get("confirm_code", "").strip() != office.code:
                flash(_("请输入单位代码“%(code)s”以确认删除。", code=office.code), "error")
            else:
                n = delete_office_data(plugin, office)
                db.session.commit()
                flash(_("已删除 %(n)d 条记录。", n=n), "success")
                return redirect(url_for(".index"))
        return self.render(
            "admin/modules_delete.html",
            office=office,
            manifest=registry.manifests[plugin],
            counts=counts,
        )
