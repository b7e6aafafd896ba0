"""The dashboard each staff member lands on: their office, modules and figures."""

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from core import permissions
from core.admin.widgets import Widget
from core.modules import enabled_office_ids, enabled_plugins
from core.plugins import get_registry


class DashboardView(AdminIndexView):
    """Home of the staff side (/admin/)."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @expose("/")
    def index(self):
        registry = get_registry()
        if permissions.sees_all_offices(current_user):
            modules = [n for n in registry.names() if enabled_office_ids(n)]
        else:
            modules = sorted(enabled_plugins(current_user.office_id))
        # The core's own tiles (its default plugins: the case register) first, then each module's.
        widgets: list[Widget] = []
        for _plugin, items in registry.call_for(
            "dashboard_widgets",
            registry.core,
            user=current_user,
            office_ids=permissions.visible_office_ids(current_user),
        ):
            widgets.extend(items)
        for name in modules:
            office_ids = enabled_office_ids(name)
            visible = permissions.visible_office_ids(current_user)
            if visible is not None:
                office_ids &= visible
            for _plugin, items in registry.call_for(
                "dashboard_widgets", [name], user=current_user, office_ids=office_ids
            ):
                widgets.extend(items)
        return self.render(
            "admin/dashboard.html",
            modules=[registry.manifests[n] for n in modules],
            widgets=widgets,
            failures=registry.failures if current_user.role == "township_admin" else {},
        )
