"""The plugin shape's standard hook implementations, so a plugin's ``__init__`` is its manifest.

A plugin that keeps the standard folder shape writes no hookimpl for what that shape already
says. For every hook below, the core answers on the plugin's behalf by looking up one module of
the plugin package and one name in it; a plugin without that module or name answers nothing. A
hookimpl the plugin writes itself in its ``__init__`` replaces the conventional one.

=============================  ======================================================
hook                           answered from the plugin package's
=============================  ======================================================
register_models                ``models.MODELS``
register_migrations            the folder ``migrations/versions``
load_demo_data                 ``demo.load_demo(offices)``
case_categories                ``cases.categories()``
case_opened                    ``cases.on_case_opened(case)``
case_registration_refusal      ``cases.registration_refusal(office_id, category, …)``
case_closed                    ``cases.on_case_closed(case)``
register_schedules             ``jobs.schedules()``
register_admin_views           ``admin.admin_views()``
dashboard_widgets              ``widgets.widgets(user, office_ids)``
supervision_sections           ``widgets.supervision_sections(user, office_ids)``
register_public_blueprint      ``public.bp``
public_home_sections           ``public.home_section(offices)`` (one section)
publication_fields             ``publication.declarations()``
private_person_fields          ``publication.person_fields()``
published_record_changed       ``publication.record_changed(record)``
poster_items                   ``posters.poster_items(office_ids, month)``
register_api                   ``api.register_endpoints(api)``
open_information_published     ``openinfo.published_counts(year, office_ids)``
open_information_requests      ``openinfo.request_counts(year, office_ids)``
=============================  ======================================================

Modules are imported when the hook is first called, not when the plugin loads.
"""

import importlib
import importlib.util
from pathlib import Path
from types import FunctionType, ModuleType

from core.hookspecs import hookimpl


class ConventionalHooks:
    """One plugin's hooks: the ones its module implements, the conventional ones for the rest.

    Registered with pluggy in place of the plugin module, under the plugin's name.
    """

    def __init__(self, module: ModuleType):
        self.module = module
        for name, value in vars(module).items():  # its own hookimpls shadow the methods below
            if type(value) is FunctionType and hasattr(value, "township_impl"):
                setattr(self, name, value)

    def __repr__(self) -> str:
        return f"<hooks of {self.module.__name__}>"

    def _find(self, submodule: str, name: str):
        """``<package>.<submodule>.<name>``, or None where the package has no such module."""
        if not hasattr(self.module, "__path__"):  # a single-module plugin has no shape
            return None
        dotted = f"{self.module.__name__}.{submodule}"
        if importlib.util.find_spec(dotted) is None:
            return None
        return getattr(importlib.import_module(dotted), name, None)

    def _call(self, submodule: str, name: str, *args):
        function = self._find(submodule, name)
        return None if function is None else function(*args)

    @hookimpl
    def register_models(self):
        """``models.MODELS``."""
        return self._find("models", "MODELS")

    @hookimpl
    def register_migrations(self):
        """The package's ``migrations/versions`` folder, where it has one."""
        folder = Path(getattr(self.module, "__file__", "") or ".").parent / "migrations/versions"
        return str(folder.resolve()) if folder.is_dir() else None

    @hookimpl
    def load_demo_data(self, offices):
        """``demo.load_demo(offices)``."""
        self._call("demo", "load_demo", offices)

    @hookimpl
    def case_categories(self):
        """``cases.categories()``."""
        return self._call("cases", "categories")

    @hookimpl
    def case_opened(self, case):
        """``cases.on_case_opened(case)``."""
        self._call("cases", "on_case_opened", case)

    @hookimpl
    def case_registration_refusal(self, office_id, category, source_type, source_id):
        """``cases.registration_refusal(office_id, category, source_type, source_id)``."""
        return self._call(
            "cases", "registration_refusal", office_id, category, source_type, source_id
        )

    @hookimpl
    def case_closed(self, case):
        """``cases.on_case_closed(case)``."""
        self._call("cases", "on_case_closed", case)

    @hookimpl
    def register_schedules(self):
        """``jobs.schedules()``."""
        return self._call("jobs", "schedules")

    @hookimpl
    def register_admin_views(self):
        """``admin.admin_views()``."""
        return self._call("admin", "admin_views")

    @hookimpl
    def dashboard_widgets(self, user, office_ids):
        """``widgets.widgets(user, office_ids)``."""
        return self._call("widgets", "widgets", user, office_ids)

    @hookimpl
    def supervision_sections(self, user, office_ids):
        """``widgets.supervision_sections(user, office_ids)``."""
        return self._call("widgets", "supervision_sections", user, office_ids)

    @hookimpl
    def register_public_blueprint(self):
        """``public.bp``."""
        return self._find("public", "bp")

    @hookimpl
    def public_home_sections(self, offices):
        """``public.home_section(offices)``, as the one section of this plugin."""
        section = self._call("public", "home_section", offices)
        return None if section is None else [section]

    @hookimpl
    def publication_fields(self):
        """``publication.declarations()``."""
        return self._call("publication", "declarations")

    @hookimpl
    def private_person_fields(self):
        """``publication.person_fields()``."""
        return self._call("publication", "person_fields")

    @hookimpl
    def published_record_changed(self, record):
        """``publication.record_changed(record)``."""
        self._call("publication", "record_changed", record)

    @hookimpl
    def poster_items(self, office_ids, month):
        """``posters.poster_items(office_ids, month)``."""
        return self._call("posters", "poster_items", office_ids, month)

    @hookimpl
    def register_api(self, api):
        """``api.register_endpoints(api)``."""
        self._call("api", "register_endpoints", api)

    @hookimpl
    def open_information_published(self, year, office_ids):
        """``openinfo.published_counts(year, office_ids)``."""
        return self._call("openinfo", "published_counts", year, office_ids)

    @hookimpl
    def open_information_requests(self, year, office_ids):
        """``openinfo.request_counts(year, office_ids)``."""
        return self._call("openinfo", "request_counts", year, office_ids)
