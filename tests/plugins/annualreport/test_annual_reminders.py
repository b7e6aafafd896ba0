"""Reminders: offices report to the township in the last ten working days before 31 January
(the township itself is not reminded), publication in the last ten before 31 March, late
notices after each date to the office's and the township's admins; each is sent once."""

from datetime import date

from sqlalchemy import select

from core.extensions import db
from core.jobs.notifications import Notification
from core.models import Office
from plugins.annualreport import jobs, services


def _titles(user_id) -> list[str]:
    return sorted(
        db.session.scalars(select(Notification.title).where(Notification.user_id == user_id))
    )


def test_submission_reminder_before_31_january_once(app, annual_on, users):
    with app.app_context():
        assert jobs.reminders(date(2026, 1, 5)) == 0  # more than ten working days ahead
        jobs.reminders(date(2026, 1, 20))
        jobs.reminders(date(2026, 1, 21))  # again: deduplicated
        assert _titles(users["officeadmin"]) == ["年度报告报送提醒"]
        assert _titles(users["admin"]) == []  # the township reports to nobody


def test_a_submitted_report_is_not_reminded_and_a_late_one_is(app, annual_on, users):
    with app.app_context():
        report = services.generate(db.session.get(Office, annual_on["A"]), 2025)
        services.save_draft(report, overview="总体", problems="问题", other_matters="")
        services.submit_to_township(report)
        db.session.commit()
        jobs.reminders(date(2026, 1, 20))
        assert _titles(users["officeadmin"]) == []
        report.submitted_at = None
        db.session.commit()
        jobs.reminders(date(2026, 2, 3))
        assert "年度报告逾期未报送" in _titles(users["officeadmin"])
        assert "年度报告逾期未报送" in _titles(users["admin"])


def test_publication_reminder_before_31_march_and_late_after(app, annual_on, users):
    with app.app_context():
        jobs.reminders(date(2026, 3, 20))
        assert "年度报告公布提醒" in _titles(users["officeadmin"])
        assert "年度报告公布提醒" in _titles(users["admin"])  # the township's own report
        report = services.generate(db.session.get(Office, annual_on["A"]), 2025)
        services.save_draft(report, overview="总体", problems="问题", other_matters="")
        services.publish_report(report, users["officeadmin"])
        db.session.commit()
        jobs.reminders(date(2026, 4, 2))
        assert "年度报告逾期未公布" not in _titles(users["officeadmin"])
        assert "年度报告逾期未公布" in _titles(users["admin"])
        assert jobs.reminders(date(2026, 8, 1)) == 0


def test_the_schedule_is_registered(app):
    with app.app_context():
        names = [s.name for s in jobs.schedules()]
        assert names == ["annualreport.reminders"]
