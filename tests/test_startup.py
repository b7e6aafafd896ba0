"""Start-up stays cheap: importing wsgi loads no heavy library, the admin is built on first need.

bench/startup_bench.py measures the wall times; these tests keep the structure that makes them
short from eroding (an eager import of Alembic or openpyxl costs a tenth of a second or more).
"""

import os
import subprocess
import sys
import threading
from pathlib import Path

from flask import url_for

from core.app import _Deferred, create_app
from core.extensions import db

ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "alembic",
    "flask_migrate",
    "reportlab",
    "openpyxl",
    "jieba",
    "PIL",
    "markdown_it",
    "redis",
    "segno",
    "flask_admin.contrib.sqla",
)


def _env(tmp_path) -> dict:
    return dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'startup.sqlite3'}",
        SECRET_KEY="startup-test",
    )


def test_importing_wsgi_loads_no_heavy_library(tmp_path):
    code = f"import sys, wsgi\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"imported at start-up: {result.stdout.strip()}"


def test_flask_help_lists_db_without_alembic_and_db_commands_load_it(tmp_path):
    env = _env(tmp_path)
    listing = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "flask", "--app", "wsgi", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listing.returncode == 0, listing.stderr
    assert " db " in listing.stdout and " schema " in listing.stdout
    assert "| alembic\n" not in listing.stderr
    heads = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "heads"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert heads.returncode == 0, heads.stderr
    assert "(core)" in heads.stdout and "(training)" in heads.stdout  # every branch's folder


def _deferred_app(tmp_path):
    """The test configuration of conftest.make_test_app, with the admin deferred as in wsgi."""
    import example_plugin

    tmp_path.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "REDIS_URL": None,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SERVER_NAME": None,
        },
        extra_plugins=(example_plugin,),
        defer_setup=True,
    )
    with app.app_context():
        db.create_all()
    return app


def _admin_built(app) -> bool:
    return "township_admin" in dict.keys(app.extensions)  # a plain look, triggers nothing


def test_cli_command_does_not_build_the_deferred_admin(tmp_path):
    app = _deferred_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["modules", "list"])
    assert result.exit_code == 0, result.output
    assert not _admin_built(app)


def test_first_request_builds_the_admin_once(tmp_path):
    app = _deferred_app(tmp_path)
    assert not _admin_built(app)
    response = app.test_client().get("/admin/offices/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    admin = app.extensions["township_admin"]
    assert app.test_client().get("/admin/staff/").status_code == 302
    assert app.extensions["township_admin"] is admin


def test_url_for_outside_a_request_builds_the_admin(tmp_path):
    app = _deferred_app(tmp_path)
    app.config["SERVER_NAME"] = "township.example"
    with app.app_context():
        assert url_for("offices.index_view").endswith("/admin/offices/")
    assert _admin_built(app)


def test_url_map_listing_and_extension_lookup_build_the_admin(tmp_path):
    listed = _deferred_app(tmp_path / "a")
    assert any(rule.rule.startswith("/admin/") for rule in listed.url_map.iter_rules())
    looked_up = _deferred_app(tmp_path / "b")
    with looked_up.app_context():
        assert looked_up.extensions.get("township_admin") is not None  # background exports


def test_deferred_setup_runs_once_across_threads():
    calls = []
    started = threading.Event()
    deferred = _Deferred()

    def slow_setup():
        calls.append(1)
        started.set()
        threading.Event().wait(0.05)

    deferred.pending = slow_setup
    threads = [threading.Thread(target=deferred.run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [1] and deferred.pending is None
