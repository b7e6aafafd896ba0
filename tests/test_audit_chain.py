"""The append-only, hash-chained log: verify, tampering, ORM guards, the trigger, concurrency."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from example_plugin.models import ExampleNote
from sqlalchemy import create_engine, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from core.audit import AuditEntry, AuditLogImmutableError, record_event
from core.audit.chain import compute_hash, format_at
from core.extensions import db
from core.models import Office


@pytest.fixture
def chain_of_six(app, offices):
    """Six entries: 3 note inserts, 2 updates, 1 event (plus the offices' own entries)."""
    with app.app_context():
        notes = [ExampleNote(office_id=offices["A"], title=f"笔记{i}") for i in range(3)]
        db.session.add_all(notes)
        db.session.commit()
        notes[0].title = "改一"
        notes[1].title = "改二"
        db.session.commit()
        record_event("test.event", details={"n": 1})
        db.session.commit()
        return db.session.scalar(select(func.max(AuditEntry.id)))


def tamper(app, sql: str, **params) -> None:
    """Run SQL straight against the database, as someone with database access would: on a
    connection of its own, not one of the application's.

    On PostgreSQL the append-only trigger is switched off first (that takes the table's
    owner); the point here is that verify still notices.
    """
    with app.app_context():
        url = db.engine.url
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            if postgres:
                conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
            conn.execute(text(sql), params)
            if postgres:
                conn.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))
    finally:
        engine.dispose()


def verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_intact_chain_verifies(runner, chain_of_six):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "审计链完整" in result.output
    assert f"第 1–{chain_of_six} 条" in result.output


def test_edited_entry_is_named(app, runner, chain_of_six):
    tamper(app, "UPDATE audit_entry SET changes = :c WHERE id = 4", c='{"title":[null,"伪造"]}')
    result = verify(runner)
    assert result.exit_code == 1
    assert "第 4 条审计记录的内容与其哈希不符" in result.output


def test_edited_time_or_actor_is_named(app, runner, chain_of_six):
    tamper(app, "UPDATE audit_entry SET actor_name = 'someone-else' WHERE id = 5")
    result = verify(runner)
    assert result.exit_code == 1 and "第 5 条" in result.output


def test_deleted_entry_is_named(app, runner, chain_of_six):
    tamper(app, "DELETE FROM audit_entry WHERE id = 3")
    result = verify(runner)
    assert result.exit_code == 1
    assert "第 3 条审计记录缺失" in result.output


def test_deleted_tail_is_caught_by_the_chain_head(app, runner, chain_of_six):
    tamper(app, "DELETE FROM audit_entry WHERE id = :id", id=chain_of_six)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"链头指向第 {chain_of_six} 条" in result.output


def _copy_as(app, source_id: int, new_id: int, prev_hash: str, entry_hash: str) -> None:
    tamper(
        app,
        "INSERT INTO audit_entry (id, at, action, actor_id, actor_name, office_id, "
        "ip_address, request_id, target_type, target_id, changes, details, prev_hash, "
        "entry_hash) SELECT :new_id, at, action, actor_id, actor_name, office_id, "
        "ip_address, request_id, target_type, target_id, changes, details, :prev, :hash "
        "FROM audit_entry WHERE id = :source",
        new_id=new_id,
        prev=prev_hash,
        hash=entry_hash,
        source=source_id,
    )


def test_entry_inserted_out_of_order_is_named(app, runner, chain_of_six):
    with app.app_context():
        link = db.session.get(AuditEntry, 2).prev_hash  # claims to follow entry 1
    _copy_as(app, 2, chain_of_six + 1, link, "f" * 64)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"第 {chain_of_six + 1} 条审计记录与前一条的哈希不衔接" in result.output


def test_forged_entry_with_a_correct_hash_is_caught_by_the_head(app, runner, chain_of_six):
    """Even someone who recomputes the hash cannot append without moving the chain head."""
    with app.app_context():
        last = db.session.get(AuditEntry, chain_of_six)
        source = db.session.get(AuditEntry, 2)
        forged_id = chain_of_six + 1
        forged_hash = compute_hash(
            [
                forged_id,
                format_at(source.at),
                source.action,
                source.actor_id,
                source.actor_name,
                source.office_id,
                source.ip_address,
                source.request_id,
                source.target_type,
                source.target_id,
                db.session.scalar(text("SELECT changes FROM audit_entry WHERE id = 2")),
                None,
                last.entry_hash,
            ]
        )
    _copy_as(app, 2, forged_id, last.entry_hash, forged_hash)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"第 {forged_id} 条审计记录在链头之后" in result.output


def test_large_transaction_is_chained_in_one_batch(app, runner, offices):
    """Hundreds of rows in one commit take the bulk path (COPY on PostgreSQL)."""
    from core.audit.chain import COPY_FROM_ROWS

    with app.app_context():
        db.session.add_all(
            [
                ExampleNote(office_id=offices["A"], title=f"批{i}", phone=None)
                for i in range(COPY_FROM_ROWS + 50)
            ]
        )
        db.session.commit()
        logged = db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.target_type == "example_note")
        )
        assert logged == COPY_FROM_ROWS + 50
    result = verify(runner)
    assert result.exit_code == 0, result.output


def test_orm_cannot_edit_or_delete_audit_rows(app_ctx, chain_of_six):
    entry = db.session.get(AuditEntry, 1)
    entry.action = "edited"
    with pytest.raises(AuditLogImmutableError):
        db.session.commit()
    db.session.rollback()

    entry = db.session.get(AuditEntry, 1)
    db.session.delete(entry)
    with pytest.raises(AuditLogImmutableError):
        db.session.commit()
    db.session.rollback()

    with pytest.raises(AuditLogImmutableError):
        db.session.execute(update(AuditEntry).values(action="edited"))
    db.session.rollback()
    with pytest.raises(AuditLogImmutableError):
        db.session.execute(delete(AuditEntry).where(AuditEntry.id == 1))
    db.session.rollback()
    assert db.session.get(AuditEntry, 1).action == "insert"


def test_recorded_event_object_is_persistent_and_immutable(app_ctx, offices):
    entry = record_event("test.event", details={"a": 1})
    db.session.commit()
    assert entry.id and len(entry.entry_hash) == 64
    entry.details = {"a": 2}
    with pytest.raises(AuditLogImmutableError):
        db.session.flush()
    db.session.rollback()


def test_lost_chain_head_is_rebuilt_from_the_last_entry(app, runner, chain_of_six):
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_chain_head"))
    with app.app_context():
        record_event("test.after_head_lost")
        db.session.commit()
    result = verify(runner)
    assert result.exit_code == 0, result.output


@pytest.mark.postgres
def test_postgres_trigger_refuses_update_delete_truncate(app, postgres_only, chain_of_six):
    for sql in (
        "UPDATE audit_entry SET action = 'x' WHERE id = 1",
        "DELETE FROM audit_entry WHERE id = 1",
        "TRUNCATE audit_entry",
    ):
        with app.app_context(), pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(sql))
    with app.app_context(), pytest.raises(DBAPIError, match="append-only"):
        # The archive setting alone does not open the door: no archive covers entry 1.
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL township.audit_maintenance = 'archive'"))
            conn.execute(text("DELETE FROM audit_entry WHERE id = 1"))


@pytest.mark.postgres
def test_concurrent_writers_keep_one_chain(app, runner, postgres_only, offices):
    with app.app_context():
        notes = [ExampleNote(office_id=offices["A"], title=f"并发{i}") for i in range(6)]
        db.session.add_all(notes)
        db.session.commit()
        note_ids = [n.id for n in notes]
        start = db.session.scalar(select(func.count()).select_from(AuditEntry))
    rounds, errors = 15, []
    barrier = threading.Barrier(len(note_ids))

    def writer(note_id: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                for i in range(rounds):
                    db.session.get(ExampleNote, note_id).title = f"{note_id}-{i}"
                    db.session.add(ExampleNote(office_id=offices["B"], title=f"新{note_id}-{i}"))
                    record_event("test.concurrent", details={"note": note_id, "i": i})
                    db.session.commit()
                db.session.remove()
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in note_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        ids = list(db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    assert len(ids) == start + len(note_ids) * rounds * 3
    assert ids == list(range(1, len(ids) + 1))  # one line, no gaps, no forks
    result = verify(runner)
    assert result.exit_code == 0, result.output


def test_writer_processes_keep_one_chain(app, runner, offices):
    """Separate processes (not threads) append at once, on SQLite and on PostgreSQL.

    Each commits an office update + insert + event (on SQLite it already holds the write lock
    when the chain is appended) and then an event alone (it must take the lock first).
    """
    writers, rounds = 4, 10
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
        start = db.session.scalar(select(func.count()).select_from(AuditEntry))
    # Two writers share an office, so its row lock and the chain lock cross as well.
    office_ids = [offices["T"], offices["A"], offices["B"], offices["T"]]
    script = Path(__file__).resolve().parent / "audit_writer_process.py"
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), url, str(n), str(office_id), str(rounds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n, office_id in enumerate(office_ids[:writers])
    ]
    try:
        for process in processes:
            assert process.stdout.readline().strip() == "ready"
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate(timeout=120)[0] for process in processes]
    finally:
        for process in processes:
            process.kill()
    assert [p.returncode for p in processes] == [0] * writers, outputs
    with app.app_context():
        ids = list(db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
        assert len(ids) == start + writers * rounds * 4
        assert ids == list(range(1, len(ids) + 1))  # one line, no gaps, no forks
        assert (
            db.session.scalar(
                select(func.count()).select_from(Office).where(Office.code.like("P%"))
            )
            == writers * rounds
        )
    result = verify(runner)
    assert result.exit_code == 0, result.output


def test_sqlite_connections_write_ahead_and_checkpoint_every_4000_pages(app, sqlite_only):
    with app.app_context():
        pragma = {
            name: db.session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "wal_autocheckpoint")
        }
    assert pragma == {"journal_mode": "wal", "synchronous": 1, "wal_autocheckpoint": 4000}


def test_sqlite_connection_without_its_head_trigger_still_moves_the_head(
    app, runner, sqlite_only, offices, chain_of_six
):
    """The head trigger is a TEMP trigger of each application connection (another connection's
    inserts must not move the head, see the forged-entry test). A connection that lost it
    moves the head itself and installs it again."""
    head_sql = text("SELECT last_id FROM audit_chain_head WHERE id = 1")
    trigger_sql = text(
        "SELECT count(*) FROM sqlite_temp_master WHERE type = 'trigger' "
        "AND name = 'audit_entry_moves_head'"
    )
    with app.app_context():
        assert db.session.scalar(trigger_sql) == 1  # installed by this connection's appends
        db.session.execute(text("DROP TRIGGER temp.audit_entry_moves_head"))
        db.session.add(ExampleNote(office_id=offices["A"], title="无触发器"))
        record_event("test.without_trigger")
        db.session.commit()  # same connection: the session keeps it for the transaction
        assert db.session.scalar(head_sql) == chain_of_six + 2
        assert db.session.scalar(trigger_sql) == 1
        record_event("test.with_trigger_again")
        db.session.commit()
        assert db.session.scalar(head_sql) == chain_of_six + 3
    result = verify(runner)
    assert result.exit_code == 0, result.output


@pytest.mark.postgres
def test_chain_lock_is_taken_at_commit_so_crossed_row_locks_do_not_deadlock(
    app, runner, postgres_only, offices
):
    """T1 updates X then Y, T2 updates Y then commits: with the chain lock taken at flush
    time T2 would wait for T1's chain lock while T1 waits for T2's row Y."""
    with app.app_context():
        x = ExampleNote(office_id=offices["A"], title="X")
        y = ExampleNote(office_id=offices["A"], title="Y")
        db.session.add_all([x, y])
        db.session.commit()
        x_id, y_id = x.id, y.id
    t1_flushed, t2_flushed = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with app.app_context():
                db.session.get(ExampleNote, x_id).title = "X by 1"
                db.session.flush()
                t1_flushed.set()
                assert t2_flushed.wait(10)
                db.session.get(ExampleNote, y_id).title = "Y by 1"
                db.session.flush()  # waits for T2's row lock on Y until T2 commits
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # reported below
            errors.append(exc)

    def second():
        try:
            with app.app_context():
                assert t1_flushed.wait(10)
                db.session.get(ExampleNote, y_id).title = "Y by 2"
                db.session.flush()
                t2_flushed.set()
                threading.Event().wait(0.3)  # let T1 queue on row Y
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with app.app_context():
        assert db.session.get(ExampleNote, y_id).title == "Y by 1"
    assert verify(runner).exit_code == 0
