"""A separate writer process for the audit chain's multi-process test (tests/test_audit_chain.py).

Usage: ``python tests/audit_writer_process.py DATABASE_URL WRITER_NO OFFICE_ID ROUNDS``. It builds its own
app on that database, prints ``ready``, waits for a line on stdin (so every writer starts at
once), then per round commits an office update, an office insert and an event in one
transaction, and an event alone in a second (on SQLite the first commit reaches the chain
already holding the write lock, the second has to take it). Prints ``done`` at the end.
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.app import create_app  # noqa: E402
from core.audit import record_event  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Office, OfficeKind  # noqa: E402


def main(url: str, writer: int, office_id: int, rounds: int) -> None:
    """Wait for the start signal, then write ``rounds`` rounds of audited changes."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "writer",
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": None,
            "UPLOAD_FOLDER": tempfile.mkdtemp(),
        }
    )
    with app.app_context():
        db.session.get(Office, office_id)  # connect and warm up before the start signal
        db.session.rollback()
        print("ready", flush=True)
        sys.stdin.readline()
        for i in range(rounds):
            db.session.get(Office, office_id).name = f"并发写入{writer}-{i}"
            db.session.add(
                Office(code=f"P{writer}-{i}", name=f"新单位{writer}-{i}", kind=OfficeKind.VILLAGE)
            )
            record_event("test.process_writer", details={"writer": writer, "i": i})
            db.session.commit()
            record_event("test.process_writer_event", details={"writer": writer, "i": i})
            db.session.commit()
        db.session.remove()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
