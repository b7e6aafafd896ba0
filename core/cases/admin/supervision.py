"""督办: the supervision screen."""

from flask import request
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from core.admin.base import ModuleView
from core.cases import queries
from core.cases.admin.common import LIST_STYLE, _offices_by_id
from core.cases.categories import category_title
from core.cases.models import (
    AgencyRecord,
    Case,
    Extension,
    RatingAppeal,
    Rectification,
)
from core.extensions import db
from core.models import utcnow
from core.modules import enabled_office_ids
from core.plugins import get_registry
from core.sla import Colour
from core.time import LOCAL_ZONE


class SupervisionView(ModuleView):
    """督办: open cases by office, category and colour; open and overdue per office over the
    last months; the overdue list; steps past their limit; the annual service quota; what
    waits for a leader."""

    @expose("/")
    def index(self):
        """The supervision screen for the offices the user oversees."""
        now = utcnow()
        scope = queries.list_office_ids(current_user)
        offices = _offices_by_id()
        by_office, by_category = queries.colour_counts(scope, now)
        months = queries.monthly_open_overdue(scope, now, months=6, current=by_office)
        peak = max([n for series in months.values() for _m, n, _o in series] or [1]) or 1
        year = request.args.get("year", type=int)
        if year is None or not 2000 <= year <= 2100:
            year = now.astimezone(LOCAL_ZONE).year
        quota = queries.annual_quota(scope, year)
        pending = self._pending(scope)
        return self.render(
            "admin/cases/supervision.html",
            now=now,
            offices=offices,
            plugin_sections=self._plugin_sections(scope),
            by_office=sorted(by_office.items(), key=lambda kv: -sum(kv[1].values())),
            by_category=sorted(by_category.items(), key=lambda kv: -sum(kv[1].values())),
            category_title=category_title,
            months=months,
            peak=peak,
            month_labels=queries.month_starts(now.astimezone(LOCAL_ZONE).date(), 6),
            overdue=queries.overdue_cases(scope, now),
            steps=queries.overdue_steps(scope, now),
            quota=quota,
            short=[q for q in quota if q.short],
            year=year,
            pending=pending,
            colour_labels={c.value: c.label for c in Colour},
            style=LIST_STYLE,
            is_past=lambda moment: moment < now,
        )

    def _plugin_sections(self, scope) -> list:
        """Each switched-on plugin's tables (``supervision_sections`` hook) for the offices
        in this person's view."""
        registry = get_registry()
        sections = []
        for name in registry.names():
            office_ids = enabled_office_ids(name)
            if scope is not None:
                office_ids &= scope
            if office_ids:
                for _plugin, items in registry.call_for(
                    "supervision_sections", [name], user=current_user, office_ids=office_ids
                ):
                    sections.extend(items)
        return sections

    def _pending(self, scope) -> dict:
        def scoped(query, column):
            return query if scope is None else query.where(column.in_(scope))

        extensions = db.session.scalars(
            scoped(
                select(Extension)
                .join(Case, Case.id == Extension.case_id)
                .where(Extension.status == "requested"),
                Case.office_id,
            )
            .order_by(Extension.requested_at)
            .limit(50)
        ).all()
        agencies = db.session.scalars(
            scoped(
                select(AgencyRecord)
                .join(Case, Case.id == AgencyRecord.case_id)
                .where(
                    AgencyRecord.delivered_at.is_not(None), AgencyRecord.signed_off_at.is_(None)
                ),
                Case.office_id,
            )
            .order_by(AgencyRecord.delivered_at)
            .limit(50)
        ).all()
        appeals = db.session.scalars(
            scoped(
                select(RatingAppeal).where(RatingAppeal.status == "pending"), RatingAppeal.office_id
            )
            .order_by(RatingAppeal.filed_at)
            .limit(50)
        ).all()
        rectifications = db.session.scalars(
            scoped(
                select(Rectification).where(Rectification.status.in_(("open", "done"))),
                Rectification.office_id,
            )
            .order_by(Rectification.due_at)
            .limit(50)
        ).all()
        return {
            "extensions": extensions,
            "agencies": agencies,
            "appeals": appeals,
            "rectifications": rectifications,
        }
