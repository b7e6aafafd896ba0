"""Background jobs without Redis: in-process runs, failures and retries, idempotency,
schedules, notifications (and their e-mail) and person-started jobs with progress."""

import smtplib
import threading
import types
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from support import login, post, text_of

from core import Manifest, hookimpl
from core.extensions import db
from core.jobs import (
    JobArgumentError,
    JobFailure,
    JobRecord,
    JobRun,
    Notification,
    NotificationSetting,
    Schedule,
    claim_once,
    enqueue,
    notify,
    offices_with,
    report_progress,
    run_due_schedules,
    start_user_job,
    store_result,
    unread_count,
)
from core.jobs import schedules as schedules_module
from core.jobs.notifications import send_pending_emails
from core.jobs.queueing import retry_due_failures
from core.models import Office, User
from core.models.base import utcnow
from core.modules import set_module
from core.plugins import get_registry

# --- job functions the tests enqueue (they run inside an app context, as real jobs do) -----


def record(tag):
    """Leave one mark per run."""
    db.session.add(JobRun(name="test.record", key=f"{tag}:{uuid.uuid4().hex}"))
    db.session.commit()
    return tag


def explode(message):
    """Always fail."""
    raise RuntimeError(message)


def flaky(tag):
    """Fail the first time, succeed afterwards."""
    if (
        db.session.scalar(select(JobRun).where(JobRun.name == "test.flaky", JobRun.key == tag))
        is None
    ):
        db.session.add(JobRun(name="test.flaky", key=tag))
        db.session.commit()
        raise RuntimeError("first attempt fails")
    record(tag)


def effect_once(tag, crash):
    """Do an effect at most once; ``crash`` dies after the effect, before the commit."""
    if claim_once("test.effect", tag):
        db.session.add(JobRun(name="test.record", key=f"{tag}:{uuid.uuid4().hex}"))
    if crash:
        raise SystemError("killed mid-run")
    db.session.commit()


def explode_job(record_id, message):
    """A person's job that always fails."""
    raise RuntimeError(message)


def tick():
    """A scheduled job: one mark per run."""
    record("tick")


def export_numbers(record_id, n):
    """A person's export: n steps with progress, then a CSV file."""
    for i in range(1, n + 1):
        report_progress(record_id, i, n)
    store_result(
        record_id, "\n".join(str(i) for i in range(1, n + 1)).encode(), "numbers.csv", "text/csv"
    )


def marks(tag) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(JobRun)
        .where(JobRun.name == "test.record", JobRun.key.like(f"{tag}:%"))
    )


# --- enqueue in-process ---------------------------------------------------------------------


def test_without_redis_a_job_runs_at_once_and_returns_its_result(app_ctx):
    assert enqueue("test_jobs:record", "now") == "now"
    assert marks("now") == 1


def test_a_job_runs_in_its_own_session(app_ctx):
    db.session.add(JobRun(name="test.pending", key="uncommitted"))
    enqueue("test_jobs:record", "own")
    db.session.rollback()  # the caller's work is its own; the job's commit is the job's
    assert marks("own") == 1
    assert db.session.scalar(select(JobRun).where(JobRun.name == "test.pending")) is None


@pytest.mark.parametrize(
    "bad, where",
    [
        (datetime(2025, 10, 1), "argument 1 is a datetime"),
        ({1: "a"}, "int key"),
        ([1, {"x": object()}], "argument 1[1]['x'] is a object"),
        (float("nan"), "JSON cannot carry"),
    ],
)
def test_a_non_json_argument_is_refused_before_anything_runs(app_ctx, bad, where):
    with pytest.raises(JobArgumentError) as err:
        enqueue("test_jobs:record", bad)
    assert where in str(err.value)
    assert "plain JSON value" in str(err.value) or "JSON" in str(err.value)
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 0
    assert db.session.scalar(select(func.count()).select_from(JobFailure)) == 0


def test_arguments_arrive_as_json_would_carry_them(app_ctx):
    assert enqueue("test_jobs:record", ("a", 1)) == ["a", 1]


@pytest.mark.parametrize("path", ["test_jobs.record", "test_jobs:missing", "no_such_module:f"])
def test_an_unknown_job_function_is_refused(app_ctx, path):
    with pytest.raises(JobArgumentError):
        enqueue(path)


# --- failures, retries, idempotency ---------------------------------------------------------


def test_an_in_process_failure_is_recorded_with_its_next_retry(app_ctx):
    before = utcnow()
    assert enqueue("test_jobs:explode", "boom", job_id="job-1") is None
    failure = db.session.scalars(select(JobFailure)).one()
    assert failure.func_path == "test_jobs:explode"
    assert failure.args == ["boom"]
    assert failure.job_id == "job-1"
    assert failure.error == "RuntimeError: boom"
    assert "explode" in failure.traceback
    assert failure.attempts == 1
    assert failure.resolved_at is None
    assert failure.next_retry_at.replace(tzinfo=None) >= (before + timedelta(seconds=9)).replace(
        tzinfo=None
    )


def test_retries_back_off_then_stop(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RETRY_INTERVALS", [0, 0])
    enqueue("test_jobs:explode", "again")
    far = utcnow() + timedelta(minutes=1)
    assert retry_due_failures(now=far) == 1
    assert retry_due_failures(now=far) == 1
    assert retry_due_failures(now=far) == 0  # retries used up
    db.session.expire_all()
    failure = db.session.scalars(select(JobFailure)).one()
    assert failure.attempts == 3
    assert failure.next_retry_at is None
    assert failure.resolved_at is None


def test_run_due_retries_a_failure_whose_wait_is_over(app, app_ctx, runner, monkeypatch):
    monkeypatch.setattr(schedules_module, "_core_schedules", {})
    monkeypatch.setitem(app.config, "JOB_RETRY_INTERVALS", [0])
    enqueue("test_jobs:flaky", "cron")
    assert marks("cron") == 0
    result = runner.invoke(args=["jobs", "run-due"])
    assert result.exit_code == 0, result.output
    assert "重试 1 个失败任务" in result.output
    db.session.expire_all()
    assert marks("cron") == 1
    assert db.session.scalars(select(JobFailure)).one().resolved_at is not None


def test_a_job_killed_mid_run_and_retried_does_its_work_once(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RETRY_INTERVALS", [0])
    enqueue("test_jobs:effect_once", "t1", True)  # dies before commit: effect rolled back
    assert marks("t1") == 0
    enqueue("test_jobs:effect_once", "t1", False)
    enqueue("test_jobs:effect_once", "t1", False)  # a retry after success
    assert marks("t1") == 1


def test_claim_once_is_true_once_per_key(app_ctx):
    assert claim_once("test.claim", "a") is True
    assert claim_once("test.claim", "a") is False
    assert claim_once("test.claim", "b") is True
    db.session.commit()


# --- the failed-jobs screen -----------------------------------------------------------------


def test_township_admin_sees_failed_jobs_and_retries_them(
    app, client, users, login_as, monkeypatch
):
    with app.app_context():
        enqueue("test_jobs:flaky", "screen")
        enqueue("test_jobs:explode", "still broken")
        ids = {f.args[0]: f.id for f in db.session.scalars(select(JobFailure))}
    login_as("admin")
    page = client.get("/admin/jobs/")
    assert page.status_code == 200
    body = text_of(page)
    assert "失败的后台任务" in body
    assert "RuntimeError: first attempt fails" in body and "still broken" in body

    done = post(
        client, "/admin/jobs/retry", {"ref": f"local:{ids['screen']}"}, follow_redirects=True
    )
    assert "这次成功了" in text_of(done)
    again = post(
        client, "/admin/jobs/retry", {"ref": f"local:{ids['still broken']}"}, follow_redirects=True
    )
    assert "仍然失败" in text_of(again)
    with app.app_context():
        assert marks("screen") == 1
        assert db.session.get(JobFailure, ids["still broken"]).attempts == 2

    gone = post(
        client, "/admin/jobs/retry", {"ref": f"local:{ids['screen']}"}, follow_redirects=True
    )
    assert "不存在或已处理" in text_of(gone)
    post(client, "/admin/jobs/dismiss", {"ref": f"local:{ids['still broken']}"})
    assert "没有失败的任务" in text_of(client.get("/admin/jobs/"))
    bad = post(client, "/admin/jobs/retry", {"ref": "nonsense"}, follow_redirects=True)
    assert "不存在或已处理" in text_of(bad)


@pytest.mark.parametrize("who", ["staff_a", "officeadmin", "auditor"])
def test_only_township_admins_see_failed_jobs(client, users, login_as, who):
    login_as(who)
    assert client.get("/admin/jobs/").status_code == 403


# --- schedules ------------------------------------------------------------------------------


@pytest.fixture
def schedule_plugin(app, monkeypatch):
    """A plugin "sched" with one schedule every 60 s (only our schedules are registered)."""
    monkeypatch.setattr(schedules_module, "_core_schedules", {})

    @hookimpl
    def register_schedules():
        return [Schedule("sched.tick", "test_jobs:tick", 60)]

    plugin = types.SimpleNamespace(
        manifest=Manifest(name="sched", title="定时测试", version="1"),
        register_schedules=register_schedules,
    )
    registry = get_registry(app)
    registry.pm.register(plugin, name="sched")
    registry.manifests["sched"] = plugin.manifest
    try:
        yield plugin
    finally:
        registry.pm.unregister(name="sched")
        registry.manifests.pop("sched", None)


def _switch_on(app, plugin, office_id):
    with app.app_context():
        set_module(plugin, db.session.get(Office, office_id), True)
        db.session.commit()


def test_a_schedule_is_skipped_while_no_office_has_its_plugin(
    app, app_ctx, offices, schedule_plugin
):
    assert run_due_schedules(now=60_000) == []
    assert marks("tick") == 0


def test_a_schedule_runs_once_per_tick(app, offices, schedule_plugin):
    _switch_on(app, "sched", offices["A"])
    with app.app_context():
        assert offices_with("sched") == [offices["A"]]
        assert run_due_schedules(now=60_000) == ["sched.tick"]
        assert run_due_schedules(now=60_059) == []  # same tick
        assert run_due_schedules(now=60_060) == ["sched.tick"]  # next tick
        assert marks("tick") == 2


def test_two_runners_racing_start_a_tick_once(app, offices, schedule_plugin):
    _switch_on(app, "sched", offices["A"])
    barrier = threading.Barrier(2)
    started = []
    errors = []

    def runner():
        with app.app_context():
            try:
                barrier.wait()
                started.extend(run_due_schedules(now=120_000))
            except Exception as exc:  # surfaced below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert started == ["sched.tick"]
    with app.app_context():
        assert marks("tick") == 1


def test_run_due_command_runs_due_schedules(app, runner, offices, schedule_plugin):
    _switch_on(app, "sched", offices["B"])
    result = runner.invoke(args=["jobs", "run-due"])
    assert result.exit_code == 0, result.output
    assert "sched.tick" in result.output
    assert "sched.tick" not in runner.invoke(args=["jobs", "run-due"]).output
    with app.app_context():
        assert marks("tick") == 1


def test_hook_register_schedules(app, offices, schedule_plugin):
    """A plugin's schedule is collected, tagged with the plugin, and runs once it is on."""
    with app.app_context():
        found = {s.name: s for s in schedules_module.all_schedules()}
        assert found["sched.tick"].plugin == "sched"
        assert found["sched.tick"].func_path == "test_jobs:tick"
        assert run_due_schedules(now=600_000) == []
    _switch_on(app, "sched", offices["A"])
    with app.app_context():
        assert run_due_schedules(now=600_000) == ["sched.tick"]
        assert marks("tick") == 1


def test_a_core_schedule_and_a_bad_hook_result(app, app_ctx, schedule_plugin, monkeypatch, caplog):
    schedules_module.schedule("core.test", "test_jobs:tick", 30)

    @hookimpl
    def register_schedules():
        return ["not a schedule", Schedule("core.test", "test_jobs:explode", 30)]

    rogue = types.SimpleNamespace(
        manifest=Manifest(name="rogue", title="x", version="1"),
        register_schedules=register_schedules,
    )
    registry = get_registry(app)
    registry.pm.register(rogue, name="rogue")
    try:
        found = {s.name: s for s in schedules_module.all_schedules()}
    finally:
        registry.pm.unregister(name="rogue")
    assert found["core.test"].func_path == "test_jobs:tick" and found["core.test"].plugin is None
    assert "name is taken" in caplog.text and "not a schedule" in caplog.text
    assert run_due_schedules(now=90_000) == ["core.test"]  # core schedules need no plugin
    assert marks("tick") == 1


def test_worker_without_redis_says_how_to_run_schedules(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "flask jobs run-due" in result.output


def test_schedule_rejects_a_bad_interval():
    with pytest.raises(ValueError):
        Schedule("x", "test_jobs:tick", 0)


# --- notifications --------------------------------------------------------------------------


def test_notify_with_a_dedupe_key_adds_once(app_ctx, users):
    first = notify(
        users["staff_a"], "案件即将到期", "请尽快办理", "/admin/cases/1", dedupe_key="due:1"
    )
    again = notify(users["staff_a"], "案件即将到期", dedupe_key="due:1")
    other = notify(users["staff_b"], "案件即将到期", dedupe_key="due:1")
    notify(users["staff_a"], "无去重键的通知")
    notify(users["staff_a"], "无去重键的通知")
    db.session.commit()
    assert again.id == first.id
    assert other.id != first.id
    assert unread_count(users["staff_a"]) == 3
    assert first.email_state is None  # no SMTP configured


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_notify_refuses_links_off_the_site(app_ctx, users, url):
    with pytest.raises(ValueError):
        notify(users["staff_a"], "x", url=url)


def test_bell_list_and_mark_read(app, client, users, login_as):
    with app.app_context():
        notify(users["staff_a"], "第一条通知", "正文一", url="/admin/")
        notify(users["staff_a"], "第二条通知")
        theirs = notify(users["staff_b"], "别人的通知")
        db.session.commit()
        mine = db.session.scalar(select(Notification.id).where(Notification.title == "第一条通知"))
        theirs_id = theirs.id
    login_as("staff_a")
    dashboard = client.get("/admin/")
    assert 'class="badge badge-warning"' in dashboard.get_data(as_text=True)
    assert "2 条未读" in dashboard.get_data(as_text=True)
    page = text_of(client.get("/admin/notifications/"))
    assert "第一条通知" in page and "正文一" in page and "别人的通知" not in page

    assert client.post(f"/admin/notifications/{mine}/read").status_code == 400  # no CSRF token
    followed = post(client, f"/admin/notifications/{mine}/read", {"follow": "1"})
    assert followed.status_code == 302 and followed.headers["Location"].endswith("/admin/")
    assert post(client, f"/admin/notifications/{theirs_id}/read").status_code == 404
    with app.app_context():
        assert unread_count(users["staff_a"]) == 1
        assert unread_count(users["staff_b"]) == 1
    post(client, "/admin/notifications/read-all")
    with app.app_context():
        assert unread_count(users["staff_a"]) == 0
    assert "条未读" not in client.get("/admin/").get_data(as_text=True)


def test_auditors_may_mark_their_own_notifications_read(app, client, users, login_as):
    with app.app_context():
        item = notify(users["auditor"], "审计提醒")
        db.session.commit()
        item_id = item.id
    login_as("auditor")
    assert post(client, f"/admin/notifications/{item_id}/read").status_code == 302
    with app.app_context():
        assert unread_count(users["auditor"]) == 0


class FakeSMTP:
    """Records what would have been sent."""

    sent: list = []
    fail = False

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port

    def send_message(self, msg):
        if FakeSMTP.fail:
            raise smtplib.SMTPServerDisconnected("server went away")
        FakeSMTP.sent.append(msg)

    def quit(self):
        pass


@pytest.fixture
def smtp(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "mail.example.test")
    monkeypatch.setitem(app.config, "MAIL_FROM", "zhen@example.test")
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail = [], False
    return FakeSMTP


def test_notifications_are_emailed_once_by_a_job(app, app_ctx, users, smtp):
    db.session.add(
        NotificationSetting(user_id=users["staff_a"], email="a@example.test", email_enabled=True)
    )
    db.session.commit()
    item = notify(users["staff_a"], "督办提醒", "案件 X 今日到期", url="/admin/cases/7")
    quiet = notify(users["staff_b"], "无邮箱的人")
    db.session.commit()
    assert item.email_state == "pending" and quiet.email_state is None
    assert smtp.sent == []  # nothing is sent while notifying

    assert enqueue("core.jobs.notifications:send_pending_emails") == 1
    assert enqueue("core.jobs.notifications:send_pending_emails") == 0
    assert len(smtp.sent) == 1
    msg = smtp.sent[0]
    assert msg["To"] == "a@example.test" and msg["Subject"] == "督办提醒"
    assert "/admin/cases/7" in msg.get_content()
    db.session.expire_all()
    assert db.session.get(Notification, item.id).email_state == "sent"


def test_an_smtp_error_leaves_the_email_pending_then_failed(app, app_ctx, users, smtp):
    db.session.add(
        NotificationSetting(user_id=users["staff_a"], email="a@example.test", email_enabled=True)
    )
    item = notify(users["staff_a"], "会失败的邮件")
    db.session.commit()
    smtp.fail = True
    for expected in ("pending", "pending", "failed"):
        assert send_pending_emails() == 0
        db.session.expire_all()
        assert db.session.get(Notification, item.id).email_state == expected
    assert "server went away" in db.session.get(Notification, item.id).email_error


def test_email_setting_is_validated(app, client, users, login_as, smtp):
    login_as("staff_a")
    assert "通知邮箱" in text_of(client.get("/admin/notifications/"))
    bad = post(
        client,
        "/admin/notifications/email",
        {"email": "not-an-address", "email_enabled": "y"},
        follow_redirects=True,
    )
    assert "请输入有效的邮箱地址" in text_of(bad)
    missing = post(
        client,
        "/admin/notifications/email",
        {"email": "", "email_enabled": "y"},
        follow_redirects=True,
    )
    assert "请先填写通知邮箱" in text_of(missing)
    with app.app_context():
        assert db.session.get(NotificationSetting, users["staff_a"]) is None
    ok = post(
        client,
        "/admin/notifications/email",
        {"email": "a@example.test", "email_enabled": "y"},
        follow_redirects=True,
    )
    assert "已保存" in text_of(ok)
    with app.app_context():
        setting = db.session.get(NotificationSetting, users["staff_a"])
        assert setting.email == "a@example.test" and setting.email_enabled


# --- jobs a person starts -------------------------------------------------------------------


def test_a_user_job_reports_progress_and_its_file_downloads(app, client, users, login_as):
    login_as("staff_a")
    with app.test_request_context():
        record = start_user_job(users["staff_a"], "导出数字", "test_jobs:export_numbers", 5)
        record_id = record.id
    with app.app_context():
        record = db.session.get(JobRecord, record_id)
        assert record.status == "done" and record.done == 5 and record.total == 5
        assert record.result_name == "numbers.csv"
        done_note = db.session.scalars(select(Notification)).one()
        assert done_note.user_id == users["staff_a"] and "导出数字" in done_note.title
        assert done_note.url == f"/admin/my-jobs/{record_id}"

    status = client.get(f"/admin/my-jobs/{record_id}")
    assert status.status_code == 200
    assert 'http-equiv="refresh"' not in status.get_data(as_text=True)
    assert "下载 numbers.csv" in text_of(status)
    download = client.get(f"/admin/my-jobs/{record_id}/download")
    assert download.status_code == 200
    assert download.get_data() == b"1\n2\n3\n4\n5"
    assert "numbers.csv" in download.headers["Content-Disposition"]
    assert "导出数字" in text_of(client.get("/admin/my-jobs/"))


def test_a_running_job_page_refreshes_and_shows_progress(app, client, users, login_as):
    with app.app_context():
        record = JobRecord(
            user_id=users["staff_a"],
            title="长任务",
            func_path="test_jobs:export_numbers",
            args=[3],
            status="running",
        )
        db.session.add(record)
        db.session.commit()
        record_id = record.id
        report_progress(record_id, 1, 4)
    login_as("staff_a")
    page = client.get(f"/admin/my-jobs/{record_id}")
    html = page.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "已完成 1 / 4" in text_of(page)
    assert client.get(f"/admin/my-jobs/{record_id}/download").status_code == 404  # not done


def test_only_the_owner_or_a_township_admin_gets_the_file(app, users):
    with app.test_request_context():
        record_id = start_user_job(users["staff_a"], "户籍表导出", "test_jobs:export_numbers", 2).id

    def client_of(username):
        c = app.test_client()
        assert login(c, username).status_code == 302
        return c

    for other in ("staff_b", "leader", "auditor"):  # leader: same office, still not theirs
        c = client_of(other)
        assert c.get(f"/admin/my-jobs/{record_id}").status_code == 404
        assert c.get(f"/admin/my-jobs/{record_id}/download").status_code == 404
        assert "户籍表导出" not in text_of(c.get("/admin/my-jobs/"))
    admin = client_of("admin")
    assert admin.get(f"/admin/my-jobs/{record_id}/download").status_code == 200


def test_a_failed_user_job_says_so(app, client, users, login_as):
    with app.test_request_context():
        record_id = start_user_job(
            users["staff_a"], "坏任务", "test_jobs:explode_job", "no data"
        ).id
    with app.app_context():
        record = db.session.get(JobRecord, record_id)
        assert record.status == "failed" and "no data" in record.error
        assert (
            db.session.scalars(select(JobFailure)).one().func_path
            == "core.jobs.user_jobs:run_user_job"
        )
    login_as("staff_a")
    assert "任务失败" in text_of(client.get(f"/admin/my-jobs/{record_id}"))


def test_start_user_job_refuses_non_json_arguments(app_ctx, users):
    with pytest.raises(JobArgumentError):
        start_user_job(users["staff_a"], "x", "test_jobs:export_numbers", User)
    assert db.session.scalar(select(func.count()).select_from(JobRecord)) == 0
