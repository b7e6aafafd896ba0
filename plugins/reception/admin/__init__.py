"""Staff screens of the reception module, one module per screen group:

- ``desk``: the reception desk (接待工作台), put together from ``roster`` (the roster and its
  exceptions), ``day`` (a day's bookings, walk-ins and register, the day sheet) and ``cards``
  (appointment cards from filling to outcome), with the monthly figures; ``base`` holds what
  they share (scope, loading rows, the helpers their templates use);
- ``agenda``: a leader's own agenda (我的接待日程);
- ``lists``: the lists (rules, days, bookings, matters, cards, roster changes, settings).
"""

from flask_babel import lazy_gettext as _l


def admin_views() -> list:
    """Every staff screen of the module: desk, agenda, then the lists."""
    from plugins.reception.admin.agenda import AgendaView
    from plugins.reception.admin.desk import DeskView
    from plugins.reception.admin.lists import model_views
    from plugins.reception.jobs import AGENDA_URL, DESK_URL

    return [
        DeskView(name=_l("接待工作台"), endpoint="reception_desk", url=DESK_URL.rstrip("/")),
        AgendaView(
            name=_l("我的接待日程"), endpoint="reception_agenda", url=AGENDA_URL.rstrip("/")
        ),
        *model_views(),
    ]
