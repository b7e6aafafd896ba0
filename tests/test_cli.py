"""`flask modules`, `flask demo load` and `flask users create`: clear messages, non-zero exits
on bad input, nothing changed when refused."""

from sqlalchemy import func, select

from core.audit import AuditEntry
from core.auth.passwords import verify_password
from core.cli.demo import OFFICES, USERS, requirements_first
from core.extensions import db
from core.models import Office, OfficeModule, User
from core.modules import is_enabled
from core.plugins import Manifest


def module_rows(app) -> list[tuple]:
    with app.app_context():
        return sorted(
            db.session.execute(
                select(OfficeModule.office_id, OfficeModule.plugin_name, OfficeModule.enabled)
            ).all()
        )


def test_modules_enable_disable_and_list(app, runner, offices):
    result = runner.invoke(args=["modules", "enable", "example", "--office", "A"])
    assert result.exit_code == 0, result.output
    assert "已为 A 启用 example" in result.output
    listing = runner.invoke(args=["modules", "list"])
    assert listing.exit_code == 0
    assert "example" in listing.output and "1.0" in listing.output and "A" in listing.output
    result = runner.invoke(args=["modules", "disable", "example", "--office", "A"])
    assert result.exit_code == 0 and "数据已保留" in result.output
    with app.app_context():
        assert not is_enabled("example", offices["A"])
        actions = list(
            db.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("module.%"))
                .order_by(AuditEntry.id)
            )
        )
        assert actions == ["module.enable", "module.disable"]  # the CLI is audited too


def test_unknown_office_code_exits_non_zero_and_changes_nothing(app, runner, offices):
    before = module_rows(app)
    result = runner.invoke(args=["modules", "enable", "example", "--office", "NOPE"])
    assert result.exit_code != 0
    assert "没有代码为“NOPE”的单位" in result.output
    assert "A, B, T" in result.output  # the known codes, to help the user
    assert module_rows(app) == before


def test_unknown_plugin_exits_non_zero_and_changes_nothing(app, runner, offices):
    before = module_rows(app)
    for command in ("enable", "disable"):
        result = runner.invoke(args=["modules", command, "nosuchmodule", "--office", "A"])
        assert result.exit_code != 0
        assert "没有名为“nosuchmodule”的模块" in result.output and "example" in result.output
    assert module_rows(app) == before


def test_missing_office_option_is_a_usage_error(runner, offices):
    result = runner.invoke(args=["modules", "enable", "example"])
    assert result.exit_code == 2 and "--office" in result.output


def test_demo_load_twice_creates_nothing_twice(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "admin" in first.output and "shifan-2026" in first.output  # the login is printed
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "新建 0 条记录" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Office)) == len(OFFICES)
        assert db.session.scalar(select(func.count()).select_from(User)) == len(USERS)
        roles = set(db.session.scalars(select(User.role)))
        assert {r.value for r in roles} == {
            "township_admin",
            "office_admin",
            "staff",
            "leader",
            "auditor",
        }
        township = db.session.scalar(select(Office).where(Office.code == "SFZ"))
        government = db.session.scalar(select(Office).where(Office.code == "SFZ-ZF"))
        assert government.parent_id == township.id
        assert is_enabled("example", government.id)


def test_demo_load_keeps_a_module_an_admin_switched_off(app, runner):
    runner.invoke(args=["demo", "load"])
    runner.invoke(args=["modules", "disable", "example", "--office", "SFZ-ZF"])
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        government = db.session.scalar(select(Office).where(Office.code == "SFZ-ZF"))
        assert not is_enabled("example", government.id)


def test_requirements_come_first():
    manifests = {
        "a": Manifest(name="a", title="a", version="1", requires=("c",)),
        "b": Manifest(name="b", title="b", version="1"),
        "c": Manifest(name="c", title="c", version="1", requires=("b",)),
    }
    order = requirements_first(manifests)
    assert order.index("b") < order.index("c") < order.index("a")


def test_users_create(app, runner, offices):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "wang",
            "--name",
            "王五",
            "--role",
            "staff",
            "--office",
            "A",
            "--post",
            "窗口",
            "--staff-number",
            "A-9",
            "--password",
            "a-long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "已创建账号 wang" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "wang"))
        assert user.office_id == offices["A"] and user.role.value == "staff"
        assert user.post == "窗口" and user.staff_number == "A-9"
        assert verify_password(user.password_hash, "a-long-password")
        assert user.password_hash.startswith("$argon2id$")


def test_users_create_refuses_bad_input_and_writes_nothing(app, runner, offices, make_user):
    make_user("taken", office_id=offices["A"], staff_number="A-1")
    cases = [
        (["taken", "--office", "A"], "用户名“taken”已存在"),
        (["new1", "--office", "NOPE"], "没有代码为“NOPE”的单位"),
        (["new2", "--office", "A", "--staff-number", "A-1"], "工号“A-1”已被使用"),
        (["new3", "--office", "A", "--password", "short"], "密码至少 10 个字符"),
    ]
    for extra, message in cases:
        args = ["users", "create", extra[0], "--name", "某人", "--role", "staff", *extra[1:]]
        if "--password" not in args:
            args += ["--password", "a-long-password"]
        result = runner.invoke(args=args)
        assert result.exit_code != 0, extra
        assert message in result.output, result.output
    bad_role = runner.invoke(
        args=[
            "users",
            "create",
            "new4",
            "--name",
            "x",
            "--role",
            "boss",
            "--office",
            "A",
            "--password",
            "a-long-password",
        ]
    )
    assert bad_role.exit_code == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
