"""Reading the log: who may, masking of personal data, filters, export, and a record's history."""

import json
import re

import pytest
from example_plugin.models import ExampleNote
from sqlalchemy import select
from support import post, text_of

from core.audit import AuditEntry
from core.audit.views import AuditEntryView
from core.extensions import db
from core.models import Office
from core.modules import set_module

PHONE_A, PHONE_B = "13812345678", "13987654321"


@pytest.fixture
def notes(app, offices):
    """Example module on for A and B; one note each (A's edited once)."""
    with app.app_context():
        for code in ("A", "B"):
            set_module("example", db.session.get(Office, offices[code]), True)
        a = ExampleNote(office_id=offices["A"], title="甲的笔记", phone=PHONE_A)
        b = ExampleNote(office_id=offices["B"], title="乙的笔记", phone=PHONE_B)
        db.session.add_all([a, b])
        db.session.commit()
        a.title = "甲的笔记（改）"
        db.session.commit()
        return {"A": a.id, "B": b.id}


def _filter(column_name: str, operation_class=None) -> str:
    """The URL argument Flask-Admin uses for one of the log's filters."""
    for index, flt in enumerate(AuditEntryView.column_filters):
        if flt.column.key == column_name and (
            operation_class is None or isinstance(flt, operation_class)
        ):
            return f"flt0_{index}"
    raise KeyError(column_name)


@pytest.mark.parametrize(
    "username,status",
    [("admin", 200), ("auditor", 200), ("officeadmin", 403), ("leader", 403), ("staff_a", 403)],
)
def test_only_auditors_and_township_admins_read_the_log(
    client, users, notes, login_as, username, status
):
    login_as(username)
    response = client.get("/admin/audit/")
    assert response.status_code == status
    if status == 200:
        assert "审计日志" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client, notes):
    response = client.get("/admin/audit/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_personal_data_masked_for_auditor_shown_to_admin(client, users, notes, login_as):
    login_as("auditor")
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert PHONE_A not in page and "138****5678" in page
    client.post("/logout", data={"csrf_token": ""})
    client.delete_cookie("session")
    login_as("admin")
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert PHONE_A in page


def test_log_is_read_only_for_everyone(app, client, users, notes, login_as):
    login_as("admin")
    with app.app_context():
        first = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id))
    assert client.get("/admin/audit/new/").status_code in (302, 403, 404)
    assert client.get(f"/admin/audit/edit/?id={first}").status_code in (302, 403, 404)
    post(client, "/admin/audit/delete/", {"id": first})
    post(client, "/admin/audit/action/", {"action": "delete", "rowid": [first]})
    with app.app_context():
        assert db.session.get(AuditEntry, first) is not None


def test_filters_by_office_table_record_and_time(app, client, users, notes, offices, login_as):
    login_as("admin")
    by_office = text_of(client.get(f"/admin/audit/?{_filter('office_id')}={offices['B']}"))
    assert "乙的笔记" in by_office and "甲的笔记" not in by_office
    by_record = text_of(
        client.get(
            f"/admin/audit/?{_filter('target_type')}=example_note"
            f"&flt1_{_filter('target_id')[5:]}={notes['A']}"
        )
    )
    assert "甲的笔记（改）" in by_record and "乙的笔记" not in by_record
    by_action = text_of(client.get(f"/admin/audit/?{_filter('action')}=module.enable"))
    assert "启用模块" in by_action and "甲的笔记" not in by_action
    from flask_admin.contrib.sqla.filters import DateTimeBetweenFilter

    window = client.get(
        f"/admin/audit/?{_filter('at', DateTimeBetweenFilter)}="
        "2000-01-01 00:00:00 to 2000-12-31 00:00:00"
    )
    assert window.status_code == 200 and "甲的笔记" not in text_of(window)


def test_export_is_masked_and_itself_audited(app, client, users, notes, offices, login_as):
    login_as("auditor")
    response = client.get(f"/admin/audit/export/csv/?{_filter('office_id')}={offices['A']}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "甲的笔记" in body and "乙的笔记" not in body
    assert PHONE_A not in body and "138****5678" in body
    with app.app_context():
        export = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()[
            -1
        ]
        assert export.target_type == "audit_entry"
        assert export.actor_id == users["auditor"]
        assert export.details["filters"] == {_filter("office_id"): str(offices["A"])}


def test_detail_screen_links_to_the_history(client, users, notes, login_as):
    login_as("staff_a")
    page = client.get(f"/admin/example_notes/details/?id={notes['A']}").get_data(as_text=True)
    assert f"/admin/audit/history/example_note/{notes['A']}" in page
    assert "修改历史" in page


def test_staff_see_history_of_their_own_office_only(client, users, notes, login_as):
    login_as("staff_a")
    own = client.get(f"/admin/audit/history/example_note/{notes['A']}")
    assert own.status_code == 200
    text = text_of(own)
    assert "新增" in text and "修改" in text and "甲的笔记（改）" in text
    assert PHONE_A in text  # staff may see the personal data of their own office's records
    assert client.get(f"/admin/audit/history/example_note/{notes['B']}").status_code == 404
    assert client.get("/admin/audit/history/no_such_table/1").status_code == 404
    assert client.get("/admin/audit/history/").status_code == 404


def test_history_masks_for_auditor_and_logs_full_views(app, client, users, notes, login_as):
    login_as("auditor")
    text = text_of(client.get(f"/admin/audit/history/example_note/{notes['B']}"))
    assert "乙的笔记" in text and PHONE_B not in text and "139****4321" in text
    with app.app_context():
        assert not db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "personal_data.view")
        ).all()
    client.delete_cookie("session")
    login_as("admin")
    assert PHONE_B in text_of(client.get(f"/admin/audit/history/example_note/{notes['B']}"))
    with app.app_context():
        viewed = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "personal_data.view")
        ).all()
        assert [(v.target_type, v.target_id, v.actor_id) for v in viewed] == [
            ("example_note", str(notes["B"]), users["admin"])
        ]
    assert client.get("/admin/audit/history/").status_code == 302


def test_filter_choices_list_current_users_offices_and_tables(
    client, users, notes, login_as, make_user, offices
):
    make_user("newcomer", office_id=offices["B"], display_name="新同事")
    login_as("auditor")
    page = client.get("/admin/audit/").get_data(as_text=True)
    groups = json.loads(re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', page, re.S).group(1))
    choices = {
        label: [name for _value, name in group[0]["options"] or []]
        for label, group in groups.items()
    }
    assert "新同事（newcomer）" in choices["操作人"]  # created after start-up, offered anyway
    assert "乙村" in choices["单位"]
    assert any("example_note" in name for name in choices["数据表"])
