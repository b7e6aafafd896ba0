"""Telling participants what happened: in-app for staff, SMS/e-mail for residents.

Residents' messages go through a pluggable sender. A deployment names its gateway in
``HEARINGS_SENDER = "package.module:factory"`` (the factory returns an object with a
``channel`` attribute and ``send(recipient, body) -> bool``); without one, the
``RecordingSender`` keeps the message in ``hearing_message`` marked "recorded" (not sent), so
staff can see what would have gone out. Messages are queued inside the caller's transaction
and delivered by the ``deliver_messages`` job after it commits.
"""

import logging
from typing import Protocol

from flask import current_app
from sqlalchemy import select

from core.kit import db, mask_phone
from plugins.hearings.models import Attendee, AttendeeStatus, Hearing, ParticipantMessage

log = logging.getLogger(__name__)

PENDING, RECORDED, SENT, FAILED = "pending", "recorded", "sent", "failed"


class Sender(Protocol):
    """What an SMS or e-mail gateway offers the plugin."""

    channel: str

    def send(self, recipient: str, body: str) -> bool:
        """Hand one message to the gateway; True when it was really sent."""


class RecordingSender:
    """The default: nothing leaves the system; the message row is the record."""

    channel = "sms"

    def send(self, recipient: str, body: str) -> bool:
        """Record only (returns False: not sent)."""
        return False


def get_sender() -> Sender:
    """The configured sender, or the recording one."""
    path = current_app.config.get("HEARINGS_SENDER")
    if not path:
        return RecordingSender()
    from core.kit import resolve

    return resolve(path)()


def notify_staff(user_id: int, body: str, dedupe_key: str, url: str | None = None) -> None:
    """An in-app notification to a staff member (once per ``dedupe_key``); the caller commits."""
    from core.kit import notify
    from plugins.hearings import manifest

    notify(user_id, str(manifest.title), body, url=url, dedupe_key=f"hearings:{dedupe_key}")


def message_attendee(
    attendee: Attendee, body: str, *, dedupe_key: str
) -> ParticipantMessage | None:
    """Queue one message to one participant (once per ``dedupe_key``, which names the
    attendee); the caller commits.

    Staff with an account get an in-app notification; residents with a phone get a message
    through the sender after commit. Returns the queued row, or None when nothing was queued.
    """
    if attendee.user_id:
        notify_staff(attendee.user_id, body, dedupe_key)
        return None
    if not attendee.phone:
        return None
    key = dedupe_key
    if db.session.scalar(select(ParticipantMessage.id).where(ParticipantMessage.dedupe_key == key)):
        return None
    message = ParticipantMessage(
        hearing_id=attendee.hearing_id,
        office_id=attendee.office_id,
        attendee_id=attendee.id,
        channel=get_sender().channel,
        recipient_masked=mask_phone(attendee.phone),
        body=body,
        status=PENDING,
        dedupe_key=key,
    )
    db.session.add(message)
    return message


def message_participants(hearing: Hearing, body: str, *, key: str) -> int:
    """Queue ``body`` to every confirmed and waiting participant; returns how many."""
    count = 0
    people = db.session.scalars(
        select(Attendee).where(
            Attendee.hearing_id == hearing.id,
            Attendee.status.in_((AttendeeStatus.CONFIRMED, AttendeeStatus.WAITING)),
        )
    ).all()
    for person in people:
        if person.user_id:
            notify_staff(person.user_id, body, f"{key}:{person.id}")
            count += 1
        elif message_attendee(person, body, dedupe_key=f"{key}:{person.id}") is not None:
            count += 1
    return count


def deliver_pending(hearing_id: int) -> int:
    """Hand the hearing's pending messages to the sender; returns how many were handled."""
    sender = get_sender()
    rows = db.session.scalars(
        select(ParticipantMessage)
        .where(ParticipantMessage.hearing_id == hearing_id, ParticipantMessage.status == PENDING)
        .order_by(ParticipantMessage.id)
    ).all()
    for row in rows:
        attendee = row.attendee
        if attendee is None or not attendee.phone:
            row.status, row.error = FAILED, "no recipient"
            continue
        try:
            row.status = SENT if sender.send(attendee.phone, row.body) else RECORDED
        except Exception as exc:  # one failing gateway call must not stop the others
            log.warning("hearing message %s not sent: %s", row.id, type(exc).__name__)
            row.status, row.error = FAILED, type(exc).__name__[:200]
        # Commit each message as soon as it is handed over, so a retry never sends it twice.
        db.session.commit()
    db.session.commit()
    return len(rows)
