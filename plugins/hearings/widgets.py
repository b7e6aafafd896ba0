"""Dashboard tiles of the hearings module (one cheap query each)."""

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _

from core.kit import Widget, count_rows, utc_now
from plugins.hearings.models import Hearing, HearingStatus, Question, QuestionStatus


def widgets(user, office_ids) -> list[Widget]:
    """Upcoming hearings; held hearings whose minutes are 3+ days late; open follow-ups."""
    now = utc_now()
    upcoming = count_rows(
        Hearing,
        Hearing.office_id.in_(office_ids),
        Hearing.status == HearingStatus.ANNOUNCED,
        Hearing.starts_at >= now,
    )
    late = count_rows(
        Hearing,
        Hearing.office_id.in_(office_ids),
        Hearing.status == HearingStatus.HELD,
        Hearing.held_at <= now - timedelta(days=3),
    )
    open_followups = count_rows(
        Question,
        Question.office_id.in_(office_ids),
        Question.status == QuestionStatus.DEFERRED,
        Question.outcome_at.is_(None),
    )
    desk = url_for("hearings_desk.index")
    return [
        Widget(title=_("待举行的听证会"), value=upcoming, url=desk),
        Widget(
            title=_("纪要逾期未公开"),
            value=late,
            url=desk,
            tone="alert" if late else "ok",
            note=_("举行后 3 天以上"),
        ),
        Widget(
            title=_("听证会后待答复事项"),
            value=open_followups,
            url=url_for("hearings_questions.index_view"),
            tone="warn" if open_followups else "ok",
        ),
    ]
