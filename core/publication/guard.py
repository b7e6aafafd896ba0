"""The gate's lock: residents' templates never receive a model row.

``render_public`` publishes every model row in the context (``core.publication.published``)
before rendering, so plugins pass rows as they have them and still publish only declared,
masked fields. The ``before_render_template`` check refuses any raw row that reaches a
template rendered for a residents' page (core public pages, ``/o/<office>/…``, the cases
pages): a plugin that calls ``render_template`` with a row fails loudly in every test that
opens the page, instead of leaking quietly.
"""

import dataclasses

from flask import Flask, render_template, request, template_rendered  # noqa: F401
from flask.signals import before_render_template

from core.publication.published import PublicationError, Published, publish, publish_many

_MAX_DEPTH = 3


def _is_model(value) -> bool:
    from core.extensions import db

    return isinstance(value, db.Model)


def published_context(value, depth: int = 0):
    """``value`` with every model row (also inside lists, tuples, dicts, result rows) replaced
    by its published view."""
    if _is_model(value):
        return publish(value)
    if depth >= _MAX_DEPTH or isinstance(value, str | bytes | Published):
        return value
    if isinstance(value, list):
        if value and all(_is_model(v) for v in value):
            return publish_many(value)
        return [published_context(v, depth + 1) for v in value]
    if isinstance(value, tuple) or type(value).__name__ == "Row":
        return tuple(published_context(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: published_context(v, depth + 1) for k, v in value.items()}
    return value


def render_public(template: str, **context) -> str:
    """Render a residents' template with every model row in ``context`` published."""
    return render_template(template, **{k: published_context(v) for k, v in context.items()})


def raw_rows(value, depth: int = 0) -> bool:
    """True when ``value`` holds a model row not wrapped by the gate."""
    if _is_model(value):
        return True
    if depth >= _MAX_DEPTH or isinstance(value, str | bytes | Published):
        return False
    if isinstance(value, list | tuple | set | frozenset) or type(value).__name__ == "Row":
        return any(raw_rows(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(raw_rows(v, depth + 1) for v in value.values())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(raw_rows(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return False


def is_public_request() -> bool:
    """Whether the current request serves residents (no staff screen, no login page)."""
    from flask import current_app, has_request_context

    if not has_request_context():
        return False  # jobs and services render outside a request: no resident is reading
    blueprint = request.blueprint or ""
    public = current_app.extensions.get("township_public_blueprint_names", frozenset())
    return blueprint in public


def init_guard(app: Flask) -> None:
    """Refuse raw rows in residents' templates (see the module docstring)."""

    def check(sender, template, context, **extra):
        if not is_public_request():
            return
        for key, value in context.items():
            if key in ("g", "request", "session", "config", "current_user"):
                continue
            if raw_rows(value):
                raise PublicationError(
                    f"template {template.name}: context '{key}' holds a model row; publish it "
                    "(core.publication.render_public) so only declared fields reach residents"
                )

    before_render_template.connect(check, app, weak=False)
