"""What the petitions staff screens share: the office scope, list cells, filter options."""

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from core.kit import (
    db,
    format_day,
    in_scope,
    mask_name,
    permissions,
    scoped_office_ids,
)
from plugins.petitions.models import Petition

PLUGIN = "petitions"


def scope_ids() -> set[int]:
    """Offices whose petitions the current user may see, with the module on."""
    return scoped_office_ids(current_user, PLUGIN)


def in_office_scope(office_id: int | None) -> bool:
    """Whether the current user may see this office's petitions."""
    return in_scope(office_id, current_user, PLUGIN)


def may_see_personal() -> bool:
    """Whether the current user may read petitioners' names, phones and ID numbers."""
    return permissions.may_see_personal_data(current_user)


def day_cell(view, context, model, name):
    """A list cell: a stored time's local day."""
    return format_day(getattr(model, name))


def due_cell(view, context, model, name):
    """A list cell: the current stage's last day, marked when overdue."""
    if getattr(model, name) is None:
        return ""
    text = format_day(model.last_day)
    if model.is_overdue:
        return Markup('<span class="badge badge-danger">{}</span> {}').format(_("超期"), text)
    return text


def flags_cell(view, context, model, name):
    """A list cell: collective, skip-level and repeat badges."""
    badges = []
    if model.collective:
        badges.append(("badge-warning", _("集体访")))
    if model.skip_level:
        badges.append(("badge-danger", _("越级")))
    if model.repeat_of_id:
        badges.append(("badge-secondary", _("重复")))
    return Markup(" ").join(
        Markup('<span class="badge {}">{}</span>').format(c, t) for c, t in badges
    )


def first_petitioner_cell(view, context, model, name):
    """A list cell: the first petitioner's masked name."""
    first = model.first_petitioner
    return mask_name(first.name) if first else ""


def enum_filter_options(enum_cls):
    """Filter options of an enum column (Flask-Admin's enum filters look members up by name)."""
    return [(m.name, m.label) for m in enum_cls]


def flash_error(exc) -> None:
    """Roll back and show the error's message."""
    db.session.rollback()
    flash(str(exc), "error")


def scoped_petitions(office_id: int | None = None):
    """Original petitions of the user's offices (or of ``office_id``), newest first: the
    choices of a petition field."""
    query = select(Petition).where(
        Petition.repeat_of_id.is_(None), Petition.office_id.in_(sorted(scope_ids()))
    )
    if office_id is not None:
        query = query.where(Petition.office_id == office_id)
    return db.session.scalars(query.order_by(Petition.received_at.desc()).limit(300))
