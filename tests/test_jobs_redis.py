"""Background jobs on a real Redis server with a real rq worker (``flask worker --burst``).

Each test uses its own queue name (and so its own schedule-claim keys) and removes every key
it created, so parallel runs never see each other's jobs.
"""

import json
import os
import threading
import types
import uuid
import zlib

import pytest
from sqlalchemy import func, select
from support import login, needs_redis, post, text_of

from core import Manifest, hookimpl
from core.extensions import db
from core.jobs import (
    JobArgumentError,
    JobRecord,
    JobRun,
    Notification,
    Schedule,
    enqueue,
    queue,
    redis_connection,
    run_due_schedules,
    start_user_job,
)
from core.jobs import schedules as schedules_module
from core.jobs.user_jobs import user_job_id
from core.models import Office
from core.modules import set_module
from core.plugins import get_registry


def mark(tag):
    """Leave one mark per run."""
    db.session.add(JobRun(name="redis.mark", key=f"{tag}:{uuid.uuid4().hex}"))
    db.session.commit()
    return {"tag": tag}


def flaky(tag):
    """Fail the first time, succeed afterwards."""
    if (
        db.session.scalar(select(JobRun).where(JobRun.name == "redis.flaky", JobRun.key == tag))
        is None
    ):
        db.session.add(JobRun(name="redis.flaky", key=tag))
        db.session.commit()
        raise RuntimeError("first attempt fails")
    mark(tag)


def tick():
    """A scheduled job."""
    mark("tick")


def export(record_id):
    """A person's export through the worker."""
    from core.jobs import report_progress, store_result

    report_progress(record_id, 1, 1)
    store_result(record_id, b"a,b\n1,2\n", "table.csv", "text/csv")


def hangs_once(record_id):
    """A person's job whose first run hangs (until its worker is killed) and whose retry
    finishes; each run leaves its work horse's pid."""
    import time

    from core.jobs import report_progress, store_result

    earlier = db.session.scalar(
        select(func.count())
        .select_from(JobRun)
        .where(JobRun.name == "redis.hang", JobRun.key.like(f"{record_id}:%"))
    )
    db.session.add(JobRun(name="redis.hang", key=f"{record_id}:{os.getpid()}"))
    db.session.commit()
    if not earlier:
        report_progress(record_id, 1, 3)
        time.sleep(300)
    report_progress(record_id, 3, 3)
    store_result(record_id, b"done\n", "slow.txt", "text/plain")


def dies_once(record_id):
    """A person's job whose first run kills its own work horse (as the kernel's OOM killer
    would) and whose retry finishes."""
    import signal

    from core.jobs import store_result

    if not db.session.scalar(
        select(func.count())
        .select_from(JobRun)
        .where(JobRun.name == "redis.dies", JobRun.key == str(record_id))
    ):
        db.session.add(JobRun(name="redis.dies", key=str(record_id)))
        db.session.commit()
        os.kill(os.getpid(), signal.SIGKILL)
    store_result(record_id, b"ok\n", "ok.txt", "text/plain")


def marks(tag) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(JobRun)
        .where(JobRun.name == "redis.mark", JobRun.key.like(f"{tag}:%"))
    )


@pytest.fixture
def rq_app(app, monkeypatch):
    """The test app on REDIS_URL with a queue of its own; every key it made is removed after."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.config, "REDIS_URL", os.environ["REDIS_URL"])
    monkeypatch.setitem(app.config, "RQ_QUEUE", name)
    monkeypatch.setitem(app.config, "JOB_RETRY_INTERVALS", [])
    monkeypatch.setattr(schedules_module, "_core_schedules", {})
    yield app
    with app.app_context():
        conn = redis_connection()
        q = queue()
        from rq.registry import (
            DeferredJobRegistry,
            FailedJobRegistry,
            FinishedJobRegistry,
            ScheduledJobRegistry,
            StartedJobRegistry,
        )

        job_ids = set(q.get_job_ids())
        for registry in (
            FailedJobRegistry,
            FinishedJobRegistry,
            ScheduledJobRegistry,
            StartedJobRegistry,
            DeferredJobRegistry,
        ):
            job_ids.update(registry(queue=q).get_job_ids(cleanup=False))
        for job_id in job_ids:
            for key in conn.scan_iter(match=f"*{job_id}*"):
                conn.delete(key)
        for key in conn.scan_iter(match=f"*{name}*"):
            conn.delete(key)
        conn.srem("rq:queues", q.key)


def work(runner):
    """Run a real rq worker in burst mode (forking a work horse per job), like production."""
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    return result


@needs_redis
def test_a_job_waits_for_the_worker_then_runs(rq_app, runner):
    with rq_app.app_context():
        job = enqueue("test_jobs_redis:mark", "queued")
        assert job.get_status() == "queued"
        assert marks("queued") == 0
    work(runner)
    with rq_app.app_context():
        assert marks("queued") == 1
        job.refresh()
        assert job.get_status() == "finished"
        assert job.return_value() == {"tag": "queued"}


@needs_redis
def test_jobs_travel_as_json_not_pickle(rq_app):
    with rq_app.app_context():
        job = enqueue("test_jobs_redis:mark", "wire", job_id="wire-check")
        raw = redis_connection().hget(f"rq:job:{job.id}", "data")
        payload = json.loads(zlib.decompress(raw))
        assert payload[0] == "core.jobs.worker.run_in_app"
        assert payload[2] == ["test_jobs_redis:mark", ["wire"]]
        with pytest.raises(JobArgumentError, match="plain JSON value"):
            enqueue("test_jobs_redis:mark", {"when": object()})
        assert queue().count == 1


@needs_redis
def test_a_failed_job_is_retried_with_backoff(rq_app, runner, monkeypatch):
    monkeypatch.setitem(rq_app.config, "JOB_RETRY_INTERVALS", [0])
    with rq_app.app_context():
        job = enqueue("test_jobs_redis:flaky", "retry")
        assert job.retries_left == 1
    work(runner)
    with rq_app.app_context():
        assert marks("retry") == 1
        from rq.registry import FailedJobRegistry

        assert FailedJobRegistry(queue=queue()).count == 0


@needs_redis
def test_failed_rq_job_is_listed_for_admins_and_retried(rq_app, runner, users):
    with rq_app.app_context():
        job_id = enqueue("test_jobs_redis:flaky", "admin").id
    work(runner)
    admin = rq_app.test_client()
    login(admin, "admin")
    page = text_of(admin.get("/admin/jobs/"))
    assert (
        "test_jobs_redis:flaky" in page and "first attempt fails" in page and "Redis (rq)" in page
    )

    staff = rq_app.test_client()
    login(staff, "staff_a")
    assert staff.get("/admin/jobs/").status_code == 403
    assert post(staff, "/admin/jobs/retry", {"ref": f"rq:{job_id}"}).status_code == 403

    queued = post(admin, "/admin/jobs/retry", {"ref": f"rq:{job_id}"}, follow_redirects=True)
    assert "已重新排队" in text_of(queued)
    work(runner)
    with rq_app.app_context():
        assert marks("admin") == 1
    assert "没有失败的任务" in text_of(admin.get("/admin/jobs/"))


@needs_redis
def test_two_workers_racing_enqueue_a_schedule_once_per_tick(rq_app, runner, offices):
    @hookimpl
    def register_schedules():
        return [Schedule("rsched.tick", "test_jobs_redis:tick", 300)]

    plugin = types.SimpleNamespace(
        manifest=Manifest(name="rsched", title="定时", version="1"),
        register_schedules=register_schedules,
    )
    registry = get_registry(rq_app)
    registry.pm.register(plugin, name="rsched")
    registry.manifests["rsched"] = plugin.manifest
    try:
        with rq_app.app_context():
            set_module("rsched", db.session.get(Office, offices["A"]), True)
            db.session.commit()
        barrier = threading.Barrier(2)
        started = []

        def race(now):
            with rq_app.app_context():
                barrier.wait()
                started.extend(run_due_schedules(now=now))

        for now in (3_000_000, 3_000_299):  # two polls within one tick
            threads = [threading.Thread(target=race, args=(now,)) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        with rq_app.app_context():
            assert started == ["rsched.tick"]
            assert queue().count == 1
            # The tick's job id names the app's queue (job ids are global in a Redis database).
            assert queue().get_job_ids() == [
                f"schedule-{rq_app.config['RQ_QUEUE']}-rsched-tick-10000"
            ]
        work(runner)  # `worker --burst` also looks for due schedules once: the real-time tick
        with rq_app.app_context():
            assert marks("tick") == 2
            assert run_due_schedules(now=3_000_300) == ["rsched.tick"]  # the next tick
    finally:
        registry.pm.unregister(name="rsched")
        registry.manifests.pop("rsched", None)


@needs_redis
def test_a_user_job_through_the_worker(rq_app, runner, users):
    owner = rq_app.test_client()
    login(owner, "staff_a")
    with rq_app.test_request_context():
        record_id = start_user_job(users["staff_a"], "导出表格", "test_jobs_redis:export").id
    waiting = owner.get(f"/admin/my-jobs/{record_id}")
    assert '<meta http-equiv="refresh"' in waiting.get_data(as_text=True)
    assert "排队中" in text_of(waiting)
    work(runner)
    with rq_app.app_context():
        assert db.session.get(JobRecord, record_id).status == "done"
        note = db.session.scalars(select(Notification)).one()  # built outside any request
        assert note.url == f"/admin/my-jobs/{record_id}"
    assert "条未读" in owner.get("/admin/").get_data(as_text=True)
    download = owner.get(f"/admin/my-jobs/{record_id}/download")
    assert download.status_code == 200 and download.get_data() == b"a,b\n1,2\n"
    other = rq_app.test_client()
    login(other, "staff_b")
    assert other.get(f"/admin/my-jobs/{record_id}/download").status_code == 404


@needs_redis
def test_a_large_export_through_a_real_worker_process(
    rq_app, users, offices, make_user, monkeypatch
):
    """Issue 15 (1): a list over EXPORT_MAX_ROWS becomes a background export that a real
    ``flask worker`` process — no request, no current_user — builds, and the person downloads.
    The job found its list's URL with url_for and failed under the worker before."""
    import csv
    import io
    import subprocess
    import sys

    for i in range(15):
        make_user(f"clerk{i:02d}", office_id=offices["A"], display_name=f"办事员{i:02d}")
    monkeypatch.setitem(rq_app.config, "EXPORT_MAX_ROWS", 10)
    owner = rq_app.test_client()
    login(owner, "admin")
    started = owner.get("/admin/staff/export/csv/")
    assert started.status_code == 302
    job_page = started.headers["Location"]
    env = {
        **os.environ,
        "DATABASE_URL": rq_app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": rq_app.config["REDIS_URL"],
        "RQ_QUEUE": rq_app.config["RQ_QUEUE"],
        "SECRET_KEY": "worker-test",
        "UPLOAD_FOLDER": rq_app.config["UPLOAD_FOLDER"],
    }
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    worker = subprocess.run(
        [flask, "--app", "wsgi", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    with rq_app.app_context():
        record = db.session.scalars(select(JobRecord).order_by(JobRecord.id.desc())).first()
        assert record.status == "done", (record.status, record.error, worker.stderr[-2000:])
    download = owner.get(f"{job_page.rstrip('/')}/download")
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1 + 6 + 15  # the header, the six test users, fifteen clerks


@pytest.mark.redis
@needs_redis
@pytest.mark.parametrize("retries", [[0], []], ids=["retry-left", "no-retry-left"])
def test_a_killed_work_horse_is_shown_interrupted(rq_app, runner, users, monkeypatch, retries):
    """The work horse running a person's job dies under a live worker (killed, out of memory):
    the record says interrupted and the job is retried, or with no retry left says it failed
    because of the interruption — never "running" or a bare error."""
    monkeypatch.setitem(rq_app.config, "JOB_RETRY_INTERVALS", retries)
    owner = rq_app.test_client()
    login(owner, "staff_a")
    with rq_app.test_request_context():
        record_id = start_user_job(users["staff_a"], "导出", "test_jobs_redis:dies_once").id
    work(runner)
    with rq_app.app_context():
        record = db.session.get(JobRecord, record_id)
        assert record.interrupted_at is not None
        assert record.status == ("done" if retries else "failed")
    page = text_of(owner.get(f"/admin/my-jobs/{record_id}"))
    if retries:
        assert "已完成" in page and "该任务曾因工作进程中断，已自动重新执行" in page
    else:
        assert "任务因工作进程中断而失败，自动重试次数已用完" in page
        assert "系统会自动重试" not in page


@pytest.mark.redis
@needs_redis
def test_a_record_left_running_after_rq_requeued_its_job_is_brought_in_line(rq_app, users):
    """rq's own maintenance (or anyone's cleanup) queued an abandoned job again without the
    person's record knowing: the next recovery round says interrupted and queued again. A
    mark meant for an earlier run leaves a later run's record alone."""
    from datetime import timedelta

    from core.jobs.interruptions import mark_interrupted, recover_interrupted_jobs
    from core.models.base import utcnow

    with rq_app.test_request_context():
        record_id = start_user_job(users["staff_a"], "导出", "test_jobs_redis:export").id
    started = utcnow() - timedelta(minutes=5)
    with rq_app.app_context():
        record = db.session.get(JobRecord, record_id)  # its rq job is queued; it says running
        record.status, record.started_at = "running", started
        db.session.commit()
        assert not mark_interrupted(
            record_id, True, started - timedelta(minutes=1), match_started=True
        )
        assert db.session.get(JobRecord, record_id).status == "running"
        assert recover_interrupted_jobs() == 0  # nothing abandoned in rq's registry
        db.session.remove()
        record = db.session.get(JobRecord, record_id)
        assert (record.status, record.interrupted_at is not None) == ("queued", True)


def _start_worker(rq_app, log_path):
    """A real `flask worker` process (not burst) in a session of its own, like production."""
    import subprocess
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    env = {
        **os.environ,
        "DATABASE_URL": rq_app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": rq_app.config["REDIS_URL"],
        "RQ_QUEUE": rq_app.config["RQ_QUEUE"],
        "SECRET_KEY": "worker-test",
        "UPLOAD_FOLDER": rq_app.config["UPLOAD_FOLDER"],
        "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])),
    }
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [flask, "--app", "wsgi", "worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=os.path.dirname(here),
        start_new_session=True,
    )
    process.log = log
    return process


def _stop(process, sig):
    """Stop a worker started by ``_start_worker``; a work horse still running under it (in a
    process group of its own) is killed first, so a failed test leaves no process behind."""
    import signal
    import subprocess

    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    for child in map(int, children):
        try:
            if os.getpgid(child) != process.pid:
                os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(15)
    process.log.close()


@pytest.mark.redis
@needs_redis
def test_a_job_of_a_killed_worker_is_shown_interrupted_and_retried_within_a_minute(
    rq_app, users, monkeypatch, tmp_path
):
    """Issue 15 (also): the worker running a person's job is killed with -9 (worker, its
    scheduler and its work horse, as when the machine or container goes down). Another worker
    is running; within a minute the person's screen says the job was interrupted and queued
    again — not "running" for the ~12 minutes rq's own maintenance takes — and the retry then
    finishes it. Before, the record stayed "running" until rq's maintenance, minutes later."""
    import signal
    import time

    monkeypatch.setitem(rq_app.config, "JOB_RETRY_INTERVALS", [10, 60])
    owner = rq_app.test_client()
    login(owner, "staff_a")
    with rq_app.test_request_context():
        record_id = start_user_job(users["staff_a"], "慢任务", "test_jobs_redis:hangs_once").id
    log_path = tmp_path / "workers.log"

    def horse_pids():
        with rq_app.app_context():
            keys = db.session.scalars(
                select(JobRun.key).where(
                    JobRun.name == "redis.hang", JobRun.key.like(f"{record_id}:%")
                )
            ).all()
            db.session.remove()
        return [int(key.partition(":")[2]) for key in keys]

    def record():
        with rq_app.app_context():
            found = db.session.get(JobRecord, record_id)
            db.session.expunge(found)
            db.session.remove()
        return found

    def wait_for(condition, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.5)
        return False

    first = _start_worker(rq_app, log_path)
    second = horse = None
    try:
        # The first work horse starts (it once hung forever when forked while the schedule
        # loop configured SQLAlchemy's mappers, see core.jobs.worker.fork_guard).
        assert wait_for(lambda: horse_pids(), 40), log_path.read_text()[-3000:]
        assert record().status == "running"
        [horse] = horse_pids()
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its scheduler
        os.kill(horse, signal.SIGKILL)  # the work horse, in a process group of its own
        horse = None
        killed_at = time.monotonic()
        _stop(first, signal.SIGKILL)
        page = text_of(owner.get(f"/admin/my-jobs/{record_id}"))
        assert "进行中" in page and "中断" not in page

        second = _start_worker(rq_app, log_path)
        # The screen says so while the job waits for its retry, or, where the retry already
        # ran between two looks, on the finished job.
        interrupted = ("任务因工作进程中断而重新排队", "该任务曾因工作进程中断，已自动重新执行")
        shown = wait_for(
            lambda: any(
                words in text_of(owner.get(f"/admin/my-jobs/{record_id}")) for words in interrupted
            ),
            60,
        )
        noticed_after = time.monotonic() - killed_at
        assert shown, (record().status, log_path.read_text()[-3000:])
        assert noticed_after < 60
        assert wait_for(lambda: record().status == "done", 25), (
            record().status,
            record().error,
            log_path.read_text()[-3000:],
        )
        done = record()
        assert done.interrupted_at is not None and done.done == 3
        assert len(horse_pids()) == 2  # one retry, not more
        page = text_of(owner.get(f"/admin/my-jobs/{record_id}"))
        assert "已完成" in page and "该任务曾因工作进程中断，已自动重新执行" in page
        download = owner.get(f"/admin/my-jobs/{record_id}/download")
        assert download.status_code == 200 and download.get_data() == b"done\n"
        with rq_app.app_context():
            job = queue().fetch_job(user_job_id(record_id))
            assert job.get_status() == "finished" and job.retries_left == 1
    finally:
        if horse is not None:  # the test failed before killing it
            os.kill(horse, signal.SIGKILL)
        if second is not None:
            _stop(second, signal.SIGTERM)
        if first.poll() is None:
            _stop(first, signal.SIGKILL)
