"""The duty roster: rules expanded on the official 2026 calendar (National Day, Spring Festival,
Mid-autumn skipped or moved on; make-up workdays honoured), idempotent syncing, and the
exceptions — cancelled days, substitutes, swaps, extra days — recorded with their reasons."""

from datetime import date, time, timedelta

import pytest
from reception_helpers import make_day, resident, working_day_after  # noqa: F401
from sqlalchemy import func, select
from support import login, post, text_of

from core.extensions import db
from core.models import Role
from core.sla import is_working_day
from core.sla.models import CalendarDay
from plugins.reception.errors import ReceptionError
from plugins.reception.models import (
    Booking,
    BookingStatus,
    ChangeKind,
    DayStatus,
    Frequency,
    HolidayPolicy,
    ReceptionDay,
    ReceptionRule,
    RosterChange,
)
from plugins.reception.services import booking, changes, roster


def rule(
    office_id,
    leader_id,
    *,
    weekdays="TU",
    frequency=Frequency.WEEKLY,
    policy=HolidayPolicy.SKIP,
    starts_on=date(2026, 1, 1),
    week_of_month=None,
    interval=1,
    ends_on=None,
) -> ReceptionRule:
    return ReceptionRule(
        office_id=office_id,
        leader_id=leader_id,
        frequency=frequency,
        interval=interval,
        weekdays=weekdays,
        week_of_month=week_of_month,
        starts_on=starts_on,
        ends_on=ends_on,
        start_time=time(8, 30),
        end_time=time(11, 30),
        place="镇政府一楼群众接待室",
        slot_minutes=30,
        slot_capacity=2,
        on_holiday=policy,
        active=True,
    )


def days_of(planned):
    return [p.day for p in planned]


# --- expansion on the official calendar --------------------------------------------------


def test_weekly_rule_skips_national_day_2026(app, reception_on, users):
    with app.app_context():
        tuesdays = rule(reception_on["A"], users["leader"])
        assert is_working_day(date(2026, 10, 6)) == (False, "official")  # 国庆节, a Tuesday
        planned = days_of(roster.expand(tuesdays, date(2026, 9, 1), date(2026, 10, 31)))
        assert planned == [
            date(2026, 9, 1),
            date(2026, 9, 8),
            date(2026, 9, 15),
            date(2026, 9, 22),
            date(2026, 9, 29),
            date(2026, 10, 13),
            date(2026, 10, 20),
            date(2026, 10, 27),
        ]


def test_weekly_rule_skips_spring_festival_2026(app, reception_on, users):
    with app.app_context():
        tuesdays = rule(reception_on["A"], users["leader"])
        planned = days_of(roster.expand(tuesdays, date(2026, 2, 1), date(2026, 2, 28)))
        assert date(2026, 2, 17) not in planned  # 春节, Tuesday 17 February
        assert planned == [date(2026, 2, 3), date(2026, 2, 10), date(2026, 2, 24)]


def test_moved_on_policy_lands_on_the_next_working_day(app, reception_on, users):
    with app.app_context():
        tuesdays = rule(reception_on["A"], users["leader"], policy=HolidayPolicy.NEXT_WORKING_DAY)
        planned = roster.expand(tuesdays, date(2026, 9, 29), date(2026, 10, 14))
        assert [(p.day, p.nominal) for p in planned] == [
            (date(2026, 9, 29), None),
            (date(2026, 10, 8), date(2026, 10, 6)),
            (date(2026, 10, 13), None),
        ]
        # Spring Festival: the Mondays 16 and 23 February are both holidays; both move to the
        # 24th, which is held once.
        mondays = rule(
            reception_on["A"], users["leader"], weekdays="MO", policy=HolidayPolicy.NEXT_WORKING_DAY
        )
        planned = roster.expand(mondays, date(2026, 2, 9), date(2026, 3, 2))
        assert [(p.day, p.nominal) for p in planned] == [
            (date(2026, 2, 9), None),
            (date(2026, 2, 24), date(2026, 2, 16)),
            (date(2026, 3, 2), None),
        ]


def test_a_day_moved_on_may_land_on_a_make_up_workday(app, reception_on, users):
    with app.app_context():
        # New Year 2026: Friday 2 January is a holiday, Sunday 4 January a make-up workday (调休).
        assert is_working_day(date(2026, 1, 4)) == (True, "official")
        fridays = rule(
            reception_on["A"],
            users["leader"],
            weekdays="FR",
            policy=HolidayPolicy.NEXT_WORKING_DAY,
            starts_on=date(2025, 12, 1),
        )
        planned = roster.expand(fridays, date(2025, 12, 29), date(2026, 1, 9))
        assert [(p.day, p.nominal) for p in planned] == [
            (date(2026, 1, 4), date(2026, 1, 2)),
            (date(2026, 1, 9), None),
        ]


def test_every_working_day_includes_make_up_workdays_and_skips_holidays(app, reception_on, users):
    with app.app_context():
        daily = rule(reception_on["A"], users["leader"], weekdays="", frequency=Frequency.WORKDAYS)
        planned = days_of(roster.expand(daily, date(2026, 9, 18), date(2026, 10, 12)))
        assert date(2026, 9, 20) in planned  # Sunday, make-up workday for National Day
        assert date(2026, 10, 10) in planned  # Saturday, make-up workday
        assert date(2026, 9, 19) not in planned  # an ordinary Saturday
        assert date(2026, 9, 25) not in planned  # Mid-autumn Festival (Friday)
        assert not [d for d in planned if date(2026, 10, 1) <= d <= date(2026, 10, 7)]
        assert planned[:3] == [date(2026, 9, 18), date(2026, 9, 20), date(2026, 9, 21)]
        assert planned[-3:] == [date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 12)]


def test_monthly_rule_on_the_last_friday(app, reception_on, users):
    with app.app_context():
        last_friday = rule(
            reception_on["A"],
            users["leader"],
            weekdays="FR",
            frequency=Frequency.MONTHLY,
            week_of_month=-1,
        )
        # September's last Friday (25th) is the Mid-autumn Festival: skipped.
        assert days_of(roster.expand(last_friday, date(2026, 9, 1), date(2026, 11, 30))) == [
            date(2026, 10, 30),
            date(2026, 11, 27),
        ]
        last_friday.on_holiday = HolidayPolicy.NEXT_WORKING_DAY
        assert days_of(roster.expand(last_friday, date(2026, 9, 1), date(2026, 10, 31))) == [
            date(2026, 9, 28),
            date(2026, 10, 30),
        ]
        assert roster.describe_rule(last_friday) == "每月最后一个星期五 08:30–11:30"


def test_every_other_week_and_the_rule_end(app, reception_on, users):
    with app.app_context():
        fortnightly = rule(
            reception_on["A"],
            users["leader"],
            weekdays="TH",
            interval=2,
            starts_on=date(2026, 11, 5),
            ends_on=date(2026, 12, 17),
        )
        assert days_of(roster.expand(fortnightly, date(2026, 11, 1), date(2027, 1, 31))) == [
            date(2026, 11, 5),
            date(2026, 11, 19),
            date(2026, 12, 3),
            date(2026, 12, 17),
        ]
        assert roster.describe_rule(fortnightly) == "每 2 周的星期四 08:30–11:30"


# --- writing the days ------------------------------------------------------------------------


def test_sync_writes_days_with_slots_once_and_follows_rule_changes(app, reception_on, users):
    with app.app_context():
        tuesdays = rule(reception_on["A"], users["leader"])
        db.session.add(tuesdays)
        db.session.flush()
        first = roster.sync_rule(tuesdays, today=date(2026, 9, 1), until=date(2026, 10, 31))
        db.session.commit()
        assert len(first.created) == 8 and date(2026, 10, 6) not in first.created
        again = roster.sync_rule(tuesdays, today=date(2026, 9, 1), until=date(2026, 10, 31))
        assert again.created == again.removed == again.updated == []
        day = db.session.scalar(select(ReceptionDay).where(ReceptionDay.day == date(2026, 9, 8)))
        assert [(s.start_time, s.end_time, s.capacity) for s in day.slots][0] == (
            time(8, 30),
            time(9, 0),
            2,
        )
        assert len(day.slots) == 6
        # A booked day stays when the rule moves to Thursdays; the others move.
        db.session.add(
            Booking(
                office_id=day.office_id,
                day_id=day.id,
                slot_id=day.slots[0].id,
                day_date=day.day,
                name="张三",
                matter="事项",
                code="ABCDEFGH",
                status=BookingStatus.BOOKED,
            )
        )
        tuesdays.weekdays = "TH"
        moved = roster.sync_rule(tuesdays, today=date(2026, 9, 1), until=date(2026, 10, 31))
        db.session.commit()
        assert moved.kept_with_bookings == [date(2026, 9, 8)]
        assert date(2026, 10, 1) not in moved.created and date(2026, 10, 8) in moved.created
        assert (
            db.session.scalar(select(func.count()).select_from(ReceptionDay)) == 8 + 1
        )  # eight Thursdays (1 October skipped) and the booked Tuesday


def test_switching_a_rule_off_removes_its_untouched_future_days(app, reception_on, users):
    with app.app_context():
        tuesdays = rule(reception_on["A"], users["leader"], starts_on=date(2026, 11, 1))
        db.session.add(tuesdays)
        db.session.flush()
        created = roster.sync_rule(tuesdays).created
        assert created and all(d.weekday() == 1 for d in created)
        kept = db.session.scalar(select(ReceptionDay).where(ReceptionDay.day == created[0]))
        changes.cancel_day(kept, reason="镇长参加县人代会", actor_id=users["officeadmin"])
        tuesdays.active = False
        result = roster.sync_rule(tuesdays)
        db.session.commit()
        assert sorted(result.removed) == created[1:]
        assert [d.day for d in db.session.scalars(select(ReceptionDay))] == [created[0]]


# --- exceptions ------------------------------------------------------------------------------


def test_cancel_a_day_cancels_its_bookings_and_publishes_the_reason(
    app, client, reception_on, users
):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"])
        made = booking.book(day.slots[0].id, resident())
        db.session.commit()
        affected = changes.cancel_day(
            day, reason="镇长到县里参加防汛会议", actor_id=users["officeadmin"]
        )
        db.session.commit()
        assert [b.id for b in affected] == [made.id]
        assert made.status == BookingStatus.CANCELLED and made.phone_hash is None
        change = db.session.scalar(select(RosterChange))
        assert (change.kind, change.reason, change.actor_id) == (
            ChangeKind.CANCEL,
            "镇长到县里参加防汛会议",
            users["officeadmin"],
        )
        with pytest.raises(ReceptionError, match="已经取消"):
            changes.cancel_day(day, reason="再取消", actor_id=None)
        day_id = day.id
    page = text_of(client.get(f"/o/A/reception/day/{day_id}"))
    assert "已取消" in page and "镇长到县里参加防汛会议" in page and "提交预约" not in page


def test_substitute_and_swap_record_who_for_whom_and_why(app, reception_on, users, make_user):
    deputy = make_user("deputy", Role.LEADER, reception_on["A"], display_name="孙副镇长")
    with app.app_context():
        first = make_day(reception_on["A"], users["leader"])
        second = make_day(reception_on["A"], deputy, working_day_after(14))
        changes.swap(first, second, reason="镇长下周二到市里汇报工作", actor_id=users["leader"])
        db.session.commit()
        assert (first.leader_id, second.leader_id) == (deputy, users["leader"])
        assert first.original_leader_id == users["leader"]
        swap = db.session.scalar(select(RosterChange).where(RosterChange.kind == ChangeKind.SWAP))
        assert (swap.day_date, swap.other_day_date) == (first.day, second.day)
        assert (swap.from_leader_id, swap.to_leader_id) == (users["leader"], deputy)
        changes.substitute(
            second, leader_id=deputy, reason="镇长临时出差", actor_id=users["officeadmin"]
        )
        db.session.commit()
        change = db.session.scalar(
            select(RosterChange).where(RosterChange.kind == ChangeKind.SUBSTITUTE)
        )
        assert (change.from_leader_id, change.to_leader_id, change.reason) == (
            users["leader"],
            deputy,
            "镇长临时出差",
        )
        with pytest.raises(ReceptionError, match="同一位领导"):
            changes.swap(first, second, reason="再换", actor_id=None)
        with pytest.raises(ReceptionError, match="请填写原因"):
            changes.substitute(first, leader_id=users["leader"], reason=" ", actor_id=None)


def test_only_leaders_of_the_office_or_above_receive(app, reception_on, users, make_user):
    village_leader = make_user("village_leader", Role.LEADER, reception_on["B"])
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"])
        for leader in (village_leader, users["staff_a"]):
            with pytest.raises(ReceptionError, match="本单位或上级单位在岗的领导"):
                changes.substitute(day, leader_id=leader, reason="换人", actor_id=None)
        assert day.leader_id == users["leader"]
        # The township's own leader may receive at a child office.
        assert users["leader"] in {u.id for u in roster.eligible_leaders(reception_on["A"])}


def test_extra_day_refused_on_a_holiday_or_in_the_past(app, reception_on, users):
    with app.app_context():
        holiday = working_day_after(10)
        db.session.add(CalendarDay(day=holiday, kind="holiday", name="测试假日"))
        db.session.commit()
        common = dict(
            office_id=reception_on["A"],
            start=time(8, 30),
            end=time(11, 30),
            place="接待室",
            leader_id=users["leader"],
            slot_minutes=30,
            slot_capacity=2,
            reason="群众集中反映征地补偿",
            actor_id=users["officeadmin"],
        )
        with pytest.raises(ReceptionError, match="不是工作日"):
            changes.add_day(day=holiday, **common)
        with pytest.raises(ReceptionError, match="已经过去"):
            changes.add_day(day=date(2026, 1, 5), **common)
        with pytest.raises(ReceptionError, match="结束时间必须晚于开始时间"):
            changes.add_day(day=working_day_after(3), **{**common, "end": time(8, 0)})
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(ReceptionDay)) == 0
        extra = changes.add_day(day=working_day_after(3), **common)
        db.session.commit()
        assert extra.manual and len(extra.slots) == 6
        assert db.session.scalar(select(RosterChange.kind)) == ChangeKind.ADD


def test_rule_validation_messages(app, reception_on, users):
    with app.app_context():
        bad = rule(reception_on["A"], users["leader"], weekdays="")
        with pytest.raises(ReceptionError, match="至少选择一个"):
            roster.validate_rule(bad)
        bad = rule(reception_on["A"], users["leader"], frequency=Frequency.MONTHLY)
        with pytest.raises(ReceptionError, match="第几个星期"):
            roster.validate_rule(bad)
        bad = rule(reception_on["A"], users["leader"], ends_on=date(2025, 1, 1))
        with pytest.raises(ReceptionError, match="结束日期不能早于开始日期"):
            roster.validate_rule(bad)
        bad = rule(reception_on["A"], users["staff_a"])
        with pytest.raises(ReceptionError, match="领导"):
            roster.validate_rule(bad)


def test_rule_saved_on_the_admin_screen_expands_into_days(
    app, client, reception_on, users, login_as
):
    login_as("officeadmin")
    start = working_day_after(1)
    response = post(
        client,
        "/admin/reception_rules/new/",
        {
            "leader": str(users["leader"]),
            "title": "镇长接待日",
            "frequency": "weekly",
            "interval": "1",
            "weekday_choice": ["TU", "TH"],
            "week_of_month": "",
            "starts_on": start.isoformat(),
            "start_time": "08:30",
            "end_time": "11:30",
            "place": "镇政府一楼群众接待室",
            "slot_minutes": "30",
            "slot_capacity": "2",
            "on_holiday": "skip",
            "active": "y",
            "note": "",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    body = text_of(response)
    assert "已生成" in body, body[:2000]
    with app.app_context():
        saved = db.session.scalar(select(ReceptionRule))
        assert saved.weekdays == "TU,TH" and saved.office_id == reception_on["A"]
        days = db.session.scalars(select(ReceptionDay)).all()
        assert days and {d.day.weekday() for d in days} <= {1, 3}
        assert all(d.day >= start and is_working_day(d.day)[0] for d in days)
    # An invalid rule is refused with the roster's own message; nothing saved.
    response = post(
        client,
        "/admin/reception_rules/new/",
        {
            "leader": str(users["leader"]),
            "frequency": "weekly",
            "interval": "1",
            "starts_on": start.isoformat(),
            "start_time": "08:30",
            "end_time": "11:30",
            "place": "接待室",
            "slot_minutes": "30",
            "slot_capacity": "2",
            "on_holiday": "skip",
            "active": "y",
        },
        follow_redirects=True,
    )
    assert "至少选择一个接待的星期几" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReceptionRule)) == 1


def test_desk_roster_actions_and_staff_may_not_change_the_roster(
    app, client, reception_on, users, login_as
):
    with app.app_context():
        day_id = make_day(reception_on["A"], users["leader"]).id
    login_as("staff_a")
    assert (
        post(
            client, f"/admin/reception-desk/day/{day_id}/roster/cancel", {"reason": "测试"}
        ).status_code
        == 403
    )
    other = app.test_client()
    login(other, "officeadmin")
    response = post(
        other,
        f"/admin/reception-desk/day/{day_id}/roster/cancel",
        {"reason": "镇长参加县人代会"},
        follow_redirects=True,
    )
    assert "接待日已取消" in text_of(response)
    with app.app_context():
        assert db.session.get(ReceptionDay, day_id).status == DayStatus.CANCELLED
    response = post(
        other,
        f"/admin/reception-desk/day/{day_id}/roster/restore",
        {"reason": ""},
        follow_redirects=True,
    )
    assert "请填写原因" in text_of(response)
    with app.app_context():
        assert db.session.get(ReceptionDay, day_id).status == DayStatus.CANCELLED


def test_extend_rosters_job_only_for_offices_with_the_module(app, reception_on, users):
    from plugins.reception.jobs import extend_rosters

    with app.app_context():
        db.session.add(rule(reception_on["A"], users["leader"], starts_on=date(2026, 11, 1)))
        db.session.add(rule(reception_on["B"], users["leader"], starts_on=date(2026, 11, 1)))
        db.session.commit()
        created = extend_rosters()
        assert created > 0 and extend_rosters() == 0  # idempotent
        offices = set(db.session.scalars(select(ReceptionDay.office_id)))
        assert offices == {reception_on["A"]}
        assert all(
            d >= date.today() - timedelta(days=1)
            for d in db.session.scalars(select(ReceptionDay.day))
        )
