"""Staff screens: the base views every module's screens derive from, and dashboard widgets."""

from core.admin.base import ModuleView, OfficeScopedModelView, SecureViewMixin
from core.admin.fields import LocalDateField, LocalDateTimeField, harden_form
from core.admin.labels import enum_choices, enum_label
from core.admin.widgets import SupervisionSection, Widget

__all__ = ["LocalDateField", "LocalDateTimeField", "ModuleView", "OfficeScopedModelView",
           "SecureViewMixin", "SupervisionSection", "Widget", "enum_choices", "enum_label",
           "harden_form"]
