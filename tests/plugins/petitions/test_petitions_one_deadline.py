"""One deadline per stage (issue 16 item 3): the stage's core case carries it, the petition
reads it from there, and a step keeps the deadline it had as a snapshot when it ends.

Before, the petition stored each deadline a second time and copied it onto the case, except
when the day was already past and in ``request_rereview``, so the two could disagree."""

from datetime import date

from petitions_helpers import (
    accepted,
    at,
    register,
    replied_and_delivered,
)

from core.cases.services import recompute_due
from core.time import local_day
from plugins.petitions import services
from plugins.petitions.models import Stage


def _agrees(petition, last_day: date) -> None:
    """The petition's deadline is its stage case's, and the core's own recomputation (an
    extension, the holiday sweep) lands on the same day."""
    case = petition.stage_case
    assert case is not None
    assert petition.due_at == case.due_at
    assert petition.last_day == local_day(case.due_at) == last_day
    recompute_due(case)
    assert local_day(case.due_at) == last_day


def test_rereview_deadline_is_the_rereview_cases(app, petitions_on):
    with app.app_context():
        petition = replied_and_delivered(petitions_on["A"], delivered=at(2025, 4, 1))
        services.request_review(petition, requested_at=at(2025, 4, 10), actor_id=None)
        _agrees(petition, date(2025, 5, 12))  # 04-10 + 30 = 05-10 (Sat) → Mon 05-12
        notice = services.decide_review(
            petition, opinion="维持", decided_at=at(2025, 4, 30), actor_id=None
        )
        services.record_delivery(notice, method="post", delivered_at=at(2025, 5, 8), actor_id=None)
        case = services.request_rereview(petition, requested_at=at(2025, 6, 3), actor_id=None)
        assert petition.stage == Stage.REREVIEW and petition.stage_case is case
        _agrees(petition, date(2025, 7, 3))
        # The hearing's ten days go through the core's engine: the case moves with it.
        services.start_hearing(petition, started_at=at(2025, 6, 10), reason="听证", actor_id=None)
        services.end_hearing(petition, ended_at=at(2025, 6, 20), actor_id=None)
        _agrees(petition, date(2025, 7, 14))
        assert any(line for line in petition.steps[-1].explanation)


def test_first_instance_stages_move_the_case_even_when_the_day_is_past(app, petitions_on):
    with app.app_context():
        petition = register(petitions_on["A"], received_at=at(2025, 3, 3))
        _agrees(petition, date(2025, 3, 18))
        services.pass_on(
            petition, handling_unit="镇自然资源所", passed_at=at(2025, 3, 12), actor_id=None
        )
        _agrees(petition, date(2025, 3, 27))  # 15 days from the pass-on, not from receipt
        services.decide_acceptance(
            petition, accepted=True, decided_at=at(2025, 3, 20), note=None, actor_id=None
        )
        _agrees(petition, date(2025, 5, 19))  # 03-20 + 60 = 05-19


def test_a_holiday_shifted_stage_keeps_the_extension_counted_from_the_nominal_end(
    app, petitions_on, users
):
    from datetime import timedelta

    from core.sla import Limit, LimitUnit, compute_due
    from core.time import utc_now

    with app.app_context():
        decided = utc_now() - timedelta(days=3)
        petition = accepted(
            petitions_on["A"],
            received=decided - timedelta(days=2),
            decided=decided,
            actor_id=users["staff_a"],
        )
        services.request_extension(
            petition, days=20, reason="需现场测量", actor_id=users["staff_a"]
        )
        services.approve_extension(petition, actor_id=users["leader"], note="同意")
        expected = compute_due(
            decided, Limit(60, LimitUnit.CALENDAR_DAYS), extra=Limit(20, LimitUnit.CALENDAR_DAYS)
        )
        _agrees(petition, expected.last_day)
        assert petition.steps[-1].extra_days == 20


def test_a_step_keeps_its_deadline_as_a_snapshot(app, petitions_on):
    with app.app_context():
        petition = accepted(petitions_on["A"], received=at(2025, 3, 3), decided=at(2025, 3, 10))
        registration, handling = petition.steps
        assert registration.last_day == date(2025, 3, 18) and not registration.overdue
        assert handling.due_at is None and handling.deadline_day == date(2025, 5, 9)
        services.reply(petition, result="已处理", replied_at=at(2025, 5, 12), actor_id=None)
        assert handling.last_day == date(2025, 5, 9) and handling.overdue
        assert petition.due_at is None  # replied, waiting for delivery: no limit runs


def test_the_windows_run_from_the_delivery(app, petitions_on):
    with app.app_context():
        petition = replied_and_delivered(petitions_on["A"], delivered=at(2025, 4, 1))
        assert petition.stage == Stage.REVIEW_WINDOW and petition.stage_case is None
        assert petition.last_day == date(2025, 5, 6)
