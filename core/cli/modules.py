"""``flask modules list|enable|disable``."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.extensions import db
from core.models import Office
from core.modules import ModuleError, enabled_office_ids, set_module
from core.plugins import get_registry

modules_cli = AppGroup("modules", help="List plugins and switch them on or off per office.")


def _office(code: str) -> Office:
    office = db.session.scalar(select(Office).where(Office.code == code))
    if office is None:
        raise click.ClickException(f"没有代码为“{code}”的单位 (no office with code {code!r}).")
    return office


@modules_cli.command("list")
def list_modules():
    """Each plugin with its version and the offices that have it on; load failures last."""
    registry = get_registry()
    codes = {o.id: o.code for o in db.session.scalars(select(Office))}
    for name in registry.names():
        m = registry.manifests[name]
        on = sorted(codes[i] for i in enabled_office_ids(name) if i in codes)
        click.echo(f"{name:<14} {m.version:<8} {m.title}  on: {', '.join(on) or '-'}")
    for name, error in registry.failures.items():
        click.echo(f"{name:<14} FAILED   {error}", err=True)


def _switch(name: str, office_code: str, enabled: bool) -> None:
    office = _office(office_code)
    try:
        set_module(name, office, enabled)
    except ModuleError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{name}: {'on' if enabled else 'off'} for {office.code}")


@modules_cli.command("enable")
@click.argument("name")
@click.option("--office", "office_code", required=True, help="Office code.")
def enable(name, office_code):
    """Switch plugin NAME on for one office."""
    _switch(name, office_code, True)


@modules_cli.command("disable")
@click.argument("name")
@click.option("--office", "office_code", required=True, help="Office code.")
def disable(name, office_code):
    """Switch plugin NAME off for one office (its data is kept)."""
    _switch(name, office_code, False)
