"""The deadline engine on real dates of the official PRC calendar (chinese_calendar data).

Arrangements used (checked against the package data, not memory):
- National Day + Mid-Autumn 2025: rest 10-01 … 10-08; make-up workdays Sun 09-28, Sat 10-11.
- Spring Festival 2026: rest 02-15 … 02-23; make-up workdays Sat 02-14, Sat 02-28.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar
import pytest
from sqlalchemy import text

from core.extensions import db
from core.sla import (
    CalendarOutOfRange,
    Limit,
    LimitUnit,
    add_working_days,
    calendar_status,
    colour,
    compute_due,
    is_working_day,
    next_working_day,
    official_years,
    working_days_between,
)
from core.sla.models import CalendarDay
from core.time import LOCAL_ZONE

WD, CD, MONTHS = LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_DAYS, LimitUnit.MONTHS


def at(y, m, d, hour=10, minute=0):
    return datetime(y, m, d, hour, minute, tzinfo=LOCAL_ZONE)


def due(start, amount, unit, **kwargs):
    return compute_due(start, Limit(amount, unit), **kwargs)


def add_days(*rows):
    """Admin-entered days: (date, kind, name[, note])."""
    for row in rows:
        day, kind, name, *note = row
        db.session.add(CalendarDay(day=day, kind=kind, name=name, note=note[0] if note else None))
    db.session.commit()


# --- the package data the tests rely on -------------------------------------------------------


def test_package_data_matches_the_arrangements_used_here():
    assert official_years()[0] == 2004 and official_years()[-1] == 2026
    rest_2025 = [date(2025, 10, d) for d in range(1, 9)]
    assert all(not chinese_calendar.is_workday(d) for d in rest_2025)
    assert chinese_calendar.is_workday(date(2025, 9, 28)) and chinese_calendar.is_workday(
        date(2025, 10, 11)
    )
    assert chinese_calendar.get_holiday_detail(date(2025, 10, 6))[1] == "Mid-autumn Festival"
    rest_2026 = [date(2026, 2, d) for d in range(15, 24)]
    assert all(not chinese_calendar.is_workday(d) for d in rest_2026)
    assert chinese_calendar.is_workday(date(2026, 2, 14)) and chinese_calendar.is_workday(
        date(2026, 2, 28)
    )


def test_engine_agrees_with_the_package_day_by_day(app_ctx):
    rnd = random.Random(7)
    for _ in range(300):
        start = date(2005, 1, 1) + timedelta(days=rnd.randrange(365 * 20))
        n = rnd.randrange(1, 40)
        expected, day, counted = None, start, 0
        while counted < n:
            day += timedelta(days=1)
            counted += chinese_calendar.is_workday(day)
        expected = day
        result = due(datetime.combine(start, time(9), tzinfo=LOCAL_ZONE), n, WD)
        assert result.last_day == expected, (start, n)
        assert working_days_between(start, expected) == n
        assert add_working_days(start, n) == expected


# --- working days -------------------------------------------------------------------------------


def test_working_days_across_national_day_2025(app_ctx):
    result = due(at(2025, 9, 30), 15, WD)
    assert result.last_day == date(2025, 10, 28)
    assert result.due_at == datetime(2025, 10, 28, 23, 59, 59, 999999, tzinfo=LOCAL_ZONE)
    assert result.due_at_utc == datetime(2025, 10, 28, 15, 59, 59, 999999, tzinfo=UTC)
    assert not result.uncovered and result.warnings == []


def test_working_day_limit_ending_on_make_up_saturday_stays(app_ctx):
    # 09-28 (Sun, make-up) 1, 09-29 2, 09-30 3, holidays, 10-09 4, 10-10 5, 10-11 (Sat) 6
    result = due(at(2025, 9, 26), 6, WD)
    assert result.last_day == date(2025, 10, 11)
    assert result.last_day.weekday() == 5
    text_ = "\n".join(result.explanation)
    assert "09-28（周日）" in text_ and "10-11（周六）" in text_ and "调休工作日" in text_


def test_working_days_across_spring_festival_2026(app_ctx):
    # 02-11 1, 02-12 2, 02-13 3, 02-14 (Sat, make-up) 4, rest 02-15…02-23, 02-24 5
    result = due(at(2026, 2, 10), 5, WD)
    assert result.last_day == date(2026, 2, 24)
    assert "跳过春节 02-15 至 02-23。" in result.explanation
    assert "02-14（周六）为调休工作日，照常计算。" in result.explanation
    # …and the make-up Saturday after the holiday ends a limit too.
    assert due(at(2026, 2, 24), 4, WD).last_day == date(2026, 2, 28)


def test_acceptance_day_is_not_counted_even_late_at_night(app_ctx):
    assert due(at(2025, 11, 3, 23, 59), 1, WD).last_day == date(2025, 11, 4)
    assert due(at(2025, 11, 3, 0, 1), 1, WD).last_day == date(2025, 11, 4)


def test_naive_datetimes_are_utc_and_plain_dates_are_beijing_days(app_ctx):
    # 2025-09-30 20:00 UTC is 2025-10-01 04:00 in Beijing: accepted on 10-01.
    result = compute_due(datetime(2025, 9, 30, 20), Limit(1, WD))
    assert result.last_day == date(2025, 10, 9)
    assert compute_due(date(2025, 9, 30), Limit(15, WD)).last_day == date(2025, 10, 28)


# --- calendar days and months -------------------------------------------------------------------


def test_calendar_day_limit_ending_in_a_holiday_moves(app_ctx):
    result = due(at(2025, 9, 26), 8, CD)  # 8th day is 10-04, National Day
    assert result.last_day == date(2025, 10, 9)
    assert any(
        "2025-10-04 为国庆节（休息日），顺延至其后第一个工作日 2025-10-09" in line
        for line in result.explanation
    )
    spring = due(at(2026, 2, 5), 10, CD)  # 10th day is 02-15, Spring Festival
    assert spring.last_day == date(2026, 2, 24)


def test_calendar_day_limit_ending_on_weekend_moves_to_monday(app_ctx):
    result = due(at(2025, 10, 25), 7, CD)  # 11-01 is a Saturday
    assert result.last_day == date(2025, 11, 3)
    assert any("周六（休息日）" in line for line in result.explanation)


def test_calendar_day_limit_ending_on_make_up_saturday_stays(app_ctx):
    result = due(at(2025, 10, 1), 10, CD)  # 10-11 is a make-up working Saturday
    assert result.last_day == date(2025, 10, 11)
    assert any("为调休工作日，不顺延" in line for line in result.explanation)
    assert due(at(2026, 2, 18), 10, CD).last_day == date(2026, 2, 28)


def test_calendar_days_do_not_skip_holidays_inside_the_period(app_ctx):
    assert due(at(2025, 9, 30), 15, CD).last_day == date(2025, 10, 15)


def test_month_limit_from_31_january(app_ctx):
    assert due(at(2025, 1, 31), 1, MONTHS).last_day == date(2025, 2, 28)
    assert due(at(2024, 1, 31), 1, MONTHS).last_day == date(2024, 2, 29)  # leap year
    # 2026-02-28 is a make-up working Saturday: the month limit stays there.
    result = due(at(2026, 1, 31), 1, MONTHS)
    assert result.last_day == date(2026, 2, 28)
    assert any("2 月没有 31 日" in line for line in result.explanation)


def test_month_limit_ending_in_a_holiday_moves(app_ctx):
    assert due(at(2025, 9, 4), 1, MONTHS).last_day == date(2025, 10, 9)
    assert due(at(2025, 8, 31), 1, MONTHS).last_day == date(2025, 9, 30)
    assert due(at(2025, 10, 31), 1, MONTHS).last_day == date(2025, 12, 1)  # 11-30 is a Sunday
    assert due(at(2025, 11, 30), 3, MONTHS).last_day == date(2026, 2, 28)  # make-up Saturday


# --- years the package does not know ----------------------------------------------------------


def test_year_end_crossing_into_2027_entered_by_admin(app_ctx):
    before = due(at(2026, 12, 20), 15, WD)
    assert before.uncovered and before.last_day == date(2027, 1, 8)
    assert before.warnings == ["2027 年节假日尚未录入，按仅周末休息计算。"]

    add_days(
        (date(2027, 1, 1), "holiday", "元旦"),
        (date(2027, 1, 2), "holiday", "元旦"),
        (date(2027, 1, 3), "holiday", "元旦"),
        (date(2027, 2, 6), "workday", "春节调休上班"),
    )
    # Same application context: the commit itself invalidates the cached calendar.
    after = due(at(2026, 12, 20), 15, WD)
    assert not after.uncovered and after.warnings == []
    assert after.last_day == date(2027, 1, 11)
    text_ = "\n".join(after.explanation)
    assert "跳过元旦 2027-01-01 至 2027-01-03" in text_
    assert "2027 年节假日按管理员录入的安排计算。" in text_
    assert is_working_day(date(2027, 1, 1)) == (False, "admin")
    assert is_working_day(date(2027, 1, 4)) == (True, "admin")
    assert is_working_day(date(2027, 2, 6)) == (True, "admin")  # a Saturday entered as workday
    assert calendar_status(date(2026, 11, 27)).warnings == []


def test_calendar_reloads_after_changes_outside_this_process(app):
    with app.app_context():
        add_days((date(2027, 1, 1), "holiday", "元旦"))
        assert not due(at(2026, 12, 30), 2, WD).uncovered
    with app.app_context():
        # Another process (or a raw SQL script) empties the table: no ORM event here.
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM calendar_day"))
    with app.app_context():
        assert due(at(2026, 12, 30), 2, WD).uncovered


def test_date_no_source_covers_falls_back_to_weekends_with_warning(app_ctx):
    result = due(at(2028, 3, 1), 10, WD)
    assert result.uncovered
    assert result.last_day == date(2028, 3, 15)
    assert result.warnings == ["2028 年节假日尚未录入，按仅周末休息计算。"]
    assert "2028 年节假日尚未录入，按仅周末休息计算。" in result.explanation
    assert is_working_day(date(2028, 3, 4)) == (False, "fallback")
    assert is_working_day(date(2028, 3, 6)) == (True, "fallback")
    # A calendar-day limit depends only on its last day: December 2026 is covered.
    assert not due(at(2026, 12, 1), 10, CD).uncovered
    assert due(at(2026, 12, 25), 10, CD).uncovered  # ends 2027-01-04


def test_calendar_status_warns_before_an_unentered_year(app_ctx):
    status = calendar_status(date(2026, 11, 27))
    assert status.official_years == (2004, 2026)
    assert status.uncovered_from == 2027
    assert status.warnings and "2027 年节假日尚未录入" in status.warnings[0]
    assert calendar_status(date(2026, 5, 1)).warnings == []  # too early to nag
    assert "本年" in calendar_status(date(2027, 3, 1)).warnings[0]


def test_admin_override_of_an_official_day(app_ctx):
    add_days((date(2025, 10, 9), "holiday", "临时停电休息", "镇政府通知〔2025〕12 号"))
    result = due(at(2025, 9, 30), 15, WD)
    assert result.last_day == date(2025, 10, 29)
    assert any(
        "2025-10-09 经管理员调整为休息日（临时停电休息）" in line for line in result.explanation
    )
    assert is_working_day(date(2025, 10, 9)) == (False, "admin")
    assert next_working_day(date(2025, 10, 9)) == date(2025, 10, 10)


# --- pauses and extensions ------------------------------------------------------------------------


def test_pause_adds_back_working_days(app_ctx):
    # 10 working days from Mon 11-03 → 11-17; paused Wed 11-05 10:00 → Mon 11-10 15:00:
    # 11-05 … 11-09 stand still, of which 3 are working days → 11-20.
    result = due(at(2025, 11, 3, 9), 10, WD, pauses=[(at(2025, 11, 5, 10), at(2025, 11, 10, 15))])
    assert result.last_day == date(2025, 11, 20)
    assert (
        "暂停计时 2025-11-05 10:00 至 2025-11-10 15:00，不计入 3 个工作日（11-05 至 11-09）。"
        in result.explanation
    )


def test_pause_adds_back_calendar_days_then_moves_off_sunday(app_ctx):
    result = due(at(2025, 11, 3, 9), 10, CD, pauses=[(at(2025, 11, 5, 10), at(2025, 11, 8, 10))])
    assert result.last_day == date(2025, 11, 17)  # 11-13 + 3 = 11-16 (Sun) → Mon


def test_pause_rules_at_the_edges(app_ctx):
    base = due(at(2025, 11, 3, 9), 10, WD).last_day
    assert base == date(2025, 11, 17)
    within_a_day = due(
        at(2025, 11, 3, 9), 10, WD, pauses=[(at(2025, 11, 5, 9), at(2025, 11, 5, 17))]
    )
    assert within_a_day.last_day == base
    after_deadline = due(
        at(2025, 11, 3, 9), 10, WD, pauses=[(at(2025, 11, 18, 9), at(2025, 11, 25, 9))]
    )
    assert after_deadline.last_day == base
    on_last_day = due(
        at(2025, 11, 3, 9), 10, WD, pauses=[(at(2025, 11, 17, 10), at(2025, 11, 19, 9))]
    )
    assert on_last_day.last_day == date(2025, 11, 19)  # the clock restarts with a day to go
    before_acceptance = due(
        at(2025, 11, 3, 9), 10, WD, pauses=[(at(2025, 10, 20), at(2025, 11, 3, 12))]
    )
    assert before_acceptance.last_day == base
    overlapping = due(
        at(2025, 11, 3, 9),
        10,
        WD,
        pauses=[
            (at(2025, 11, 5, 10), at(2025, 11, 7, 10)),
            (at(2025, 11, 6, 10), at(2025, 11, 10, 15)),
        ],
    )
    assert overlapping.last_day == date(2025, 11, 20)


def test_open_pause_moves_the_deadline_until_it_ends(app_ctx):
    result = due(
        at(2025, 11, 3, 9), 10, WD, pauses=[(at(2025, 11, 5, 10), None)], now=at(2025, 11, 12, 12)
    )
    assert result.paused
    assert result.last_day == date(2025, 11, 24)  # 11-05, 06, 07, 10, 11 given back
    assert any("尚未恢复" in line for line in result.explanation)


def test_pause_ending_before_it_starts_is_refused(app_ctx):
    with pytest.raises(ValueError, match="早于开始时间"):
        due(at(2025, 11, 3), 10, WD, pauses=[(at(2025, 11, 6), at(2025, 11, 5))])


def test_extension_in_the_same_unit_adds_to_the_limit(app_ctx):
    # Consultation: 15 days, extended with a leader's approval by 15 days to one month's worth.
    result = compute_due(at(2025, 9, 14), Limit(15, CD), extra=Limit(15, CD))
    assert result.last_day == date(2025, 10, 14)
    assert "经批准延长 15 日。" in result.explanation
    assert compute_due(at(2025, 9, 30), Limit(10, WD), extra=Limit(5, WD)).last_day == date(
        2025, 10, 28
    )


def test_extension_in_another_unit_counts_on_from_the_original_end(app_ctx):
    # 5 working days from 11-03 end on 11-10; 3 more days end on 11-13.
    assert compute_due(at(2025, 11, 3), Limit(5, WD), extra=Limit(3, CD)).last_day == date(
        2025, 11, 13
    )
    # 1 month from 01-31 ends 02-28; 2 working days more → 2025-03-04.
    assert compute_due(at(2025, 1, 31), Limit(1, MONTHS), extra=Limit(2, WD)).last_day == date(
        2025, 3, 4
    )


# --- explanation, limits, colours -------------------------------------------------------------


def test_explanation_reads_like_the_rulebook(app_ctx):
    result = due(at(2025, 9, 30), 15, WD)
    assert result.explanation == [
        "自 2025-09-30 受理，次日起算，期限 15 个工作日。",
        "跳过国庆节、中秋节 10-01 至 10-08。",
        "10-11（周六）为调休工作日，照常计算。",
        "截止 2025-10-28（周二）24:00。",
    ]
    closing = compute_due(at(2025, 9, 30), Limit(15, WD), close_time=time(17, 30))
    assert closing.due_at == datetime(2025, 10, 28, 17, 30, tzinfo=LOCAL_ZONE)
    assert closing.explanation[-1] == "截止 2025-10-28（周二）17:30。"


def test_explanation_inside_a_request_goes_through_gettext(app):
    with app.test_request_context("/"):
        result = due(at(2025, 9, 30), 15, WD)
        assert result.explanation[0] == "自 2025-09-30 受理，次日起算，期限 15 个工作日。"
        assert result.explanation[-1] == "截止 2025-10-28（周二）24:00。"


def test_limit_validation_and_description():
    assert Limit(15, WD).describe() == "15 个工作日"
    assert Limit(15, "calendar_days").describe() == "15 日"
    assert Limit(1, MONTHS).describe() == "1 个月"
    assert Limit.from_dict(Limit(7, CD).to_dict()) == Limit(7, CD)
    with pytest.raises(ValueError, match="至少为 1"):
        Limit(0, WD)
    with pytest.raises(ValueError, match="未知的期限单位"):
        Limit(3, "weeks")
    with pytest.raises(ValueError, match="期限过长"):
        Limit(500, MONTHS)


def test_dates_outside_the_calendar_range_are_refused(app_ctx):
    with pytest.raises(CalendarOutOfRange, match="超出期限计算范围"):
        due(at(1999, 5, 1), 3, WD)
    with pytest.raises(CalendarOutOfRange, match="超出期限计算范围"):
        due(at(2100, 12, 20), 30, WD)
    with pytest.raises(CalendarOutOfRange, match="超出期限计算范围"):
        compute_due(at(2100, 12, 20), Limit(20, CD), extra=Limit(2, WD))


def test_working_days_between_counts_after_the_first_day():
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 28)) == 15
    assert working_days_between(date(2025, 10, 28), date(2025, 9, 30)) == -15
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 1)) == 0
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0


def test_colour_green_yellow_red(app_ctx):
    accepted = at(2025, 11, 3, 9)
    due_at = due(accepted, 10, WD).due_at  # 2025-11-17 24:00 (Mon)
    assert colour(at(2025, 11, 4), accepted, due_at) == "green"
    assert colour(at(2025, 11, 12), accepted, due_at) == "green"
    assert colour(at(2025, 11, 14, 10), accepted, due_at) == "yellow"  # Fri: 1 working day left
    assert colour(at(2025, 11, 17, 20), accepted, due_at) == "yellow"
    assert colour(at(2025, 11, 18, 0, 1), accepted, due_at) == "red"
    # 30 days: at 11-28 noon 3 working days but under 20 % of the time remain.
    long_due = due(accepted, 30, CD).due_at  # 2025-12-03 24:00
    assert colour(at(2025, 11, 28, 12), accepted, long_due) == "yellow"
    assert colour(at(2025, 11, 24, 12), accepted, long_due) == "green"
    # SQLite hands back naive UTC datetimes.
    naive = due_at.astimezone(UTC).replace(tzinfo=None)
    assert (
        colour(datetime(2025, 11, 18, 1), accepted.astimezone(UTC).replace(tzinfo=None), naive)
        == "red"
    )
