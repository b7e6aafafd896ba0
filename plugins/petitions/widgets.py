"""The petitions module on the dashboard and on the core's supervision screen."""

from flask import url_for
from flask_babel import gettext as _

from core.kit import SupervisionSection, Widget, local_today
from plugins.petitions import stats


def widgets(user, office_ids: set[int]) -> list:
    """Backlog, overdue and high-risk tiles for the user's offices."""
    backlog, overdue, high_risk = stats.current_counts(set(office_ids))
    url = url_for("petitions_supervision.index")
    return [
        Widget(title=_("信访积压"), value=backlog, url=url, tone="warn" if backlog else "ok"),
        Widget(title=_("信访超期"), value=overdue, url=url, tone="alert" if overdue else "ok"),
        Widget(
            title=_("高风险信访隐患"), value=high_risk, url=url, tone="alert" if high_risk else "ok"
        ),
    ]


def supervision_sections(user, office_ids: set[int]) -> list:
    """The petitions table on the core's supervision screen: this year's figures per office."""
    today = local_today()
    figures = stats.office_figures(set(office_ids), start=today.replace(month=1, day=1))

    def percent(share):
        return "—" if share is None else f"{share:.0%}"

    rows = [
        [
            f.office.name,
            f.backlog,
            f.overdue,
            f.high_risk,
            f.registered,
            percent(f.result_share),
            percent(f.repeat_rate),
        ]
        for f in figures
    ]
    return [
        SupervisionSection(
            title=_("信访（%(year)d 年）", year=today.year),
            headers=[
                _("单位"),
                _("积压"),
                _("超期"),
                _("高风险"),
                _("本年登记"),
                _("有结果占比"),
                _("重复率"),
            ],
            rows=rows,
            url=url_for("petitions_supervision.index"),
            note=_("积压、超期、高风险为当前数；登记、有结果占比、重复率按本年登记计算。"),
        )
    ]
