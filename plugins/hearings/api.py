"""The hearings' published data in the public JSON API (/api/v1/hearings/…).

Records are read only through the publication gate (``publish``; classes in
``plugins.hearings.publication``) and every string field is typed with its class from
``core.publication.schema``, so the API shows exactly what the pages show. Drafts and offices
that have the module switched off answer 404; a withdrawn minutes version keeps only its
number and withdrawal date.
"""

from datetime import date, datetime

from flask import abort
from pydantic import BaseModel
from sqlalchemy import select

from core.kit import (
    Gated,
    HtmlText,
    MarkdownText,
    Office,
    OfficeText,
    PersonName,
    PublicStr,
    Text,
    db,
    is_enabled,
    public_url,
    publish,
    publish_many,
)
from plugins.hearings import public_lists
from plugins.hearings.followups import case_states
from plugins.hearings.models import HELD_STATUSES, Hearing
from plugins.hearings.registration import (
    category_counts,
    places_left,
    registration_closed_reason,
)


class HearingSummaryOut(BaseModel):
    """A hearing as listed for residents."""

    id: int
    kind: PublicStr
    title: PublicStr
    status: PublicStr
    status_label: PublicStr
    status_reason: Text | None
    starts_at: datetime | None
    ends_at: datetime | None
    venue: OfficeText | None
    capacity: int
    places_left: int
    registration_open: bool
    url: PublicStr


class AttendeeOut(BaseModel):
    """A named attendee: public figures in full, consenting residents as 张某."""

    name: PersonName
    category: PublicStr
    detail: Text


class QuestionOut(BaseModel):
    """A question with its answer or its follow-up's progress and outcome."""

    number: int
    asker: PersonName
    asker_category: PublicStr
    question: Text
    status: PublicStr
    answer: Text
    answered_by: PersonName
    deferred_reason: Text
    responsible: PublicStr
    due_at: datetime | None
    case_receipt_no: PublicStr
    case_status: PublicStr
    outcome: Text
    outcome_at: datetime | None


class MinutesOut(BaseModel):
    """One published version of the minutes (masked text, sanitised HTML); a withdrawn
    version keeps its number and the withdrawal date, its texts and PDF are gone."""

    number: int
    published_at: datetime
    withdrawn: bool
    withdrawn_at: datetime | None
    correction_note: Text | None
    markdown: MarkdownText
    html: HtmlText
    pdf_url: PublicStr
    audio_url: PublicStr  # the version read aloud (MP3); "" while it is not made or withdrawn
    audio_seconds: float | None


class HearingOut(HearingSummaryOut):
    """A hearing with everything published about it."""

    issue: Text
    decision_date: date | None
    decision_ref: OfficeText | None
    attendance_by_category: dict[str, int]
    attendees: list[AttendeeOut]
    unnamed_attendees: int
    questions: list[QuestionOut]
    minutes: list[MinutesOut]
    results_summary: Text | None


def _office(code: str) -> Office:
    office = db.session.scalar(select(Office).where(Office.code == code))
    if office is None or not is_enabled("hearings", office.id):
        abort(404)
    return office


def _summary(hearing: Hearing, office: Office) -> dict:
    hearing = publish(hearing)
    return {
        "id": hearing.id,
        "kind": hearing.kind.value,
        "title": hearing.title,
        "status": hearing.status.value,
        "status_label": hearing.status.label,
        "status_reason": hearing.status_reason or None,
        "starts_at": hearing.starts_at,
        "ends_at": hearing.ends_at,
        "venue": hearing.venue,
        "capacity": hearing.capacity,
        "places_left": places_left(hearing),
        "registration_open": registration_closed_reason(hearing) is None,
        "url": public_url(
            "hearings_public.hearing_page", office_code=office.code, hearing_id=hearing.id
        ),
    }


def _minutes(version, office: Office, hearing: Hearing) -> dict:
    """One published version as the API gives it (``version`` is a published view)."""
    from plugins.hearings.minutes import published_html

    if version.withdrawn:
        return {
            "number": version.number,
            "published_at": version.published_at,
            "withdrawn": True,
            "withdrawn_at": version.withdrawal.withdrawn_at,
            "correction_note": None,
            "markdown": "",
            "html": "",
            "pdf_url": "",
            "audio_url": "",
            "audio_seconds": None,
        }
    return {
        "number": version.number,
        "published_at": version.published_at,
        "withdrawn": False,
        "withdrawn_at": None,
        "correction_note": version.correction_note,
        "markdown": version.body_md,
        "html": Gated(published_html(version.body_md)),
        "pdf_url": public_url(
            "hearings_public.minutes_version_pdf",
            office_code=office.code,
            hearing_id=hearing.id,
            number=version.number,
        ),
        "audio_url": public_url(
            "hearings_public.minutes_version_audio",
            office_code=office.code,
            hearing_id=hearing.id,
            number=version.number,
        )
        if version.audio_made_at
        else "",
        "audio_seconds": version.audio_seconds if version.audio_made_at else None,
    }


def register_endpoints(api) -> None:
    """Add /hearings/<office_code> and /hearings/<office_code>/<id>."""

    @api.route("/hearings/<office_code>", list[HearingSummaryOut], tag="hearings")
    def hearings(office_code):
        """Public hearings of one office, newest first."""
        office = _office(office_code)
        rows = db.session.scalars(
            select(Hearing)
            .where(Hearing.office_id == office.id, Hearing.announced_at.is_not(None))
            .order_by(Hearing.starts_at.desc())
            .limit(200)
        )
        return [_summary(h, office) for h in rows]

    @api.route("/hearings/<office_code>/<int:hearing_id>", HearingOut, tag="hearings")
    def hearing(office_code, hearing_id):
        """One public hearing: attendees, questions and follow-ups, minutes versions."""
        office = _office(office_code)
        row = db.session.get(Hearing, hearing_id)
        if row is None or row.office_id != office.id or not row.is_public:
            abort(404)
        held = row.status in HELD_STATUSES
        named, unnamed = public_lists.public_attendees(row) if held else ([], 0)
        questions = public_lists.public_questions(
            row, case_states(q.case_id for q in row.questions)
        )
        data = _summary(row, office)
        published = publish(row)
        data.update(
            {
                "issue": published.issue or "",
                "decision_date": published.decision_date,
                "decision_ref": published.decision_ref,
                "attendance_by_category": {
                    c.value: n
                    for c, n in category_counts(
                        row, checked_in=held and any(a.checked_in_at for a in row.attendees)
                    ).items()
                },
                "attendees": [vars(a) for a in named],
                "unnamed_attendees": unnamed,
                "questions": [
                    {
                        "number": q.number,
                        "asker": q.asker,
                        "asker_category": q.asker_category,
                        "question": q.text,
                        "status": q.status_code,
                        "answer": q.answer,
                        "answered_by": q.answered_by,
                        "deferred_reason": q.deferred_reason,
                        "responsible": q.responsible,
                        "due_at": q.due_at,
                        "case_receipt_no": q.case_receipt_no,
                        "case_status": q.case_status,
                        "outcome": q.outcome,
                        "outcome_at": q.outcome_at,
                    }
                    for q in questions
                ],
                "minutes": [_minutes(m, office, row) for m in publish_many(row.minutes)],
                "results_summary": published.results_summary,
            }
        )
        return data
