"""A hearing's attendee list and Q&A as residents see them, built from published views.

What each field may show is declared once in ``plugins.hearings.publication`` and applied by
the core's publication gate; this module only decides who is listed:

- Deputies (人大代表), CPPCC members (政协委员) and officials (工作人员) whom staff put on the
  list act in a public role and are named in full (their names may also stand in the Q&A).
- A private person is listed as 张某 only when they consented (off by default); otherwise
  they are only counted.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import db, publish, publish_many
from plugins.hearings.models import (
    Attendee,
    AttendeeCategory,
    AttendeeStatus,
    Hearing,
    QuestionStatus,
)


@dataclass
class PublicAttendee:
    """A listed attendee: every string came out of the gate."""

    name: str
    category: str
    detail: str  # affiliation of public figures, village of consenting residents


def public_attendees(hearing: Hearing) -> tuple[list[PublicAttendee], int]:
    """(named attendees, number of private persons listed only in the counts).

    Only confirmed attendees are listed; after the hearing, only those who checked in when
    attendance was taken.
    """
    rows = db.session.scalars(
        select(Attendee)
        .where(Attendee.hearing_id == hearing.id, Attendee.status == AttendeeStatus.CONFIRMED)
        .order_by(Attendee.category, Attendee.id)
    ).all()
    if any(a.checked_in_at for a in rows):
        rows = [a for a in rows if a.checked_in_at]
    named, unnamed = [], 0
    order = list(AttendeeCategory)
    for a in publish_many(sorted(rows, key=lambda a: (order.index(a.category), a.id))):
        if a.named_in_full:
            named.append(PublicAttendee(a.name, a.category.label, a.affiliation or ""))
        elif a.consent_public_name:
            named.append(PublicAttendee(a.name, a.category.label, a.village or ""))
        else:
            unnamed += 1
    return named, unnamed


def public_figure_names(hearing: Hearing) -> frozenset[str]:
    """Full names of the hearing's public figures, which may stand in its published texts."""
    names = {a.name.strip() for a in hearing.attendees if a.named_in_full}
    names |= {q.asker_name.strip() for q in hearing.questions if q.asker_named_in_full}
    return frozenset(n for n in names if n)


@dataclass
class PublicQuestion:
    """A question as residents see it: every string came out of the gate."""

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


def public_questions(
    hearing: Hearing, case_states: dict[int, str] | None = None
) -> list[PublicQuestion]:
    """The Q&A as residents see it (askers and texts masked by the gate).

    ``case_states`` maps case id to its status label (from ``followups.case_states``).
    """
    allowed = public_figure_names(hearing)
    out = []
    for q in (publish(row, allowed=allowed) for row in hearing.questions):
        case_state = ""
        if q.status == QuestionStatus.DEFERRED:
            if q.outcome_at:
                case_state = _("已办结")
            else:
                case_state = (case_states or {}).get(q.case_id or 0, _("办理中"))
        out.append(
            PublicQuestion(
                number=q.number,
                asker=q.asker_name,
                asker_category=q.asker_category.label,
                text=q.text,
                status=q.status.label,
                status_code=q.status.value,
                answer=q.answer or "",
                answered_by=q.answered_by or "",
                deferred_reason=q.deferred_reason or "",
                responsible=q.responsible.display_name if q.responsible else "",
                due_at=q.due_at,
                case_receipt_no=q.case_receipt_no or "",
                case_status=case_state,
                outcome=q.outcome or "",
                outcome_at=q.outcome_at,
            )
        )
    return out
