"""Background work of the reception module. Each job takes no arguments and is idempotent.

- ``extend_rosters``: expand every office's rules over the coming weeks, so the schedule always
  reaches ``RECEPTION_HORIZON_DAYS`` ahead (and days that became holidays once the calendar was
  entered drop out).
- ``card_reminders``: tell a leader when an appointment card is waiting for the home visit
  (the leader is back), and again when its limit has passed. Notifications carry a dedupe key,
  so a retried run notifies nobody twice.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import Schedule, db, format_local, mask_name, notify, offices_with, utc_now
from plugins.reception.models import AppointmentCard, CardStatus
from plugins.reception.services.cards import card_colour, clock_start, leader_is_back
from plugins.reception.services.roster import sync_office

PLUGIN = "reception"
AGENDA_URL = "/admin/reception-agenda/"  # the leader's agenda (plugins.reception.admin.agenda)
DESK_URL = "/admin/reception-desk/"  # the staff desk (plugins.reception.admin.desk)


def schedules() -> list[Schedule]:
    """The roster kept expanded ahead (every 6 hours); card reminders (hourly)."""
    return [
        Schedule("reception.extend_rosters", "plugins.reception.jobs:extend_rosters", 21600),
        Schedule("reception.card_reminders", "plugins.reception.jobs:card_reminders", 3600),
    ]


def extend_rosters() -> int:
    """Sync every rule of the offices with the module on; returns the days created."""
    created = 0
    for office_id in offices_with(PLUGIN):
        created += len(sync_office(office_id).created)
    db.session.commit()
    return created


def card_reminders() -> int:
    """Notify leaders of cards awaiting their home visit and of cards past their limit."""
    now = utc_now()
    sent = 0
    offices = offices_with(PLUGIN)
    if not offices:
        return 0
    for card in db.session.scalars(
        select(AppointmentCard).where(
            AppointmentCard.office_id.in_(offices), AppointmentCard.status == CardStatus.OPEN
        )
    ):
        if not leader_is_back(card):
            continue
        url = f"{AGENDA_URL}card/{card.id}"
        notify(
            card.leader_id,
            _("群众预约领导办公卡"),
            _(
                "预约卡 %(no)s（%(name)s）等待您上门走访，期限 %(due)s。",
                no=card.number,
                name=mask_name(card.name),
                due=format_local(card.visit_due_at),
            ),
            url=url,
            dedupe_key=f"reception:card-back:{card.id}:{clock_start(card).isoformat()}",
        )
        sent += 1
        if card_colour(card, now) == "red":
            notify(
                card.leader_id,
                _("预约卡走访已超期"),
                _(
                    "预约卡 %(no)s 已超过上门走访期限（%(due)s），请尽快走访。",
                    no=card.number,
                    due=format_local(card.visit_due_at),
                ),
                url=url,
                dedupe_key=f"reception:card-red:{card.id}:{card.visit_due_at:%Y%m%d}",
            )
            sent += 1
    db.session.commit()
    return sent
