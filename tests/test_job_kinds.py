"""Every kind of background job through one real ``flask worker --burst`` process (issue 15, 1).

A job runs in a worker with an app context but no request: no ``url_for`` without
``SERVER_NAME``, no ``g`` or ``current_user`` of a person, no session choosing a language.
In-process runs in tests cannot show that, so each job kind runs here once in a real worker
process on realistic data (the demo township).

Which kinds: the schedules come from the app itself (the core's and every plugin's
``register_schedules``); the jobs started from code are listed in ``ENQUEUED``, which
``test_every_enqueued_job_kind_is_listed`` checks against every ``enqueue(...)`` and
``start_user_job(...)`` call in core and plugins — a new kind fails that test until it is
added here, and then it runs through the worker below.
"""

import ast
import email
import email.policy
import os
import socketserver
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support import login, needs_redis, post

from core.cli.demo import DEMO_PASSWORD
from core.extensions import db
from core.jobs import (
    JobFailure,
    JobRecord,
    Notification,
    NotificationSetting,
    notify,
    queue,
    redis_connection,
    resolve,
)
from core.jobs.schedules import all_schedules
from core.models import Office, User
from core.time import local_today

ROOT = Path(__file__).resolve().parent.parent

# Every function path that core or a plugin passes to enqueue() or start_user_job().
ENQUEUED = {
    "core.jobs.user_jobs:run_user_job",  # what start_user_job enqueues
    "core.admin.export_jobs:run_export",  # a person's large list export (start_user_job)
    "core.admin.posters_view:run_poster_batch",  # a batch of notice-board posters (the same)
    "plugins.hearings.jobs:render_minutes_pdf",
    "plugins.hearings.jobs:make_minutes_audio",
    "plugins.hearings.jobs:deliver_messages",
}
# Calls passing a computed path: the schedule runner (every schedule runs below) and the
# queue's own hand-over to rq.
COMPUTED = {("core/jobs/schedules.py", "item.func_path"), ("core/jobs/queueing.py", "WORKER_ENTRY")}
NOTIFICATION_EMAILS = "core.jobs.notifications:send_pending_emails"  # scheduled with SMTP_HOST


def job_call_sites():
    """(file, first-path argument node) of every enqueue()/start_user_job() call in the app."""
    for path in sorted([*ROOT.glob("core/**/*.py"), *ROOT.glob("plugins/**/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func_node = node.func
            name = (
                func_node.attr
                if isinstance(func_node, ast.Attribute)
                else getattr(func_node, "id", None)
            )
            position = {"enqueue": 0, "start_user_job": 2}.get(name)
            if position is None:
                continue
            arg = node.args[position] if len(node.args) > position else None
            yield path.relative_to(ROOT).as_posix(), arg


def test_every_enqueued_job_kind_is_listed():
    literal, computed = set(), set()
    for where, arg in job_call_sites():
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            literal.add(arg.value)
        else:
            computed.add((where, ast.unparse(arg) if arg is not None else "<none>"))
    assert literal == ENQUEUED, "add the new job kind to ENQUEUED and run it in the worker test"
    assert computed == COMPUTED
    for func_path in ENQUEUED:
        resolve(func_path)


def test_public_url_works_outside_a_request(app, monkeypatch):
    """A job rendering a PDF or a feed has no request: public_url builds from the URL map."""
    from core.publication import public_url

    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://zhen.example.org/")
    with app.app_context():
        assert (
            public_url("my_jobs.status", record_id=7) == "https://zhen.example.org/admin/my-jobs/7"
        )
    with app.test_request_context("/", base_url="http://attacker.example"):
        assert (
            public_url("my_jobs.status", record_id=7) == "https://zhen.example.org/admin/my-jobs/7"
        )


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: accepts every command, keeps each message's data."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 end with .\r\n")
                data = []
                while (part := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(part)
                self.server.messages.append(b"".join(data))
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    """A tiny SMTP server on a free local port; ``.messages`` holds what it received."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def worker_app(app, monkeypatch):
    """The test app on REDIS_URL with a queue of its own (the core's schedules kept); every
    Redis key the test made is removed after."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.config, "REDIS_URL", os.environ["REDIS_URL"])
    monkeypatch.setitem(app.config, "RQ_QUEUE", name)
    yield app
    with app.app_context():
        from rq.registry import (
            FailedJobRegistry,
            FinishedJobRegistry,
            ScheduledJobRegistry,
            StartedJobRegistry,
        )

        conn, q = redis_connection(), queue()
        job_ids = set(q.get_job_ids())
        for registry in (
            FailedJobRegistry,
            FinishedJobRegistry,
            ScheduledJobRegistry,
            StartedJobRegistry,
        ):
            job_ids.update(registry(queue=q).get_job_ids(cleanup=False))
        for job_id in job_ids:
            for key in conn.scan_iter(match=f"*{job_id}*"):
                conn.delete(key)
        for key in conn.scan_iter(match=f"*{name}*"):
            conn.delete(key)
        conn.srem("rq:queues", q.key)


def _seed(app, runner):
    """The demo township, plus work for each started job kind; returns their ids."""
    from core.jobs import enqueue
    from plugins.hearings.demo import HELD_TITLE
    from plugins.hearings.models import Hearing, MinutesVersion
    from plugins.hearings.notifications import message_participants

    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        db.session.add(
            NotificationSetting(user_id=admin.id, email="admin@example.org", email_enabled=True)
        )
        db.session.flush()
        mail = notify(
            admin.id, "任务测试邮件", "请查收。", url="/admin/", dedupe_key="job-kinds-mail"
        )
        assert mail.email_state == "pending"
        hearing = db.session.scalar(select(Hearing).where(Hearing.title == HELD_TITLE))
        version = db.session.scalar(
            select(MinutesVersion)
            .where(MinutesVersion.hearing_id == hearing.id)
            .order_by(MinutesVersion.number.desc())
        )
        version.pdf_key = None  # rendered by the worker, not before
        version.audio_key = version.audio_made_at = None  # read aloud by the worker too
        assert message_participants(hearing, "会议纪要已公开，欢迎查阅。", key="job-kinds") > 0
        db.session.commit()
        seeded = {"admin": admin.id, "mail": mail.id, "hearing": hearing.id, "minutes": version.id}
        enqueue("plugins.hearings.jobs:render_minutes_pdf", version.id)
        enqueue("plugins.hearings.jobs:make_minutes_audio", version.id)
        enqueue("plugins.hearings.jobs:deliver_messages", hearing.id)
    return seeded


@pytest.mark.redis
@needs_redis
def test_every_job_kind_finishes_in_a_real_worker(worker_app, runner, smtp_server, monkeypatch):
    from rq.job import Job
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry

    from core.storage import get_storage
    from plugins.hearings.models import MinutesVersion, ParticipantMessage
    from plugins.hearings.notifications import PENDING

    port = smtp_server.server_address[1]
    monkeypatch.setitem(worker_app.config, "SMTP_HOST", "127.0.0.1")  # notify() marks e-mail
    monkeypatch.setitem(worker_app.config, "EXPORT_MAX_ROWS", 2)
    seeded = _seed(worker_app, runner)
    owner = worker_app.test_client()
    login(owner, "admin", DEMO_PASSWORD)
    with worker_app.app_context():
        village = db.session.scalar(select(Office.id).where(Office.code == "SFZ-DQC"))
    board = post(
        owner,
        "/admin/posters/batch",
        {"offices": [village], "month": f"{local_today():%Y-%m}", "size": "A4", "combined": "y"},
    )
    assert board.status_code == 302, board.status_code
    started = owner.get("/admin/staff/export/csv/")  # more rows than EXPORT_MAX_ROWS
    assert started.status_code == 302, started.status_code
    job_page = started.headers["Location"].rstrip("/")

    env = {
        **os.environ,
        "DATABASE_URL": worker_app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": worker_app.config["REDIS_URL"],
        "RQ_QUEUE": worker_app.config["RQ_QUEUE"],
        "SECRET_KEY": "worker-test",
        "UPLOAD_FOLDER": worker_app.config["UPLOAD_FOLDER"],
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
    }
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    worker = subprocess.run(
        [flask, "--app", "wsgi", "worker", "--burst"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = worker.stderr[-4000:]
    assert worker.returncode == 0, log

    with worker_app.app_context():
        q = queue()
        assert FailedJobRegistry(queue=q).count == 0, log
        assert ScheduledJobRegistry(queue=q).count == 0, log  # no retry waiting
        assert q.count == 0
        jobs = [
            j
            for j in Job.fetch_many(
                FinishedJobRegistry(queue=q).get_job_ids(),
                connection=q.connection,
                serializer=q.serializer,
            )
            if j
        ]
        ran = {job.args[0]: job for job in jobs}
        scheduled = {s.func_path for s in all_schedules()} | {NOTIFICATION_EMAILS}
        user_jobs = {
            "core.admin.export_jobs:run_export",
            "core.admin.posters_view:run_poster_batch",
        }
        assert scheduled | ENQUEUED <= set(ran) | user_jobs, (
            sorted(ran),
            log,
        )
        assert db.session.scalar(select(func.count()).select_from(JobFailure)) == 0

        sweep = ran["core.cases.sweep:run_sweep"].return_value()
        assert sweep["checked"] > 0
        version = db.session.get(MinutesVersion, seeded["minutes"])
        assert version.pdf_key and version.pdf_pages >= 1
        assert get_storage().path(version.pdf_key).read_bytes().startswith(b"%PDF")
        assert version.audio_key and version.audio_seconds > 1
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(ParticipantMessage)
                .where(
                    ParticipantMessage.hearing_id == seeded["hearing"],
                    ParticipantMessage.status == PENDING,
                )
            )
            == 0
        )
        assert db.session.get(Notification, seeded["mail"]).email_state == "sent"
        posters = db.session.scalar(
            select(JobRecord).where(
                JobRecord.func_path == "core.admin.posters_view:run_poster_batch"
            )
        )
        assert posters.status == "done" and posters.done == posters.total
        record = db.session.scalars(select(JobRecord).order_by(JobRecord.id.desc())).first()
        assert (record.func_path, record.status) == ("core.admin.export_jobs:run_export", "done")
    received = [
        email.message_from_bytes(m, policy=email.policy.default) for m in smtp_server.messages
    ]  # also what the jobs notified the admin of
    [message] = [m for m in received if m["Subject"] == "任务测试邮件"]
    assert message["To"] == "admin@example.org" and "请查收。" in message.get_content()
    download = owner.get(f"{job_page}/download")
    assert download.status_code == 200
    assert "赵管理" in download.get_data(as_text=True)  # the demo's township admin
