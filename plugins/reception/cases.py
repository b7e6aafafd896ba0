"""The reception module and the core's cases: the category its matters and cards are handed
over as, and the outcome of a closed case copied back onto the matter or card it came from."""

from flask_babel import lazy_gettext as _l

from core.kit import CategorySpec, Limit, LimitUnit, db, utc_now
from plugins.reception.models import AppointmentCard, CardStatus, ReceptionMatter
from plugins.reception.services.matters import CARD_SOURCE_TYPE, CATEGORY_CODE, SOURCE_TYPE


def categories():
    """The core case category of matters received by a leader: 10 days, at most 30.

    服务承诺制度 4: "服务事项原则上必须在受理后10日内解决，领导指示的，按指示限定时间解决，除极特殊
    情况外，最长解决时限不得越过30天" — the rulebook writes days, counted as calendar days with
    the holiday rule (see core.sla); a leader's own deadline or approved extensions may reach 30.
    """
    return [
        CategorySpec(
            code=CATEGORY_CODE,
            title=_l("领导接待事项"),
            limit=Limit(10, LimitUnit.CALENDAR_DAYS),
            max_limit=Limit(30, LimitUnit.CALENDAR_DAYS),
        )
    ]


def on_case_closed(case) -> object | None:
    """Copy a closed case's outcome onto the reception matter or appointment card it came
    from; returns that record, or None for cases of other origins."""
    source = getattr(case, "source_type", None)
    if source not in (SOURCE_TYPE, CARD_SOURCE_TYPE) or not case.source_id:
        return None
    try:
        record_id = int(case.source_id)
    except ValueError:
        return None
    if source == SOURCE_TYPE:
        matter = db.session.get(ReceptionMatter, record_id)
        if matter is None:
            return None
        matter.outcome = case.outcome
        matter.closed_at = case.closed_at or utc_now()
        return matter
    card = db.session.get(AppointmentCard, record_id)
    if card is None or card.status != CardStatus.VISITED:
        return card
    card.outcome = case.outcome
    card.outcome_at = case.closed_at or utc_now()
    card.status = CardStatus.DONE
    return card
