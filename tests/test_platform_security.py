"""Redirects after an admin save go only to this site (Flask-Admin's ``url`` parameter)."""

import pytest
from example_plugin.models import ExampleNote
from sqlalchemy import func, select
from support import csrf_token, post

from core.extensions import db
from core.models import Office
from core.modules import set_module

FOREIGN = [
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "javascript:alert(1)",
    "http://localhost/admin/",
    " https://evil.example",
]


@pytest.fixture
def example_on(app, offices):
    with app.app_context():
        set_module("example", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    return offices


def note_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ExampleNote))


def test_local_return_url_is_followed_after_save(app, client, users, example_on, login_as):
    login_as("staff_a")
    response = post(
        client, "/admin/example_notes/new/?url=/admin/example_notes/?sort=0", {"title": "回到列表"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/example_notes/?sort=0"
    assert note_count(app) == 1


@pytest.mark.parametrize("target", FOREIGN)
def test_save_with_a_foreign_return_url_is_refused(
    app, client, users, example_on, login_as, target
):
    login_as("staff_a")
    response = post(
        client,
        "/admin/example_notes/new/",
        {"title": "外链", "url": target},
        query_string={"url": target},
    )
    assert response.status_code == 400
    assert note_count(app) == 0


@pytest.mark.parametrize("target", FOREIGN)
def test_form_page_with_a_foreign_return_url_drops_it(client, users, example_on, login_as, target):
    login_as("staff_a")
    response = client.get("/admin/example_notes/new/", query_string={"url": target, "x": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/example_notes/new/?x=1"


def test_forged_host_header_cannot_turn_the_return_url_off_site(
    app, client, users, example_on, login_as
):
    # Flask-Admin alone accepts any absolute URL on the request's own host.
    login_as("staff_a")
    token = csrf_token(client)
    response = client.post(
        "/admin/example_notes/new/?url=http://evil.example/phish",
        data={"title": "伪造主机", "csrf_token": token},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 400
    assert note_count(app) == 0


def test_delete_form_return_url_is_checked_too(app, client, users, example_on, login_as):
    with app.app_context():
        note = ExampleNote(office_id=example_on["A"], title="待删除")
        db.session.add(note)
        db.session.commit()
        note_id = note.id
    login_as("staff_a")
    refused = post(
        client, "/admin/example_notes/delete/", {"id": note_id, "url": "https://evil.example/"}
    )
    assert refused.status_code == 400 and note_count(app) == 1
    done = post(
        client, "/admin/example_notes/delete/", {"id": note_id, "url": "/admin/example_notes/"}
    )
    assert done.status_code == 302 and done.headers["Location"] == "/admin/example_notes/"
    assert note_count(app) == 0


def test_a_busy_database_answers_503_in_chinese_not_500(app, client, offices, monkeypatch):
    """Issue 15 (5): a lock that outlasts the busy timeout (SQLite) or a lock timeout,
    serialisation failure or deadlock (PostgreSQL) is "busy, try again", never a 500."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from core.public import views

    def locked(_office):
        raise OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(views, "public_staff", locked)
    response = client.get("/o/A/staff")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "系统繁忙，请稍后再试，未保存任何更改" in response.get_data(as_text=True)
