"""`flask db upgrade` builds a fresh database that matches the models exactly."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect
from support import make_test_app, postgres_database

from core.extensions import db
from core.plugins import get_registry
from core.schema import core_tables


def _product_tables() -> set[str]:
    """Core tables plus those of shipped plugins (not the tests' example plugin)."""
    tables = core_tables()
    registry = get_registry()
    for name, models in registry.call_each("register_models"):
        module = registry.modules[name]
        if module.__name__.startswith("plugins."):
            tables |= {m.__table__.name for m in models}
    return tables


@pytest.fixture
def fresh_app(tmp_path, database_url):
    created = postgres_database() if database_url else None
    application = make_test_app(tmp_path, created[0] if created else None)
    yield application
    with application.app_context():
        db.engine.dispose()
    if created:
        created[1]()


def test_upgrade_builds_schema_matching_models(fresh_app):
    with fresh_app.app_context():
        upgrade(revision="heads")
        tables = _product_tables()
        existing = set(inspect(db.engine).get_table_names())
        assert tables <= existing, f"tables without a migration: {sorted(tables - existing)}"

        def include(obj, name, type_, reflected, compare_to):
            table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
            return table is None or table in tables

        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": include, "compare_type": True}
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"


def test_migration_makes_the_audit_table_append_only_on_postgresql(fresh_app, postgres_only):
    """The core revisions install the triggers that refuse UPDATE and DELETE of audit rows
    and of archive records."""
    from sqlalchemy import text

    with fresh_app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            names = set(
                conn.scalars(
                    text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entry'::regclass")
                )
            )
            archive_names = set(
                conn.scalars(
                    text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_archive'::regclass")
                )
            )
        assert {"audit_entry_append_only", "audit_entry_no_truncate"} <= names
        assert {"audit_archive_append_only", "audit_archive_no_truncate"} <= archive_names
