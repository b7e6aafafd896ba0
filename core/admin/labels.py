"""Enum members shown by their translated ``label`` in admin lists, filters and select fields.

Plugins' enums carry a ``label`` property (the member's name in the reader's language); these
two helpers are what every module's screens use to show them.
"""

from flask_babel import LazyString


def enum_label(view, context, model, name) -> str:
    """A Flask-Admin column formatter: the value's ``label`` when it has one, else the value."""
    value = getattr(model, name)
    return getattr(value, "label", value) or ""


def enum_choices(enum_cls, blank=None) -> list[tuple]:
    """(value, label) pairs for a filter or select field, with an optional blank first option.

    The labels are lazy: Flask-Admin reads filter options once, at start-up, but renders them
    per request, so each reader sees them in their own language. Pass ``lambda:
    enum_choices(X)`` where the options should be read afresh each time.
    """
    options = [(m.value, LazyString(getattr, m, "label")) for m in enum_cls]
    return ([("", blank)] if blank is not None else []) + options
