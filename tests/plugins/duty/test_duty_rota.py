"""Rule 1 of the duty module: the rota covers every rest day of the official calendar, built
from the rule, swaps recorded, gaps found — across the 2026 Spring Festival holiday and its
make-up working days (调休上班日 on Saturday 14 and Saturday 28 February)."""

from datetime import date, timedelta

import pytest
from duty_helpers import make_rule
from sqlalchemy import select

from core.extensions import db
from plugins.duty.errors import DutyError
from plugins.duty.models import DutyAssignment, DutySwap
from plugins.duty.services import rota

FEB = date(2026, 2, 1)
HOLIDAY = [date(2026, 2, d) for d in range(15, 24)]  # 15–23 February, nine days off
MAKE_UP = [date(2026, 2, 14), date(2026, 2, 28)]


def _assigned(office_id):
    return {
        a.day: a.user_id
        for a in db.session.scalars(
            select(DutyAssignment).where(DutyAssignment.office_id == office_id)
        )
    }


def test_rest_days_follow_the_official_calendar(app_ctx):
    days = rota.rest_days(date(2026, 2, 10), date(2026, 3, 1))
    assert all(d in days for d in HOLIDAY)  # weekdays of the holiday are rest days
    assert not any(d in days for d in MAKE_UP)  # the make-up Saturdays are working days
    assert date(2026, 3, 1) in days and date(2026, 2, 13) not in days


def test_generation_rotates_over_the_holiday_and_skips_make_up_days(app_ctx, duty_on, users):
    a = duty_on["A"]
    make_rule(a, [users["staff_a"], users["officeadmin"]], starts_on=FEB, days_per_turn=2)
    created = rota.generate(a, date(2026, 2, 10), date(2026, 3, 1))
    db.session.commit()
    assigned = _assigned(a)
    assert (
        sorted(assigned)
        == [d.day for d in created]
        == rota.rest_days(date(2026, 2, 10), date(2026, 3, 1))
    )
    assert not any(d in assigned for d in MAKE_UP)
    # Rest days since 1 Feb: 1, 7, 8 → the 4th rest day (15 Feb) is the second turn's second day.
    order = [assigned[d] for d in HOLIDAY]
    staff, head = users["staff_a"], users["officeadmin"]
    assert order == [head, staff, staff, head, head, staff, staff, head, head]
    # Generating again keeps what is there (nothing new).
    assert rota.generate(a, date(2026, 2, 10), date(2026, 3, 1)) == []


def test_gap_found_in_the_spring_festival(app_ctx, duty_on, users):
    a = duty_on["A"]
    make_rule(a, [users["staff_a"], users["officeadmin"]], starts_on=FEB)
    rota.generate(a, date(2026, 2, 10), date(2026, 2, 20))  # 21–23 February not generated
    day = db.session.scalar(
        select(DutyAssignment).where(
            DutyAssignment.office_id == a, DutyAssignment.day == date(2026, 2, 18)
        )
    )
    rota.swap(day, to_user_id=None, reason="病假", actor_id=users["officeadmin"])
    db.session.commit()
    gaps = rota.gaps({a}, date(2026, 2, 10), date(2026, 3, 1))
    assert [d for _o, d in gaps] == [
        date(2026, 2, 18),
        date(2026, 2, 21),
        date(2026, 2, 22),
        date(2026, 2, 23),
        date(2026, 3, 1),
    ]
    assert date(2026, 2, 14) not in [d for _o, d in gaps]  # a make-up working day needs no duty


def test_a_swap_is_recorded_and_limited_to_the_office(app_ctx, duty_on, users):
    a = duty_on["A"]
    make_rule(a, [users["staff_a"]], starts_on=FEB)
    (first, *_rest) = rota.generate(a, date(2026, 2, 15), date(2026, 2, 16))
    with pytest.raises(DutyError, match="本单位"):
        rota.swap(first, to_user_id=users["staff_b"], reason="换班", actor_id=None)
    with pytest.raises(DutyError, match="原因"):
        rota.swap(first, to_user_id=users["officeadmin"], reason=" ", actor_id=None)
    rota.swap(first, to_user_id=users["officeadmin"], reason="家中有事", actor_id=users["leader"])
    db.session.commit()
    record = db.session.scalar(select(DutySwap))
    assert (record.from_user_id, record.to_user_id, record.reason) == (
        users["staff_a"],
        users["officeadmin"],
        "家中有事",
    )
    assert rota.on_duty(a, first.day).id == users["officeadmin"]


def test_rule_refuses_a_private_mobile_and_outsiders(app_ctx, duty_on, users):
    a = duty_on["A"]
    with pytest.raises(DutyError, match="手机"):
        make_rule(a, [users["staff_a"]], starts_on=FEB, duty_phone="138 0013 8000")
    with pytest.raises(DutyError, match="本单位"):
        make_rule(a, [users["staff_b"]], starts_on=FEB)
    with pytest.raises(DutyError, match="至少"):
        make_rule(a, [], starts_on=FEB)
    db.session.rollback()
    assert rota.rule_for(a) is None


def test_generate_needs_a_rule(app_ctx, duty_on):
    with pytest.raises(DutyError):
        rota.generate(duty_on["A"], FEB, FEB + timedelta(days=7))
