"""Helpers the tests share: the test app, signing in, posting forms with a CSRF token, reading
pages. Plain functions that test modules import (``from support import post``); fixtures live in
the ``conftest.py`` of each test folder and are never imported by name.
"""

import os
import re
import secrets
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.auth.passwords import hash_password
from core.extensions import db
from core.models import User

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = hash_password(TEST_PASSWORD)


def postgres_database():
    """Create a throwaway PostgreSQL database; return (url, drop function) or None."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    base = (
        base.replace("postgresql://", "postgresql+psycopg://", 1)
        if base.startswith("postgresql://")
        else base
    )
    name = f"township_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin_engine = create_engine(
        make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
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
        data = {
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role.value,
            "office": str(user.office_id),
            "post": user.post or "",
            "staff_number": user.staff_number or "",
            "contact_phone": user.contact_phone or "",
        }
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


def needs_redis(test):
    """Run ``test`` against REDIS_URL; skipped without it, but failed under CI=true."""
    if os.environ.get("REDIS_URL"):
        return test
    if IN_CI:
        return pytest.mark.usefixtures("_fail_missing_redis")(test)
    return pytest.mark.skip(reason="REDIS_URL not set")(test)


def text_of(response) -> str:
    """The response body as text, with tags removed (for simple content asserts)."""
    return re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))


# Browser tests (mark them @pytest.mark.browser) use the chromium fixture of tests/conftest.py.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
