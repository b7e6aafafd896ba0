"""What of the reception module residents may see, declared for the core's publication gate.

Reception days are published with their slots: the duty leader (an official, by name and
post) and the hours as stored; the place and the note are written by the office for the public
and may carry its landline (``office_text``); the cancellation reason is free text, masked like
any other. A booking is shown only to whoever holds its code, with the name as 张某. Names of
residents who book, write, visit, call or fill an appointment card are private persons'.
"""

from core.kit import PERSON, PUBLIC, TEXT, WITHHELD, PersonField, declare, office_text
from plugins.reception.models import (
    AppointmentCard,
    Booking,
    ReceptionDay,
    ReceptionMatter,
    ReceptionSlot,
)


def declarations():
    """The published fields of reception days, slots and a resident's own booking."""
    return [
        declare(
            ReceptionDay,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "day": PUBLIC,
                "start_time": PUBLIC,
                "end_time": PUBLIC,
                "leader_id": PUBLIC,
                "leader": PUBLIC,
                "status": PUBLIC,
                "is_cancelled": PUBLIC,
                "nominal_day": PUBLIC,
                "slots": PUBLIC,
                "updated_at": PUBLIC,
                "place": office_text(),
                "note": office_text(),
                "cancel_reason": TEXT,
            },
        ),
        declare(
            ReceptionSlot,
            {
                "id": PUBLIC,
                "day_id": PUBLIC,
                "office_id": PUBLIC,
                "start_time": PUBLIC,
                "end_time": PUBLIC,
                "capacity": PUBLIC,
                "day": PUBLIC,
            },
        ),
        # Shown only on the page reached with the booking's confirmation code.
        declare(
            Booking,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "day_id": PUBLIC,
                "day": PUBLIC,
                "slot_id": PUBLIC,
                "slot": PUBLIC,
                "day_date": PUBLIC,
                "leader_id": PUBLIC,
                "code": PUBLIC,
                "status": PUBLIC,
                "name": PERSON,
                "cancel_note": TEXT,
                "phone": WITHHELD,
                "phone_hash": WITHHELD,
                "village": WITHHELD,
                "matter": WITHHELD,
            },
        ),
    ]


def person_fields():
    """Columns holding the names of residents: bookers, visitors, letter writers, callers,
    and the residents named on appointment cards."""
    return [
        PersonField(Booking.name),
        PersonField(ReceptionMatter.name),
        PersonField(AppointmentCard.name),
    ]
