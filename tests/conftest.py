"""Test fixtures: one app per test session, on SQLite or (TEST_DATABASE_URL) PostgreSQL.

With TEST_DATABASE_URL set (CI does), a throwaway database is created on that server for this
test process and dropped afterwards, so parallel workers and runs never share data. With
REDIS_URL set, Redis-backed tests run against that server. With CI=true, tests that need a
server fail instead of skipping when it is unreachable.
"""

import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent / "plugins"))

from support import (  # noqa: E402
    _PASSWORD_HASH,
    CHROMIUM,
    CHROMIUM_ARGS,
    IN_CI,
    login,
    make_test_app,
    postgres_database,
)

from core.extensions import db  # noqa: E402
from core.models import Office, OfficeKind, Role, User  # noqa: E402


@pytest.fixture(scope="session")
def database_url():
    """The database of this test process: PostgreSQL when configured, else None (SQLite)."""
    created = postgres_database()
    if created is None:
        yield None
        return
    url, drop = created
    yield url
    drop()


@pytest.fixture(scope="session")
def app(tmp_path_factory, database_url):
    """The application under test, with its schema created once."""
    tmp = tmp_path_factory.mktemp("app")
    application = make_test_app(tmp, database_url)
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.engine.dispose()


def _empty_all_tables(application):
    with application.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                # The audit table's trigger refuses TRUNCATE unless this test-only setting is on
                # (see core/audit/sql.py).
                conn.execute(text("SET LOCAL township.audit_maintenance = 'reset'"))
                conn.execute(
                    text(
                        "TRUNCATE "
                        + ", ".join(f'"{t}"' for t in tables)
                        + " RESTART IDENTITY CASCADE"
                    )
                )
            else:
                for t in tables:
                    conn.execute(text(f'DELETE FROM "{t}"'))


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Every test starts with empty tables (only when it used the app)."""
    yield
    if "app" in request.fixturenames:
        _empty_all_tables(request.getfixturevalue("app"))


@pytest.fixture
def app_ctx(app):
    """An application context for direct model work."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- data helpers ------------------------------------------------------------------------


@pytest.fixture
def offices(app):
    """A township with two offices: A (government) and B (a village)."""
    with app.app_context():
        root = Office(code="T", name="测试镇", kind=OfficeKind.TOWNSHIP)
        a = Office(code="A", name="甲单位", kind=OfficeKind.GOVERNMENT, parent=root)
        b = Office(code="B", name="乙村", kind=OfficeKind.VILLAGE, parent=root)
        db.session.add_all([root, a, b])
        db.session.commit()
        return {"T": root.id, "A": a.id, "B": b.id}


@pytest.fixture
def make_user(app):
    """Create a user: make_user("alice", Role.STAFF, office_id) → user id."""

    def make(username, role=Role.STAFF, office_id=None, **fields):
        with app.app_context():
            user = User(
                username=username,
                display_name=fields.pop("display_name", username),
                role=role,
                office_id=office_id,
                password_hash=_PASSWORD_HASH,
                **fields,
            )
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def users(offices, make_user):
    """One user per role: township admin and auditor at T, staff/leader/office admin at A,
    and staff at B."""
    return {
        "admin": make_user("admin", Role.TOWNSHIP_ADMIN, offices["T"]),
        "auditor": make_user("auditor", Role.AUDITOR, offices["T"]),
        "officeadmin": make_user("officeadmin", Role.OFFICE_ADMIN, offices["A"]),
        "leader": make_user("leader", Role.LEADER, offices["A"]),
        "staff_a": make_user("staff_a", Role.STAFF, offices["A"]),
        "staff_b": make_user("staff_b", Role.STAFF, offices["B"]),
    }


@pytest.fixture
def login_as(client):
    """login_as("staff_a") signs the test client in as that user."""

    def do(username):
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


@pytest.fixture
def _fail_missing_redis():
    pytest.fail("CI=true but REDIS_URL is not set: the Redis tests must run in CI.")


@pytest.fixture
def postgres_only(database_url):
    """For tests of PostgreSQL behaviour (triggers, row locks): they run in the PostgreSQL
    pass (TEST_DATABASE_URL) and are skipped, with that reason, in the SQLite pass."""
    if database_url is None:
        pytest.skip("PostgreSQL-only; runs in the TEST_DATABASE_URL pass")


@pytest.fixture
def sqlite_only(database_url):
    """For tests of SQLite behaviour (its write lock, its triggers): skipped in the
    PostgreSQL pass."""
    if database_url is not None:
        pytest.skip("SQLite-only; runs in the SQLite pass")


@pytest.fixture
def chromium():
    """Debian's Chromium through Playwright; skipped without it, failed under CI=true."""
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail("CI=true but /usr/bin/chromium is missing: browser tests must run in CI.")
        pytest.skip("/usr/bin/chromium is not installed")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The test app served on 127.0.0.1 from a thread; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
