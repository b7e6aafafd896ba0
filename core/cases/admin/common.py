"""What the case screens share: choice lists of offices, categories and people, and the
unit labels and the list style."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.cases.categories import all_categories
from core.extensions import db
from core.models import Office
from core.modules import enabled_plugins
from core.sla import LimitUnit

UNIT_LABELS = {
    LimitUnit.WORKING_DAYS.value: _l("工作日"),
    LimitUnit.CALENDAR_DAYS.value: _l("日"),
    LimitUnit.MONTHS.value: _l("个月"),
}
LIST_STYLE = """
.case-list td, .case-list th { padding: .3rem .4rem; font-size: .875rem; vertical-align: top; }
.case-list .subj { max-width: 22rem; }
.dot { display: inline-block; width: .7rem; height: .7rem; border-radius: 50%; }
.dot-green { background: #28a745; } .dot-yellow { background: #ffc107; }
.dot-red { background: #dc3545; } .dot-closed { background: #adb5bd; }
.timeline { list-style: none; padding-left: 0; } .timeline li { border-left: 3px solid #dee2e6; padding: .25rem .75rem; }
.receipt { font-family: monospace; font-size: 1.4rem; letter-spacing: .1rem; }
"""


def _offices_by_id() -> dict[int, Office]:
    return {o.id: o for o in db.session.scalars(select(Office))}


def _office_choices(office_ids=None) -> list[tuple[int, str]]:
    query = select(Office).order_by(Office.sort_order, Office.code)
    if office_ids is not None:
        query = query.where(Office.id.in_(office_ids))
    return [(o.id, o.name) for o in db.session.scalars(query)]


def _category_choices(office_id: int | None) -> list[tuple[str, str]]:
    switched_on = enabled_plugins(office_id) if office_id else set()
    return [
        (code, str(spec.title))
        for code, spec in all_categories().items()
        if spec.plugin is None or spec.plugin in switched_on
    ]


def _user_choices(query, blank=None) -> list[tuple]:
    choices = [("", blank)] if blank else []
    return choices + [
        (u.id, f"{u.display_name}（{u.role.label}）") for u in db.session.scalars(query)
    ]
