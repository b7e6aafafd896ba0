"""The module switch (screens 403 where it is off, jobs idle), the desk's link to the duty
module's handover reports, and Chinese on the rendered pages."""

from support import text_of
from worklog_helpers import client_for

from core.extensions import db
from core.models import Office
from core.modules import set_module


def test_module_off_hides_the_screens(app, worklog_on, users):
    with app.app_context():
        set_module("worklog", db.session.get(Office, worklog_on["B"]), False)
        db.session.commit()
    village = client_for(app, "staff_b")
    for url in ("/admin/worklog/", "/admin/worklog_logs/", "/admin/worklog_memos/"):
        assert village.get(url).status_code == 403
    government = client_for(app, "staff_a")
    assert government.get("/admin/worklog/").status_code == 200


def test_desk_links_to_the_duty_handover_reports(app, worklog_on, users):
    page = client_for(app, "admin").get("/admin/worklog/").get_data(as_text=True)
    assert 'id="duty-link" href="/admin/duty' in page
    assert "信息工作台" in text_of(client_for(app, "admin").get("/admin/worklog/"))


def test_nothing_public(app, worklog_on):
    assert app.test_client().get("/o/B/worklog/").status_code == 404


def test_hostile_ids_and_months_answer_without_error(app, worklog_on, users):
    client = client_for(app, "admin")
    for url in (
        "/admin/worklog/stage/99999999999999",
        "/admin/worklog/memo/99999999999999",
        "/admin/worklog/log/99999999999999",
        "/admin/worklog/memo/sheet/99999999999999",
    ):
        assert client.get(url).status_code == 404
    for month in ("1900-01", "99999999999999999999-1", "2026-13", "x"):
        assert client.get(f"/admin/worklog/logs?month={month}").status_code == 200
        assert client.get(f"/admin/worklog/logs/export?month={month}").status_code == 200
