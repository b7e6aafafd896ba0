"""Alembic wiring: the core's migrations plus one branch per plugin, applied together.

- ``flask db upgrade`` applies every branch (its default revision is ``heads``, not ``head``).
- ``flask schema revision [--plugin NAME] -m MSG`` autogenerates a revision for the core's
  tables only, or for one plugin's tables into that plugin's own ``migrations/versions``.
- Each plugin branch's first revision depends on ``CORE_BASE_REVISION``.

Flask-Migrate (and with it Alembic, about a third of a second to import) is imported only when
a migration runs: ``flask db`` is a placeholder group that loads Flask-Migrate's commands when
it is invoked, and ``app.extensions["migrate"]`` creates the ``Migrate`` object on first use.
"""

import functools
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from core.extensions import db
from core.plugins import get_registry

CORE_BASE_REVISION = "core_0001"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
CORE_VERSIONS = MIGRATIONS / "versions"
# Flask-Migrate's options, passed to Alembic's context.configure by migrations/env.py.
MIGRATE_OPTIONS = {"compare_type": True, "render_as_batch": True}


def plugin_tables() -> dict[str, set[str]]:
    """Table names of each loaded plugin, from its ``register_models`` hook."""
    tables: dict[str, set[str]] = {}
    for name, models in get_registry().call_each("register_models"):
        tables[name] = {m.__table__.name for m in models}
    return tables


def core_tables() -> set[str]:
    """Tables of models defined in the core package (not plugins, not test plugins)."""
    names = set()
    for mapper in db.Model.registry.mappers:
        if mapper.class_.__module__.startswith("core."):
            names.add(mapper.local_table.name)
    return names


def plugin_version_paths() -> dict[str, str]:
    """Each plugin's ``versions`` folder from its ``register_migrations`` hook."""
    return {name: str(path) for name, path in get_registry().call_each("register_migrations")}


def _version_locations(config):
    """Tell Alembic where every branch lives (the core's folder first)."""
    locations = [str(CORE_VERSIONS), *plugin_version_paths().values()]
    config.set_main_option("version_locations", " ".join(locations))
    config.set_main_option("path_separator", "space")
    return config


@functools.cache
def get_migrate():
    """Flask-Migrate's ``Migrate`` for every app (imports Alembic), created on first use."""
    from flask_migrate import Migrate

    migrate = Migrate(directory=str(MIGRATIONS), **MIGRATE_OPTIONS)
    migrate.configure(_version_locations)
    return migrate


class MigrateState:
    """What Flask-Migrate keeps in ``app.extensions["migrate"]`` (its ``_MigrateConfig``),
    without importing it: the attributes its commands and migrations/env.py read."""

    def __init__(self, database):
        self.db = database
        self.directory = str(MIGRATIONS)
        self.configure_args = dict(MIGRATE_OPTIONS)

    @property
    def metadata(self):
        """The models' metadata (older env.py files read it here)."""
        return self.db.metadata

    @property
    def migrate(self):
        """The ``Migrate`` object, created (importing Alembic) when a migration first needs it."""
        return get_migrate()


class LazyDbGroup(click.Group):
    """``flask db``: stands in for Flask-Migrate's command group, which it imports (with
    Alembic) only when ``db`` is invoked; ``flask --help`` lists it without importing."""

    def make_context(self, info_name, args, parent=None, **extra):
        """Hand the arguments to Flask-Migrate's own group (its options, subcommands, help)."""
        from flask_migrate.cli import db as db_group

        _upgrade_defaults_to_heads(db_group)
        _learn_names_after_upgrade(db_group)
        return db_group.make_context(info_name, args, parent=parent, **extra)


# Work to do once ``flask db upgrade`` has run, registered by the parts of the core that need it
# (the publication gate learns the names the records already hold): each returns a line to
# print, or None. Kept here as callbacks so this module imports none of them.
_AFTER_UPGRADE: dict[str, object] = {}


def after_upgrade(name: str, callback) -> None:
    """Run ``callback()`` (in the app's context) after every ``flask db upgrade``."""
    _AFTER_UPGRADE[name] = callback


def _learn_names_after_upgrade(db_group: click.Group) -> None:
    """After ``db upgrade``, run the registered follow-ups (``after_upgrade``): a database
    upgraded to the publication gate masks the names it holds from the first page it serves."""
    upgrade = db_group.commands["upgrade"]
    if getattr(upgrade, "township_learns_names", False):
        return
    original = upgrade.callback

    @functools.wraps(original)
    def callback(*args, **kwargs):
        result = original(*args, **kwargs)
        from flask.cli import ScriptInfo

        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        with app.app_context():
            for follow_up in list(_AFTER_UPGRADE.values()):
                line = follow_up()
                if line:
                    click.echo(line)
        return result

    upgrade.callback = callback
    upgrade.township_learns_names = True


def _upgrade_defaults_to_heads(db_group: click.Group) -> None:
    # Flask-Migrate's `db upgrade` defaults to "head", which refuses several branches.
    for param in db_group.commands["upgrade"].params:
        if param.name == "revision":
            param.default = "heads"


schema_cli = AppGroup("schema", help="Generate Alembic revisions for the core or one plugin.")


@schema_cli.command("revision")
@click.option("--plugin", "plugin_name", default=None, help="Plugin name (default: the core).")
@click.option("-m", "--message", required=True)
def revision(plugin_name, message):
    """Autogenerate a revision holding only the core's (or one plugin's) tables."""
    from alembic import command

    config = get_migrate().get_config()
    if plugin_name is None:
        include, head, path, label, depends = (
            core_tables(),
            "core@head",
            str(CORE_VERSIONS),
            None,
            None,
        )
        if not any(CORE_VERSIONS.glob("*.py")):
            head, label = "base", "core"
        rev_id = CORE_BASE_REVISION if label else None
    else:
        tables = plugin_tables()
        if plugin_name not in tables:
            raise click.ClickException(f"没有名为“{plugin_name}”的模块。")
        include = tables[plugin_name]
        path = plugin_version_paths().get(plugin_name)
        if path is None:
            raise click.ClickException(
                f"模块“{plugin_name}”没有声明迁移目录 (register_migrations)。"
            )
        Path(path).mkdir(parents=True, exist_ok=True)
        first = not any(Path(path).glob("*.py"))
        head = "base" if first else f"{plugin_name}@head"
        label = plugin_name if first else None
        depends = CORE_BASE_REVISION if first else None
        rev_id = f"{plugin_name}_0001" if first else None
    config.attributes["include_tables"] = include
    command.revision(
        config,
        message=message,
        autogenerate=True,
        head=head,
        branch_label=label,
        version_path=path,
        depends_on=depends,
        rev_id=rev_id,
    )


def init_schema(app: Flask) -> None:
    """Register ``flask db`` (Flask-Migrate, loaded on use; ``upgrade`` applies every branch)
    and ``flask schema``, and give Flask-Migrate's functions the state they look up."""
    app.extensions["migrate"] = MigrateState(db)
    app.cli.add_command(LazyDbGroup("db", help="Perform database migrations."))
    app.cli.add_command(schema_cli)
