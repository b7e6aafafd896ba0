"""Dashboard tiles of the reception module (a few cheap queries)."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_

from core.kit import Widget, count_rows, local_today, utc_now
from plugins.reception.models import (
    AppointmentCard,
    Booking,
    BookingStatus,
    CardStatus,
    DayStatus,
    ReceptionDay,
    ReceptionMatter,
)


def widgets(user, office_ids) -> list[Widget]:
    """Today's bookings; cards waiting for a home visit (red when overdue); open matters."""
    ids = list(office_ids)
    now, today = utc_now(), local_today()
    days_today = count_rows(
        ReceptionDay,
        ReceptionDay.office_id.in_(ids),
        ReceptionDay.day == today,
        ReceptionDay.status == DayStatus.SCHEDULED,
    )
    booked_today = count_rows(
        Booking,
        Booking.office_id.in_(ids),
        Booking.day_date == today,
        Booking.status == BookingStatus.BOOKED,
    )
    cards_open = count_rows(
        AppointmentCard,
        AppointmentCard.office_id.in_(ids),
        AppointmentCard.status == CardStatus.OPEN,
        or_(
            AppointmentCard.expected_back_on <= today,
            AppointmentCard.leader_back_on <= today,
        ),
    )
    cards_red = count_rows(
        AppointmentCard,
        AppointmentCard.office_id.in_(ids),
        AppointmentCard.status == CardStatus.OPEN,
        AppointmentCard.visit_due_at < now,
    )
    matters_open = count_rows(
        ReceptionMatter, ReceptionMatter.office_id.in_(ids), ReceptionMatter.closed_at.is_(None)
    )
    desk = url_for("reception_desk.index")
    return [
        Widget(
            title=_("今日领导接待预约"),
            value=booked_today,
            url=desk,
            note=_("今日接待日 %(n)d 个", n=days_today) if days_today else _("今日无接待日"),
        ),
        Widget(
            title=_("预约卡待上门走访"),
            value=cards_open,
            url=url_for("reception_desk.cards"),
            tone="alert" if cards_red else ("warn" if cards_open else "ok"),
            note=_("其中已超期 %(n)d 张", n=cards_red) if cards_red else "",
        ),
        Widget(
            title=_("接待事项办理中"),
            value=matters_open,
            url=desk,
            tone="warn" if matters_open else "ok",
        ),
    ]
