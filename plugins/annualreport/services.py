"""The annual report's rules: which offices a report covers, its tables from the modules'
counts, the draft's edits, reporting to the township and publication."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.kit import (
    OUTCOMES,
    Office,
    OfficeKind,
    allowed_names_for,
    db,
    local_today,
    publish,
    published_counts,
    record_decisions,
    request_counts,
    utc_now,
)
from plugins.annualreport.errors import AnnualReportError
from plugins.annualreport.models import CASE_FIELDS, AnnualReport

PLUGIN = "annualreport"
MAX_TEXT = 20000
MAX_COUNT = 100000

# The national template's outcome rows (三、收到和处理政府信息公开申请情况).
OUTCOME_LABELS = {
    "disclosed": _l("予以公开"),
    "partly_disclosed": _l("部分公开（区分处理的）"),
    "declined_state_secret": _l("不予公开：属于国家秘密"),
    "declined_business_secret": _l("不予公开：涉及商业秘密"),
    "declined_privacy": _l("不予公开：涉及个人隐私"),
    "declined_other": _l("不予公开：其他法定情形"),
    "not_held": _l("无法提供：本机关不掌握相关政府信息"),
    "pending": _l("尚未办结（结转下年度继续办理）"),
}


def covered_office_ids(office: Office) -> list[int]:
    """The offices a report counts: for the township (the root of the tree) itself and every
    office under it (not a county bureau outside the tree), else the office itself."""
    if office.kind != OfficeKind.TOWNSHIP:
        return [office.id]
    found, level = [office.id], [office.id]
    while level:
        level = list(db.session.scalars(select(Office.id).where(Office.parent_id.in_(level))))
        found += [i for i in level if i not in found]
    return sorted(found)


def build_figures(office_ids, year: int) -> dict:
    """The generated tables for ``office_ids`` and ``year`` (plain JSON, labels in Chinese)."""
    published = [
        {
            "kind": c.kind,
            "label": str(c.label),
            "count": sum(c.counts.get(i, 0) for i in office_ids),
        }
        for c in published_counts(year, office_ids)
    ]
    outcomes = dict.fromkeys(OUTCOMES, 0)
    received = carried = 0
    for row in request_counts(year, office_ids):
        outcomes[row.outcome] += row.count
        if row.carried_over:
            carried += row.count
        else:
            received += row.count
    return {
        "published": published,
        "published_total": sum(p["count"] for p in published),
        "received": received,
        "carried_over": carried,
        "outcomes": outcomes,
        "handled_total": received + carried,
        "fees": 0,
    }


def default_year() -> int:
    """The year a report is written about: last year (Beijing calendar)."""
    return local_today().year - 1


def report_for(office_id: int, year: int) -> AnnualReport | None:
    """The office's report on ``year``, or None."""
    return db.session.scalar(
        select(AnnualReport).where(AnnualReport.office_id == office_id, AnnualReport.year == year)
    )


def generate(office: Office, year: int) -> AnnualReport:
    """Create the office's draft for ``year`` with its tables, or refresh a draft's tables."""
    if not 2000 <= year <= local_today().year:
        raise AnnualReportError(_("年度不正确：只能编制已开始的年度的报告。"))
    report = report_for(office.id, year)
    if report is None:
        report = AnnualReport(office_id=office.id, year=year)
        db.session.add(report)
    elif report.published_at is not None:
        raise AnnualReportError(_("报告已发布，统计表不再更新。"))
    report.figures = build_figures(covered_office_ids(office), year)
    report.figures_at = utc_now()
    db.session.flush()
    return report


def _require_draft(report: AnnualReport) -> None:
    if report.published_at is not None:
        raise AnnualReportError(_("报告已发布，不能再修改。"))


def save_draft(report: AnnualReport, *, overview, problems, other_matters, **counts) -> None:
    """Save the office's text and its reconsideration and litigation counts."""
    _require_draft(report)
    for name, value in (("overview", overview), ("problems", problems)):
        if len(value or "") > MAX_TEXT:
            raise AnnualReportError(_("内容过长，请精简后再保存。"))
        setattr(report, name, (value or "").strip())
    if len(other_matters or "") > MAX_TEXT:
        raise AnnualReportError(_("内容过长，请精简后再保存。"))
    report.other_matters = (other_matters or "").strip()
    for name in CASE_FIELDS:
        value = counts.get(name) or 0
        if not 0 <= value <= MAX_COUNT:
            raise AnnualReportError(_("复议、诉讼件数应为 0 至 100000 之间的整数。"))
        setattr(report, name, value)


def _require_complete(report: AnnualReport) -> None:
    if not report.overview.strip():
        raise AnnualReportError(_("请先填写“总体情况”。"))
    if not report.problems.strip():
        raise AnnualReportError(_("请先填写“存在的主要问题及改进情况”。"))


def submit_to_township(report: AnnualReport) -> None:
    """Report the draft to the township (due 31 January); the office may still edit it."""
    _require_draft(report)
    _require_complete(report)
    report.submitted_at = utc_now()


def publish_report(report: AnnualReport, actor_id: int | None, allowed_names=()) -> None:
    """Publish the report: residents see its page and PDF; the tables are frozen as they are.
    ``allowed_names``: suspected names staff let stand (public figures); the rest are masked."""
    _require_draft(report)
    _require_complete(report)
    record_decisions(AnnualReport, report.id, set(allowed_names), actor_id)
    report.published_at = utc_now()
    report.published_by_id = actor_id
    if report.submitted_at is None:
        report.submitted_at = report.published_at


def public_view(report: AnnualReport):
    """The published view of a report, with the names staff let stand at publication."""
    allowed = allowed_names_for(AnnualReport, [report]).get(report.id, frozenset())
    return publish(report, allowed=allowed)


def published_reports(office_id: int) -> list[AnnualReport]:
    """The office's published reports, newest year first."""
    return list(
        db.session.scalars(
            select(AnnualReport)
            .where(AnnualReport.office_id == office_id, AnnualReport.published_at.is_not(None))
            .order_by(AnnualReport.year.desc())
        )
    )
