"""The core's own published fields: offices, the staff directory, a resident's own matter."""

from core.publication.fields import (
    PERSON,
    PUBLIC,
    PUBLIC_PHONE,
    TEXT,
    WITHHELD,
    declare,
    office_text,
)
from core.publication.names import PersonField


def core_declarations():
    """Declarations of the core models residents' pages show."""
    from core.cases.models import Case, OfficeCategoryLimit, Rating
    from core.models import Office, User

    return [
        declare(
            Office,
            {
                "id": PUBLIC,
                "code": PUBLIC,
                "name": PUBLIC,
                "kind": PUBLIC,
                "parent_id": PUBLIC,
                "parent": PUBLIC,
                "children": PUBLIC,
                "sort_order": PUBLIC,
                "address": office_text(),
                "public_phone": PUBLIC_PHONE,
                "office_hours": office_text(),
            },
            office="id",
        ),
        # Staff act in a public role: the directory (佩证上岗) names them with their post.
        declare(
            User,
            {
                "id": PUBLIC,
                "display_name": PUBLIC,
                "post": PUBLIC,
                "staff_number": PUBLIC,
                "contact_phone": PUBLIC_PHONE,
                "office": PUBLIC,
                "office_id": PUBLIC,
                "photo_key": PUBLIC,
                "username": WITHHELD,
                "password_hash": WITHHELD,
            },
        ),
        # A resident's own matter, reached only with its receipt number.
        declare(
            Case,
            {
                "id": PUBLIC,
                "receipt_no": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "category": PUBLIC,
                "channel": PUBLIC,
                "status": PUBLIC,
                "accepted_at": PUBLIC,
                "due_at": PUBLIC,
                "closed_at": PUBLIC,
                "paused_since": PUBLIC,
                "limit_amount": PUBLIC,
                "limit_unit": PUBLIC,
                "extra_amount": PUBLIC,
                "handler": PUBLIC,
                "rating": PUBLIC,
                "subject": TEXT,
                "outcome": TEXT,
                "content": TEXT,
                "applicant_name": PERSON,
                "applicant_phone": WITHHELD,
                "applicant_id_number": WITHHELD,
                "limit": PUBLIC,
                "extra": PUBLIC,
                "is_active": PUBLIC,
                "colour": PUBLIC,
                "step_colour": PUBLIC,
            },
        ),
        declare(
            Rating,
            {"id": PUBLIC, "grade": PUBLIC, "rated_at": PUBLIC, "voided": PUBLIC, "comment": TEXT},
        ),
        declare(OfficeCategoryLimit, {"note": office_text(), "amount": PUBLIC, "unit": PUBLIC}),
    ]


def core_person_fields():
    """The core's columns holding private persons' names."""
    from core.cases.models import Case

    return [PersonField(Case.applicant_name)]
