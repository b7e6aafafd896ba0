"""The demo township's hearings: a held land-transfer hearing with minutes, a deputy, a
deferred question tracked as a case; and an upcoming road hearing open for registration."""

import re

from sqlalchemy import func, select
from support import text_of

from core.cases import Case
from core.extensions import db
from core.models import Office
from plugins.hearings.demo import HELD_TITLE, UPCOMING_TITLE
from plugins.hearings.models import Attendee, Hearing, HearingStatus, Question, QuestionStatus


def test_hook_load_demo_data_is_complete_and_safe_twice(app, client, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        held = db.session.scalar(select(Hearing).where(Hearing.title == HELD_TITLE))
        assert held.status == HearingStatus.MINUTES_PUBLISHED
        assert db.session.scalar(select(func.count()).select_from(Hearing)) == 2
        categories = {a.category.value for a in held.attendees}
        assert {"npc_deputy", "cppcc_member", "retired_cadre", "concerned"} <= categories
        deferred = db.session.scalar(
            select(Question).where(Question.status == QuestionStatus.DEFERRED)
        )
        case = db.session.get(Case, deferred.case_id)
        assert case.source_type == "hearing_question" and case.category == "hearing_followup"
        upcoming = db.session.scalar(select(Hearing).where(Hearing.title == UPCOMING_TITLE))
        assert upcoming.status == HearingStatus.ANNOUNCED
        assert db.session.scalar(select(func.count()).select_from(Attendee)) == 11
        code = db.session.get(Office, held.office_id).code
        held_id = held.id
    page = client.get(f"/o/{code}/hearings/{held_id}").get_data(as_text=True)
    assert not re.search(r"1[3-9]\d{9}", page)
    text = text_of(client.get(f"/o/{code}/hearings/{held_id}"))
    assert "王建国" in text and "刘某" in text and "刘长顺" not in text and "会后限期答复" in text
