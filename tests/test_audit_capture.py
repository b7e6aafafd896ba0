"""Automatic capture of row changes and the recorded events (logins, exports, module switches)."""

import pytest
from example_plugin.models import ExampleNote
from sqlalchemy import delete, insert, select, update
from support import login, post

from core.audit import AuditEntry, acting_as, capture_suspended_for_benchmark, record_event
from core.audit.capture import SECRET_MASK
from core.extensions import db
from core.models import LoginFailure, Office, User, UserSession
from core.modules import set_module


def entries(**where) -> list[AuditEntry]:
    """Audit entries matching column=value filters, in chain order."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    for column, value in where.items():
        query = query.where(getattr(AuditEntry, column) == value)
    return list(db.session.scalars(query))


@pytest.fixture
def example_on(app, offices):
    """The example module switched on for offices A and B."""
    with app.app_context():
        for code in ("A", "B"):
            set_module("example", db.session.get(Office, offices[code]), True)
        db.session.commit()


def test_plugin_model_is_audited_without_plugin_code(app_ctx, offices):
    note = ExampleNote(office_id=offices["A"], title="初稿", phone="13812345678")
    db.session.add(note)
    db.session.commit()
    note.title = "定稿"
    db.session.commit()
    note_id = note.id
    db.session.delete(note)
    db.session.commit()

    log = entries(target_type="example_note", target_id=str(note_id))
    assert [e.action for e in log] == ["insert", "update", "delete"]
    assert all(e.office_id == offices["A"] for e in log)
    assert log[0].changes["title"] == [None, "初稿"]
    assert log[0].changes["phone"] == [None, "13812345678"]
    assert log[1].changes == {"title": ["初稿", "定稿"]}
    assert log[2].changes["title"] == ["定稿", None]
    assert log[2].changes["phone"] == ["13812345678", None]
    assert all(e.actor_name == "system" for e in log)


def test_change_through_admin_screen_names_user_ip_and_request(
    app, client, users, example_on, login_as
):
    with app.app_context():
        note = ExampleNote(
            office_id=db.session.get(User, users["staff_a"]).office_id, title="旧标题"
        )
        db.session.add(note)
        db.session.commit()
        note_id = note.id
    login_as("staff_a")
    response = post(
        client, f"/admin/example_notes/edit/?id={note_id}", {"title": "新标题", "phone": ""}
    )
    assert response.status_code == 302
    with app.app_context():
        update_entry = entries(target_type="example_note", action="update")[-1]
        assert update_entry.changes["title"] == ["旧标题", "新标题"]
        assert update_entry.actor_id == users["staff_a"]
        assert update_entry.actor_name == "staff_a"
        assert update_entry.ip_address == "127.0.0.1"
        assert update_entry.request_id and len(update_entry.request_id) == 16


def test_expired_object_keeps_its_old_values(app_ctx, offices):
    note = ExampleNote(office_id=offices["A"], title="甲", phone="13800000000")
    db.session.add(note)
    db.session.commit()  # expires every attribute
    note.title = "乙"  # set without reading: the old value comes from the database
    db.session.commit()
    db.session.delete(note)  # deleted without being loaded again
    db.session.commit()
    update_entry, delete_entry = entries(target_type="example_note")[1:]
    assert update_entry.changes == {"title": ["甲", "乙"]}
    assert update_entry.office_id == offices["A"]
    assert delete_entry.changes["phone"] == ["13800000000", None]


def test_relationship_change_records_the_foreign_key(app_ctx, offices):
    note = ExampleNote(office_id=offices["A"], title="转办")
    db.session.add(note)
    db.session.commit()
    note.office = db.session.get(Office, offices["B"])
    db.session.commit()
    last = entries(target_type="example_note", action="update")[-1]
    assert last.changes == {"office_id": [offices["A"], offices["B"]]}
    assert last.office_id == offices["B"]


def test_rollback_takes_the_audit_rows_with_it(app_ctx, offices):
    db.session.add(ExampleNote(office_id=offices["A"], title="作废"))
    db.session.flush()
    db.session.rollback()
    db.session.add(ExampleNote(office_id=offices["A"], title="保留"))
    db.session.commit()
    titles = [e.changes["title"][1] for e in entries(target_type="example_note")]
    assert titles == ["保留"]


def test_savepoint_rollback_drops_only_its_own_rows(app_ctx, offices):
    db.session.add(ExampleNote(office_id=offices["A"], title="外层"))
    savepoint = db.session.begin_nested()
    db.session.add(ExampleNote(office_id=offices["A"], title="保存点内"))
    record_event("test.inside_savepoint")
    db.session.flush()
    savepoint.rollback()
    record_event("test.after_savepoint")
    db.session.commit()
    titles = [e.changes["title"][1] for e in entries(target_type="example_note")]
    assert titles == ["外层"]
    assert entries(action="test.inside_savepoint") == []
    assert len(entries(action="test.after_savepoint")) == 1


def test_acting_as_names_jobs_and_residents(app_ctx, offices):
    with acting_as("job:sla_sweep"):
        db.session.add(ExampleNote(office_id=offices["A"], title="定时任务"))
        db.session.commit()
    with acting_as("resident"):
        db.session.add(ExampleNote(office_id=offices["B"], title="群众提交"))
        record_event("public.form", office_id=offices["B"])
        db.session.commit()
    names = [e.actor_name for e in entries(target_type="example_note")]
    assert names == ["job:sla_sweep", "resident"]
    assert entries(action="public.form")[0].actor_name == "resident"


def test_password_hashes_never_reach_the_log(app_ctx, offices, make_user):
    user_id = make_user("newbie", office_id=offices["A"])
    user = db.session.get(User, user_id)
    real_hash = user.password_hash
    user.password_hash = "$argon2id$v=19$changed"
    db.session.commit()
    log = entries(target_type="user", target_id=str(user_id))
    assert [e.action for e in log] == ["insert", "update"]
    assert log[0].changes["password_hash"] == [None, SECRET_MASK]
    assert log[1].changes == {"password_hash": [SECRET_MASK, SECRET_MASK]}
    stored = db.session.execute(select(AuditEntry.changes)).scalars().all()
    assert not any(real_hash in str(c) or "changed" in str(c) for c in stored)


def test_bookkeeping_tables_are_not_row_audited(app_ctx, offices, users):
    db.session.add(LoginFailure(key="k", count=1))
    db.session.add(UserSession(token_hash="x" * 64, user_id=users["staff_a"]))
    db.session.commit()
    assert entries(target_type="login_failure") == []
    assert entries(target_type="user_session") == []


def test_orm_bulk_statements_are_captured(app_ctx, offices):
    db.session.execute(
        insert(ExampleNote),
        [
            {"office_id": offices["A"], "title": "批量一"},
            {"office_id": offices["B"], "title": "批量二"},
        ],
    )
    db.session.commit()
    inserted = entries(target_type="example_note", action="insert")
    assert sorted(e.changes["title"][1] for e in inserted) == ["批量一", "批量二"]
    ids = {e.changes["title"][1]: int(e.target_id) for e in inserted}

    db.session.execute(
        update(ExampleNote).where(ExampleNote.title == "批量一").values(title="批量一改")
    )
    db.session.execute(update(ExampleNote), [{"id": ids["批量二"], "title": "批量二改"}])
    db.session.commit()
    updates = entries(target_type="example_note", action="update")
    assert [(int(e.target_id), e.changes) for e in updates] == [
        (ids["批量一"], {"title": ["批量一", "批量一改"]}),
        (ids["批量二"], {"title": ["批量二", "批量二改"]}),
    ]
    assert updates[0].office_id == offices["A"]

    db.session.execute(delete(ExampleNote).where(ExampleNote.office_id == offices["B"]))
    db.session.commit()
    deleted = entries(target_type="example_note", action="delete")
    assert [(int(e.target_id), e.changes["title"][0]) for e in deleted] == [
        (ids["批量二"], "批量二改")
    ]


def test_capture_switch_is_for_the_benchmark_only(app_ctx, offices):
    with capture_suspended_for_benchmark():
        db.session.add(ExampleNote(office_id=offices["A"], title="基准"))
        db.session.commit()
    assert entries(target_type="example_note") == []
    db.session.add(ExampleNote(office_id=offices["A"], title="正常"))
    db.session.commit()
    assert len(entries(target_type="example_note")) == 1


def test_login_failed_login_and_logout_are_recorded(app, client, users):
    assert login(client, "staff_a", "wrong-password-1").status_code == 401
    assert login(client, "staff_a").status_code == 302
    assert post(client, "/logout").status_code == 302
    with app.app_context():
        failed = entries(action="auth.login_failed")
        assert failed and failed[0].actor_name == "staff_a"
        assert failed[0].ip_address == "127.0.0.1"
        login_entry = entries(action="auth.login")[0]
        assert login_entry.actor_id == users["staff_a"]
        logout_entry = entries(action="auth.logout")[0]
        assert logout_entry.actor_id == users["staff_a"]
        assert logout_entry.id > login_entry.id > failed[0].id


def test_module_switch_is_recorded(app, client, users, login_as):
    login_as("admin")
    with app.app_context():
        office = db.session.scalar(select(Office).where(Office.code == "A"))
        set_module("example", office, True)
        db.session.commit()
        switched = entries(action="module.enable")
        assert switched[0].target_id == "example" and switched[0].office_id == office.id
        row_entry = entries(target_type="office_module")[0]
        assert row_entry.action == "insert" and row_entry.office_id == office.id


def test_export_is_recorded_with_its_filters(app, client, users, example_on, login_as):
    with app.app_context():
        db.session.add(
            ExampleNote(office_id=db.session.get(User, users["staff_a"]).office_id, title="可导出")
        )
        db.session.commit()
    login_as("staff_a")
    response = client.get("/admin/example_notes/export/csv/?search=可导出")
    assert response.status_code == 200
    with app.app_context():
        export = entries(action="export")[-1]
        assert export.actor_id == users["staff_a"]
        assert export.target_type == "example_note"
        assert export.details["filters"] == {"search": "可导出"}
        assert export.details["rows"] == 1
