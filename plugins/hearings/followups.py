"""Questions and their follow-ups: answered on the spot, or deferred to a tracked core case.

A deferred answer records the reason, the responsible staff member and the deadline, and opens
a case in the core register (category ``hearing_followup``, channel ``hearing``) whose
deadline the core's engine computes; the case points back to the question through
``source_type="hearing_question"`` and ``source_id``. When the case is closed the core calls
the ``case_closed`` hook, and ``cases.on_case_closed`` publishes the outcome under the hearing.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import User, db, next_number, utc_now
from plugins.hearings.cases import CATEGORY_CODE, SOURCE_TYPE
from plugins.hearings.errors import HearingError
from plugins.hearings.models import (
    HELD_STATUSES,
    AttendeeCategory,
    Hearing,
    HearingStatus,
    Question,
    QuestionStatus,
)

CHANNEL = "meeting"  # core.cases.Channel.MEETING: raised at the hearing
TEXT_MAX = 5000


def _clean(text: str | None, label: str, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise HearingError(_("请填写%(field)s。", field=label))
    if len(text) > TEXT_MAX:
        raise HearingError(_("%(field)s不能超过 %(n)d 个字。", field=label, n=TEXT_MAX))
    return text


def add_question(
    hearing: Hearing,
    *,
    asker_name: str,
    asker_category: str,
    text: str,
    attendee_id: int | None = None,
) -> Question:
    """Record a question raised at the hearing, numbered in order; the caller commits."""
    if hearing.status not in (HearingStatus.ANNOUNCED, *HELD_STATUSES):
        raise HearingError(_("只能为已公告或已举行的听证会记录提问。"))
    try:
        category = AttendeeCategory(asker_category)
    except ValueError:
        raise HearingError(_("请选择提问人类别。")) from None
    name = _clean(asker_name, _("提问人"))
    if len(name) > 64:
        raise HearingError(_("提问人姓名过长。"))
    number = next_number(Question.number, Question.hearing_id == hearing.id)
    question = Question(
        hearing_id=hearing.id,
        office_id=hearing.office_id,
        number=number,
        asker_name=name,
        asker_category=category,
        text=_clean(text, _("问题内容")),
        attendee_id=attendee_id,
    )
    db.session.add(question)
    db.session.flush()
    return question


def answer_on_the_spot(question: Question, *, answer: str, answered_by: str) -> None:
    """Record the answer given at the hearing."""
    if question.status == QuestionStatus.DEFERRED:
        raise HearingError(_("该问题已转为会后限期答复，请在办件中答复。"))
    question.answer = _clean(answer, _("答复内容"))
    question.answered_by = _clean(answered_by, _("答复人"))[:64]
    question.status = QuestionStatus.ANSWERED


def defer(
    question: Question,
    *,
    reason: str,
    responsible_id: int | None,
    actor_id: int | None = None,
    now=None,
):
    """Defer the answer: reason, responsible staff member, and a core case with its deadline.

    Returns the new case. Refused when already deferred, without a reason, or when the
    responsible person is not active staff of the hearing's office.
    """
    if question.status == QuestionStatus.DEFERRED:
        raise HearingError(
            _("该问题已转为会后限期答复（办件号 %(no)s）。", no=question.case_receipt_no or "")
        )
    reason = _clean(reason, _("不能当场答复的原因"))
    responsible = db.session.get(User, responsible_id) if responsible_id else None
    if responsible is None or not responsible.active or responsible.office_id != question.office_id:
        raise HearingError(_("请选择本单位在岗的工作人员作为责任人。"))
    from core.kit import CaseError, open_case

    hearing = question.hearing
    try:
        case = open_case(
            office_id=question.office_id,
            category=CATEGORY_CODE,
            channel=CHANNEL,
            subject=_(
                "听证会后答复：%(title)s（问题 %(n)d）", title=hearing.title, n=question.number
            )[:200],
            content=_("问题：%(q)s\n\n不能当场答复的原因：%(r)s", q=question.text, r=reason),
            applicant_name=question.asker_name,
            applicant_phone=question.attendee.phone if question.attendee else None,
            first_responder_id=actor_id,
            handler_id=responsible.id,
            accepted_at=now or utc_now(),
            source_type=SOURCE_TYPE,
            source_id=str(question.id),
            actor_id=actor_id,
        )
    except CaseError as exc:
        raise HearingError(str(exc)) from None
    db.session.flush()
    question.status = QuestionStatus.DEFERRED
    question.deferred_reason = reason
    question.responsible_id = responsible.id
    question.case_id = case.id
    question.case_receipt_no = case.receipt_no
    question.due_at = case.due_at
    from plugins.hearings.notifications import notify_staff

    notify_staff(
        responsible.id,
        _(
            "您是“%(title)s”问题 %(n)d 的会后答复责任人，办件号 %(no)s。",
            title=hearing.title,
            n=question.number,
            no=case.receipt_no,
        ),
        f"responsible:{question.id}",
    )
    return case


def case_states(case_ids) -> dict[int, str]:
    """Status label of each follow-up case, as residents see it (办理中 / 已超期 / 已办结)."""
    ids = [i for i in case_ids if i]
    if not ids:
        return {}
    from core.kit import Case, CaseStatus

    labels = {}
    now = utc_now()
    for case in db.session.scalars(select(Case).where(Case.id.in_(ids))):
        if case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
            labels[case.id] = _("已办结")
        elif case.colour(now) == "red":
            labels[case.id] = _("已超期，督办中")
        else:
            labels[case.id] = case.status.label
    return labels
