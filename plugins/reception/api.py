"""The reception schedule in the public JSON API (/api/v1/reception/…).

Schedule only: days, hours, places, duty leaders (public officials, by name and post) and free
places per slot. Nothing about bookings or the residents who made them. Days are read through
the publication gate (published views), so place, note and cancellation reason are masked as
on the pages; URLs are built on the configured public base URL.
"""

from datetime import date, time

from flask import g
from pydantic import BaseModel

from core.kit import OfficeText, PublicStr, Text, public_url, publish_many
from plugins.reception.public import upcoming_days
from plugins.reception.services.booking import free_places
from plugins.reception.services.roster import leader_title


class SlotOut(BaseModel):
    """A bookable part of a reception day."""

    id: int
    start: time
    end: time
    capacity: int
    free: int


class ReceptionDayOut(BaseModel):
    """A reception day as residents see it."""

    id: int
    date: date
    start: time
    end: time
    place: OfficeText
    leader: PublicStr
    status: PublicStr
    cancel_reason: Text | None
    moved_from: date | None
    note: OfficeText | None
    slots: list[SlotOut]
    url: PublicStr


def day_out(day) -> dict:
    """The published facts of one reception day (``day`` is a published view)."""
    free = free_places(day) if not day.is_cancelled else {}
    return {
        "id": day.id,
        "date": day.day,
        "start": day.start_time,
        "end": day.end_time,
        "place": day.place,
        "leader": leader_title(day.leader),
        "status": day.status.value,
        "cancel_reason": day.cancel_reason if day.is_cancelled else None,
        "moved_from": day.nominal_day,
        "note": day.note,
        "slots": [
            {
                "id": s.id,
                "start": s.start_time,
                "end": s.end_time,
                "capacity": s.capacity,
                "free": free.get(s.id, 0),
            }
            for s in day.slots
        ],
        "url": public_url("reception_public.day_page", office_code=day.office.code, day_id=day.id),
    }


def register_endpoints(api) -> None:
    """Add the schedule endpoint to the public API."""

    @api.route("/reception/<office_code>/days", list[ReceptionDayOut])
    def reception_days(office_code):
        """The office's coming reception days with free places per slot.

        Cancelled days are included with their published reason; no personal data.
        """
        return [day_out(d) for d in publish_many(upcoming_days([g.office.id]))]
