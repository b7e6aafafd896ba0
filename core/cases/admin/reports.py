"""统计报表: cases by category, channel or office for a period."""

from datetime import date, timedelta

from flask import request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.admin.base import ModuleView
from core.cases import queries
from core.cases.admin.common import LIST_STYLE, _offices_by_id
from core.cases.categories import category_title
from core.cases.display import channel_label
from core.exports import audited_export
from core.models import utcnow
from core.time import LOCAL_ZONE

DIMENSION_LABELS = {"category": _l("事项类别"), "channel": _l("受理渠道"), "office": _l("承办单位")}


class ReportsView(ModuleView):
    """Cases by category, channel or office for a period, with CSV/XLSX export."""

    @expose("/")
    def index(self):
        """The report table for the chosen dimension and period, or its CSV/XLSX download."""
        today = utcnow().astimezone(LOCAL_ZONE).date()
        dimension = (
            request.args.get("by") if request.args.get("by") in DIMENSION_LABELS else "category"
        )
        start = _parse_date(request.args.get("from"))
        end = _parse_date(request.args.get("to"))
        error = None
        unreadable = [
            v
            for v, parsed in ((request.args.get("from"), start), (request.args.get("to"), end))
            if v and parsed is None
        ]
        if unreadable:
            error = _(
                "无法识别的日期“%(value)s”，请按 YYYY-MM-DD 填写；已按默认期间统计。",
                value=unreadable[0][:20],
            )
        start = start or today.replace(month=1, day=1)
        end = end or today
        if end < start:
            error = _("结束日期不能早于开始日期。")
            start, end = end, start
        if (end - start) > timedelta(days=3660):
            error = _("统计期间最长 10 年。")
            start = end - timedelta(days=3660)
        scope = queries.list_office_ids(current_user)
        rows = queries.report(dimension, scope, start, end)
        offices = _offices_by_id()

        def label(key):
            if dimension == "category":
                return category_title(key)
            if dimension == "channel":
                return channel_label(key)
            return offices[key].name if key in offices else str(key)

        export_type = request.args.get("format")
        if export_type in ("csv", "xlsx"):
            headers = [
                str(DIMENSION_LABELS[dimension]),
                _("受理件数"),
                _("已办结"),
                _("按期办结"),
                _("超期办结"),
                _("在办"),
                _("在办超期"),
            ]
            body = [
                [label(r.key), r.total, r.resolved, r.on_time, r.late, r.active, r.overdue_open]
                for r in rows
            ]
            totals = [_("合计")] + [sum(r[i] for r in body) for i in range(1, 7)]
            return audited_export(
                export_type,
                f"case-report-{dimension}-{start}-{end}",
                headers,
                body + [totals],
                target_type="case_report",
                by=dimension,
                **{"from": start.isoformat(), "to": end.isoformat()},
            )
        total = sum(r.total for r in rows)
        return self.render(
            "admin/cases/reports.html",
            rows=rows,
            label=label,
            total=total,
            dimension=dimension,
            dimensions=DIMENSION_LABELS,
            start=start,
            end=end,
            error=error,
            style=LIST_STYLE,
        )


def _parse_date(text: str | None) -> date | None:
    """A YYYY-MM-DD date between 1900 and 2199 (reports over other years mean nothing and
    would overflow date arithmetic), else None."""
    try:
        value = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return value if value is None or 1900 <= value.year <= 2199 else None
