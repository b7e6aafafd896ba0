"""Staff screens: the base views every module's screens derive from, and dashboard widgets."""

from core.admin.labels import enum_choices, enum_label
from core.admin.widgets import SupervisionSection, Widget

__all__ = ["ModuleView", "OfficeScopedModelView", "SecureViewMixin", "SupervisionSection", "Widget",
           "enum_choices", "enum_label"]


def __getattr__(name: str):
    """The base views, imported on first use: ``core.admin.base`` loads Flask-Admin's model
    views, which a module importing only ``enum_choices`` (a public form) does not need."""
    if name in ("ModuleView", "OfficeScopedModelView", "SecureViewMixin"):
        from core.admin import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
