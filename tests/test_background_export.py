"""A list export larger than one request may carry runs as the person's own background job."""

import csv
import io

import pytest
from example_plugin.models import ExampleNote
from sqlalchemy import select
from support import login

from core.extensions import db
from core.jobs.models import JobRecord, JobStatus
from core.models import Office
from core.modules import set_module


@pytest.fixture
def many_notes(app, offices):
    with app.app_context():
        for code in ("A", "B"):
            set_module("example", db.session.get(Office, offices[code]), True)
        db.session.add_all(
            [
                ExampleNote(office_id=offices["A"], title=f"甲{i:03d}", phone="13812345678")
                for i in range(25)
            ]
        )
        db.session.add_all(
            [ExampleNote(office_id=offices["B"], title=f"乙{i:03d}") for i in range(5)]
        )
        db.session.commit()
    old = app.config["EXPORT_MAX_ROWS"]
    app.config["EXPORT_MAX_ROWS"] = 10
    yield
    app.config["EXPORT_MAX_ROWS"] = old


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_small_export_downloads_at_once(app, client, users, many_notes, login_as):
    login_as("staff_b")
    response = client.get("/admin/example_notes/export/csv/")
    assert response.status_code == 200 and len(_rows(response)) == 1 + 5


def test_large_export_becomes_a_job_with_the_whole_scoped_list(
    app, client, users, many_notes, login_as
):
    login_as("staff_a")
    response = client.get("/admin/example_notes/export/csv/")
    assert response.status_code == 302  # to the job's status page
    with app.app_context():
        record = db.session.scalar(select(JobRecord))
        assert record.status == JobStatus.DONE and record.user_id == users["staff_a"]
        assert record.done == 25 and record.total == 25
        record_id = record.id
    assert client.get(response.headers["Location"]).status_code == 200
    download = client.get(f"{response.headers['Location'].rstrip('/')}/download")
    rows = _rows(download)
    assert len(rows) == 1 + 25  # every row of office A, none of B
    assert all(r[0].startswith("甲") for r in rows[1:])

    # Somebody else cannot fetch it.
    other = app.test_client()
    login(other, "staff_b")
    assert other.get(f"{response.headers['Location'].rstrip('/')}/download").status_code == 404
    assert record_id


def test_the_job_builds_the_export_in_the_language_the_person_used(
    app, client, users, login_as, monkeypatch
):
    """A worker has no session saying which language the person chose: the job carries it.
    Run here as a worker runs it, in an app context without any request."""
    import re

    from core.jobs.user_jobs import run_user_job
    from core.jobs.worker import call_in_app
    from core.storage import get_storage

    login_as("admin")
    client.get("/lang/en")  # the language switch, kept in the session
    english = _rows(client.get("/admin/staff/export/csv/"))[0]  # small: at once, in English
    assert english and not any(re.search(r"[\u4e00-\u9fff]", label) for label in english)
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", 2)
    assert client.get("/admin/staff/export/csv/").status_code == 302
    with app.app_context():
        asked = db.session.scalar(select(JobRecord))
        again = JobRecord(
            user_id=asked.user_id,
            title=asked.title,
            func_path=asked.func_path,
            args=list(asked.args),
            status=JobStatus.QUEUED,
        )
        db.session.add(again)
        db.session.commit()
        again_id = again.id
    with app.app_context():
        call_in_app(f"{run_user_job.__module__}:run_user_job", [again_id])
        record = db.session.get(JobRecord, again_id)
        assert record.status == JobStatus.DONE, record.error
        data = get_storage().path(record.result_key).read_text(encoding="utf-8-sig")
    assert next(csv.reader(io.StringIO(data))) == english
