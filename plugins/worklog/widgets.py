"""The dashboard tile (memo items past their limit) and the supervision figures."""

from flask import url_for
from flask_babel import gettext as _

from core.kit import SupervisionSection, Widget, local_today
from plugins.worklog.services import figures


def widgets(user, office_ids) -> list[Widget]:
    """Memo items past their limit: red (alert) when there is any."""
    rows = figures.memo_by_office(office_ids)
    red = sum(r.red for r in rows)
    return [
        Widget(
            title=_("工作备忘超期"),
            value=red,
            url=url_for("worklog_memos.index_view"),
            tone="alert" if red else "ok",
            note=_("在办 %(n)d 项", n=sum(r.open for r in rows)),
        )
    ]


def supervision_sections(user, office_ids) -> list[SupervisionSection]:
    """Feedback per village this year, memo items by colour per office, this month's logs."""
    today = local_today()
    url = url_for("worklog_desk.index")
    return [
        SupervisionSection(
            title=_("信息反馈（%(year)d 年，各村每阶段已反馈/最少条数）", year=today.year),
            headers=[_("村（社区）"), _("当前阶段"), _("已结束阶段"), _("未达标阶段")],
            rows=[
                [r.office, r.current, r.ended, r.short] for r in figures.village_year(office_ids)
            ],
            url=url,
        ),
        SupervisionSection(
            title=_("工作备忘"),
            headers=[_("单位"), _("在办"), _("临期"), _("超期"), _("已办结")],
            rows=[
                [r.office, r.open, r.yellow, r.red, r.done]
                for r in figures.memo_by_office(office_ids)
            ],
            url=url_for("worklog_memos.index_view"),
        ),
        SupervisionSection(
            title=_("驻村干部工作日志（%(month)s）", month=today.strftime("%Y-%m")),
            headers=[_("单位"), _("干部"), _("应填工作日"), _("已填"), _("未填"), _("已审阅")],
            rows=[
                [r.office, r.person, len(r.due), r.with_log, len(r.missing), r.checked]
                for r in figures.logs_this_month(office_ids, today)
            ],
            url=url_for("worklog_desk.log_supervision"),
        ),
    ]
