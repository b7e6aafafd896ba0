"""Benchmark of the audit log: the cost of capture on updates, and verify over a million entries.

Run: ``.venv/bin/python bench/audit_bench.py [--updates 10000] [--entries 1000000]
[--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--only updates|verify]``

1. Updates: ``--updates`` single-row updates, each its own transaction (load the row, change a
   field, commit: what one staff save does), with auditing on and off in one process,
   alternating in rounds of 500 so drift hits both alike. Prints total, median and p95 per
   update and the on/off ratio. Then the same number of updates in one transaction (one
   flush), where capture is a larger share because no per-commit cost hides it.
   Auditing is switched off only through ``core.audit.capture_suspended_for_benchmark()``,
   which the product never calls.
2. Verify: writes ``--entries`` chained entries straight into a fresh table (realistic mix of
   updates, inserts and events) and times the walk ``flask audit verify`` does.

Each part runs on SQLite (a file in a temporary directory) and, with ``--postgres``, on a
throwaway database created on that server and dropped afterwards.
"""

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from core.app import create_app  # noqa: E402
from core.audit import capture_suspended_for_benchmark  # noqa: E402
from core.audit.chain import (  # noqa: E402
    GENESIS_HASH,
    RAW_ENTRIES,
    canonical_json,
    compute_hash,
    format_at,
)
from core.audit.verify import verify_database  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Office, OfficeKind, utcnow  # noqa: E402

ROUND = 500


def _percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def _describe(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    return (
        f"total {sum(ordered):7.2f} s  median {statistics.median(ordered) * 1000:6.3f} ms  "
        f"p95 {_percentile(ordered, 0.95) * 1000:6.3f} ms"
    )


def _app(url: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "REDIS_URL": None,
            "TOWNSHIP_PLUGINS": "none-for-the-benchmark",
        }
    )


# --- part 1: updates ---------------------------------------------------------------------------


def bench_updates(url: str, updates: int) -> None:
    """Per-transaction and single-transaction updates, audited and not."""
    app = _app(url)
    with app.app_context():
        db.create_all()
        offices = [
            Office(code=f"B{i:05d}", name=f"单位{i}", kind=OfficeKind.VILLAGE)
            for i in range(max(100, updates))
        ]
        db.session.add_all(offices)
        db.session.commit()
        ids = [o.id for o in offices]
        db.session.remove()

        def one_update(i: int) -> float:
            began = time.perf_counter()
            office = db.session.get(Office, ids[i % 100])
            office.name = f"单位{i}"
            office.public_phone = f"0471-{i:07d}"
            db.session.commit()
            return time.perf_counter() - began

        for i in range(200):  # warm caches, statements and the page cache
            one_update(i)
            with capture_suspended_for_benchmark():
                one_update(i)
        timings = {True: [], False: []}
        counter = 0
        rounds = max(1, updates // ROUND)
        for r in range(rounds * 2):
            audited = r % 2 == 0
            for _ in range(ROUND if updates >= ROUND else updates):
                counter += 1
                if audited:
                    timings[True].append(one_update(counter))
                else:
                    with capture_suspended_for_benchmark():
                        timings[False].append(one_update(counter))
        on, off = timings[True], timings[False]
        print(f"  {len(on)} updates, one transaction each")
        print(f"    audit on : {_describe(on)}")
        print(f"    audit off: {_describe(off)}")
        print(
            f"    ratio on/off: total {sum(on) / sum(off):.2f}x  "
            f"median {statistics.median(on) / statistics.median(off):.2f}x"
        )

        def batch(tag: int) -> float:
            rows = db.session.scalars(select(Office).where(Office.id.in_(ids[:updates]))).all()
            began = time.perf_counter()
            for office in rows:
                office.name = f"批{tag}-{office.id}"
            db.session.commit()
            return time.perf_counter() - began

        batch_on, batch_off = [], []
        for tag in range(6):
            if tag % 2 == 0:
                batch_on.append(batch(tag))
            else:
                with capture_suspended_for_benchmark():
                    batch_off.append(batch(tag))
        print(f"  {updates} updates in one transaction (3 runs each, median)")
        print(f"    audit on : {statistics.median(batch_on):6.2f} s")
        print(f"    audit off: {statistics.median(batch_off):6.2f} s")
        print(
            f"    ratio on/off: {statistics.median(batch_on) / statistics.median(batch_off):.2f}x"
        )
        db.session.remove()
        db.engine.dispose()


# --- part 2: verify ----------------------------------------------------------------------------


def _synthetic_entries(count: int):
    """Chained rows as the capture writes them: 70 % updates, 20 % inserts, 10 % events."""
    rnd = random.Random(20261127)
    at = utcnow() - timedelta(days=400)
    prev = GENESIS_HASH
    tables = ["case_record", "example_note", "hearing", "petition", "user", "office_module"]
    for entry_id in range(1, count + 1):
        at += timedelta(milliseconds=rnd.randrange(1, 30_000))
        kind = rnd.random()
        details = None
        if kind < 0.7:
            action = "update"
            changes = {"status": ["open", "in_progress"], "handler_id": [None, rnd.randrange(500)]}
            if rnd.random() < 0.3:
                changes["content"] = ["原内容" * 5, "处理意见：已联系申请人，材料补齐后办理。" * 2]
        elif kind < 0.9:
            action = "insert"
            changes = {
                "id": [None, entry_id],
                "office_id": [None, rnd.randrange(1, 40)],
                "subject": [None, "群众来信反映道路维修问题"],
                "channel": [None, "letter"],
                "applicant_phone": [None, f"138{rnd.randrange(10**8):08d}"],
                "created_at": [None, at.isoformat()],
            }
        else:
            action, changes = "auth.login", None
            details = {"username": f"user{rnd.randrange(200)}"}
        changes_text = canonical_json(changes) if changes is not None else None
        details_text = canonical_json(details) if details is not None else None
        row = {
            "id": entry_id,
            "at": at,
            "action": action,
            "actor_id": rnd.randrange(1, 200),
            "actor_name": f"user{rnd.randrange(200)}",
            "office_id": rnd.randrange(1, 40),
            "ip_address": f"10.0.{rnd.randrange(256)}.{rnd.randrange(256)}",
            "request_id": secrets.token_hex(8),
            "target_type": rnd.choice(tables),
            "target_id": str(rnd.randrange(1, 50_000)),
            "changes": changes_text,
            "details": details_text,
            "prev_hash": prev,
        }
        prev = row["entry_hash"] = compute_hash(
            entry_id,
            format_at(at),
            action,
            row["actor_id"],
            row["actor_name"],
            row["office_id"],
            row["ip_address"],
            row["request_id"],
            row["target_type"],
            row["target_id"],
            changes_text,
            details_text,
            prev,
        )
        yield row


def _load(conn, count: int) -> str:
    """Write ``count`` entries (COPY on PostgreSQL, batched inserts on SQLite); the last hash."""
    last = GENESIS_HASH
    columns = [c.name for c in RAW_ENTRIES.c]
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY audit_entry ({', '.join(columns)}) FROM STDIN") as copy:
            for row in _synthetic_entries(count):
                copy.write_row([row[c] for c in columns])
                last = row["entry_hash"]
    else:
        batch = []
        for row in _synthetic_entries(count):
            batch.append(row)
            if len(batch) == 20_000:
                conn.execute(insert(RAW_ENTRIES), batch)
                batch = []
            last = row["entry_hash"]
        if batch:
            conn.execute(insert(RAW_ENTRIES), batch)
    conn.execute(
        text("INSERT INTO audit_chain_head (id, last_id, last_hash) VALUES (1, :i, :h)"),
        {"i": count, "h": last},
    )
    return last


def bench_verify(url: str, entries: int) -> None:
    """Fill a fresh log with ``entries`` chained entries and time the verify walk."""
    app = _app(url)
    with app.app_context():
        db.create_all()
        began = time.perf_counter()
        with db.engine.begin() as conn:
            last = _load(conn, entries)
        loaded = time.perf_counter() - began
        print(f"  loaded {entries} entries in {loaded:.1f} s")
        timings = []
        for _ in range(2):
            began = time.perf_counter()
            with db.engine.connect() as conn:
                result = verify_database(conn)
            timings.append(time.perf_counter() - began)
            assert result.ok and result.checked == entries and result.last_hash == last, result
        print(
            f"  verify {entries} entries: {min(timings):.1f} s best of 2 "
            f"({entries / min(timings):,.0f} entries/s), runs: "
            + ", ".join(f"{t:.1f} s" for t in timings)
        )
        db.session.remove()
        db.engine.dispose()


# --- databases ---------------------------------------------------------------------------------


class _PostgresDatabase:
    """A throwaway database on the server of ``base_url``."""

    def __init__(self, base_url: str):
        if base_url.startswith("postgresql://"):
            base_url = "postgresql+psycopg://" + base_url[len("postgresql://") :]
        self.name = f"township_audit_bench_{os.getpid()}_{secrets.token_hex(3)}"
        self.admin = create_engine(
            make_url(base_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        self.url = make_url(base_url).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def __exit__(self, *exc) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def main() -> None:
    """Run both parts on SQLite and, when given, PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="server URL; a throwaway database is made on it")
    parser.add_argument("--only", choices=("updates", "verify"))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()

    parts = [p for p in ("updates", "verify") if args.only in (None, p)]
    targets = [] if args.skip_sqlite else ["sqlite"]
    if args.postgres:
        targets.append("postgresql")
    for target in targets:
        for part in parts:
            print(f"[{target}] {part}")
            if target == "sqlite":
                with tempfile.TemporaryDirectory() as tmp:
                    url = f"sqlite:///{tmp}/bench.sqlite3"
                    _run(part, url, args)
            else:
                with _PostgresDatabase(args.postgres) as url:
                    _run(part, url, args)
    print(json.dumps({"python": sys.version.split()[0]}))


def _run(part: str, url: str, args) -> None:
    if part == "updates":
        bench_updates(url, args.updates)
    else:
        bench_verify(url, args.entries)


if __name__ == "__main__":
    main()
