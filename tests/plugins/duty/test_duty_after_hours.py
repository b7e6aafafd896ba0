"""Rule 2 of the duty module: a case registered outside office hours or on a rest day is
marked as after-hours service and counts for the person on duty (through the core's
``case_opened`` hook); only where the module is on."""

from datetime import date, datetime, time

from duty_helpers import make_rule
from sqlalchemy import select

from core.cases import open_case
from core.extensions import db
from core.time import LOCAL_ZONE
from plugins.duty.models import AfterHoursCase
from plugins.duty.services import figures, rota


def _open(office_id, actor_id, local: datetime):
    case = open_case(
        office_id=office_id,
        category="consultation",
        channel="window",
        subject="咨询社保缴费",
        actor_id=actor_id,
        accepted_at=local.replace(tzinfo=LOCAL_ZONE),
    )
    db.session.commit()
    return case


def _record(case):
    return db.session.scalar(select(AfterHoursCase).where(AfterHoursCase.case_id == case.id))


def test_hook_case_opened(app_ctx, duty_on, users):
    """A case registered on a rest day counts for the person on duty."""
    a = duty_on["A"]
    make_rule(a, [users["officeadmin"]], starts_on=date(2026, 2, 1))
    rota.generate(a, date(2026, 2, 15), date(2026, 2, 23))
    db.session.commit()
    # Registered by the clerk on the Spring Festival's Tuesday: counts for the one on duty.
    case = _open(a, users["staff_a"], datetime(2026, 2, 17, 10, 0))
    record = _record(case)
    assert record.rest_day and record.user_id == users["officeadmin"]
    assert record.day == date(2026, 2, 17)
    people = figures.after_hours_by_person({a}, date(2026, 2, 1))
    assert [(p.person, p.count) for p in people] == [("officeadmin", 1)]


def test_evening_case_counts_for_who_served(app_ctx, duty_on, users):
    a = duty_on["A"]
    case = _open(a, users["staff_a"], datetime(2026, 2, 12, 19, 30))
    record = _record(case)
    assert not record.rest_day and record.user_id == users["staff_a"]


def test_make_up_saturday_in_office_hours_is_ordinary(app_ctx, duty_on, users):
    a = duty_on["A"]
    make_rule(a, [users["staff_a"]], starts_on=date(2026, 2, 1))
    assert _record(_open(a, users["staff_a"], datetime(2026, 2, 14, 10, 0))) is None
    assert _record(_open(a, users["staff_a"], datetime(2026, 2, 12, 8, 29))) is not None
    assert _record(_open(a, users["staff_a"], datetime(2026, 2, 12, 17, 29))) is None
    assert rota.rule_for(a).hours_start == time(8, 30)


def test_not_marked_where_the_module_is_off(app_ctx, duty_on, users):
    case = _open(duty_on["B"], users["staff_b"], datetime(2026, 2, 17, 10, 0))
    assert _record(case) is None
