"""Test fixtures: one app per test session, on SQLite or (TEST_DATABASE_URL) PostgreSQL.

With TEST_DATABASE_URL set (CI does), a throwaway database is created on that server for this
test process and dropped afterwards, so parallel workers and runs never share data. With
REDIS_URL set, Redis-backed tests run against that server. With CI=true, tests that need a
server fail instead of skipping when it is unreachable.
"""

import os
import re
import secrets
import sys
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent / "plugins"))

from core.auth.passwords import hash_password  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Office, OfficeKind, Role, User  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = hash_password(TEST_PASSWORD)


def _postgres_database():
    """Create a throwaway PostgreSQL database; return (url, drop function) or None."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    base = base.replace("postgresql://", "postgresql+psycopg://", 1) if base.startswith("postgresql://") else base
    name = f"township_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin_engine = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name)

    def drop():
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()

    return url.render_as_string(hide_password=False), drop


def make_test_app(tmp_dir: Path, database_url: str | None = None, **overrides):
    """A fully wired app for tests, with the example plugin registered."""
    import example_plugin

    from core.app import create_app

    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp_dir / 'test.sqlite3'}",
        "UPLOAD_FOLDER": str(tmp_dir / "uploads"),
        "REDIS_URL": None,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return create_app(config, extra_plugins=(example_plugin,))


@pytest.fixture(scope="session")
def database_url():
    """The database of this test process: PostgreSQL when configured, else None (SQLite)."""
    created = _postgres_database()
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
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
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
            user = User(username=username, display_name=fields.pop("display_name", username),
                        role=role, office_id=office_id, password_hash=_PASSWORD_HASH, **fields)
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


def csrf_token(client) -> str:
    """A valid CSRF token for ``client``'s session (as a rendered form would carry)."""
    app = client.application
    with client.session_transaction() as sess:
        raw = sess.setdefault("csrf_token", secrets.token_hex(20))
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


def post(client, url, data=None, **kwargs):
    """POST with a valid CSRF token added."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=data, **kwargs)


def staff_form(app, user_id, **changes) -> dict:
    """The staff edit form as the browser sends it, from the account's current values; a
    change given as None leaves that field out of the post."""
    with app.app_context():
        user = db.session.get(User, user_id)
        data = {"username": user.username, "display_name": user.display_name,
                "role": user.role.value, "office": str(user.office_id),
                "post": user.post or "", "staff_number": user.staff_number or "",
                "contact_phone": user.contact_phone or ""}
        if user.active:
            data["active"] = "y"
        if user.in_public_directory:
            data["in_public_directory"] = "y"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post_edit(client, url, data=None, **kwargs):
    """POST an admin edit form as a browser would: with the version the form was loaded with
    (versioned rows refuse a save without it)."""
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'<input[^>]*name="version"[^>]*>', page)
    data = dict(data or {})
    if found:
        value = re.search(r'value="(\d+)"', found.group(0))
        if value:
            data.setdefault("version", value.group(1))
    return post(client, url, data, **kwargs)


def login(client, username, password=TEST_PASSWORD):
    """Sign in through the real login form; returns the response."""
    return post(client, "/login", {"username": username, "password": password})


@pytest.fixture
def login_as(client):
    """login_as("staff_a") signs the test client in as that user."""

    def do(username):
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


def needs_redis(test):
    """Run ``test`` against REDIS_URL; skipped without it, but failed under CI=true."""
    if os.environ.get("REDIS_URL"):
        return test
    if IN_CI:
        return pytest.mark.usefixtures("_fail_missing_redis")(test)
    return pytest.mark.skip(reason="REDIS_URL not set")(test)


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


def text_of(response) -> str:
    """The response body as text, with tags removed (for simple content asserts)."""
    return re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))


# --- browser tests (mark them @pytest.mark.browser) ----------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


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
