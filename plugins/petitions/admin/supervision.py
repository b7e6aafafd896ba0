"""信访督查: backlog, results, repeats, overdue and risk lists, and the monthly report."""

from datetime import date

from flask import flash, request
from flask_admin import expose
from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import (
    ModuleView,
    audited_export,
    db,
    format_day,
    local_today,
    utcnow,
)
from plugins.petitions import stats
from plugins.petitions.admin.common import (
    scope_ids,
)
from plugins.petitions.models import (
    MediationSession,
)


class SupervisionView(ModuleView):
    """信访督查: backlog per office, result share, repeat rate, overdue and risk lists, and the
    monthly report (CSV/XLSX)."""

    @expose("/")
    def index(self):
        """Figures for a period (default: this year) and the lists as of now."""
        today = local_today()
        year = request.args.get("year", type=int) or today.year
        if not 2000 <= year <= today.year + 1:
            flash(_("年份不正确。"), "error")
            year = today.year
        office_ids = scope_ids()
        figures = stats.office_figures(office_ids, date(year, 1, 1), date(year + 1, 1, 1))
        export = request.args.get("format")
        if export in ("csv", "xlsx"):
            return audited_export(
                export,
                f"petitions-monthly-{year}",
                stats.monthly_headers(),
                stats.monthly_rows(office_ids, year),
                target_type="petition_monthly_report",
                year=year,
                offices=sorted(office_ids),
            )
        disputes_open = (
            db.session.scalar(
                select(db.func.count())
                .select_from(MediationSession)
                .where(
                    MediationSession.office_id.in_(sorted(office_ids)),
                    MediationSession.outcome == "pending",
                )
            )
            or 0
        )
        return self.render(
            "petitions/admin/supervision.html",
            figures=figures,
            total=stats.totals(figures),
            overdue=stats.overdue_petitions(office_ids),
            risks=stats.risk_petitions(office_ids),
            monthly=stats.monthly_rows(office_ids, year),
            headers=stats.monthly_headers(),
            year=year,
            day=format_day,
            disputes_open=disputes_open,
            now=utcnow(),
        )
