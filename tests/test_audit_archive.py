"""Retention: archive entries older than 180 days to a verifiable file; the chain stays checkable."""

import gzip
import hashlib
import json
from datetime import timedelta

import pytest
from example_plugin.models import ExampleNote
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from core.audit import AuditArchive, AuditEntry, capture
from core.audit.archive import earliest_allowed_cut
from core.extensions import db
from core.models import Office, OfficeKind, utcnow


@pytest.fixture
def aged_log(app, monkeypatch):
    """Entries written 200 days ago, then entries written now; returns the last old id."""
    long_ago = utcnow() - timedelta(days=200)
    with app.app_context():
        monkeypatch.setattr(capture, "utcnow", lambda: long_ago)
        office = Office(code="A", name="甲单位", kind=OfficeKind.GOVERNMENT)
        db.session.add(office)
        db.session.flush()
        notes = [ExampleNote(office_id=office.id, title=f"旧{i}") for i in range(4)]
        db.session.add_all(notes)
        db.session.commit()
        notes[0].title = "旧改"
        db.session.commit()
        last_old = db.session.scalar(select(func.max(AuditEntry.id)))
        monkeypatch.undo()
        db.session.add(ExampleNote(office_id=office.id, title="新"))
        db.session.commit()
    return last_old


def archive(runner, before, directory):
    return runner.invoke(
        args=["audit", "archive", "--before", before.isoformat(), "--dir", str(directory)]
    )


def test_nothing_younger_than_180_days_can_be_archived(app, runner, aged_log, tmp_path):
    # The day after the latest allowed cut: 179 days ago in the township's own (Beijing) date,
    # which from 16:00 UTC is a day ahead of the UTC date.
    too_recent = earliest_allowed_cut() + timedelta(days=1)
    result = archive(runner, too_recent, tmp_path)
    assert result.exit_code == 1
    assert "至少保留 180 天" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.min(AuditEntry.id))) == 1
    assert list(tmp_path.iterdir()) == []


def test_archive_then_verify_passes(app, runner, aged_log, tmp_path):
    result = archive(runner, (utcnow() - timedelta(days=190)).date(), tmp_path)
    assert result.exit_code == 0, result.output
    files = list(tmp_path.glob("audit-*.jsonl.gz"))
    assert len(files) == 1
    with app.app_context():
        record = db.session.scalar(select(AuditArchive))
        assert (record.first_id, record.last_id, record.entry_count) == (1, aged_log, aged_log)
        remaining = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert remaining[0].id == aged_log + 1
        assert remaining[0].prev_hash == record.last_hash
        assert any(e.action == "audit.archive" for e in remaining)
        assert any(e.action == "insert" and e.target_type == "audit_archive" for e in remaining)

    verified = runner.invoke(args=["audit", "verify", "--dir", str(tmp_path)])
    assert verified.exit_code == 0, verified.output
    assert "已归档" in verified.output
    checked = runner.invoke(args=["audit", "verify", "--archive", str(files[0])])
    assert checked.exit_code == 0, checked.output
    assert f"已校验 {aged_log} 条" in checked.output


def test_second_archive_continues_the_first(app, runner, aged_log, tmp_path, monkeypatch):
    assert archive(runner, (utcnow() - timedelta(days=190)).date(), tmp_path).exit_code == 0
    with app.app_context():
        # More old entries cannot appear later in a real log; move the clock to archive again.
        monkeypatch.setattr("core.audit.archive.utcnow", lambda: utcnow() + timedelta(days=400))
    later = archive(runner, (utcnow() + timedelta(days=200)).date(), tmp_path)
    assert later.exit_code == 0, later.output
    monkeypatch.undo()
    with app.app_context():
        first, second = db.session.scalars(select(AuditArchive).order_by(AuditArchive.id)).all()
        assert second.first_id == first.last_id + 1
        assert second.first_prev_hash == first.last_hash
    assert runner.invoke(args=["audit", "verify", "--dir", str(tmp_path)]).exit_code == 0
    files = sorted(tmp_path.glob("audit-*.jsonl.gz"))
    assert (
        runner.invoke(
            args=["audit", "verify", "--archive", str(files[0]), "--archive", str(files[1])]
        ).exit_code
        == 0
    )


def test_tampered_archive_file_is_named(runner, aged_log, tmp_path):
    assert archive(runner, (utcnow() - timedelta(days=190)).date(), tmp_path).exit_code == 0
    path = next(tmp_path.glob("audit-*.jsonl.gz"))
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    entry = json.loads(lines[2])  # header, entry 1, entry 2
    entry["actor_name"] = "someone-else"
    lines[2] = json.dumps(entry, ensure_ascii=False) + "\n"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(lines)
    result = runner.invoke(args=["audit", "verify", "--archive", str(path)])
    assert result.exit_code == 1
    assert "第 2 条审计记录的内容与其哈希不符" in result.output


def test_entry_deleted_after_the_cut_is_named(app, runner, aged_log, tmp_path):
    assert archive(runner, (utcnow() - timedelta(days=190)).date(), tmp_path).exit_code == 0
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": aged_log + 1})
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))
    result = runner.invoke(args=["audit", "verify", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert f"第 {aged_log + 1} 条审计记录缺失" in result.output


@pytest.mark.postgres
def test_postgres_archive_setting_opens_only_archived_rows(
    app, runner, postgres_only, aged_log, tmp_path
):
    assert archive(runner, (utcnow() - timedelta(days=190)).date(), tmp_path).exit_code == 0
    with app.app_context(), pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL township.audit_maintenance = 'archive'"))
            conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": aged_log + 1})
    with app.app_context(), pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL township.audit_maintenance = 'archive'"))
            conn.execute(
                text("UPDATE audit_entry SET action = 'x' WHERE id = :id"), {"id": aged_log + 1}
            )


def test_replaced_archive_file_is_caught_by_its_record(app, runner, aged_log, tmp_path):
    """A rewritten file that is consistent in itself still differs from the recorded digest."""
    assert archive(runner, (utcnow() - timedelta(days=190)).date(), tmp_path).exit_code == 0
    path = next(tmp_path.glob("audit-*.jsonl.gz"))
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        content = fh.read()
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        fh.write(content)  # same entries, different bytes: as if regenerated elsewhere
    result = runner.invoke(args=["audit", "verify", "--archive", str(path)])
    assert result.exit_code == 1
    assert "与数据库中的归档记录不符" in result.output


def test_forged_archive_record_is_reported(app, runner, aged_log, tmp_path):
    """Issue 15 (6): an audit_archive row typed in by hand, the maintenance flag set and the
    entries it claims deleted — without any file — is reported like a deleted entry."""
    with app.app_context(), db.engine.begin() as conn:
        last_hash = conn.execute(
            text("SELECT entry_hash FROM audit_entry WHERE id = :id"), {"id": aged_log}
        ).scalar_one()
        if conn.dialect.name == "postgresql":  # the archive table's trigger wants it first
            conn.execute(text("SET LOCAL township.audit_maintenance = 'archive'"))
        conn.execute(
            text(
                "INSERT INTO audit_archive (before, first_id, last_id, entry_count, first_prev_hash, "
                "last_hash, file_name, file_sha256, created_at) VALUES (:b, 1, :last, :last, :g, :h, "
                "'audit-forged.jsonl.gz', :d, :now)"
            ),
            {
                "b": (utcnow() - timedelta(days=190)).date(),
                "last": aged_log,
                "g": "0" * 64,
                "h": last_hash,
                "d": "0" * 64,
                "now": utcnow(),
            },
        )
        conn.execute(text("DELETE FROM audit_entry WHERE id <= :id"), {"id": aged_log})
    result = runner.invoke(args=["audit", "verify", "--dir", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "audit-forged.jsonl.gz 不存在" in result.output


def test_deleted_archive_file_is_reported(app, runner, aged_log, tmp_path):
    assert archive(runner, (utcnow() - timedelta(days=190)).date(), tmp_path).exit_code == 0
    next(tmp_path.glob("audit-*.jsonl.gz")).unlink()
    result = runner.invoke(args=["audit", "verify", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "不存在" in result.output


def test_altered_archive_file_fails_the_database_verify(app, runner, aged_log, tmp_path):
    """`flask audit verify` (the database walk, not only --archive) fails on an archive file
    whose content was changed after archiving."""
    assert archive(runner, (utcnow() - timedelta(days=190)).date(), tmp_path).exit_code == 0
    path = next(tmp_path.glob("audit-*.jsonl.gz"))
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    entry = json.loads(lines[1])
    entry["action"] = "login"
    lines[1] = json.dumps(entry, ensure_ascii=False) + "\n"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(lines)
    result = runner.invoke(args=["audit", "verify", "--dir", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "第 1 条审计记录的内容与其哈希不符" in result.output


def _archive_row(conn, first_id, last_id, first_prev, file_name="audit-forged.jsonl.gz"):
    """Raw SQL insert of an audit_archive row (as someone with SQL access would type it)."""
    last_hash = conn.execute(
        text("SELECT entry_hash FROM audit_entry WHERE id = :id"), {"id": last_id}
    ).scalar()
    conn.execute(
        text(
            "INSERT INTO audit_archive (before, first_id, last_id, entry_count, first_prev_hash, "
            "last_hash, file_name, file_sha256, created_at) VALUES (:b, :first, :last, :n, :p, :h, "
            ":f, :d, :now)"
        ),
        {
            "b": (utcnow() - timedelta(days=190)).date(),
            "first": first_id,
            "last": last_id,
            "n": last_id - first_id + 1,
            "p": first_prev,
            "h": last_hash or "f" * 64,
            "f": file_name,
            "d": "0" * 64,
            "now": utcnow(),
        },
    )


@pytest.mark.postgres
def test_postgres_archive_records_are_append_only(app, runner, postgres_only, aged_log, tmp_path):
    """Issue 15 (6): a recorded archive cannot be rewritten or removed with SQL, and a new one
    is accepted only with the archive setting, continuing the last one over entries present."""
    assert archive(runner, (utcnow() - timedelta(days=190)).date(), tmp_path).exit_code == 0
    with app.app_context():
        real = db.session.scalar(select(AuditArchive))
        real_last_id, real_last_hash = real.last_id, real.last_hash
        newest = db.session.scalar(select(func.max(AuditEntry.id)))
        db.session.remove()

    def refused(*statements, setting=None):
        with app.app_context(), pytest.raises(DBAPIError, match="audit_archive is append-only"):
            with db.engine.begin() as conn:
                if setting:
                    conn.execute(text(f"SET LOCAL township.audit_maintenance = '{setting}'"))
                for statement in statements:
                    statement(conn) if callable(statement) else conn.execute(text(statement))

    # Rewriting the record to match a replaced file, or removing it, even with the setting.
    for setting in (None, "archive", "reset"):
        refused("UPDATE audit_archive SET file_sha256 = repeat('a', 64)", setting=setting)
        refused("DELETE FROM audit_archive", setting=setting)
    refused("TRUNCATE audit_archive", setting="archive")
    # A new record without the archive command's setting…
    refused(lambda c: _archive_row(c, real_last_id + 1, newest, real_last_hash))
    # …that does not continue the last archive (overlaps it, or leaves a gap, or breaks the hash)…
    refused(lambda c: _archive_row(c, 1, newest, "0" * 64), setting="archive")
    refused(lambda c: _archive_row(c, real_last_id + 2, newest, real_last_hash), setting="archive")
    refused(lambda c: _archive_row(c, real_last_id + 1, newest, "e" * 64), setting="archive")
    # …or that claims entries the log does not hold.
    refused(
        lambda c: _archive_row(c, real_last_id + 1, newest + 5, real_last_hash), setting="archive"
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditArchive)) == 1
        assert db.session.scalar(select(AuditArchive.file_sha256)) == real.file_sha256
    assert runner.invoke(args=["audit", "verify", "--dir", str(tmp_path)]).exit_code == 0


@pytest.mark.postgres
def test_postgres_forged_archive_attack_is_reported_by_verify(
    app, runner, postgres_only, aged_log, tmp_path
):
    """Issue 15 (6), the attack itself with raw SQL on PostgreSQL: a real archive exists; the
    attacker types a second audit_archive row that continues it (the only kind the trigger
    accepts), sets the maintenance flag and deletes the entry it claims (the recent one, not
    the archive's own announcement). The database cannot see files, so the SQL goes through —
    and `flask audit verify` fails: the archive has no file. Then the real archive file is
    altered, and its recorded digest cannot be updated to match."""
    assert archive(runner, (utcnow() - timedelta(days=190)).date(), tmp_path).exit_code == 0
    with app.app_context(), db.engine.begin() as conn:
        real_last_id, real_last_hash = conn.execute(
            text("SELECT last_id, last_hash FROM audit_archive")
        ).one()
        target = real_last_id + 1  # the entry written after the old ones
        conn.execute(text("SET LOCAL township.audit_maintenance = 'archive'"))
        _archive_row(conn, target, target, real_last_hash)
        deleted = conn.execute(
            text("DELETE FROM audit_entry WHERE id = :id"), {"id": target}
        ).rowcount
    assert deleted == 1
    result = runner.invoke(args=["audit", "verify", "--dir", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "audit-forged.jsonl.gz 不存在" in result.output

    real_file = next(tmp_path.glob("audit-0*.jsonl.gz"))
    with gzip.open(real_file, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    lines.pop()  # drop the last archived entry from the file
    with gzip.open(real_file, "wt", encoding="utf-8") as fh:
        fh.writelines(lines)
    digest = hashlib.sha256(real_file.read_bytes()).hexdigest()
    with app.app_context(), pytest.raises(DBAPIError, match="audit_archive is append-only"):
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL township.audit_maintenance = 'archive'"))
            conn.execute(
                text("UPDATE audit_archive SET file_sha256 = :d WHERE last_id = :id"),
                {"d": digest, "id": real_last_id},
            )
    result = runner.invoke(args=["audit", "verify", "--dir", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert real_file.name in result.output
