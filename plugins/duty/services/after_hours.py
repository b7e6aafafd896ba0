"""After-hours service (延时办理): a case registered outside the office's hours or on a rest
day is recorded as after-hours service and counted for the person on duty.

On a rest day the person on duty is the rota's; after hours on a working day it is whoever
registered the case (its first responder), who stayed to serve the resident.
"""

from datetime import time

from core.kit import db, is_enabled, to_local
from plugins.duty.models import AfterHoursCase
from plugins.duty.services.rota import is_rest_day, on_duty, rule_for

DEFAULT_HOURS = (time(8, 30), time(17, 30))


def office_hours(office_id: int) -> tuple[time, time]:
    """The office's hours from its rule (08:30–17:30 without one)."""
    rule = rule_for(office_id)
    return (rule.hours_start, rule.hours_end) if rule else DEFAULT_HOURS


def on_case_opened(case) -> AfterHoursCase | None:
    """Record ``case`` as after-hours service when the module is on for its office and it was
    accepted on a rest day or outside office hours; returns the record, or None."""
    if not is_enabled("duty", case.office_id):
        return None
    local = to_local(case.accepted_at)
    day, moment = local.date(), local.time()
    rest = is_rest_day(day)
    start, end = office_hours(case.office_id)
    if not rest and start <= moment < end:
        return None
    person = on_duty(case.office_id, day) if rest else None
    user_id = person.id if person else case.first_responder_id
    record = AfterHoursCase(
        office_id=case.office_id, case=case, user_id=user_id, day=day, rest_day=rest
    )
    db.session.add(record)
    return record
