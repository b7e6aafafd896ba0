"""Residents' pages, mounted at /o/<office_code>/annualreport/ (404 where the module is off):
the office's published annual reports, each as a page and a PDF, through the publication gate.
"""

from flask import Blueprint, Response, abort, g, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import HomeSection, db, format_local_date, render_public
from plugins.annualreport import pdf
from plugins.annualreport.models import AnnualReport
from plugins.annualreport.services import public_view, published_reports, report_for
from plugins.annualreport.tables import report_tables

bp = Blueprint("annualreport_public", __name__, template_folder="templates")


def _published(year: int):
    report = report_for(g.office.id, year)
    if report is None or report.published_at is None:
        abort(404)
    return public_view(report)


@bp.route("/")
def index():
    """The office's published reports, newest year first."""
    return render_public(
        "annualreport/public/index.html",
        office=g.office,
        reports=published_reports(g.office.id),
        format_local_date=format_local_date,
    )


@bp.route("/<int:year>")
def report(year):
    """One year's published report: the office's text and the statutory tables."""
    view = _published(year)
    return render_public(
        "annualreport/public/report.html",
        office=g.office,
        report=view,
        tables=report_tables(view),
        format_local_date=format_local_date,
    )


@bp.route("/<int:year>.pdf")
def report_pdf(year):
    """The published report as a PDF (Chinese font embedded)."""
    view = _published(year)
    body = pdf.report_pdf(view, g.office.name)
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="annual-report-{year}.pdf"'},
    )


def home_section(offices) -> HomeSection:
    """政府信息公开年报: the latest published report of each office that has one."""
    ids = [o.id for o in offices]
    latest = dict(
        db.session.execute(
            select(AnnualReport.office_id, func.max(AnnualReport.year))
            .where(AnnualReport.office_id.in_(ids), AnnualReport.published_at.is_not(None))
            .group_by(AnnualReport.office_id)
        ).all()
    )
    items = [
        (
            _("%(office)s %(year)s年报", office=o.name, year=latest[o.id]),
            url_for("annualreport_public.report", office_code=o.code, year=latest[o.id]),
            "",
        )
        for o in offices
        if o.id in latest
    ]
    return HomeSection(title=_("政府信息公开工作年度报告"), items=items, order=80)
