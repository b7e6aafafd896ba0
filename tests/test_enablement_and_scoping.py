"""Per-office enablement and office scoping, end to end through the example plugin."""

import pytest
from example_plugin.models import ExampleNote
from sqlalchemy import select
from support import csrf_token, post

from core.extensions import db
from core.models import Office
from core.modules import set_module


@pytest.fixture
def notes(app, offices):
    """Example module on for A and B, one note each."""
    with app.app_context():
        for code in ("A", "B"):
            set_module("example", db.session.get(Office, offices[code]), True)
        db.session.add_all(
            [
                ExampleNote(office_id=offices["A"], title="甲的笔记", phone="13812345678"),
                ExampleNote(office_id=offices["B"], title="乙的笔记", phone="13987654321"),
            ]
        )
        db.session.commit()
        return {n.title: n.id for n in db.session.scalars(select(ExampleNote))}


def _switch(app, code, on):
    with app.app_context():
        office = db.session.scalar(select(Office).where(Office.code == code))
        set_module("example", office, on)
        db.session.commit()


def test_disabled_module_vanishes_for_that_office_only(app, client, users, notes, login_as):
    _switch(app, "B", False)
    login_as("staff_b")
    dashboard = client.get("/admin/")
    assert "示例模块" not in dashboard.get_data(as_text=True)
    assert client.get("/admin/example_notes/").status_code == 403
    assert client.get("/o/B/example/").status_code == 404
    assert client.get("/o/A/example/").status_code == 200

    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login_as("staff_a")
    page = client.get("/admin/")
    assert "示例模块" in page.get_data(as_text=True)
    assert client.get("/admin/example_notes/").status_code == 200


def test_disable_then_enable_keeps_data(app, client, users, notes, login_as):
    _switch(app, "A", False)
    _switch(app, "A", True)
    login_as("staff_a")
    listing = client.get("/admin/example_notes/").get_data(as_text=True)
    assert "甲的笔记" in listing


def test_staff_cannot_reach_other_office_rows(app, client, users, notes, login_as):
    login_as("staff_a")
    listing = client.get("/admin/example_notes/").get_data(as_text=True)
    assert "甲的笔记" in listing and "乙的笔记" not in listing
    other = notes["乙的笔记"]
    assert client.get(f"/admin/example_notes/details/?id={other}").status_code == 404
    assert client.get(f"/admin/example_notes/edit/?id={other}").status_code == 404
    response = post(client, "/admin/example_notes/delete/", {"id": other})
    assert response.status_code == 404
    response = post(client, "/admin/example_notes/action/", {"action": "delete", "rowid": [other]})
    # The bulk action only sees rows in scope: it deletes nothing and goes back to the list.
    assert response.status_code == 302
    assert "/admin/example_notes/" in response.headers["Location"]
    export = client.get("/admin/example_notes/export/csv/").get_data(as_text=True)
    assert "乙的笔记" not in export
    with app.app_context():
        assert db.session.get(ExampleNote, other) is not None
        assert db.session.get(ExampleNote, notes["甲的笔记"]) is not None


def test_staff_cannot_edit_other_office_row_by_guessed_id(app, client, users, notes, login_as):
    login_as("staff_a")
    other = notes["乙的笔记"]
    with app.app_context():
        office_a = db.session.scalar(select(Office).where(Office.code == "A")).id
        before = db.session.get(ExampleNote, other)
        before = (before.title, before.office_id, before.phone)
    response = post(
        client,
        f"/admin/example_notes/edit/?id={other}",
        {"title": "被篡改", "office": str(office_a), "phone": "13000000000"},
    )
    assert response.status_code == 404
    with app.app_context():
        after = db.session.get(ExampleNote, other)
        assert (after.title, after.office_id, after.phone) == before
        assert db.session.scalar(select(ExampleNote).where(ExampleNote.title == "被篡改")) is None
    # The same request on the user's own row goes through, so the 404 above is the scoping.
    own = notes["甲的笔记"]
    response = post(
        client, f"/admin/example_notes/edit/?id={own}", {"title": "甲改过的笔记", "phone": ""}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ExampleNote, own).title == "甲改过的笔记"


def test_auditor_reads_everything_and_writes_nothing(app, client, users, notes, login_as):
    login_as("auditor")
    listing = client.get("/admin/example_notes/").get_data(as_text=True)
    assert "甲的笔记" in listing and "乙的笔记" in listing
    note = notes["甲的笔记"]
    assert post(client, "/admin/example_notes/delete/", {"id": note}).status_code == 403
    assert post(client, "/admin/example_notes/new/", {"title": "x"}).status_code == 403
    with app.app_context():
        assert db.session.get(ExampleNote, note) is not None


def test_list_masks_phone_and_export_leaves_it_out_for_auditor(app, client, users, notes, login_as):
    login_as("auditor")
    listing = client.get("/admin/example_notes/").get_data(as_text=True)
    assert "13812345678" not in listing and "138****5678" in listing
    export = client.get("/admin/example_notes/export/csv/").get_data(as_text=True)
    assert "13812345678" not in export and "138" not in export.splitlines()[0]


def test_staff_posting_another_office_id_still_creates_in_own_office(
    app, client, users, notes, login_as
):
    with app.app_context():
        office_a = db.session.scalar(select(Office).where(Office.code == "A")).id
        office_b = db.session.scalar(select(Office).where(Office.code == "B")).id
    login_as("staff_a")
    response = post(
        client, "/admin/example_notes/new/", {"title": "新笔记", "office": str(office_b)}
    )
    assert response.status_code == 302
    with app.app_context():
        created = db.session.scalars(select(ExampleNote).where(ExampleNote.title == "新笔记")).all()
        assert len(created) == 1
        assert created[0].office_id == office_a


def test_township_admin_creates_a_row_in_the_office_chosen_in_the_form(
    app, client, users, notes, login_as
):
    login_as("admin")
    with app.app_context():
        office_b = db.session.scalar(select(Office).where(Office.code == "B")).id
    response = post(
        client, "/admin/example_notes/new/", {"title": "管理员的笔记", "office": str(office_b)}
    )
    assert response.status_code == 302
    with app.app_context():
        created = db.session.scalar(select(ExampleNote).where(ExampleNote.title == "管理员的笔记"))
        assert created is not None and created.office_id == office_b


def test_township_admin_cannot_save_into_an_office_without_the_module(
    app, client, users, notes, login_as
):
    _switch(app, "B", False)
    login_as("admin")
    with app.app_context():
        office_b = db.session.scalar(select(Office).where(Office.code == "B")).id
    post(client, "/admin/example_notes/new/", {"title": "不应保存", "office": str(office_b)})
    with app.app_context():
        saved = db.session.scalars(select(ExampleNote).where(ExampleNote.title == "不应保存")).all()
        # Only A has the module, so the form offers no office choice and the row lands in A.
        assert all(n.office_id != office_b for n in saved)
