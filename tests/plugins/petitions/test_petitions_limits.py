"""Statutory limits: each stage counted in natural days from its own start event, the holiday
rule, the one capped extension with a leader's approval, review and re-review windows, the
hearing pause, and the end of the procedure after a re-review."""

from datetime import date, timedelta

import pytest
from petitions_helpers import (
    accepted,
    at,
    register,
    replied_and_delivered,
)
from sqlalchemy import func, select

from core.cases import Case, CaseStatus
from core.cases.categories import get_category
from core.extensions import db
from core.sla import Limit, LimitUnit, compute_due
from core.time import LOCAL_ZONE, utc_now
from plugins.petitions import services
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import NoticeKind, Petition, Stage


def _last_day(petition) -> date:
    return petition.last_day


def test_categories_are_natural_days(app, petitions_on):
    with app.app_context():
        petition = get_category("petition")
        review = get_category("petition_review")
        rereview = get_category("petition_rereview")
        assert petition.plugin == "petitions"
        assert petition.limit == Limit(15, LimitUnit.CALENDAR_DAYS)
        assert review.limit == Limit(30, LimitUnit.CALENDAR_DAYS)
        assert rereview.limit == Limit(30, LimitUnit.CALENDAR_DAYS)
        assert "60 日" in petition.describe() and "30 日" in petition.describe()


def test_registration_limit_counts_natural_days_from_receipt(app, petitions_on):
    with app.app_context():
        # Mon 2025-03-03 + 15 natural days = Tue 03-18 (15 working days would be 03-24).
        petition = register(petitions_on["A"], received_at=at(2025, 3, 3))
        assert petition.stage == Stage.REGISTRATION
        assert _last_day(petition) == date(2025, 3, 18)
        step = petition.steps[0]
        assert step.limit_days == 15 and step.start_event == "收到信访事项"
        assert step.explanation  # the engine's explanation is kept with the step
        # The petition is a core case with a receipt number and the same limit.
        case = petition.case
        assert case.category == "petition" and case.receipt_no == petition.receipt_no
        assert case.source_type == "petition" and case.source_id == str(petition.id)


def test_last_day_on_a_holiday_moves_to_the_next_working_day(app, petitions_on):
    with app.app_context():
        # 2025-09-20 + 15 = 10-05, inside the National Day holiday (10-01..10-08).
        petition = register(petitions_on["A"], received_at=at(2025, 9, 20))
        assert _last_day(petition) == date(2025, 10, 9)


def test_acceptance_limit_runs_from_the_handling_units_receipt(app, petitions_on):
    with app.app_context():
        petition = register(petitions_on["A"], received_at=at(2025, 3, 3))
        services.pass_on(
            petition, handling_unit="镇自然资源所", passed_at=at(2025, 3, 12), actor_id=None
        )
        assert petition.stage == Stage.ACCEPTANCE
        # 15 days from the pass-on (03-12), not from receipt: 03-27.
        assert _last_day(petition) == date(2025, 3, 27)
        assert petition.steps[0].ended_at is not None and not petition.steps[0].overdue


def test_handling_limit_is_60_days_from_acceptance_with_written_notice(app, petitions_on):
    with app.app_context():
        petition = register(petitions_on["A"], received_at=at(2025, 3, 3))
        notice = services.decide_acceptance(
            petition, accepted=True, decided_at=at(2025, 3, 10), note=None, actor_id=None
        )
        assert petition.stage == Stage.HANDLING
        # 2025-03-10 + 60 = Fri 05-09.
        assert _last_day(petition) == date(2025, 5, 9)
        assert notice.kind == NoticeKind.ACCEPTANCE
        assert "2025-05-09" in notice.body_html and petition.receipt_no in notice.body_html
        assert "王大山" in notice.body_html and "13812345678" not in notice.body_html


def test_not_accepted_needs_a_reason_and_ends_the_matter(app, petitions_on):
    with app.app_context():
        petition = register(petitions_on["A"])
        with pytest.raises(PetitionError, match="理由"):
            services.decide_acceptance(
                petition, accepted=False, decided_at=at(2025, 3, 5), note="", actor_id=None
            )
        assert petition.stage == Stage.REGISTRATION
        notice = services.decide_acceptance(
            petition,
            accepted=False,
            decided_at=at(2025, 3, 5),
            note="属于诉讼途径解决的事项",
            actor_id=None,
        )
        assert petition.stage == Stage.NOT_ACCEPTED
        assert notice.kind == NoticeKind.NON_ACCEPTANCE
        assert petition.case.status == CaseStatus.RESOLVED


def test_extension_once_capped_and_only_with_a_leaders_approval(app, petitions_on, users):
    with app.app_context():
        decided = utc_now() - timedelta(days=3)
        petition = accepted(
            petitions_on["A"],
            received=decided - timedelta(days=2),
            decided=decided,
            actor_id=users["staff_a"],
        )
        due_before = petition.due_at
        with pytest.raises(PetitionError, match="不得超过 30 日"):
            services.request_extension(
                petition, days=31, reason="需现场测量", actor_id=users["staff_a"]
            )
        services.request_extension(
            petition, days=20, reason="需现场测量", actor_id=users["staff_a"]
        )
        # Staff cannot approve their own office's extension: a leader must.
        with pytest.raises(PetitionError, match="领导"):
            services.approve_extension(petition, actor_id=users["staff_a"])
        assert petition.due_at == due_before and not petition.extension_days
        notice = services.approve_extension(petition, actor_id=users["leader"], note="同意")
        assert petition.extension_days == 20
        expected = compute_due(
            decided, Limit(60, LimitUnit.CALENDAR_DAYS), extra=Limit(20, LimitUnit.CALENDAR_DAYS)
        )
        assert petition.last_day == expected.last_day
        assert (petition.last_day - decided.astimezone(LOCAL_ZONE).date()).days >= 80
        assert notice.kind == NoticeKind.EXTENSION and "20 日" in notice.body_html
        # The core case follows the petition's deadline.
        assert petition.case.due_at.date() >= petition.last_day - timedelta(days=1)
        db.session.commit()
        with pytest.raises(PetitionError, match="只能延长一次"):
            services.request_extension(petition, days=5, reason="再延", actor_id=users["staff_a"])
        assert petition.extension_days == 20


def test_approving_without_a_request_is_refused(app, petitions_on, users):
    with app.app_context():
        petition = accepted(
            petitions_on["A"],
            received=utc_now() - timedelta(days=3),
            decided=utc_now() - timedelta(days=1),
        )
        due = petition.due_at
        with pytest.raises(PetitionError, match="须先申请"):
            services.approve_extension(petition, actor_id=users["leader"])
        assert petition.due_at == due and petition.extension_days is None


def test_review_window_is_30_days_from_delivery_with_the_holiday_rule(app, petitions_on):
    with app.app_context():
        # Delivered 2025-04-01: 30 days → 05-01, May Day holiday (05-01..05-05) → 05-06.
        petition = replied_and_delivered(petitions_on["A"], delivered=at(2025, 4, 1))
        assert petition.stage == Stage.REVIEW_WINDOW
        assert _last_day(petition) == date(2025, 5, 6)
        db.session.commit()
        with pytest.raises(PetitionError, match="超过期限"):
            services.request_review(petition, requested_at=at(2025, 5, 7), actor_id=None)
        db.session.rollback()
        petition = db.session.get(Petition, petition.id)
        assert petition.stage == Stage.REVIEW_WINDOW and petition.review_case is None
        services.request_review(
            petition, requested_at=at(2025, 5, 6), reason="补偿标准偏低", actor_id=None
        )
        assert petition.stage == Stage.REVIEW
        # The review is due 30 days after the request (05-06 + 30 = 06-05).
        assert _last_day(petition) == date(2025, 6, 5)
        assert petition.review_case.category == "petition_review"


def test_review_needs_the_reply_delivered_first(app, petitions_on):
    with app.app_context():
        petition = accepted(petitions_on["A"])
        services.reply(petition, result="已处理", replied_at=at(2025, 4, 1), actor_id=None)
        assert petition.stage == Stage.REPLIED and petition.due_at is None
        with pytest.raises(PetitionError, match="送达"):
            services.request_review(petition, requested_at=at(2025, 4, 3), actor_id=None)


def test_rereview_with_a_hearing_excluded_and_nothing_after_it(app, petitions_on):
    with app.app_context():
        petition = replied_and_delivered(petitions_on["A"], delivered=at(2025, 4, 1))
        services.request_review(petition, requested_at=at(2025, 4, 10), actor_id=None)
        notice = services.decide_review(
            petition, opinion="维持原处理意见", decided_at=at(2025, 4, 30), actor_id=None
        )
        assert petition.stage == Stage.REVIEW_DECIDED
        services.record_delivery(notice, method="post", delivered_at=at(2025, 5, 8), actor_id=None)
        assert petition.stage == Stage.REREVIEW_WINDOW
        # 05-08 + 30 = 06-07 (Sat) → Mon 06-09.
        assert _last_day(petition) == date(2025, 6, 9)
        services.request_rereview(petition, requested_at=at(2025, 6, 3), actor_id=None)
        assert petition.stage == Stage.REREVIEW
        # 06-03 + 30 = 07-03 (Thu).
        assert _last_day(petition) == date(2025, 7, 3)
        services.start_hearing(
            petition, started_at=at(2025, 6, 10), reason="补偿标准听证", actor_id=None
        )
        with pytest.raises(PetitionError, match="听证尚未结束"):
            services.decide_rereview(
                petition, opinion="x", decided_at=at(2025, 6, 12), actor_id=None
            )
        services.end_hearing(petition, ended_at=at(2025, 6, 20), actor_id=None)
        # Ten days of hearing (06-10 .. 06-19) are not counted: 07-03 + 10 = 07-13 (Sun) → 07-14.
        assert _last_day(petition) == date(2025, 7, 14)
        final = services.decide_rereview(
            petition, opinion="维持复查意见", decided_at=at(2025, 7, 1), actor_id=None
        )
        assert petition.stage == Stage.TERMINATED and final.kind == NoticeKind.REREVIEW
        assert "终结意见" in final.body_html
        assert petition.rereview_case.status == CaseStatus.RESOLVED
        with pytest.raises(PetitionError, match="复核终结"):
            services.request_review(petition, requested_at=at(2025, 7, 2), actor_id=None)
        with pytest.raises(PetitionError, match="复核终结"):
            services.request_rereview(petition, requested_at=at(2025, 7, 2), actor_id=None)


def test_rereview_window_and_order(app, petitions_on):
    with app.app_context():
        petition = replied_and_delivered(petitions_on["A"], delivered=at(2025, 4, 1))
        with pytest.raises(PetitionError, match="请先申请复查"):
            services.request_rereview(petition, requested_at=at(2025, 4, 5), actor_id=None)
        services.request_review(petition, requested_at=at(2025, 4, 10), actor_id=None)
        notice = services.decide_review(
            petition, opinion="维持", decided_at=at(2025, 4, 30), actor_id=None
        )
        services.record_delivery(notice, method="post", delivered_at=at(2025, 5, 8), actor_id=None)
        with pytest.raises(PetitionError, match="超过期限"):
            services.request_rereview(petition, requested_at=at(2025, 6, 10), actor_id=None)
        assert petition.stage == Stage.REREVIEW_WINDOW and petition.rereview_case is None


def test_lapsed_windows_close_and_requests_after_them_are_refused(app, petitions_on):
    with app.app_context():
        petition = replied_and_delivered(petitions_on["A"], delivered=at(2025, 4, 1))
        assert services.close_lapsed_windows(office_ids={petitions_on["A"]}) == 1
        assert petition.stage == Stage.CLOSED
        assert services.close_lapsed_windows() == 0
        with pytest.raises(PetitionError, match="超过期限"):
            services.request_review(petition, requested_at=at(2025, 6, 1), actor_id=None)


def test_case_count_one_per_matter(app, petitions_on):
    with app.app_context():
        petition = replied_and_delivered(petitions_on["A"], delivered=at(2025, 4, 1))
        services.request_review(petition, requested_at=at(2025, 4, 10), actor_id=None)
        cases = db.session.scalar(
            select(func.count()).select_from(Case).where(Case.source_id == str(petition.id))
        )
        assert cases == 2  # the first instance and the review


def test_closing_the_case_from_the_core_records_the_reply(app, petitions_on, users):
    from core.cases import close_case

    with app.app_context():
        petition = accepted(petitions_on["A"], actor_id=users["staff_a"])
        close_case(petition.case, outcome="已协调解决", actor_id=users["staff_a"])
        assert petition.stage == Stage.REPLIED and petition.result == "已协调解决"
        assert [n.kind for n in petition.notices][-1] == NoticeKind.REPLY
