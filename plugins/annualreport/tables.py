"""The report's statutory tables as plain rows of strings, for the staff screen, the
residents' page and the PDF alike. ``report`` is a row or its published view: only declared
fields are read (``figures`` and the staff-entered counts)."""

from flask_babel import gettext as _

from core.kit import OUTCOMES
from plugins.annualreport.models import CASE_GROUPS, CASE_RESULTS
from plugins.annualreport.services import OUTCOME_LABELS


def _published_table(figures: dict) -> dict:
    rows = [[p["label"], str(p["count"])] for p in figures.get("published", [])]
    rows.append([_("合计"), str(figures.get("published_total", 0))])
    return {
        "title": _("二、主动公开政府信息情况"),
        "head": [_("信息类别"), _("本年公开数量（件）")],
        "rows": rows,
    }


def _requests_table(figures: dict) -> dict:
    outcomes = figures.get("outcomes", {})
    rows = [
        [_("（一）本年新收政府信息公开申请数量"), str(figures.get("received", 0))],
        [_("（二）上年结转政府信息公开申请数量"), str(figures.get("carried_over", 0))],
    ]
    rows += [[str(OUTCOME_LABELS[o]), str(outcomes.get(o, 0))] for o in OUTCOMES]
    rows.append([_("（三）本年度办理结果总计"), str(figures.get("handled_total", 0))])
    return {
        "title": _("三、收到和处理政府信息公开申请情况（含群众点题公开）"),
        "head": [_("项目"), _("数量（件）")],
        "rows": rows,
    }


def _cases_table(report) -> dict:
    labels = {
        "review": _("行政复议"),
        "suit": _("行政诉讼：未经复议直接起诉"),
        "suit_after_review": _("行政诉讼：复议后起诉"),
    }
    rows = []
    for group in CASE_GROUPS:
        counts = [int(getattr(report, f"{group}_{r}") or 0) for r in CASE_RESULTS]
        rows.append([labels[group], *map(str, counts), str(sum(counts))])
    return {
        "title": _("四、政府信息公开行政复议、行政诉讼情况"),
        "head": [_("类别"), _("结果维持"), _("结果纠正"), _("其他结果"), _("尚未审结"), _("总计")],
        "rows": rows,
    }


def _fees_table(figures: dict) -> dict:
    return {
        "title": _("五、收费情况"),
        "head": [_("项目"), _("金额（元）")],
        "rows": [[_("本年收取信息处理费"), str(figures.get("fees", 0))]],
    }


def report_tables(report) -> list[dict]:
    """The four tables of ``report``, in the national template's order."""
    figures = report.figures or {}
    return [
        _published_table(figures),
        _requests_table(figures),
        _cases_table(report),
        _fees_table(figures),
    ]
