"""What residents may see of a hearing, declared once for the core's publication gate.

Every field a residents' page, feed, PDF or the API shows has a class here (see
``core.publication.fields``): deputies, CPPCC members and officials whom staff put on the list
are named in full, every other person as 张某; free text (the issue, reasons, questions,
answers, outcomes, the minutes and their correction notes, the venue, a village typed on the
form) goes through the masker; phones, confirmation codes and drafts are withheld. Minutes
versions may be withdrawn by a leader.
"""

from flask_babel import lazy_gettext as _l

from core.kit import (
    HTML,
    MARKDOWN,
    PUBLIC,
    TEXT,
    WITHHELD,
    PersonField,
    declare,
    office_text,
    person,
)
from plugins.hearings.models import (
    Attendee,
    Hearing,
    MinutesVersion,
    ParticipantMessage,
    Question,
)

_ROW = {
    "id": PUBLIC,
    "office_id": PUBLIC,
    "office": PUBLIC,
    "created_at": PUBLIC,
    "updated_at": PUBLIC,
}


def declarations():
    """The hearings module's published fields (the ``publication_fields`` hook)."""
    return [
        declare(
            Hearing,
            {
                **_ROW,
                "kind": PUBLIC,
                "title": PUBLIC,
                "status": PUBLIC,
                "version": PUBLIC,
                "issue": TEXT,
                "decision_date": PUBLIC,
                "decision_ref": office_text(),
                "venue": office_text(),
                "starts_at": PUBLIC,
                "ends_at": PUBLIC,
                "capacity": PUBLIC,
                "waitlist_size": PUBLIC,
                "registration_closes_at": PUBLIC,
                "status_reason": TEXT,
                "status_changed_at": PUBLIC,
                "announced_at": PUBLIC,
                "held_at": PUBLIC,
                "results_summary": TEXT,
                "results_published_at": PUBLIC,
                "is_public": PUBLIC,
                "attendees": PUBLIC,
                "questions": PUBLIC,
                "minutes": PUBLIC,
                "minutes_draft": WITHHELD,
                "minutes_draft_updated_at": WITHHELD,
                "organiser": WITHHELD,
                "registration_seq": WITHHELD,
                "messages": WITHHELD,
            },
        ),
        declare(
            Attendee,
            {
                **_ROW,
                "hearing_id": PUBLIC,
                "hearing": PUBLIC,
                "name": person(public_when="named_in_full"),
                "category": PUBLIC,
                # Typed freely on the public form: a village may come with a name or a phone.
                "village": TEXT,
                "affiliation": TEXT,
                "status": PUBLIC,
                "source": PUBLIC,
                "named_in_full": PUBLIC,
                "consent_public_name": PUBLIC,
                "checked_in_at": PUBLIC,
                "promoted_at": PUBLIC,
                "withdrawn_at": PUBLIC,
                "phone": WITHHELD,
                "phone_hash": WITHHELD,
                "code": WITHHELD,
                "user": WITHHELD,
            },
        ),
        declare(
            Question,
            {
                **_ROW,
                "hearing_id": PUBLIC,
                "hearing": PUBLIC,
                "number": PUBLIC,
                "asker_name": person(public_when="asker_named_in_full"),
                "asker_category": PUBLIC,
                "asker_named_in_full": PUBLIC,
                "text": TEXT,
                "status": PUBLIC,
                "answer": TEXT,
                "answered_by": person(public_when="answered_by_official"),
                "deferred_reason": TEXT,
                "responsible": PUBLIC,
                "due_at": PUBLIC,
                "case_id": PUBLIC,
                "case_receipt_no": PUBLIC,
                "outcome": TEXT,
                "outcome_at": PUBLIC,
                "attendee": WITHHELD,
            },
        ),
        declare(
            MinutesVersion,
            {
                **_ROW,
                "hearing_id": PUBLIC,
                "hearing": PUBLIC,
                "number": PUBLIC,
                "body_md": MARKDOWN,
                "body_html": HTML,
                "correction_note": TEXT,
                "published_at": PUBLIC,
                "search_text": WITHHELD,
                "published_by_name": WITHHELD,
                "pdf_key": WITHHELD,
                "pdf_pages": PUBLIC,
                "pdf_rendered_at": PUBLIC,
                "audio_key": WITHHELD,
                "audio_mimetype": PUBLIC,
                "audio_seconds": PUBLIC,
                "audio_made_at": PUBLIC,
            },
            withdrawable=True,
            office="office_id",
            kind_label=_l("听证会纪要（版本）"),
        ),
        # A resident's own messages, shown on their registration page (reached by code).
        declare(
            ParticipantMessage,
            {
                "id": PUBLIC,
                "body": TEXT,
                "channel": PUBLIC,
                "status": PUBLIC,
                "created_at": PUBLIC,
                "recipient_masked": WITHHELD,
            },
        ),
    ]


def person_fields():
    """Columns holding private persons' names (the ``private_person_fields`` hook)."""
    return [
        PersonField(Attendee.name, public_when="named_in_full"),
        PersonField(Question.asker_name, public_when="asker_named_in_full"),
    ]


def record_changed(record) -> None:
    """A minutes version changed or was withdrawn: drop its cached PDF and its audio (made
    again from the published view on the next request or job, or not at all once withdrawn)."""
    if not isinstance(record, MinutesVersion):
        return
    from core.kit import get_storage

    if record.pdf_key:
        get_storage().delete(record.pdf_key)
        record.pdf_key = None
        record.pdf_pages = None
        record.pdf_rendered_at = None
    from plugins.hearings.audio import drop_audio

    drop_audio(record)
