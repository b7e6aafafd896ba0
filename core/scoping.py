"""Office scoping: which offices a person works in for a module, and rows loaded within them.

Every staff screen of a module shows the offices the person may see (``core.permissions``)
that have the module switched on (``core.modules``). These are the one place that rule is
written; screens and services call them instead of combining the two themselves.
"""

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from core import permissions
from core.extensions import db
from core.models import Office
from core.modules import enabled_office_ids


def scoped_office_ids(user=None, module: str | None = None) -> set[int]:
    """Ids of the offices ``user`` (default: the current user) may see that have ``module``
    switched on (every visible office when ``module`` is None; every office, as a set, for
    roles that see all)."""
    user = user if user is not None else current_user
    visible = permissions.visible_office_ids(user)
    if module is None:
        if visible is None:
            return set(db.session.scalars(select(Office.id)))
        return set(visible)
    on = enabled_office_ids(module)
    return set(on) if visible is None else on & visible


def scoped_offices(user=None, module: str | None = None) -> list[Office]:
    """Those offices as rows, in the township's order."""
    ids = scoped_office_ids(user, module)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Office).where(Office.id.in_(ids)).order_by(Office.sort_order, Office.code)
        )
    )


def in_scope(office_id: int | None, user=None, module: str | None = None) -> bool:
    """Whether ``office_id`` is one of ``scoped_office_ids(user, module)``."""
    return office_id is not None and office_id in scoped_office_ids(user, module)


def get_scoped_or_404(
    model, row_id, module: str | None = None, *, user=None, office_column: str = "office_id"
):
    """The ``model`` row with this id when its office is in the user's scope, else a 404 (a
    row outside the scope is as absent as a row that does not exist)."""
    from core.input_guard import parse_db_int

    number = parse_db_int(row_id)
    row = db.session.get(model, number) if number is not None else None
    if row is None or not in_scope(getattr(row, office_column), user, module):
        abort(404)
    return row
