"""Walking the hash chain: in the database (across archive cuts) and in archive files."""

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from core.audit.chain import GENESIS_HASH, RAW_ENTRIES, compute_hash, format_at

BATCH_ROWS = 20_000
ARCHIVE_FORMAT = "township-audit-archive"


@dataclass
class VerifyResult:
    """What a walk found. ``broken_id`` names the first entry that fails, if any."""

    ok: bool = True
    checked: int = 0
    first_id: int | None = None
    last_id: int | None = None
    last_hash: str = GENESIS_HASH
    broken_id: int | None = None
    problem: str | None = None
    notes: list[str] = field(default_factory=list)

    def fail(self, entry_id: int | None, problem: str) -> "VerifyResult":
        self.ok, self.broken_id, self.problem = False, entry_id, problem
        return self


def walk_chain(
    rows, result: VerifyResult, expected_id: int | None, expected_prev: str
) -> VerifyResult:
    """Check consecutive ids, prev-hash links and each entry's own hash; stop at the first fault.

    ``rows`` yields RAW_ENTRIES tuples in id order with ``at`` already in its hashed spelling.
    """
    checked = 0
    for row in rows:
        *content, entry_hash = row
        entry_id, prev_hash = content[0], content[-1]
        if expected_id is not None and entry_id != expected_id:
            result.checked += checked
            if entry_id > expected_id:
                missing = (
                    str(expected_id)
                    if entry_id == expected_id + 1
                    else f"{expected_id}–{entry_id - 1}"
                )
                return result.fail(
                    expected_id,
                    _(
                        "第 %(missing)s 条审计记录缺失（被删除），链在第 %(id)d 条前断开。",
                        missing=missing,
                        id=entry_id,
                    ),
                )
            return result.fail(
                entry_id, _("第 %(id)d 条审计记录的编号不按顺序（被插入）。", id=entry_id)
            )
        if prev_hash != expected_prev:
            result.checked += checked
            return result.fail(
                entry_id,
                _(
                    "第 %(id)d 条审计记录与前一条的哈希不衔接（前面的记录被改动、删除，或本条是插入的）。",
                    id=entry_id,
                ),
            )
        if compute_hash(content) != entry_hash:
            result.checked += checked
            return result.fail(
                entry_id, _("第 %(id)d 条审计记录的内容与其哈希不符（被修改）。", id=entry_id)
            )
        if result.first_id is None:
            result.first_id = entry_id
        checked += 1
        expected_id, expected_prev = entry_id + 1, entry_hash
        result.last_id = entry_id
    result.checked += checked
    result.last_hash = expected_prev
    return result


def database_rows(conn: Connection, first_id: int | None = None, last_id: int | None = None):
    """Stream stored entries in id order (server-side cursor on PostgreSQL), ``at`` spelled
    as hashed; optionally only ids ``first_id``..``last_id``."""
    query = select(*RAW_ENTRIES.c).order_by(RAW_ENTRIES.c.id)
    if first_id is not None:
        query = query.where(RAW_ENTRIES.c.id >= first_id)
    if last_id is not None:
        query = query.where(RAW_ENTRIES.c.id <= last_id)
    # On the statement: Connection.execution_options() would change the connection itself.
    result = conn.execute(query.execution_options(yield_per=BATCH_ROWS))
    for partition in result.partitions():
        for row in partition:
            row = tuple(row)
            at = row[1]
            yield (row[0], format_at(at)) + row[2:]


def _follow_archives(archives, result: VerifyResult):
    """(first id after the archives or None, its expected previous hash, a problem as
    (id, message) or None): archive records must follow one another."""
    expected_id, expected_prev = None, GENESIS_HASH
    for first_id, last_id, first_prev, last_hash, file_name, _digest in archives:
        if (expected_id is not None and first_id != expected_id) or first_prev != expected_prev:
            return (
                expected_id,
                expected_prev,
                (first_id, _("归档 %(file)s 与前面的记录不衔接。", file=file_name)),
            )
        expected_id, expected_prev = last_id + 1, last_hash
        result.notes.append(
            _("已归档：第 %(a)d–%(b)d 条（%(file)s）。", a=first_id, b=last_id, file=file_name)
        )
    return expected_id, expected_prev, None


def _check_head(conn: Connection, result: VerifyResult, expected_id: int) -> VerifyResult:
    """The chain head must name the log's last entry (else entries went missing or were added)."""
    last_id = result.last_id if result.last_id is not None else expected_id - 1
    head = conn.execute(
        text("SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1")
    ).first()
    if head is None:
        if last_id > 0:
            result.notes.append(_("链头记录不存在，将在下次写入时重建。"))
        return result
    head_id, head_hash = head
    if head_id > last_id:
        return result.fail(
            last_id + 1,
            _(
                "链头指向第 %(head)d 条，但日志只到第 %(last)d 条：末尾的记录被删除。",
                head=head_id,
                last=last_id,
            ),
        )
    if head_id < last_id:
        return result.fail(
            head_id + 1, _("第 %(id)d 条审计记录在链头之后（被插入）。", id=head_id + 1)
        )
    if head_hash != result.last_hash:
        return result.fail(last_id, _("第 %(id)d 条审计记录与链头的哈希不符。", id=last_id))
    return result


def verify_database(conn: Connection, archive_dir: Path | None = None) -> VerifyResult:
    """Walk the whole log in id order, starting from the last archive's recorded tail.

    Also checks that archive records follow one another, and that the chain head names the
    table's last entry (which reveals entries deleted from the end). With ``archive_dir``,
    every recorded archive must also be there as a file that verifies, matches its record's
    digest, and was announced by an ``audit.archive`` entry of the chain itself: an
    ``audit_archive`` row typed in by hand, covering entries deleted without a copy, is
    reported like a deleted entry.
    """
    result = VerifyResult()
    archives = conn.execute(
        text(
            "SELECT first_id, last_id, first_prev_hash, last_hash, file_name, file_sha256 "
            "FROM audit_archive ORDER BY last_id"
        )
    ).all()
    expected_id, expected_prev, problem = _follow_archives(archives, result)
    if problem is None and archive_dir is not None and archives:
        problem = _check_archive_files(conn, archives, archive_dir)
    if problem is not None:
        return result.fail(*problem)
    if expected_id is None:
        expected_id = 1
    result = walk_chain(database_rows(conn), result, expected_id, expected_prev)
    if not result.ok:
        return result
    return _check_head(conn, result, expected_id)


def _check_archive_files(conn: Connection, archives, archive_dir: Path):
    """(first entry id, problem) for the first recorded archive without a sound file or
    without its announcement in the chain; None when all are in order."""
    announced = _announced_archives(conn, archive_dir, archives)
    for first_id, last_id, _prev, last_hash, file_name, digest in archives:
        path = archive_dir / file_name
        if not path.is_file():
            return first_id, _(
                "归档文件 %(file)s 不存在：第 %(a)d–%(b)d 条审计记录已从数据库删除，却没有可校验的副本。",
                file=file_name,
                a=first_id,
                b=last_id,
            )
        checked = check_against_record(conn, path, verify_archive_file(path))
        if not checked.ok:
            return first_id, checked.problem
        if announced.get(f"{first_id}-{last_id}") != (last_hash, digest):
            return first_id, _(
                "归档记录 %(file)s（第 %(a)d–%(b)d 条）没有对应的归档审计事件：它不是由归档命令写入的。",
                file=file_name,
                a=first_id,
                b=last_id,
            )
    return None


def _announced_archives(conn: Connection, archive_dir: Path, archives) -> dict[str, tuple]:
    """What the chain's own ``audit.archive`` entries say was archived: range → (last hash,
    file digest); read from the table and from the archive files (a later archive may have
    moved an earlier announcement into its file)."""
    found: dict[str, tuple] = {}

    def note(target_id, details):
        if isinstance(details, str):
            details = json.loads(details)
        details = details or {}
        found[str(target_id)] = (details.get("last_hash"), details.get("file_sha256"))

    for target_id, details in conn.execute(
        text("SELECT target_id, details FROM audit_entry WHERE action = 'audit.archive'")
    ):
        note(target_id, details)
    for *_ids, file_name, _digest in archives:
        path = archive_dir / file_name
        if not path.is_file():
            continue
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                fh.readline()
                for line in fh:
                    entry = json.loads(line)
                    if entry.get("action") == "audit.archive":
                        note(entry.get("target_id"), entry.get("details"))
        except (OSError, ValueError, EOFError):
            continue  # the file's own check reports it
    return found


def archive_header(path: Path) -> dict:
    """The first line of an archive file: what it holds and the hashes at both ends."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        header = json.loads(fh.readline())
    if header.get("format") != ARCHIVE_FORMAT:
        raise ValueError(_("%(file)s 不是审计归档文件。", file=path.name))
    return header


def _archive_rows(fh):
    for line in fh:
        e = json.loads(line)
        yield (
            e["id"],
            e["at"],
            e["action"],
            e["actor_id"],
            e["actor_name"],
            e["office_id"],
            e["ip_address"],
            e["request_id"],
            e["target_type"],
            e["target_id"],
            e["changes"],
            e["details"],
            e["prev_hash"],
            e["entry_hash"],
        )


def verify_archive_file(path: Path) -> VerifyResult:
    """Check an archive file on its own: every entry's hash and link, and its header's totals."""
    result = VerifyResult()
    try:
        header = archive_header(path)
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            fh.readline()
            result = walk_chain(
                _archive_rows(fh), result, header["first_id"], header["first_prev_hash"]
            )
    except (OSError, ValueError, KeyError, EOFError) as exc:
        return result.fail(
            None, _("无法读取归档文件 %(file)s：%(error)s", file=path.name, error=str(exc))
        )
    if not result.ok:
        return result
    if (result.first_id, result.last_id, result.checked, result.last_hash) != (
        header["first_id"],
        header["last_id"],
        header["entry_count"],
        header["last_hash"],
    ):
        return result.fail(
            result.last_id, _("归档文件 %(file)s 的条目与文件头记载不符。", file=path.name)
        )
    return result


def check_against_record(conn: Connection, path: Path, result: VerifyResult) -> VerifyResult:
    """Compare a checked archive file with the ``audit_archive`` row written when it was made.

    The row records the file's sha256 and both end hashes, so a file replaced by another
    (even internally consistent) one is caught. A file with no row gets a note.
    """
    if not result.ok:
        return result
    row = conn.execute(
        text(
            "SELECT first_id, last_id, first_prev_hash, last_hash, file_sha256 FROM audit_archive "
            "WHERE file_name = :name"
        ),
        {"name": path.name},
    ).first()
    if row is None:
        result.notes.append(
            _("数据库中没有 %(file)s 的归档记录，只校验了文件本身。", file=path.name)
        )
        return result
    header = archive_header(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    recorded = (row[0], row[1], row[2], row[3])
    found = (header["first_id"], header["last_id"], header["first_prev_hash"], header["last_hash"])
    if recorded != found or digest != row[4]:
        return result.fail(
            None,
            _("归档文件 %(file)s 与数据库中的归档记录不符（文件被替换或改动）。", file=path.name),
        )
    return result
