"""Desk views: the hand-written staff screens of a module, and the one way they save.

A desk action loads a row in the user's scope (``core.scoping.get_scoped_or_404``), validates
its form, calls a service, commits, and tells the person what happened. ``run`` and ``submit``
do the last three the same way everywhere:

- a ``UserError`` (every plugin error derives from it) rolls back and shows its message;
- a save based on a stale copy of a versioned row rolls back and shows the core's one stale
  message — whether the form carried an old ``version`` or SQLAlchemy found the row changed
  in the UPDATE itself;
- otherwise the success message, and an optional ``after_commit`` (start background work).

A form acting on a versioned row carries its version: render ``{{ version_input(row) }}``
inside the ``<form>`` and pass ``row=`` to ``run``/``submit``. A post without it is refused.
"""

from collections.abc import Callable

from flask import flash, redirect, request
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy.orm.exc import StaleDataError

from core.audit import record_event
from core.concurrency import STALE_MESSAGE, check_version, is_versioned
from core.errors import UserError
from core.extensions import db


def first_error(form) -> str:
    """The first validation message of ``form`` (or the expired-page message for a form
    without one, which is a missing or stale CSRF token)."""
    for messages in form.errors.values():
        for message in messages:
            if isinstance(message, dict | list):  # a FormField's or FieldList's errors
                continue
            return str(message)
    return _("页面已过期，请刷新后重试。")


def form_values(form, names: str) -> dict:
    """The data of ``form``'s fields named in ``names`` (separated by spaces), by name, for a
    service taking the same names: ``BookingRequest(**form_values(form, "name phone"))``."""
    return {name: form[name].data for name in names.split()}


def log_personal_view(row, *columns: str) -> None:
    """Record that the current user is shown ``columns`` of ``row`` (a private person's data)
    in full, and commit: every screen that shows them unmasked says so in the audit log."""
    record_event(
        "personal_data.view",
        office_id=row.office_id,
        target_type=row.__tablename__,
        target_id=row.id,
        details={"columns": list(columns)},
    )
    db.session.commit()


def _target(back, result):
    return back(result) if callable(back) else back


def run(
    action: Callable, *, success: str | None, back, row=None, after_commit: Callable | None = None
):
    """Run ``action()``, commit, flash the outcome and redirect to ``back`` (a URL, or a
    function of the action's result).

    ``row``: the versioned row the action changes; the posted ``version`` must be its current
    one. ``after_commit(result)`` runs only when the commit succeeded.
    """
    try:
        if row is not None and is_versioned(row):
            check_version(row, request.form.get("version"))
        result = action()
        db.session.commit()
    except UserError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(_target(back, None))
    except StaleDataError:
        db.session.rollback()
        flash(str(STALE_MESSAGE), "error")
        return redirect(_target(back, None))
    if after_commit is not None:
        after_commit(result)
    if success:
        flash(success, "success")
    return redirect(_target(back, result))


def submit(
    form,
    action: Callable,
    *,
    success: str | None,
    back,
    row=None,
    after_commit: Callable | None = None,
):
    """Validate ``form`` (refusing with its first message, changing nothing), then
    ``run(lambda: action(form))`` with the same arguments."""
    if not form.validate_on_submit():
        flash(first_error(form), "error")
        return redirect(_target(back, None))
    return run(lambda: action(form), success=success, back=back, row=row, after_commit=after_commit)


def version_input(row) -> Markup:
    """The hidden ``version`` field a desk form of a versioned row carries (empty for a row
    without a version), for templates: ``{{ version_input(hearing) }}``."""
    if row is None or not is_versioned(row):
        return Markup("")
    return Markup('<input type="hidden" name="version" value="%s">') % escape(row.version)


def init_app(app) -> None:
    """Offer ``version_input`` to every template."""
    app.jinja_env.globals["version_input"] = version_input
