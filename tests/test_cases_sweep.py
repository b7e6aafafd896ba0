"""The deadline sweep: colours, reminders (idempotent), late steps and rectifications,
deadlines recomputed once the calendar covers their year."""

import os
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from support import needs_redis

from core.cases import Case, open_case, transfer_case
from core.cases.models import CaseEvent
from core.cases.receipts import display
from core.cases.sweep import run_sweep
from core.extensions import db
from core.jobs.models import Notification
from core.models import User
from core.time import LOCAL_ZONE as SH
from core.time import as_utc


@pytest.fixture
def people(app_ctx, users):
    return {name: db.session.get(User, uid) for name, uid in users.items()}


def new_case(people, days_ago, handler=True, category="service"):
    user = people["staff_a"]
    case = open_case(
        office_id=user.office_id,
        category=category,
        channel="window",
        subject="x",
        accepted_at=datetime.now(UTC) - timedelta(days=days_ago),
        actor_id=user.id,
        handler_id=user.id if handler else None,
    )
    case.swept_colour = "green"  # as a sweep saw it when it was fresh
    db.session.commit()
    return case


def notifications(user_id=None) -> list[Notification]:
    query = select(Notification).order_by(Notification.id)
    if user_id is not None:
        query = query.where(Notification.user_id == user_id)
    return list(db.session.scalars(query))


def test_sweep_colours_cases_and_reminds_once(people):
    overdue = new_case(people, days_ago=30)
    fresh = new_case(people, days_ago=0, category="consultation")
    result = run_sweep()
    assert result["red"] == 1 and result["changed"] == 1
    db.session.refresh(overdue)
    db.session.refresh(fresh)
    assert overdue.swept_colour == "red" and fresh.swept_colour == "green"
    staff = notifications(people["staff_a"].id)
    assert len(staff) == 1 and "已超期" in staff[0].title
    assert display(overdue.receipt_no) in staff[0].body  # one display format (issue 14, 19)
    # The office head and the office's leader are told about overdue cases too (督办).
    assert {n.user_id for n in notifications()} == {
        people["staff_a"].id,
        people["officeadmin"].id,
        people["leader"].id,
    }
    # Running again (a retried job) changes and sends nothing.
    again = run_sweep()
    assert again["changed"] == 0 and again["notified"] == 0
    assert len(notifications()) == 3


def test_sweep_retry_after_a_crash_does_not_notify_twice(people):
    case = new_case(people, days_ago=30)
    run_sweep()
    # Simulate a crash after the reminders were written but before the colours were: the
    # retried sweep sees the same change and its reminders deduplicate.
    case.swept_colour = "green"
    db.session.commit()
    run_sweep()
    assert len(notifications(people["staff_a"].id)) == 1


def test_cases_without_handler_remind_their_office(people):
    new_case(people, days_ago=30, handler=False)
    run_sweep()
    told = {n.user_id for n in notifications()}
    assert people["staff_a"].id in told and people["staff_b"].id not in told


def test_sweep_reminds_of_transfers_not_signed_for(people):
    case = new_case(people, days_ago=0, category="consultation")
    transfer_case(
        case,
        reason="属乙村",
        actor_id=people["staff_a"].id,
        to_office_id=people["staff_b"].office_id,
    )
    case.step_due_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    result = run_sweep()
    assert result["steps"] >= 1
    titles = [n.title for n in notifications(people["staff_b"].id)]
    assert any("超时未签收" in t for t in titles)
    run_sweep()
    assert len(notifications(people["staff_b"].id)) == len(titles)


def test_sweep_recomputes_deadlines_once_the_year_is_entered(people):
    from core.cases.services import recompute_due
    from core.sla import official_years
    from core.sla.models import CalendarDay

    user = people["staff_a"]
    first_uncovered = max(official_years()) + 1
    case = open_case(
        office_id=user.office_id,
        category="consultation",
        channel="window",
        subject="跨年",
        actor_id=user.id,
        handler_id=user.id,
    )
    # A long limit (as a plugin's category may have) that ends in a year nobody entered yet.
    today = datetime.now(UTC).date()
    case.limit_amount = (date(first_uncovered, 1, 20) - today).days
    recompute_due(case)
    db.session.commit()
    assert case.due_uncovered and "尚未录入" in case.due_warnings[0]
    # The admin enters the next year's days; the case's last day turns out to be a holiday.
    last_day = as_utc(case.due_at).astimezone(SH).date()
    db.session.add(CalendarDay(day=date(first_uncovered, 1, 1), kind="holiday", name="元旦"))
    db.session.add(CalendarDay(day=last_day, kind="holiday", name="地方节日"))
    db.session.commit()
    result = run_sweep()
    db.session.refresh(case)
    assert not case.due_uncovered and not case.due_warnings
    assert result["recalculated"] == 1
    assert as_utc(case.due_at).astimezone(SH).date() > last_day
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "deadline_recalculated"))
    assert "重新计算" in event.note
    assert run_sweep()["recalculated"] == 0


def test_sweep_is_scheduled(app):
    from core.jobs.schedules import all_schedules

    with app.app_context():
        names = {s.name: s for s in all_schedules()}
    assert names["core.case_sweep"].func_path == "core.cases.sweep:run_sweep"


def test_closed_cases_are_left_alone(people):
    from core.cases import close_case

    case = new_case(people, days_ago=30)
    close_case(case, outcome="已办", actor_id=people["staff_a"].id)
    db.session.commit()
    result = run_sweep()
    assert result["checked"] == 0 and notifications() == []
    assert db.session.get(Case, case.id).swept_colour == "closed"


@needs_redis
def test_rq_worker_runs_the_scheduled_sweep(app, runner, users, monkeypatch):
    """The sweep as production runs it: scheduled, queued on Redis, run by a burst worker."""
    from core.jobs import Schedule, queue, redis_connection
    from core.jobs import schedules as schedules_module

    name = f"test-cases-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.config, "REDIS_URL", os.environ["REDIS_URL"])
    monkeypatch.setitem(app.config, "RQ_QUEUE", name)
    monkeypatch.setattr(
        schedules_module,
        "_core_schedules",
        {"core.case_sweep": Schedule("core.case_sweep", "core.cases.sweep:run_sweep", 600)},
    )
    with app.app_context():
        user = db.session.get(User, users["staff_a"])
        case = open_case(
            office_id=user.office_id,
            category="service",
            channel="window",
            subject="x",
            accepted_at=datetime.now(UTC) - timedelta(days=30),
            actor_id=user.id,
            handler_id=user.id,
        )
        case.swept_colour = "green"
        db.session.commit()
        case_id = case.id
    try:
        result = runner.invoke(args=["worker", "--burst"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            assert db.session.get(Case, case_id).swept_colour == "red"
            assert any("已超期" in n.title for n in notifications(users["staff_a"]))
    finally:
        with app.app_context():
            conn = redis_connection()
            q = queue()
            for key in conn.scan_iter(match=f"*{name}*"):
                conn.delete(key)
            conn.srem("rq:queues", q.key)


def test_sweep_recomputes_deadlines_a_chunk_per_transaction(people, monkeypatch):
    """Issue 15 (5): recomputing thousands of deadlines in one transaction held SQLite's write
    lock for seconds; the sweep now commits every ``RECOMPUTE_CHUNK`` cases."""
    from sqlalchemy import event

    from core.cases import sweep
    from core.cases.services import recompute_due
    from core.sla import official_years

    monkeypatch.setattr(sweep, "RECOMPUTE_CHUNK", 3)
    user = people["staff_a"]
    first_uncovered = max(official_years()) + 1
    today = datetime.now(UTC).date()
    for i in range(7):
        case = open_case(
            office_id=user.office_id,
            category="consultation",
            channel="window",
            subject=f"跨年{i}",
            actor_id=user.id,
            handler_id=user.id,
        )
        case.limit_amount = (date(first_uncovered, 1, 20) - today).days
        recompute_due(case)
    db.session.commit()
    commits = []
    listener = lambda _session: commits.append(1)  # noqa: E731
    event.listen(db.session(), "after_commit", listener)
    try:
        sweep._refresh_uncovered(datetime.now(UTC))
    finally:
        event.remove(db.session(), "after_commit", listener)
    assert len(commits) == 3  # 7 cases, 3 a transaction
