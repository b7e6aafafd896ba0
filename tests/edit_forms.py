"""The admin edit screens of versioned records, found from the admin itself (so a new plugin's
versioned screen is covered without editing a test), and their forms read as a browser would
post them. Shared by the in-process stale-edit test and the two-staff storm (issue 15)."""

import re

import lxml.html

# The start of the core's one stale-save message (core.cases.services.STALE_MESSAGE).
STALE = "该记录已被他人修改"


def versioned_views(app):
    """Every admin model view whose model carries an optimistic-locking version column."""
    admin = app.extensions["township_admin"]
    for view in admin._views:
        model = getattr(view, "model", None)
        mapper = getattr(model, "__mapper__", None)
        if mapper is not None and mapper.version_id_col is not None:
            yield view


def has_edit_screen(view) -> bool:
    """Whether the view offers an edit form at all (``allow_edit``, see OfficeScopedModelView;
    a screen without it is changed only through its desk actions)."""
    return getattr(view, "allow_edit", True)


def form_values(page_html: str, model=None) -> tuple[dict, list[str]]:
    """The edit form's values as a browser would post them unchanged, and the names of the
    text fields a clerk could change: first those holding words, then empty ones (a change
    to those is more likely refused on its merits). With ``model``, only fields that are the
    model's own attributes (so the saved row can be checked). ({}, []) without a versioned
    form on the page."""
    tree = lxml.html.fromstring(page_html)
    form = next((f for f in tree.forms if "version" in f.fields), None)
    if form is None:
        return {}, []
    texts = [
        el
        for el in form.inputs
        if el.tag == "textarea" or (el.tag == "input" and el.type == "text")
    ]
    worded = [
        el.name
        for el in texts
        if el.tag == "textarea"
        or ((el.value or "").strip() and not re.fullmatch(r"[\d\-: /.]+", el.value))
    ]
    empty = [el.name for el in texts if not (el.value or "").strip() and el.name not in worded]
    names = [n for n in worded + empty if model is None or hasattr(model, n)]
    return dict(form.form_values()), names
