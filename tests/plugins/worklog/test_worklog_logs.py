"""工作日志: a missing log on a working day counts, a rest day does not (the official
calendar); one log a day, never ahead; the leader's check recorded once; the supervision
screen, the core's supervision section and the export."""

import csv
import io
from datetime import date, timedelta

from sqlalchemy import func, select
from support import csrf_token, text_of
from worklog_helpers import client_for

from core.extensions import db
from core.time import local_today
from plugins.worklog.models import LogCadre, WorkLog
from plugins.worklog.services import logs

OCTOBER = date(2026, 10, 1)


def _log(office_id, user_id, day, **fields) -> WorkLog:
    entry = WorkLog(
        office_id=office_id,
        user_id=user_id,
        day=day,
        content=fields.pop("content", "走访农户"),
        **fields,
    )
    db.session.add(entry)
    return entry


def test_missing_log_on_a_working_day_counts_a_rest_day_does_not(app, worklog_on, users):
    with app.app_context():
        db.session.add(
            LogCadre(
                office_id=worklog_on["B"], user_id=users["staff_b"], starts_on=date(2026, 9, 1)
            )
        )
        # Every working day of October 2026 but Monday 12 October, plus the holiday 3 October.
        working = logs.working_days(OCTOBER, date(2026, 10, 31))
        for day in working:
            if day != date(2026, 10, 12):
                _log(worklog_on["B"], users["staff_b"], day)
        _log(worklog_on["B"], users["staff_b"], date(2026, 10, 3))
        db.session.commit()
        [row] = logs.month_figures({worklog_on["B"]}, OCTOBER, today=date(2026, 10, 31))
        assert date(2026, 10, 3) not in row.due  # National Day: a rest day
        assert date(2026, 10, 10) in row.due  # the make-up Saturday is a working day
        assert row.missing == [date(2026, 10, 12)]
        assert row.with_log == len(row.due) - 1 == len(working) - 1
        # Up to the day before ``today`` only: today is not over, nothing after it is due yet.
        [row] = logs.month_figures({worklog_on["B"]}, OCTOBER, today=date(2026, 10, 10))
        assert row.due == [date(2026, 10, 8), date(2026, 10, 9)] and row.missing == []


def test_log_form_one_a_day_not_ahead_nothing_saved(app, worklog_on, users):
    client = client_for(app, "staff_b")
    today = local_today()
    data = {
        "csrf_token": csrf_token(client),
        "day": today.isoformat(),
        "place": "乙村",
        "content": "整理低保材料",
        "case_ref": "乙村3组王家",
    }
    assert client.post("/admin/worklog_logs/new/", data=data).status_code == 302
    page = client.post("/admin/worklog_logs/new/", data=data, follow_redirects=True)
    assert "的工作日志已填写" in text_of(page)
    ahead = {**data, "day": (today + timedelta(days=1)).isoformat()}
    page = client.post("/admin/worklog_logs/new/", data=ahead, follow_redirects=True)
    assert "不能填写今天以后的工作日志" in text_of(page)
    empty = {**data, "day": (today - timedelta(days=1)).isoformat(), "content": " "}
    client.post("/admin/worklog_logs/new/", data=empty, follow_redirects=True)
    with app.app_context():
        [entry] = db.session.scalars(select(WorkLog)).all()
        assert entry.user_id == users["staff_b"] and entry.office_id == worklog_on["B"]


def test_leader_check_recorded_once_never_by_staff(app, worklog_on, users):
    with app.app_context():
        entry = _log(worklog_on["B"], users["staff_b"], local_today() - timedelta(days=1))
        db.session.commit()
        log_id, version = entry.id, entry.version
    staff = client_for(app, "staff_b")
    page = staff.post(
        f"/admin/worklog/log/{log_id}",
        data={"csrf_token": csrf_token(staff), "version": version},
        follow_redirects=True,
    )
    assert "只有领导或单位负责人可以审阅工作日志" in text_of(page)
    admin = client_for(app, "admin")
    admin.post(
        f"/admin/worklog/log/{log_id}",
        data={"csrf_token": csrf_token(admin), "version": version, "note": "属实"},
    )
    with app.app_context():
        entry = db.session.get(WorkLog, log_id)
        assert entry.checked_by_id == users["admin"] and entry.check_note == "属实"
        assert entry.checked_at is not None
    page = text_of(admin.get(f"/admin/worklog/log/{log_id}"))
    assert "审阅" in page and "属实" in page


def test_supervision_screens_and_export(app, worklog_on, users):
    today = local_today()
    with app.app_context():
        db.session.add(
            LogCadre(
                office_id=worklog_on["B"], user_id=users["staff_b"], starts_on=today.replace(day=1)
            )
        )
        db.session.commit()
        due = len(logs.working_days(today.replace(day=1), today - timedelta(days=1)))
    admin = client_for(app, "admin")
    page = text_of(admin.get("/admin/worklog/logs"))
    assert "工作日志督查" in page and "staff_b" in page
    core = text_of(admin.get("/admin/case_supervision/"))
    assert "驻村干部工作日志" in core and "信息反馈" in core and "工作备忘" in core
    export = admin.get(f"/admin/worklog/logs/export?month={today:%Y-%m}")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][:5] == ["乙村", "staff_b", str(due), "0", str(due)]
    assert admin.get("/admin/worklog/logs/export?format=xlsx").status_code == 200
    assert admin.get("/admin/worklog_logs/export/csv/").status_code == 200


def test_roster_duplicate_refused(app, worklog_on, users):
    client = client_for(app, "admin")
    data = {
        "csrf_token": csrf_token(client),
        "office": worklog_on["B"],
        "user": users["staff_b"],
        "starts_on": "2026-10-01",
    }
    client.post("/admin/worklog_cadres/new/", data=data)
    page = client.post("/admin/worklog_cadres/new/", data=data, follow_redirects=True)
    assert "该干部已在本单位名单中" in text_of(page)
    with app.app_context():
        assert db.session.scalar(select(func.count(LogCadre.id))) == 1
