"""Wiring of the publication gate into the app (kept out of the package's ``__init__``)."""

import click
from flask import Flask
from flask.cli import AppGroup

from core.plugins import PluginRegistry
from core.publication import fields, names
from core.publication.guard import init_guard
from core.schema import after_upgrade

PUBLIC_BLUEPRINTS = ("public", "cases_public")


def init_publication(app: Flask, registry: PluginRegistry) -> None:
    """Collect every plugin's declarations and person fields, lock residents' templates, add
    ``flask publication``."""
    from core.publication.core_fields import core_declarations, core_person_fields

    fields.register(core_declarations())
    names.watch_person_fields(core_person_fields())
    for _plugin, decls in registry.call_each("publication_fields"):
        fields.register(decls or [])
    for _plugin, person_fields in registry.call_each("private_person_fields"):
        names.watch_person_fields(person_fields or [])
    plugin_public = set(app.extensions.get("township_public_blueprints", {}))
    app.extensions["township_public_blueprint_names"] = frozenset(
        {*PUBLIC_BLUEPRINTS, *plugin_public}
    )
    init_guard(app)


def init_publication_cli(app: Flask) -> None:
    """``flask publication``, and learning the records' names after ``flask db upgrade``."""
    app.cli.add_command(publication_cli)
    after_upgrade("publication.names", _learn_names)


def _learn_names() -> str | None:
    """After ``flask db upgrade``: collect the private persons' names the records already
    hold, so an upgraded database masks them from the first page it serves."""
    from flask import current_app

    current_app.complete_setup()  # the plugins' person fields
    added = names.rebuild()
    return f"已收录 {added} 个群众姓名，公开内容中将隐去。" if added else None


publication_cli = AppGroup("publication", help="The publication gate: names, withdrawals.")


@publication_cli.command("rebuild-names")
def rebuild_names():
    """Collect every private person's name from the records (after an upgrade or import)."""
    added = names.rebuild()
    click.echo(f"已收录 {added} 个新的姓名。")
