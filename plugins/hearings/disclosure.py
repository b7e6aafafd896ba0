"""What residents may see of a hearing: the masking rules in one place.

- No phone or ID number ever leaves the staff side.
- Deputies (人大代表), CPPCC members (政协委员) and officials (工作人员) act in a public role and
  are named in full.
- Private persons appear as surname + 某 (张某), the rule courts use when publishing judgments;
  on the public attendee list only when they consented (off by default) — otherwise they are
  only counted.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from core import db
from core.masking import mask_name, mask_text
from plugins.hearings.models import (
    Attendee,
    AttendeeCategory,
    AttendeeStatus,
    Hearing,
    QuestionStatus,
)


def public_name(name: str, category: AttendeeCategory) -> str:
    """A person's name as published: in full for public figures, else 张某."""
    return name if category.is_public_figure else mask_name(name)


@dataclass
class PublicAttendee:
    name: str
    category: str
    detail: str  # affiliation of public figures, village of consenting residents


def public_attendees(hearing: Hearing) -> tuple[list[PublicAttendee], int]:
    """(named attendees, number of private persons listed only in the counts).

    Only confirmed attendees are listed; after the hearing, only those who checked in when
    attendance was taken.
    """
    rows = db.session.scalars(
        select(Attendee).where(Attendee.hearing_id == hearing.id,
                               Attendee.status == AttendeeStatus.CONFIRMED)
        .order_by(Attendee.category, Attendee.id)
    ).all()
    if any(a.checked_in_at for a in rows):
        rows = [a for a in rows if a.checked_in_at]
    named, unnamed = [], 0
    order = list(AttendeeCategory)
    for a in sorted(rows, key=lambda a: (order.index(a.category), a.id)):
        if a.named_in_full:
            named.append(PublicAttendee(a.name, a.category.label, a.affiliation or ""))
        elif a.consent_public_name:
            named.append(PublicAttendee(mask_name(a.name), a.category.label, a.village or ""))
        else:
            unnamed += 1
    return named, unnamed


def private_and_public_names(hearing: Hearing) -> tuple[set[str], set[str]]:
    """Full names on the hearing's lists, split into private persons and public figures."""
    private, public = set(), set()
    for a in hearing.attendees:
        (public if a.named_in_full else private).add(a.name.strip())
    for q in hearing.questions:
        (public if q.asker_category.is_public_figure else private).add(q.asker_name.strip())
    return private, public


@dataclass
class PublicQuestion:
    number: int
    asker: str
    asker_category: str
    text: str
    status: str
    status_code: str
    answer: str
    answered_by: str
    deferred_reason: str
    responsible: str
    due_at: object
    case_receipt_no: str
    case_status: str
    outcome: str
    outcome_at: object


def public_questions(hearing: Hearing, case_states: dict[int, str] | None = None) -> list[PublicQuestion]:
    """The Q&A as residents see it: askers masked by the rule above, texts with phones starred.

    ``case_states`` maps case id to its status label (from ``followups.case_states``).
    """
    private, public = private_and_public_names(hearing)
    from plugins.hearings.minutes import withhold_personal_data

    def clean(text):
        return withhold_personal_data(text or "", private, public)

    out = []
    for q in hearing.questions:
        case_state = ""
        if q.status == QuestionStatus.DEFERRED:
            if q.outcome_at:
                case_state = _("已办结")
            else:
                case_state = (case_states or {}).get(q.case_id or 0, _("办理中"))
        out.append(PublicQuestion(
            number=q.number, asker=public_name(q.asker_name, q.asker_category),
            asker_category=q.asker_category.label, text=clean(q.text), status=q.status.label,
            status_code=q.status.value, answer=clean(q.answer), answered_by=q.answered_by or "",
            deferred_reason=clean(q.deferred_reason),
            responsible=q.responsible.display_name if q.responsible else "",
            due_at=q.due_at, case_receipt_no=q.case_receipt_no or "", case_status=case_state,
            outcome=clean(q.outcome), outcome_at=q.outcome_at,
        ))
    return out


def public_reason(text: str | None) -> str:
    """A cancellation/postponement reason as published (phones starred)."""
    return mask_text(text or "")
