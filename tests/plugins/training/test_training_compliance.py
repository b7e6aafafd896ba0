"""The compliance arithmetic on hand-made months, and settings overriding the rulebook."""

from datetime import date

import pytest
from training_helpers import attend, enable, log, note, person, session, settings, technique

from core.extensions import db
from plugins.training.compliance import Status, compute_compliance
from plugins.training.models import (
    AttendanceStatus,
    ExcusedPolicy,
    Group,
    LengthUnit,
    SessionKind,
)
from plugins.training.rules import count_note_characters, participation, session_days
from plugins.training.services import recompute_session_days

AFTER_Q1 = date(2024, 6, 15)  # March 2024 is over, June is running


def _people(report):
    return {p.name: p for p in report.people}


def _units(report):
    return {u.name: u for u in report.units}


def test_19_5_hours_fall_short_and_20_pass(app_ctx, offices):
    enable(offices["A"])
    short, enough = person(offices["A"], "差半课时"), person(offices["A"], "刚好二十")
    log(short, date(2024, 3, 4), 10)
    log(short, date(2024, 3, 5), 9.5)
    log(enough, date(2024, 3, 4), 12)
    log(enough, date(2024, 3, 31), 8)
    log(enough, date(2024, 4, 1), 30 - 10)  # April belongs to April, not March

    people = _people(compute_compliance(2024, {offices["A"]}, today=AFTER_Q1))
    assert people["差半课时"].months[3].hours == 19.5
    assert people["差半课时"].months[3].checks["self_study"] == Status.SHORT
    assert people["差半课时"].months[3].status == Status.SHORT
    assert people["刚好二十"].months[3].hours == 20
    assert people["刚好二十"].months[3].checks["self_study"] == Status.OK
    assert people["刚好二十"].months[4].hours == 20
    # The running month is "in progress", later months are not assessed at all.
    assert people["刚好二十"].months[6].checks["self_study"] == Status.PENDING
    assert people["刚好二十"].months[7].assessed is False
    assert people["刚好二十"].months[7].status == Status.NA
    # A year with a short month is short on self-study.
    assert people["刚好二十"].year.checks["self_study"] == Status.SHORT  # January had nothing
    assert people["刚好二十"].year.hours == 40


def test_months_before_joining_are_not_assessed(app_ctx, offices):
    enable(offices["A"])
    newcomer = person(offices["A"], "新人", joined_on=date(2024, 3, 1))
    late = person(offices["A"], "月中加入", joined_on=date(2024, 3, 10))
    for p in (newcomer, late):
        log(p, date(2024, 3, 12), 20)
        log(p, date(2024, 4, 12), 20)
        log(p, date(2024, 5, 12), 20)
    people = _people(compute_compliance(2024, {offices["A"]}, today=AFTER_Q1))
    assert [m for m, c in people["新人"].months.items() if c.assessed] == [3, 4, 5, 6]
    assert [m for m, c in people["月中加入"].months.items() if c.assessed] == [4, 5, 6]
    assert people["新人"].year.checks["self_study"] == Status.PENDING  # only June still running


def test_excused_absence_counts_as_not_attended_by_default(app_ctx, offices):
    enable(offices["A"])
    cadre = person(offices["A"], "镇干部")
    first, second = (
        session(offices["A"], date(2024, 3, 6)),
        session(offices["A"], date(2024, 3, 20)),
    )
    attend(first, cadre)
    attend(second, cadre, AttendanceStatus.EXCUSED, "住院治疗")
    log(cadre, date(2024, 3, 1), 20)

    month = _people(compute_compliance(2024, {offices["A"]}, today=AFTER_Q1))["镇干部"].months[3]
    assert (month.required, month.present, month.excused, month.absent) == (2, 1, 1, 0)
    assert (month.attended, month.counted) == (1, 2)
    assert month.rate == 50
    assert month.checks["participation"] == Status.SHORT  # township cadres: 100 %
    assert month.attended_days == 1

    # The office may decide that an excused absence is left out of the rate.
    settings(offices["A"], excused_policy=ExcusedPolicy.EXCLUDED)
    month = _people(compute_compliance(2024, {offices["A"]}, today=AFTER_Q1))["镇干部"].months[3]
    assert (month.attended, month.counted) == (1, 1)
    assert month.checks["participation"] == Status.OK
    assert month.status == Status.OK


def test_participation_arithmetic_rules():
    assert participation(present=6, excused=1, required=7, policy="as_absent") == (6, 7)
    assert participation(present=6, excused=1, required=7, policy="excluded") == (6, 6)


def test_rural_party_members_need_85_percent_and_untaken_rows_count_as_absent(app_ctx, offices):
    enable(offices["B"])
    member = person(offices["B"], "农村党员", Group.RURAL_PARTY_MEMBER)
    other = person(offices["B"], "另一党员", Group.RURAL_PARTY_MEMBER)
    for day in range(1, 8):
        s = session(offices["B"], date(2024, 3, day), kind=SessionKind.VILLAGE_STUDY, value=1)
        if day == 7:
            attend(s, member, AttendanceStatus.EXCUSED, "外出务工")
            attend(s, other, AttendanceStatus.PENDING)  # never taken
        else:
            attend(s, member)
            attend(s, other, AttendanceStatus.PRESENT if day > 1 else AttendanceStatus.ABSENT)
    people = _people(compute_compliance(2024, {offices["B"]}, today=AFTER_Q1))
    member_march, other_march = people["农村党员"].months[3], people["另一党员"].months[3]
    assert (member_march.attended, member_march.counted) == (6, 7)  # 85.7 %
    assert member_march.checks["participation"] == Status.OK
    assert (other_march.attended, other_march.counted, other_march.absent) == (5, 7, 2)  # 71.4 %
    assert other_march.checks["participation"] == Status.SHORT
    unit = _units(compute_compliance(2024, {offices["B"]}, today=AFTER_Q1))["乙村"].months[3]
    assert unit.participation[Group.RURAL_PARTY_MEMBER] == [11, 14]
    assert unit.checks["participation"] == Status.SHORT  # 78.6 % < 85 %
    assert unit.village_days == 7
    assert unit.checks["village_days"] == Status.OK


def test_a_4999_character_note_falls_short_and_5000_pass(app_ctx, offices):
    enable(offices["A"])
    short, enough = person(offices["A"], "四千九百九十九"), person(offices["A"], "五千")
    # Whitespace (spaces, full-width spaces, line breaks) is not counted.
    note(short, date(2023, 5, 1), "学" * 4000 + "\n\n" + "习 " * 999 + "\u3000")
    note(enough, date(2023, 5, 1), "学" * 4000)
    note(enough, date(2023, 11, 30), "习" * 1000)
    note(short, date(2024, 1, 2), "次年的笔记不计入上一年" * 10)
    people = _people(compute_compliance(2023, {offices["A"]}, today=AFTER_Q1))
    assert people["四千九百九十九"].year.notes_chars == 4999
    assert people["四千九百九十九"].year.checks["notes"] == Status.SHORT
    assert people["五千"].year.notes_chars == 5000
    assert people["五千"].year.checks["notes"] == Status.OK
    assert people["五千"].months[5].notes_chars_to_date == 4000
    # While the year runs, a shortfall on notes is "in progress", not "short".
    running = _people(compute_compliance(2024, {offices["A"]}, today=AFTER_Q1))
    assert running["四千九百九十九"].year.checks["notes"] == Status.PENDING


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("学习笔记", 4),
        ("学习 笔记\n\u3000ab1，。", 9),
        ("\u200b学\ufeff", 1),
        ("", 0),
        (None, 0),
    ],
)
def test_note_characters_exclude_whitespace_and_count_code_points(text, expected):
    assert count_note_characters(text) == expected
    if text:
        assert len(text.encode("utf-8")) != expected


def test_techniques_six_per_cadre_not_for_party_members(app_ctx, offices):
    enable(offices["A"], offices["B"])
    five, six = person(offices["A"], "五项"), person(offices["B"], "六项", Group.VILLAGE_CADRE)
    person(offices["B"], "党员", Group.RURAL_PARTY_MEMBER)
    for i in range(5):
        technique(five, f"技术{i}")
        technique(six, f"技术{i}")
    technique(six, "第六项", date(2023, 12, 31))
    technique(five, "次年才掌握", date(2024, 1, 5))
    people = _people(compute_compliance(2023, {offices["A"], offices["B"]}, today=AFTER_Q1))
    assert people["五项"].year.techniques_to_date == 5
    assert people["五项"].year.checks["techniques"] == Status.SHORT
    assert people["六项"].year.checks["techniques"] == Status.OK
    assert "techniques" not in people["党员"].year.checks
    assert "notes" not in people["党员"].year.checks  # no education flag, no number


def test_settings_override_defaults_and_inherit_down_the_tree(app_ctx, offices):
    enable(offices["A"], offices["B"])
    a, b = person(offices["A"], "甲单位干部"), person(offices["B"], "乙村干部", Group.VILLAGE_CADRE)
    for p in (a, b):
        log(p, date(2024, 3, 3), 16)
    people = _people(compute_compliance(2024, {offices["A"], offices["B"]}, today=AFTER_Q1))
    assert people["甲单位干部"].months[3].checks["self_study"] == Status.SHORT

    settings(offices["T"], self_study_hours_min=15, techniques_min=2)  # the township: everyone
    settings(offices["A"], self_study_hours_min=18)  # A's own row wins over the township's
    people = _people(compute_compliance(2024, {offices["A"], offices["B"]}, today=AFTER_Q1))
    assert people["甲单位干部"].rules.self_study_hours_min == 18
    assert people["甲单位干部"].months[3].checks["self_study"] == Status.SHORT
    assert people["乙村干部"].rules.self_study_hours_min == 15
    assert people["乙村干部"].months[3].checks["self_study"] == Status.OK
    assert people["乙村干部"].techniques_min == 2
    assert people["甲单位干部"].techniques_min == 6


def test_party_member_notes_number_is_empty_until_set(app_ctx, offices):
    enable(offices["B"])
    educated = person(
        offices["B"], "初中党员", Group.RURAL_PARTY_MEMBER, junior_middle_school_or_above=True
    )
    note(educated, date(2023, 3, 3), "学" * 1000)
    assert (
        "notes"
        not in _people(compute_compliance(2023, {offices["B"]}, today=AFTER_Q1))[
            "初中党员"
        ].year.checks
    )
    settings(offices["B"], party_member_notes_min_chars=2000)
    year = _people(compute_compliance(2023, {offices["B"]}, today=AFTER_Q1))["初中党员"].year
    assert year.checks["notes"] == Status.SHORT


def test_hours_convert_to_days_with_the_setting(app_ctx, offices):
    enable(offices["B"])
    person(offices["B"], "党员", Group.RURAL_PARTY_MEMBER)
    assert session_days(3, LengthUnit.HOURS, 6) == 0.5
    session(offices["B"], date(2024, 3, 5), kind=SessionKind.VILLAGE_STUDY, value=1)
    evening = session(
        offices["B"],
        date(2024, 3, 19),
        kind=SessionKind.VILLAGE_STUDY,
        value=3,
        unit=LengthUnit.HOURS,
    )
    assert evening.days == 0.5
    unit = _units(compute_compliance(2024, {offices["B"]}, today=AFTER_Q1))["乙村"].months[3]
    assert unit.village_days == 1.5
    assert unit.checks["village_days"] == Status.SHORT  # < 2 days
    assert unit.status == Status.SHORT

    settings(offices["B"], class_hours_per_day=3)
    recompute_session_days({offices["B"]})
    db.session.refresh(evening)
    assert evening.days == 1
    unit = _units(compute_compliance(2024, {offices["B"]}, today=AFTER_Q1))["乙村"].months[3]
    assert unit.village_days == 2
    assert unit.checks["village_days"] == Status.OK


def test_unit_gets_township_training_held_above_it(app_ctx, offices):
    enable(offices["T"], offices["A"])
    person(offices["A"], "镇干部")
    session(offices["T"], date(2024, 3, 5), value=1)
    session(offices["A"], date(2024, 3, 19), value=6, unit=LengthUnit.HOURS)
    report = compute_compliance(2024, {offices["A"]}, today=AFTER_Q1)
    unit = _units(report)["甲单位"]
    assert unit.months[3].township_days == 2
    assert unit.months[3].checks["township_days"] == Status.OK
    assert unit.months[4].checks["township_days"] == Status.SHORT
    assert unit.year.checks["township_days"] == Status.SHORT


def test_future_sessions_do_not_count(app_ctx, offices):
    enable(offices["A"])
    cadre = person(offices["A"], "镇干部")
    log(cadre, date(2024, 1, 10), 20)  # the office keeps records since January
    planned = session(offices["A"], date(2024, 6, 28))
    attend(planned, cadre, AttendanceStatus.PENDING)
    june = _people(compute_compliance(2024, {offices["A"]}, today=AFTER_Q1))["镇干部"].months[6]
    assert june.required == 0
    assert june.checks["participation"] == Status.NA
