"""Alembic environment for the core and every plugin branch (see core/schema.py)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.types import TypeDecorator

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging_config"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
engine = target_db.engine
include_tables = config.attributes.get("include_tables")


def include_object(obj, name, type_, reflected, compare_to):
    """Limit autogenerate to the tables of the part being generated (core or one plugin)."""
    if include_tables is None:
        return True
    if type_ == "table":
        return name in include_tables
    table = getattr(obj, "table", None)
    return table is None or table.name in include_tables


def render_item(type_, obj, autogen_context):
    """Write an app-defined column type (a TypeDecorator) as the plain SQL type beneath it, so
    a migration never imports application code that may later change or move."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return "sa." + repr(obj.impl)
    return False


def process_revision_directives(ctx, revision, directives):
    """Write no empty revision when nothing changed."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_online():
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata,
                          include_object=include_object, render_item=render_item, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline():
    context.configure(url=engine.url.render_as_string(hide_password=False),
                      target_metadata=target_db.metadata, include_object=include_object,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
