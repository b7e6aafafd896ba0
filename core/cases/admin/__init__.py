"""Staff screens of the case register: the list, a case with its timeline and actions, intake,
supervision (督办), reports, and offices' published limits — one module per screen group.

The list is our own view rather than Flask-Admin's generic one: it pages with a keyset cursor
over indexes that match its sort, never counts the table, and sends one lean row per case
(see ``core.cases.queries``). Scoping follows ``core.cases.services.may_view``: a case's office,
the office that accepted it and its first responder (after a transfer too), notified offices.
"""

from flask_babel import lazy_gettext as _l

from core.cases.admin.cases import CaseView
from core.cases.admin.limits import OfficeLimitView
from core.cases.admin.reports import ReportsView
from core.cases.admin.supervision import SupervisionView
from core.cases.models import Case, OfficeCategoryLimit
from core.extensions import db

__all__ = ["CaseView", "OfficeLimitView", "ReportsView", "SupervisionView", "case_views"]


def case_views() -> list:
    """The case screens, in menu order, for ``core.admin.setup``."""
    category = _l("案件")
    return [
        CaseView(Case, db, name=_l("案件登记簿"), category=category, endpoint="cases"),
        SupervisionView(name=_l("督办"), category=category, endpoint="case_supervision"),
        ReportsView(name=_l("统计报表"), category=category, endpoint="case_reports"),
        OfficeLimitView(
            OfficeCategoryLimit, db, name=_l("时限公示"), category=category, endpoint="case_limits"
        ),
    ]
