"""Staff screens: the base views every module's screens derive from, and dashboard widgets."""

from core.admin.labels import enum_choices, enum_label
from core.admin.widgets import SupervisionSection, Widget

_LAZY = {
    "ModuleView": "base",
    "OfficeScopedModelView": "base",
    "RecordView": "base",
    "ScopedChoices": "base",
    "SecureViewMixin": "base",
    "LocalDateField": "fields",
    "LocalDateTimeField": "fields",
    "harden_form": "fields",
}


def __getattr__(name: str):
    """The base views and form fields, imported on first use: ``core.admin.base`` loads
    Flask-Admin's model views, which a module importing only ``enum_choices`` (a public form)
    does not need."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"core.admin.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
