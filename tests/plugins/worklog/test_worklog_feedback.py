"""信息反馈: a village with two items at a stage's end is listed short and reminded before the
end (once); three items is enough; reports carry author and time; bad input is refused with
nothing saved."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from support import csrf_token, text_of
from worklog_helpers import client_for, make_stage

from core.extensions import db
from core.jobs.models import Notification
from core.time import LOCAL_ZONE, local_today
from plugins.worklog import jobs
from plugins.worklog.errors import WorklogError
from plugins.worklog.models import FeedbackReport, FeedbackStage
from plugins.worklog.services import feedback


def _reports(stage_id, office_id, author_id, n, day):
    stage = db.session.get(FeedbackStage, stage_id)
    now = datetime.combine(day, time(10), tzinfo=LOCAL_ZONE)
    for i in range(n):
        feedback.add_report(stage, office_id, author_id, f"活动{i}", "内容", now=now)
    db.session.commit()


def test_village_with_two_items_is_reminded_before_the_end_and_listed_after(
    app, worklog_on, users, make_user
):
    staff_c = make_user("staff_c", office_id=worklog_on["C"])
    today = local_today()
    with app.app_context():
        # Ends on the next working day or so: inside a 3-working-day reminder window.
        stage_id = make_stage(
            worklog_on["A"], today - timedelta(days=20), today + timedelta(days=1)
        )
        _reports(stage_id, worklog_on["B"], users["staff_b"], 2, today - timedelta(days=5))
        _reports(stage_id, worklog_on["C"], staff_c, 3, today - timedelta(days=5))
        assert jobs.stage_reminders() == 1
        assert jobs.stage_reminders() == 1  # a retried run: same pairs, nobody notified twice
        notes = db.session.scalars(select(Notification)).all()
        assert [(n.user_id, n.title) for n in notes] == [(users["staff_b"], "信息反馈条数不足")]
        assert "已反馈 2 条，至少应反馈 3 条" in notes[0].body
        # The stage ends: the village is listed short, the other is not.
        stage = db.session.get(FeedbackStage, stage_id)
        stage.starts_on, stage.ends_on = today - timedelta(days=30), today - timedelta(days=1)
        db.session.commit()
        short = feedback.short_villages(stage, {worklog_on["A"], worklog_on["B"], worklog_on["C"]})
        assert [(r.office, r.count) for r in short] == [("乙村", 2)]
    page = text_of(client_for(app, "admin").get(f"/admin/worklog/stage/{stage_id}"))
    assert "阶段结束时未达到最少条数的村（社区）：乙村（2/3）" in page
    assert "丙村（" not in page


def test_no_reminder_outside_the_window_or_with_the_module_off(app, worklog_on, users):
    today = local_today()
    with app.app_context():
        make_stage(
            worklog_on["A"], today - timedelta(days=2), today + timedelta(days=40), remind_days=3
        )
        assert jobs.stage_reminders() == 0  # weeks before the end
        from core.models import Office
        from core.modules import set_module

        make_stage(worklog_on["A"], today - timedelta(days=2), today, title="即将结束")
        for code in ("A", "B", "C"):
            set_module("worklog", db.session.get(Office, worklog_on[code]), False)
        db.session.commit()
        assert jobs.stage_reminders() == 0
        assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_report_through_the_form_records_author_and_time(app, worklog_on, users):
    today = local_today()
    with app.app_context():
        stage_id = make_stage(worklog_on["A"], today - timedelta(days=3), today + timedelta(days=9))
    client = client_for(app, "staff_b")
    response = client.post(
        "/admin/worklog_reports/new/",
        data={
            "csrf_token": csrf_token(client),
            "stage": stage_id,
            "title": "组织技术培训",
            "content": "三十户参加",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        report = db.session.scalar(select(FeedbackReport))
        assert report.office_id == worklog_on["B"] and report.author_id == users["staff_b"]
        assert report.reported_at is not None and report.title == "组织技术培训"


def test_late_report_and_report_from_a_non_village_refused_nothing_saved(app, worklog_on, users):
    today = local_today()
    with app.app_context():
        ended = make_stage(
            worklog_on["A"], today - timedelta(days=30), today - timedelta(days=1), title="秋收阶段"
        )
        open_ = make_stage(worklog_on["A"], today - timedelta(days=3), today + timedelta(days=9))
    client = client_for(app, "staff_b")
    form = client.get("/admin/worklog_reports/new/").get_data(as_text=True)
    assert "第一阶段（" in form and "秋收阶段" not in form  # only open stages are offered
    page = client.post(
        "/admin/worklog_reports/new/",
        data={"csrf_token": csrf_token(client), "stage": ended, "title": "迟报"},
        follow_redirects=True,
    )
    assert page.status_code == 200
    with app.app_context():
        stage = db.session.get(FeedbackStage, ended)
        with pytest.raises(WorklogError, match="结束，不能再反馈"):
            feedback.check_report(stage, worklog_on["B"], "迟报")
    government = client_for(app, "staff_a")
    page = government.post(
        "/admin/worklog_reports/new/",
        data={"csrf_token": csrf_token(government), "stage": open_, "title": "镇里的事"},
        follow_redirects=True,
    )
    assert "信息反馈由各村（社区）填报" in text_of(page)
    with app.app_context():
        assert db.session.scalar(select(func.count(FeedbackReport.id))) == 0


def test_stage_with_bad_dates_or_minimum_refused(app, worklog_on, users):
    client = client_for(app, "officeadmin")
    for data, message in [
        ({"starts_on": "2026-12-10", "ends_on": "2026-12-01", "min_items": "3"}, "不能早于开始"),
        ({"starts_on": "2026-12-01", "ends_on": "2026-12-10", "min_items": "0"}, ""),
    ]:
        page = client.post(
            "/admin/worklog_stages/new/",
            data={"csrf_token": csrf_token(client), "title": "阶段", "remind_days": "3", **data},
            follow_redirects=True,
        )
        assert page.status_code == 200 and message in text_of(page)
    village = client_for(app, "staff_b")
    page = village.post(
        "/admin/worklog_stages/new/",
        data={
            "csrf_token": csrf_token(village),
            "title": "村里自定阶段",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-10",
            "min_items": "1",
            "remind_days": "3",
        },
        follow_redirects=True,
    )
    assert "反馈阶段由活动办公室设定" in text_of(page)
    with app.app_context():
        assert db.session.scalar(select(func.count(FeedbackStage.id))) == 0


def test_stage_beyond_the_calendar_refused(app, worklog_on, users):
    client = client_for(app, "officeadmin")
    page = client.post(
        "/admin/worklog_stages/new/",
        data={
            "csrf_token": csrf_token(client),
            "title": "远期阶段",
            "starts_on": "2026-12-01",
            "ends_on": "9999-12-31",
            "min_items": "3",
            "remind_days": "3",
        },
        follow_redirects=True,
    )
    assert "请按“2026-12-18”的格式填写日期" in text_of(page)  # the core's date field
    with app.app_context():
        assert db.session.scalar(select(func.count(FeedbackStage.id))) == 0
        # A year the date field takes but the working-day calendar does not know.
        with pytest.raises(WorklogError, match="2000 年至 2099 年"):
            feedback.check_stage("远期", date(2026, 12, 1), date(2101, 1, 1), 3, 3)
