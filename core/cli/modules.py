"""``flask modules list|enable|disable``: the Modules screen from the command line."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from core.extensions import db
from core.models import Office
from core.modules import ModuleError, enabled_office_ids, set_module
from core.plugins import get_registry

modules_cli = AppGroup("modules", help="List plugins and switch them on or off per office.")


def office_by_code(code: str) -> Office:
    """The office with this code, or a ClickException (non-zero exit) naming the known codes."""
    office = db.session.scalar(select(Office).where(Office.code == code))
    if office is None:
        known = ", ".join(db.session.scalars(select(Office.code).order_by(Office.code)))
        raise click.ClickException(
            _("没有代码为“%(code)s”的单位。现有单位代码：%(known)s", code=code, known=known or "-")
        )
    return office


@modules_cli.command("list")
def list_modules():
    """Each plugin with its version and the offices that have it on; load failures last."""
    registry = get_registry()
    codes = {o.id: o.code for o in db.session.scalars(select(Office))}
    if not registry.names():
        click.echo(_("没有已安装的模块。"))
    for name in registry.names():
        m = registry.manifests[name]
        on = sorted(codes[i] for i in enabled_office_ids(name) if i in codes)
        click.echo(f"{name:<14} {m.version:<8} {m.title}  {_('已启用：')}{', '.join(on) or '-'}")
    for name, error in registry.failures.items():
        click.echo(f"{name:<14} {_('加载失败')}  {error}", err=True)


def _switch(name: str, office_code: str, enabled: bool) -> None:
    office = office_by_code(office_code)
    registry = get_registry()
    if name not in registry.manifests:
        raise click.ClickException(
            _(
                "没有名为“%(name)s”的模块。已安装的模块：%(known)s",
                name=name,
                known=", ".join(registry.names()) or "-",
            )
        )
    try:
        set_module(name, office, enabled)
    except ModuleError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    message = (
        _("已为 %(office)s 启用 %(name)s。")
        if enabled
        else _("已为 %(office)s 停用 %(name)s，数据已保留。")
    )
    click.echo(message % {"office": office.code, "name": name})


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
