"""The dashboard tile (rota gaps in the coming week) and the supervision figures."""

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _

from core.kit import SupervisionSection, Widget, local_today
from plugins.duty.services import figures, rota

WEEK_AHEAD = 7


def widgets(user, office_ids) -> list[Widget]:
    """Rest days in the coming week with nobody on duty: red (alert) when there is any."""
    today = local_today()
    gaps = rota.gaps(office_ids, today, today + timedelta(days=WEEK_AHEAD))
    note = _("、").join(sorted({d.strftime("%m-%d") for _o, d in gaps})) if gaps else ""
    return [
        Widget(
            title=_("未来一周值班缺岗"),
            value=len(gaps),
            url=url_for("duty_rota.index"),
            tone="alert" if gaps else "ok",
            note=_("缺岗日期：%(days)s", days=note) if gaps else _("休息日均已安排值班"),
        )
    ]


def supervision_sections(user, office_ids) -> list[SupervisionSection]:
    """This month's coverage per office and after-hours cases per person."""
    month = local_today().replace(day=1)
    cover = figures.coverage(office_ids, month)
    people = figures.after_hours_by_person(office_ids, month)
    url = url_for("duty_rota.index")
    return [
        SupervisionSection(
            title=_("双休日、节假日值班覆盖（%(month)s）", month=month.strftime("%Y-%m")),
            headers=[_("单位"), _("休息日"), _("有人值班"), _("覆盖率")],
            rows=[[r.office, r.rest_days, r.staffed, r.share] for r in cover],
            url=url,
        ),
        SupervisionSection(
            title=_("延时服务案件（%(month)s）", month=month.strftime("%Y-%m")),
            headers=[_("单位"), _("人员"), _("件数")],
            rows=[[r.office, r.person, r.count] for r in people],
            url=url,
        ),
        SupervisionSection(
            title=_("值班交接报告按时提交（%(month)s）", month=month.strftime("%Y-%m")),
            headers=[_("单位"), _("应交"), _("按时"), _("按时率")],
            rows=[
                [r.office, r.due, r.on_time, r.share] for r in figures.handovers(office_ids, month)
            ],
            url=url,
        ),
    ]
