"""``flask users create``."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.auth.passwords import hash_password
from core.extensions import db
from core.models import Office, Role, User

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--office", "office_code", required=True)
@click.password_option()
def create_user(username, display_name, role, office_code, password):
    """Create a staff account."""
    office = db.session.scalar(select(Office).where(Office.code == office_code))
    if office is None:
        raise click.ClickException(f"没有代码为“{office_code}”的单位。")
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.ClickException(f"用户名“{username}”已存在。")
    if len(password) < 10:
        raise click.ClickException("密码至少 10 个字符。")
    db.session.add(User(username=username, display_name=display_name, role=Role(role),
                        office_id=office.id, password_hash=hash_password(password)))
    db.session.commit()
    click.echo(f"created {username}")
