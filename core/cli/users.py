"""``flask users create``: staff accounts from the command line (the first admin, scripts)."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from core.auth.passwords import hash_password
from core.cli.modules import office_by_code
from core.extensions import db
from core.models import Role, User

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Display name (姓名).")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--office", "office_code", required=True, help="Office code.")
@click.option("--post", default=None, help="Post printed on the badge (职务).")
@click.option("--staff-number", default=None, help="Staff number (工号).")
@click.option("--phone", "contact_phone", default=None, help="Work phone on the badge.")
@click.password_option()
def create_user(
    username, display_name, role, office_code, post, staff_number, contact_phone, password
):
    """Create a staff account; every check runs before anything is written."""
    from core.admin.staff_views import MIN_PASSWORD_LENGTH  # the admin screens' rule

    office = office_by_code(office_code)
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.ClickException(_("用户名“%(name)s”已存在。", name=username))
    if staff_number and db.session.scalar(select(User).where(User.staff_number == staff_number)):
        raise click.ClickException(_("工号“%(number)s”已被使用。", number=staff_number))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(_("密码至少 %(n)d 个字符。", n=MIN_PASSWORD_LENGTH))
    db.session.add(
        User(
            username=username,
            display_name=display_name,
            role=Role(role),
            office_id=office.id,
            post=post,
            staff_number=staff_number,
            contact_phone=contact_phone,
            password_hash=hash_password(password),
        )
    )
    db.session.commit()
    click.echo(
        _(
            "已创建账号 %(name)s（%(role)s，%(office)s）。",
            name=username,
            role=Role(role).label,
            office=office.name,
        )
    )
