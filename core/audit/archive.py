"""Retention: moving entries older than 180 days to a compressed, verifiable file.

The Cybersecurity Law (art. 21) asks for network logs to be kept at least six months, so
nothing younger than ``RETENTION_DAYS`` leaves the table. An archive is a gzip file of JSON
lines: a header (ids, count, the hash before the first entry and the last entry's hash), then
every entry exactly as stored. An ``audit_archive`` row records the same numbers, so
``flask audit verify`` continues the chain from the archive's last hash.

Getting past the append-only guards is deliberate and narrow: only ``archive_entries`` does
it, only for DELETE, only after the file was written and checked, only for rows whose id the
new ``audit_archive`` row covers (the PostgreSQL triggers check that, and that the new row
continues the recorded archives over entries still present, see ``core.audit.sql``),
and only inside ``archive_deletion()`` (ORM guard) with the transaction-local setting
``township.audit_maintenance = 'archive'`` (trigger), which is cleared right after.
"""

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, text

from core.audit import chain, record_event
from core.audit.context import archive_deletion
from core.audit.models import AuditArchive, AuditEntry
from core.audit.sql import SETTING
from core.audit.verify import (
    ARCHIVE_FORMAT,
    VerifyResult,
    database_rows,
    verify_archive_file,
    walk_chain,
)
from core.extensions import db
from core.models.base import utcnow
from core.time import LOCAL_ZONE

RETENTION_DAYS = 180


class ArchiveError(ValueError):
    """The archive cannot be made; the message says why (for the user)."""


@dataclass
class ArchiveOutcome:
    """What ``archive_entries`` did."""

    path: Path
    first_id: int
    last_id: int
    count: int
    last_hash: str


def archive_directory() -> Path:
    """Where archive files go: ``AUDIT_ARCHIVE_DIR`` or ``instance/audit-archive``."""
    configured = current_app.config.get("AUDIT_ARCHIVE_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit-archive"


def earliest_allowed_cut(now: datetime | None = None) -> date:
    """The latest ``--before`` date allowed now: 180 days ago, in the township's time zone."""
    now = now or utcnow()
    return (now.astimezone(LOCAL_ZONE) - timedelta(days=RETENTION_DAYS)).date()


def archive_entries(
    before: date, directory: Path | None = None, now: datetime | None = None
) -> ArchiveOutcome | None:
    """Move the entries recorded before ``before`` (00:00 Asia/Shanghai) to an archive file.

    Only a prefix of the chain moves: entries up to the first one on or after the cut. Returns
    None when there is nothing to move; raises ArchiveError when ``before`` is less than 180
    days ago or the chain to be archived is broken. Commits.
    """
    latest = earliest_allowed_cut(now)
    if before > latest:
        raise ArchiveError(
            _(
                "审计记录至少保留 %(days)d 天：--before 最晚只能是 %(date)s。",
                days=RETENTION_DAYS,
                date=latest.isoformat(),
            )
        )
    # UTC, because SQLite compares the stored UTC digits as text.
    cutoff = datetime.combine(before, time.min, tzinfo=LOCAL_ZONE).astimezone(UTC)
    session = db.session
    previous = session.execute(
        select(AuditArchive.last_id, AuditArchive.last_hash).order_by(AuditArchive.last_id.desc())
    ).first()
    first_id = previous[0] + 1 if previous else 1
    first_prev = previous[1] if previous else chain.GENESIS_HASH
    younger = session.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.at >= cutoff))
    last_id = (
        younger - 1 if younger is not None else session.scalar(select(func.max(AuditEntry.id)))
    )
    if last_id is None or last_id < first_id:
        session.rollback()
        return None

    directory = directory or archive_directory()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-{first_id:012d}-{last_id:012d}.jsonl.gz"
    count, last_hash = _write_file(session, path, first_id, last_id, first_prev, before)
    checked = verify_archive_file(path)
    if not checked.ok:
        path.unlink(missing_ok=True)
        raise ArchiveError(checked.problem)
    _remove_archived(session, path, before, first_id, last_id, count, first_prev, last_hash, cutoff)
    return ArchiveOutcome(path, first_id, last_id, count, last_hash)


def _write_file(
    session, path: Path, first_id: int, last_id: int, first_prev: str, before: date
) -> tuple[int, str]:
    """Write the entries to move, header first, checking their chain on the way; then rename.

    Ids have no gaps, so the header's totals are known before the rows are streamed.
    """
    conn = session.connection()
    last_hash = conn.execute(
        select(chain.RAW_ENTRIES.c.entry_hash).where(chain.RAW_ENTRIES.c.id == last_id)
    ).scalar_one()
    header = {
        "format": ARCHIVE_FORMAT,
        "version": chain.HASH_FORMAT,
        "first_id": first_id,
        "last_id": last_id,
        "entry_count": last_id - first_id + 1,
        "first_prev_hash": first_prev,
        "last_hash": last_hash,
        "before": before.isoformat(),
        "created_at": chain.format_at(utcnow()),
    }
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
                fh.write((json.dumps(header, ensure_ascii=False) + "\n").encode("utf-8"))

                def written(rows):
                    for row in rows:
                        fh.write(
                            (
                                json.dumps(dict(zip(_FIELDS, row, strict=True)), ensure_ascii=False)
                                + "\n"
                            ).encode("utf-8")
                        )
                        yield row

                walked = walk_chain(
                    written(database_rows(conn, first_id, last_id)),
                    VerifyResult(),
                    first_id,
                    first_prev,
                )
            raw.flush()
            os.fsync(raw.fileno())
        if not walked.ok or walked.last_hash != last_hash or walked.last_id != last_id:
            raise ArchiveError(
                _(
                    "审计链已损坏，不能归档：%(problem)s 请先运行 flask audit verify。",
                    problem=walked.problem or "",
                )
            )
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return walked.checked, last_hash


_FIELDS = tuple(c.name for c in chain.RAW_ENTRIES.c)


def _remove_archived(
    session,
    path: Path,
    before: date,
    first_id: int,
    last_id: int,
    count: int,
    first_prev: str,
    last_hash: str,
    cutoff: datetime,
) -> None:
    """Record the archive and delete its entries from the table, in one transaction."""
    chain.lock_head(session)  # one archive at a time, in step with the writers
    overlapping = session.scalar(
        select(func.count()).select_from(AuditArchive).where(AuditArchive.last_id >= first_id)
    )
    if overlapping:
        session.rollback()
        raise ArchiveError(_("另一个归档已覆盖这些记录，请重新运行。"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    postgres = session.connection().dialect.name == "postgresql"
    if postgres:  # the triggers accept the archive row and the deletion only with this setting
        session.execute(text("SELECT set_config(:name, 'archive', true)"), {"name": SETTING})
    session.add(
        AuditArchive(
            before=before,
            first_id=first_id,
            last_id=last_id,
            entry_count=count,
            first_prev_hash=first_prev,
            last_hash=last_hash,
            file_name=path.name,
            file_sha256=digest,
        )
    )
    record_event(
        "audit.archive",
        target_type="audit_entry",
        target_id=f"{first_id}-{last_id}",
        details={
            "file": path.name,
            "first_id": first_id,
            "last_id": last_id,
            "entries": count,
            "before": before.isoformat(),
            "last_hash": last_hash,
            "file_sha256": digest,
        },
    )
    session.flush()
    with archive_deletion():
        deleted = session.execute(
            delete(AuditEntry)
            .where(AuditEntry.id.between(first_id, last_id), AuditEntry.at < cutoff)
            .execution_options(synchronize_session=False)
        ).rowcount
    if postgres:
        session.execute(text("SELECT set_config(:name, '', true)"), {"name": SETTING})
    if deleted != count:
        session.rollback()
        raise ArchiveError(_("待归档的记录在此期间发生了变化，已撤销，请重新运行。"))
    session.commit()
