"""Hearings and the core's case register: the follow-up category, and closed cases' outcomes.

A question deferred at a hearing becomes a core case (``followups.defer``) of the category
declared here; when that case is closed, its outcome is published under the hearing.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.kit import db, utc_now
from plugins.hearings.models import HearingStatus, Question

CATEGORY_CODE = "hearing_followup"
SOURCE_TYPE = "hearing_question"


def categories() -> list:
    """The core case category of hearing follow-ups (``hearing_followup``): 15 working days.

    Why 15 working days: the rulebook gives a matter that needs research or a superior's
    answer (咨询需调研或请示) "half a month"; a question deferred at a hearing is exactly such a
    matter. Counted in working days on the official calendar, half a month keeps its meaning
    when a hearing falls just before the Spring Festival or National Day week, instead of
    losing half the time to a statutory holiday; and residents who watched the question being
    deferred can check the date against the published calendar. Extensions follow the core's
    approval rule (the rulebook allows up to one month with the responsible leader's
    approval).
    """
    from core.kit import CategorySpec, Limit, LimitUnit

    return [
        CategorySpec(
            code=CATEGORY_CODE,
            title=_l("听证质询会后答复"),
            limit=Limit(15, LimitUnit.WORKING_DAYS),
            max_limit=Limit(1, LimitUnit.MONTHS),
        )
    ]


def on_case_closed(case) -> Question | None:
    """Publish a closed follow-up case's outcome under its hearing and tell the participants.

    When it was the hearing's last open follow-up and the minutes are out, the hearing's
    results are published. Returns the question, or None for cases of other origins.
    """
    if getattr(case, "source_type", None) != SOURCE_TYPE or not case.source_id:
        return None
    try:
        question = db.session.get(Question, int(case.source_id))
    except ValueError:
        return None
    if question is None:
        return None
    hearing = question.hearing
    question.outcome = case.outcome or _("已办结。")  # masked on the way out (TEXT)
    question.outcome_at = case.closed_at or utc_now()
    from plugins.hearings.notifications import message_participants

    message_participants(
        hearing,
        _(
            "“%(title)s”问题 %(n)d 已办结，办理结果已在听证会页面公开。",
            title=hearing.title,
            n=question.number,
        ),
        key=f"outcome:{question.id}",
    )
    from plugins.hearings.services import open_followups, publish_results

    if hearing.status == HearingStatus.MINUTES_PUBLISHED and open_followups(hearing) == 0:
        publish_results(hearing)
    return question
