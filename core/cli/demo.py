"""``flask demo load``: a demo township modelled on the source document, safe to run twice."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from core.auth.passwords import hash_password
from core.cases.demo import load_demo_cases
from core.extensions import db
from core.models import Office, OfficeKind, OfficeModule, Role, User
from core.modules import ModuleError, set_module
from core.plugins import get_registry

demo_cli = AppGroup("demo", help="Demo data for trying the system out.")

# The demo password is printed by the command; it is for a local trial only.
DEMO_PASSWORD = "shifan-2026"

# (code, name, kind, parent code, phone, hours)
OFFICES = [
    ("SFZ", "示范镇", OfficeKind.TOWNSHIP, None, "0471-5550100", "周一至周五 8:30-17:30"),
    (
        "SFZ-ZF",
        "示范镇人民政府",
        OfficeKind.GOVERNMENT,
        "SFZ",
        "0471-5550101",
        "周一至周日 8:30-17:30（延时服务）",
    ),
    (
        "SFZ-DT",
        "政务综合服务大厅",
        OfficeKind.SERVICE_HALL,
        "SFZ-ZF",
        "0471-5550102",
        "周一至周日 8:30-17:30",
    ),
    (
        "SFZ-NJZ",
        "农业技术推广站",
        OfficeKind.STATION,
        "SFZ-ZF",
        "0471-5550110",
        "周一至周五 8:30-17:30",
    ),
    ("SFZ-SFS", "司法所", OfficeKind.STATION, "SFZ-ZF", "0471-5550111", "周一至周五 8:30-17:30"),
    ("SFZ-DQC", "东桥村村委会", OfficeKind.VILLAGE, "SFZ", "0471-5550120", "周一至周六 9:00-17:00"),
    ("SFZ-XHC", "西河村村委会", OfficeKind.VILLAGE, "SFZ", "0471-5550121", "周一至周六 9:00-17:00"),
    ("SFZ-XJSQ", "新街社区", OfficeKind.COMMUNITY, "SFZ", "0471-5550130", "周一至周日 8:30-17:30"),
    (
        "GTJ-DT",
        "国土资源局服务大厅",
        OfficeKind.BUREAU,
        None,
        "0471-5550200",
        "周一至周五 8:30-17:00",
    ),
]

# (username, name, role, office code, post, staff number, work phone)
USERS = [
    ("admin", "赵管理", Role.TOWNSHIP_ADMIN, "SFZ", "乡镇系统管理员", "SFZ-0001", "0471-5550100"),
    ("leader", "钱镇长", Role.LEADER, "SFZ-ZF", "镇长", "SFZ-0002", "0471-5550101"),
    (
        "officeadmin",
        "孙主任",
        Role.OFFICE_ADMIN,
        "SFZ-ZF",
        "党政办主任",
        "SFZ-0003",
        "0471-5550101",
    ),
    ("staff", "李干事", Role.STAFF, "SFZ-ZF", "综合服务窗口", "SFZ-0004", "0471-5550102"),
    ("auditor", "周纪检", Role.AUDITOR, "SFZ", "纪委书记（监督小组）", "SFZ-0005", "0471-5550103"),
    ("village", "吴书记", Role.STAFF, "SFZ-DQC", "村党支部书记", "SFZ-0101", "0471-5550120"),
    ("land", "郑科长", Role.STAFF, "GTJ-DT", "窗口科长", "GTJ-0001", "0471-5550200"),
]


# Offices that get every module switched on in the demo.
DEMO_MODULE_OFFICES = ("SFZ-ZF", "SFZ-DQC", "SFZ-XJSQ", "GTJ-DT")


def requirements_first(manifests: dict) -> list[str]:
    """Plugin names ordered so that each comes after the plugins it requires."""
    ordered: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in ordered or name not in manifests or name in path:
            return
        for required in manifests[name].requires:
            visit(required, (*path, name))
        ordered.append(name)

    for name in sorted(manifests):
        visit(name, ())
    return ordered


def load_demo() -> list[str]:
    """Create what is missing of the demo township; return what was created."""
    created: list[str] = []
    by_code = {o.code: o for o in db.session.scalars(select(Office))}
    for order, (code, name, kind, parent, phone, hours) in enumerate(OFFICES):
        if code in by_code:
            continue
        office = Office(
            code=code,
            name=name,
            kind=kind,
            public_phone=phone,
            office_hours=hours,
            parent=by_code.get(parent),
            sort_order=order,
            address=f"示范镇{name}办公楼" if kind != OfficeKind.BUREAU else "市国土资源局一楼",
        )
        db.session.add(office)
        by_code[code] = office
        created.append(f"office {code}")
    db.session.flush()
    existing = set(db.session.scalars(select(User.username)))
    password_hash = None
    for username, name, role, office_code, post, number, phone in USERS:
        if username in existing:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        db.session.add(
            User(
                username=username,
                display_name=name,
                role=role,
                office_id=by_code[office_code].id,
                post=post,
                staff_number=number,
                contact_phone=phone,
                password_hash=password_hash,
            )
        )
        created.append(f"user {username}")
    db.session.flush()
    for name in requirements_first(get_registry().manifests):
        for code in DEMO_MODULE_OFFICES:
            # Only modules never switched for the office: a second run keeps an admin's choice.
            if db.session.get(OfficeModule, (by_code[code].id, name)) is None:
                try:
                    set_module(name, by_code[code], True)
                except ModuleError:
                    continue  # a required module was switched off there on purpose
    created += load_demo_cases(by_code)
    registry = get_registry()
    registry.call_each("load_demo_data", offices=by_code)
    db.session.commit()
    return created


@demo_cli.command("load")
def load():
    """Load the demo township (offices, one user per role, modules on, cases in every state);
    safe to run twice."""
    created = load_demo()
    click.echo(_("示范镇已就绪（新建 %(n)d 条记录）。", n=len(created)))
    click.echo("")
    click.echo("  " + _("登录地址：%(url)s", url="http://127.0.0.1:5000/login"))
    click.echo(
        "  " + _("乡镇管理员：%(user)s / %(password)s", user="admin", password=DEMO_PASSWORD)
    )
    click.echo(
        "  " + _("其他角色（密码相同）：%(users)s", users=", ".join(u[0] for u in USERS[1:]))
    )
