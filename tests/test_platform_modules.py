"""The Modules screen (offices × plugins), data deletion, and plugins that fail to load."""

import logging

import pytest
from example_plugin.models import ExampleNote
from sqlalchemy import func, select
from support import TEST_PASSWORD, login, post, text_of

from core.audit import AuditEntry
from core.extensions import db
from core.models import Office, OfficeModule
from core.modules import is_enabled, set_module


@pytest.fixture
def notes(app, offices):
    """Example module on for A and B, two notes in A and one in B."""
    with app.app_context():
        for code in ("A", "B"):
            set_module("example", db.session.get(Office, offices[code]), True)
        db.session.add_all(
            [
                ExampleNote(office_id=offices["A"], title="甲一"),
                ExampleNote(office_id=offices["A"], title="甲二"),
                ExampleNote(office_id=offices["B"], title="乙一"),
            ]
        )
        db.session.commit()
    return offices


def note_titles(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(ExampleNote.title)))


def audit_actions(app, prefix="module.") -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        return [
            (e.action, e.actor_name, e.target_id)
            for e in db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.like(prefix + "%"))
                .order_by(AuditEntry.id)
            )
        ]


def test_grid_lists_offices_and_plugins(app, client, users, login_as):
    login_as("admin")
    page = client.get("/admin/modules/")
    assert page.status_code == 200
    body = text_of(page)
    for expected in ("逐个单位启用或停用模块", "示例模块", "甲单位", "乙村", "测试镇", "启用"):
        assert expected in body


def test_admin_switches_a_module_per_office_and_it_is_audited(app, client, users, login_as):
    login_as("admin")
    response = post(
        client, "/admin/modules/switch", {"office": "A", "plugin": "example", "enabled": "1"}
    )
    assert response.status_code == 302
    with app.app_context():
        office_ids = dict(db.session.execute(select(Office.code, Office.id)).all())
        assert is_enabled("example", office_ids["A"])
        assert not is_enabled("example", office_ids["B"])
    assert "已为“甲单位”启用“示例模块”" in text_of(client.get("/admin/modules/"))
    post(
        client,
        "/admin/modules/switch",
        {"office": "A", "plugin": "example", "enabled": "0", "confirmed": "1"},
    )
    assert audit_actions(app) == [
        ("module.enable", "admin", "example"),
        ("module.disable", "admin", "example"),
    ]


def test_switching_off_never_drops_data(app, client, users, notes, login_as):
    login_as("admin")
    post(
        client,
        "/admin/modules/switch",
        {"office": "A", "plugin": "example", "enabled": "0", "confirmed": "1"},
    )
    assert "数据已保留" in text_of(client.get("/admin/modules/"))
    assert note_titles(app) == {"甲一", "甲二", "乙一"}
    with app.app_context():
        row = db.session.get(OfficeModule, (notes["A"], "example"))
        assert row.enabled is False and row.changed_by_id == users["admin"]
    post(client, "/admin/modules/switch", {"office": "A", "plugin": "example", "enabled": "1"})
    listing = text_of(client.get("/admin/example_notes/"))
    assert "甲一" in listing and "甲二" in listing


def test_grid_says_each_state_and_titles_in_chinese(app, client, users, notes, login_as):
    """Issue 14 item 18: the state reads 开启/关闭, the module by its Chinese title only
    (no "example 1.0"), and the red delete link sits apart from the switch."""
    login_as("admin")
    html = client.get("/admin/modules/").get_data(as_text=True)
    body = text_of(client.get("/admin/modules/"))
    assert "开启" in body and "关闭" in body  # A and B on, the township itself off
    assert "示例模块" in body and "example 1.0" not in body and " 1.0" not in body
    # The delete link is folded away under "更多", not next to the button.
    cell = html[html.index('name="plugin" value="example"') :]
    cell = cell[: cell.index("</td>")]
    assert "<details" in cell and cell.index("<details") < cell.index("删除数据")


def test_switching_off_asks_for_confirmation_first(app, client, users, notes, login_as):
    """Issue 14 item 18: "停用" shows a confirmation page (a plain form, no JavaScript);
    only its submit switches the module off; switching on needs no confirmation."""
    login_as("admin")
    page = post(
        client, "/admin/modules/switch", {"office": "A", "plugin": "example", "enabled": "0"}
    )
    assert page.status_code == 200
    body = text_of(page)
    assert "确认停用" in body and "甲单位" in body and "示例模块" in body and "数据全部保留" in body
    assert 'name="confirmed" value="1"' in page.get_data(as_text=True)
    with app.app_context():
        assert is_enabled("example", notes["A"])  # nothing changed yet
    assert audit_actions(app, "module.disable") == []
    done = post(
        client,
        "/admin/modules/switch",
        {"office": "A", "plugin": "example", "enabled": "0", "confirmed": "1"},
    )
    assert done.status_code == 302
    with app.app_context():
        assert not is_enabled("example", notes["A"])
    on = post(client, "/admin/modules/switch", {"office": "A", "plugin": "example", "enabled": "1"})
    assert on.status_code == 302
    with app.app_context():
        assert is_enabled("example", notes["A"])


@pytest.mark.parametrize("username", ["officeadmin", "leader", "staff_a", "auditor"])
def test_only_township_admins_reach_the_modules_screen(
    app, client, users, notes, login_as, username
):
    login_as(username)
    assert client.get("/admin/modules/").status_code == 403
    assert (
        post(
            client, "/admin/modules/switch", {"office": "A", "plugin": "example", "enabled": "0"}
        ).status_code
        == 403
    )
    assert client.get("/admin/modules/delete-data/example/A").status_code == 403
    assert (
        post(client, "/admin/modules/delete-data/example/A", {"confirm_code": "A"}).status_code
        == 403
    )
    assert "/admin/modules/" not in client.get("/admin/").get_data(as_text=True)
    with app.app_context():
        assert is_enabled("example", notes["A"])
    assert note_titles(app) == {"甲一", "甲二", "乙一"}


def test_signed_out_visitor_is_sent_to_login(client, users):
    response = client.get("/admin/modules/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_switch_refuses_bad_input(app, client, users, notes, login_as):
    login_as("admin")
    response = post(
        client, "/admin/modules/switch", {"office": "A", "plugin": "nosuch", "enabled": "1"}
    )
    assert response.status_code == 302
    assert "没有名为“nosuch”的模块" in text_of(client.get("/admin/modules/"))
    assert (
        post(
            client, "/admin/modules/switch", {"office": "NOPE", "plugin": "example", "enabled": "0"}
        ).status_code
        == 404
    )
    no_csrf = client.post(
        "/admin/modules/switch", data={"office": "A", "plugin": "example", "enabled": "0"}
    )
    assert no_csrf.status_code == 400
    with app.app_context():
        assert is_enabled("example", notes["A"])
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(OfficeModule)
                .where(OfficeModule.plugin_name == "nosuch")
            )
            == 0
        )


def test_delete_data_shows_counts_then_needs_the_typed_office_code(
    app, client, users, notes, login_as
):
    login_as("admin")
    confirm = client.get("/admin/modules/delete-data/example/A")
    assert confirm.status_code == 200
    body = text_of(confirm)
    assert "Notes" in body and " 2 " in body  # what would go (by screen name), before anything goes
    assert note_titles(app) == {"甲一", "甲二", "乙一"}

    wrong = post(client, "/admin/modules/delete-data/example/A", {"confirm_code": "B"})
    assert wrong.status_code == 200 and "请输入单位代码“A”以确认删除" in text_of(wrong)
    empty = post(client, "/admin/modules/delete-data/example/A", {"confirm_code": ""})
    assert empty.status_code == 200
    assert note_titles(app) == {"甲一", "甲二", "乙一"}
    assert (
        client.post("/admin/modules/delete-data/example/A", data={"confirm_code": "A"}).status_code
        == 400
    )

    done = post(client, "/admin/modules/delete-data/example/A", {"confirm_code": "A"})
    assert done.status_code == 302
    assert note_titles(app) == {"乙一"}  # only A's rows, only this module's
    assert "已删除 2 条记录" in text_of(client.get("/admin/modules/"))
    assert ("module.delete_data", "admin", "example") in audit_actions(app)
    with app.app_context():
        assert is_enabled("example", notes["A"])  # deleting data is not switching off


def test_delete_data_of_unknown_plugin_or_office_is_404(client, users, notes, login_as):
    login_as("admin")
    assert client.get("/admin/modules/delete-data/nosuch/A").status_code == 404
    assert client.get("/admin/modules/delete-data/example/NOPE").status_code == 404


# --- plugins that fail to load ------------------------------------------------------------


@pytest.fixture
def app_with_broken_plugins(tmp_path, caplog):
    """A second app whose extra plugins include one that raises on import, one that does not
    exist and one without a manifest; returns (app, log records)."""
    import types

    import example_plugin

    from core.app import create_app
    from core.auth.passwords import hash_password
    from core.models import OfficeKind, Role, User

    no_manifest = types.ModuleType("no_manifest_plugin")
    caplog.set_level(logging.ERROR, logger="core.plugins")
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "other",
            "REDIS_URL": None,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'broken.sqlite3'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        },
        extra_plugins=(example_plugin, "broken_plugin", "no_such_plugin_module", no_manifest),
    )
    with application.app_context():
        db.create_all()
        office = Office(code="T", name="测试镇", kind=OfficeKind.TOWNSHIP)
        db.session.add(office)
        db.session.flush()
        db.session.add(
            User(
                username="admin",
                display_name="管理员",
                role=Role.TOWNSHIP_ADMIN,
                office_id=office.id,
                password_hash=hash_password(TEST_PASSWORD),
            )
        )
        db.session.commit()
    yield application, caplog.records
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_plugin_that_fails_to_import_is_reported_and_the_app_starts(app_with_broken_plugins):
    application, records = app_with_broken_plugins
    registry = application.extensions["township_plugins"]
    assert "example" in registry.names()  # the good plugins still load
    assert not {"broken_plugin", "no_such_plugin_module", "no_manifest_plugin"} & set(
        registry.names()
    )
    assert "broken_plugin fails to import on purpose" in registry.failures["broken_plugin"]
    assert "ModuleNotFoundError" in registry.failures["no_such_plugin_module"]
    assert "Manifest" in registry.failures["no_manifest_plugin"]
    logged = "\n".join(r.getMessage() for r in records)
    assert "plugin broken_plugin failed to load" in logged

    client = application.test_client()
    assert client.get("/").status_code == 200
    login(client, "admin")
    modules = text_of(client.get("/admin/modules/"))
    assert "加载失败的模块" in modules and "broken_plugin" in modules
    assert "broken_plugin fails to import on purpose" in modules
    assert "broken_plugin" in text_of(client.get("/admin/"))  # the admin's dashboard warns too


def test_cli_lists_load_failures(app_with_broken_plugins):
    application, _records = app_with_broken_plugins
    result = application.test_cli_runner().invoke(args=["modules", "list"])
    assert result.exit_code == 0
    assert "example" in result.output
    assert "加载失败" in result.output and "broken_plugin" in result.output
