"""``flask audit verify`` and ``flask audit archive``."""

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from core.extensions import db


@click.group("audit", help="审计日志：校验哈希链、归档旧记录。")
def audit_cli():
    """The ``flask audit`` command group."""


def _archive_dir(more: str):
    """The ``--dir`` option: where the archive files are."""
    return click.option(
        "--dir",
        "directory",
        type=click.Path(file_okay=False, path_type=Path),
        help="归档目录（默认 instance/audit-archive）" + more,
    )


@audit_cli.command(
    "verify", help="校验审计日志的哈希链；完整时退出码为 0，否则指出第一条损坏的记录并返回 1。"
)
@click.option(
    "--archive",
    "archives",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="校验归档文件（可多次给出），而不是数据库。",
)
@_archive_dir("：每个归档记录的文件都必须在此且完好。")
@with_appcontext
def verify_command(archives: tuple[Path, ...], directory: Path | None):
    """Walk the chain (database, or the given archive files) and report the first fault."""
    from core.audit.verify import check_against_record, verify_archive_file, verify_database

    if archives:
        failed = False
        with db.engine.connect() as conn:
            for path in archives:
                result = check_against_record(conn, path, verify_archive_file(path))
                for note in result.notes:
                    click.echo(note)
                _report(result, label=path.name)
                failed = failed or not result.ok
        sys.exit(1 if failed else 0)
    from core.audit.archive import archive_directory

    with db.engine.connect() as conn:
        result = verify_database(conn, directory or archive_directory())
    for note in result.notes:
        click.echo(note)
    _report(result, label=_("数据库"))
    sys.exit(0 if result.ok else 1)


def _report(result, label: str) -> None:
    if result.ok:
        if result.last_id is None:
            click.echo(_("%(label)s：审计链完整（没有记录）。", label=label))
        else:
            click.echo(
                _(
                    "%(label)s：审计链完整，已校验 %(n)d 条（第 %(a)d–%(b)d 条），末条哈希 %(h)s。",
                    label=label,
                    n=result.checked,
                    a=result.first_id,
                    b=result.last_id,
                    h=result.last_hash,
                )
            )
    else:
        click.echo(
            _(
                "%(label)s：审计链损坏（已校验 %(n)d 条）：%(problem)s",
                label=label,
                n=result.checked,
                problem=result.problem,
            ),
            err=True,
        )


@audit_cli.command(
    "archive",
    help="把指定日期（北京时间 0 点）之前的审计记录移入压缩归档文件；只能归档 180 天以前的记录。",
)
@click.option(
    "--before",
    "before",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="日期 YYYY-MM-DD：归档该日之前的记录。",
)
@_archive_dir("。")
@with_appcontext
def archive_command(before, directory: Path | None):
    """Archive the entries older than ``--before``; refuses anything younger than 180 days."""
    from core.audit.archive import ArchiveError, archive_entries

    cut: date = before.date()
    try:
        outcome = archive_entries(cut, directory)
    except ArchiveError as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    if outcome is None:
        click.echo(_("%(date)s 之前没有可归档的审计记录。", date=cut.isoformat()))
        return
    click.echo(
        _(
            "已归档第 %(a)d–%(b)d 条（共 %(n)d 条）到 %(path)s，末条哈希 %(h)s。",
            a=outcome.first_id,
            b=outcome.last_id,
            n=outcome.count,
            path=outcome.path,
            h=outcome.last_hash,
        )
    )
