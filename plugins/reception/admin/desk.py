"""The reception desk (接待工作台): the roster with its exceptions (``roster``), a day's page and
sheet (``day``), appointment cards (``cards``), and here the monthly figures.

Every change goes through the services and is saved with the kit's ``run`` / ``submit``: a
ReceptionError (a ``UserError``) or a stale save rolls back and shows its message, and nothing
has changed.
"""

from flask import flash, request
from flask_admin import expose
from flask_babel import gettext as _

from plugins.reception.admin.base import DeskBase
from plugins.reception.admin.cards import CardScreens
from plugins.reception.admin.day import DayScreens
from plugins.reception.admin.roster import RosterScreens
from plugins.reception.errors import ReceptionError
from plugins.reception.services import stats


class DeskView(RosterScreens, DayScreens, CardScreens, DeskBase):
    """The reception desk of the offices in the user's scope."""

    @expose("/report")
    def report(self):
        """Monthly counts per leader (CSV/XLSX with ``?export=csv|xlsx``)."""
        try:
            first, last = stats.parse_month(request.args.get("month") or None)
        except ReceptionError as exc:
            flash(str(exc), "error")
            first, last = stats.parse_month(None)
        rows = stats.monthly_counts(self.office_ids(), first, last)
        export = request.args.get("export")
        if export in ("csv", "xlsx"):
            from core.kit import audited_export

            return audited_export(
                export,
                f"reception-{first:%Y-%m}",
                [_("领导")] + [label for _key, label in stats.COLUMNS],
                ([r.name] + [r[k] for k, _l in stats.COLUMNS] for r in rows),
                target_type="reception_monthly",
                view=self.endpoint,
                month=first.strftime("%Y-%m"),
            )
        totals = {k: sum(r[k] for r in rows) for k, _l in stats.COLUMNS}
        return self.render(
            "reception/admin/report.html",
            rows=rows,
            columns=stats.COLUMNS,
            totals=totals,
            month=first.strftime("%Y-%m"),
        )
