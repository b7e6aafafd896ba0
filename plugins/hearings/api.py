"""The hearings' published data in the public JSON API (/api/v1/hearings/…).

The same masking rules as the residents' pages apply (``disclosure``); drafts and offices that
have the module switched off answer 404.
"""

from datetime import date, datetime

from flask import abort, url_for
from pydantic import BaseModel
from sqlalchemy import select

from core import db
from core.models import Office
from core.modules import is_enabled
from plugins.hearings import disclosure
from plugins.hearings.followups import case_states
from plugins.hearings.models import HELD_STATUSES, Hearing
from plugins.hearings.registration import (
    category_counts,
    places_left,
    registration_closed_reason,
)
from plugins.hearings.timeutil import aware


class HearingSummaryOut(BaseModel):
    """A hearing as listed for residents."""

    id: int
    kind: str
    title: str
    status: str
    status_label: str
    status_reason: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    venue: str | None
    capacity: int
    places_left: int
    registration_open: bool
    url: str


class AttendeeOut(BaseModel):
    """A named attendee: public figures in full, consenting residents as 张某."""

    name: str
    category: str
    detail: str


class QuestionOut(BaseModel):
    """A question with its answer or its follow-up's progress and outcome."""

    number: int
    asker: str
    asker_category: str
    question: str
    status: str
    answer: str
    answered_by: str
    deferred_reason: str
    responsible: str
    due_at: datetime | None
    case_receipt_no: str
    case_status: str
    outcome: str
    outcome_at: datetime | None


class MinutesOut(BaseModel):
    """One published version of the minutes (masked text, sanitised HTML)."""

    number: int
    published_at: datetime
    correction_note: str | None
    markdown: str
    html: str
    pdf_url: str


class HearingOut(HearingSummaryOut):
    """A hearing with everything published about it."""

    issue: str
    decision_date: date | None
    decision_ref: str | None
    attendance_by_category: dict[str, int]
    attendees: list[AttendeeOut]
    unnamed_attendees: int
    questions: list[QuestionOut]
    minutes: list[MinutesOut]
    results_summary: str | None


def _office(code: str) -> Office:
    office = db.session.scalar(select(Office).where(Office.code == code))
    if office is None or not is_enabled("hearings", office.id):
        abort(404)
    return office


def _summary(hearing: Hearing, office: Office) -> dict:
    return {
        "id": hearing.id, "kind": hearing.kind.value, "title": hearing.title,
        "status": hearing.status.value, "status_label": hearing.status.label,
        "status_reason": disclosure.public_reason(hearing.status_reason) or None,
        "starts_at": aware(hearing.starts_at), "ends_at": aware(hearing.ends_at),
        "venue": hearing.venue, "capacity": hearing.capacity,
        "places_left": places_left(hearing),
        "registration_open": registration_closed_reason(hearing) is None,
        "url": url_for("hearings_public.hearing_page", office_code=office.code,
                       hearing_id=hearing.id, _external=True),
    }


def register_endpoints(api) -> None:
    """Add /hearings/<office_code> and /hearings/<office_code>/<id>."""

    @api.route("/hearings/<office_code>", list[HearingSummaryOut], tag="hearings")
    def hearings(office_code):
        """Public hearings of one office, newest first."""
        office = _office(office_code)
        rows = db.session.scalars(select(Hearing).where(
            Hearing.office_id == office.id, Hearing.announced_at.is_not(None))
            .order_by(Hearing.starts_at.desc()).limit(200))
        return [_summary(h, office) for h in rows]

    @api.route("/hearings/<office_code>/<int:hearing_id>", HearingOut, tag="hearings")
    def hearing(office_code, hearing_id):
        """One public hearing: attendees, questions and follow-ups, minutes versions."""
        office = _office(office_code)
        row = db.session.get(Hearing, hearing_id)
        if row is None or row.office_id != office.id or not row.is_public:
            abort(404)
        held = row.status in HELD_STATUSES
        named, unnamed = disclosure.public_attendees(row) if held else ([], 0)
        questions = disclosure.public_questions(row, case_states(q.case_id for q in row.questions))
        data = _summary(row, office)
        data.update({
            "issue": disclosure.public_reason(row.issue),
            "decision_date": row.decision_date, "decision_ref": row.decision_ref,
            "attendance_by_category": {c.value: n for c, n in category_counts(
                row, checked_in=held and any(a.checked_in_at for a in row.attendees)).items()},
            "attendees": [vars(a) for a in named], "unnamed_attendees": unnamed,
            "questions": [{
                "number": q.number, "asker": q.asker, "asker_category": q.asker_category,
                "question": q.text, "status": q.status_code, "answer": q.answer,
                "answered_by": q.answered_by, "deferred_reason": q.deferred_reason,
                "responsible": q.responsible, "due_at": aware(q.due_at),
                "case_receipt_no": q.case_receipt_no, "case_status": q.case_status,
                "outcome": q.outcome, "outcome_at": aware(q.outcome_at)} for q in questions],
            "minutes": [{
                "number": m.number, "published_at": aware(m.published_at),
                "correction_note": m.correction_note, "markdown": m.body_md, "html": m.body_html,
                "pdf_url": url_for("hearings_public.minutes_version_pdf", office_code=office.code,
                                   hearing_id=row.id, number=m.number, _external=True),
            } for m in row.minutes],
            "results_summary": row.results_summary,
        })
        return data
