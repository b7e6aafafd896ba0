"""Rules 3 and 4 of the duty module: the handover report (items linked to cases), due before
the next working day's start on the official calendar, the reminder job when it is overdue
(the person and the office head), and the no-banquet pledge once per rota period."""

from datetime import date, datetime

import pytest
from duty_helpers import client_for, make_rule
from sqlalchemy import select
from support import csrf_token

from core.cases import open_case
from core.extensions import db
from core.jobs.models import Notification
from core.time import LOCAL_ZONE
from plugins.duty import jobs
from plugins.duty.errors import DutyError
from plugins.duty.models import DutyAssignment, DutyPledge, HandoverReport
from plugins.duty.services import figures, handover, rota


def _holiday_duty(duty_on, users, day=date(2026, 2, 21)):
    a = duty_on["A"]
    make_rule(a, [users["staff_a"]], starts_on=date(2026, 2, 1))
    rota.generate(a, date(2026, 2, 15), date(2026, 3, 1))
    db.session.commit()
    return db.session.scalar(select(DutyAssignment).where(DutyAssignment.day == day))


def test_due_at_the_next_working_day_after_the_holiday(app_ctx, duty_on, users):
    saturday = _holiday_duty(duty_on, users)
    # Duty on Saturday 21 Feb (holiday): due Tuesday 24 Feb 08:30, not Monday 23 (a holiday).
    assert handover.due_at(saturday) == datetime(2026, 2, 24, 8, 30, tzinfo=LOCAL_ZONE)
    friday = db.session.scalar(select(DutyAssignment).where(DutyAssignment.day == date(2026, 3, 1)))
    assert handover.due_at(friday) == datetime(2026, 3, 2, 8, 30, tzinfo=LOCAL_ZONE)


def test_items_link_to_cases_and_filing_needs_the_pledge(app_ctx, duty_on, users):
    duty = _holiday_duty(duty_on, users)
    case = open_case(
        office_id=duty_on["A"],
        category="consultation",
        channel="phone",
        subject="来电咨询低保",
        actor_id=users["staff_a"],
    )
    db.session.commit()
    handover.add_item(
        duty, users["staff_a"], kind="call", summary="来电咨询低保", receipt_no=case.receipt_no
    )
    handover.add_item(duty, users["staff_a"], kind="letter", summary="来信反映路灯", receipt_no="")
    with pytest.raises(DutyError, match="受理编号"):
        handover.add_item(duty, users["staff_a"], kind="visit", summary="x", receipt_no="NOPE")
    with pytest.raises(DutyError, match="本人"):
        handover.add_item(duty, users["officeadmin"], kind="visit", summary="x", receipt_no="")
    with pytest.raises(DutyError, match="承诺"):
        handover.file_report(duty, users["staff_a"])
    handover.pledge(duty, users["staff_a"])
    with pytest.raises(DutyError, match="已确认"):
        handover.pledge(duty, users["staff_a"])  # once per period
    report = handover.file_report(duty, users["staff_a"])
    db.session.commit()
    assert [i.case_id for i in report.items] == [case.id, None]
    # Another duty day of the same period needs no new pledge; the next month does.
    other = db.session.scalar(select(DutyAssignment).where(DutyAssignment.day == date(2026, 2, 22)))
    handover.file_report(other, users["staff_a"])
    march = db.session.scalar(select(DutyAssignment).where(DutyAssignment.day == date(2026, 3, 1)))
    with pytest.raises(DutyError, match="承诺"):
        handover.file_report(march, users["staff_a"])
    assert db.session.scalar(select(db.func.count()).select_from(DutyPledge)) == 1


def test_overdue_report_reminds_the_person_and_the_office_head(app_ctx, duty_on, users):
    _holiday_duty(duty_on, users)
    before = datetime(2026, 2, 24, 8, 0, tzinfo=LOCAL_ZONE)
    after = datetime(2026, 2, 24, 9, 0, tzinfo=LOCAL_ZONE)
    days = lambda now: [a.day for a in handover.overdue({duty_on["A"]}, now)]  # noqa: E731
    assert date(2026, 2, 21) not in days(before)
    assert date(2026, 2, 21) in days(after) and date(2026, 2, 23) in days(after)
    assert jobs.handover_reminders(after) == len(days(after))
    assert jobs.handover_reminders(after) == len(days(after))  # nobody is notified twice
    to_staff = db.session.scalars(
        select(Notification).where(Notification.user_id == users["staff_a"])
    ).all()
    to_head = db.session.scalars(
        select(Notification).where(Notification.user_id == users["officeadmin"])
    ).all()
    assert len(to_staff) == len(to_head) == len(days(after))
    assert "值班交接报告" in to_head[0].title


def test_on_time_share_in_the_figures(app_ctx, duty_on, users):
    duty = _holiday_duty(duty_on, users)
    handover.pledge(duty, users["staff_a"])
    handover.file_report(duty, users["staff_a"])
    db.session.commit()
    report = db.session.scalar(select(HandoverReport))
    report.filed_at = datetime(2026, 2, 21, 20, 0, tzinfo=LOCAL_ZONE)
    db.session.commit()
    (row,) = figures.handovers({duty_on["A"]}, date(2026, 2, 1))
    assert (row.due, row.on_time) == (len(rota.rest_days(date(2026, 2, 15), date(2026, 2, 28))), 1)


def test_report_and_pledge_through_the_screen(app, duty_on, users):
    with app.app_context():
        duty_id = _holiday_duty(duty_on, users).id
    client = client_for(app, "staff_a")
    url = f"/admin/duty/day/{duty_id}"
    assert (
        client.post(
            f"{url}/item",
            data={
                "csrf_token": csrf_token(client),
                "kind": "visit",
                "summary": "群众来访咨询",
                "receipt_no": "",
            },
        ).status_code
        == 302
    )
    assert client.post(f"{url}/pledge", data={"csrf_token": csrf_token(client)}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "群众来访咨询" in page and "提交交接报告" in page
    with app.app_context():
        version = db.session.scalar(select(HandoverReport.version))
    assert (
        client.post(
            f"{url}/file", data={"csrf_token": csrf_token(client), "version": version}
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(select(HandoverReport.filed_at)) is not None


def test_job_gone_when_the_module_is_off(app_ctx, duty_on, users):
    from core.models import Office
    from core.modules import set_module

    _holiday_duty(duty_on, users)
    set_module("duty", db.session.get(Office, duty_on["A"]), False)
    db.session.commit()
    assert jobs.handover_reminders() == 0
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 0
    assert db.session.scalar(select(db.func.count()).select_from(DutyAssignment)) > 0
