"""The annual report desk: the reports of the offices in scope by year, the draft's tables and
text, reporting to the township and publication."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.kit import (
    ModuleView,
    Office,
    Role,
    db,
    decisions_from,
    form_values,
    format_local,
    get_scoped_or_404,
    highlighted,
    scoped_office_ids,
    scoped_offices,
    submit,
    suspects_in,
)
from plugins.annualreport import services
from plugins.annualreport.forms import ActionForm, DraftForm, GenerateForm
from plugins.annualreport.models import CASE_FIELDS, AnnualReport
from plugins.annualreport.services import PLUGIN
from plugins.annualreport.tables import report_tables

PUBLISH_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER})


def review_of(report) -> dict:
    """The core's review panel before publication: the office's text as residents will read
    it, and the suspected names staff must decide (mask, or let stand)."""
    texts = (report.overview, report.problems, report.other_matters)
    joined = "\n\n".join(t for t in texts if t)
    return {"segments": highlighted(joined), "suspects": suspects_in(*texts)}


class ReportDesk(ModuleView):
    """信息公开年报: every report of the offices in scope, newest year first."""

    def _require_writer(self) -> None:
        if current_user.role == Role.AUDITOR:
            abort(403)

    def _require_publisher(self) -> None:
        if current_user.role not in PUBLISH_ROLES:
            abort(403)

    @expose("/")
    def index(self):
        """The reports, and the form creating a year's draft."""
        ids = scoped_office_ids(current_user, PLUGIN)
        reports = db.session.scalars(
            select(AnnualReport)
            .where(AnnualReport.office_id.in_(list(ids)))
            .order_by(AnnualReport.year.desc(), AnnualReport.office_id)
        ).all()
        form = GenerateForm(year=services.default_year())
        form.office_id.choices = [(o.id, o.name) for o in scoped_offices(current_user, PLUGIN)]
        return self.render(
            "annualreport/admin/index.html", reports=reports, form=form, format_local=format_local
        )

    @expose("/generate", methods=["POST"])
    def generate(self):
        """Create or refresh a year's draft of an office in scope."""
        self._require_writer()
        form = GenerateForm()
        form.office_id.choices = [(o.id, o.name) for o in scoped_offices(current_user, PLUGIN)]

        def action(f):
            if f.office_id.data not in scoped_office_ids(current_user, PLUGIN):
                abort(404)
            return services.generate(db.session.get(Office, f.office_id.data), f.year.data)

        return submit(
            form,
            action,
            success=_("统计表已按本年度数据生成。"),
            back=lambda r: url_for(".report", report_id=r.id) if r else url_for(".index"),
        )

    @expose("/<int:report_id>", methods=["GET", "POST"])
    def report(self, report_id):
        """The draft: its generated tables, the text and counts the office completes."""
        report = get_scoped_or_404(AnnualReport, report_id, PLUGIN)
        form = DraftForm(obj=report) if request.method == "GET" else DraftForm()
        if request.method == "POST":
            self._require_writer()
            names = "overview problems other_matters " + " ".join(CASE_FIELDS)
            return submit(
                form,
                lambda f: services.save_draft(report, **form_values(f, names)),
                success=_("草稿已保存。"),
                back=url_for(".report", report_id=report.id),
                row=report,
            )
        return self.render(
            "annualreport/admin/report.html",
            report=report,
            form=form,
            action_form=ActionForm(),
            tables=report_tables(report),
            review=review_of(report),
            may_publish=current_user.role in PUBLISH_ROLES,
            format_local=format_local,
        )

    def _act(self, report_id, action, success):
        report = get_scoped_or_404(AnnualReport, report_id, PLUGIN)
        form = ActionForm()
        return submit(
            form,
            lambda _f: action(report),
            success=success,
            back=url_for(".report", report_id=report.id),
            row=report,
        )

    @expose("/<int:report_id>/refresh", methods=["POST"])
    def refresh(self, report_id):
        """Recount the draft's tables from the modules' data."""
        self._require_writer()
        return self._act(
            report_id,
            lambda r: services.generate(r.office, r.year),
            _("统计表已按最新数据更新。"),
        )

    @expose("/<int:report_id>/submit", methods=["POST"])
    def submit_report(self, report_id):
        """Report the draft to the township."""
        self._require_publisher()
        return self._act(report_id, services.submit_to_township, _("已报送乡镇。"))

    @expose("/<int:report_id>/publish", methods=["POST"])
    def publish(self, report_id):
        """Publish the report to residents (page and PDF)."""
        self._require_publisher()
        report = get_scoped_or_404(AnnualReport, report_id, PLUGIN)
        allowed, undecided = decisions_from(request.form, review_of(report)["suspects"])
        if undecided:
            flash(_("请逐一确认疑似人名（隐去或可以公开）后再提交。"), "error")
            return redirect(url_for(".report", report_id=report.id))
        return self._act(
            report_id,
            lambda r: services.publish_report(r, current_user.id, allowed_names=allowed),
            _("年度报告已发布。"),
        )


def admin_views() -> list:
    """The report desk."""
    return [ReportDesk(name=_l("信息公开年报"), endpoint="desk", url="/admin/annualreport")]
