"""The dashboard tile (planned releases overdue or near) and the supervision figures."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import Colour, Office, SupervisionSection, Widget, db, local_today, utc_now
from plugins.bulletins import services


def widgets(user, office_ids) -> list[Widget]:
    """This year's planned releases not made: red when any is overdue, yellow when one is
    near, in the core's colours."""
    now = utc_now()
    open_entries = [
        (e, services.entry_colour(e, now))
        for e in services.plan_entries(office_ids, local_today().year)
        if not e.releases
    ]
    late = [e for e, c in open_entries if c == Colour.RED]
    red = len(late)
    yellow = sum(1 for _e, c in open_entries if c == Colour.YELLOW)
    tone = "alert" if red else ("warn" if yellow else "ok")
    if late:
        days = _("、").join(f"{e.planned_on:%m-%d} {e.kind.label}" for e in late[:5])
        note = _("超期：%(days)s", days=days)
    else:
        note = _("临期 %(n)d 项", n=yellow) if yellow else _("没有临期的计划发布")
    return [
        Widget(
            title=_("信息发布计划超期"),
            value=red,
            url=url_for("bulletins_desk.index"),
            tone=tone,
            note=note,
        )
    ]


def supervision_sections(user, office_ids) -> list[SupervisionSection]:
    """This year's planned releases per office: planned so far, made, overdue."""
    today = local_today()
    names = dict(
        db.session.execute(select(Office.id, Office.name).where(Office.id.in_(office_ids))).all()
    )
    figures: dict[int, list[int]] = {oid: [0, 0, 0] for oid in names}
    for entry in services.plan_entries(office_ids, today.year):
        if entry.planned_on > today:
            continue
        row = figures.setdefault(entry.office_id, [0, 0, 0])
        row[0] += 1
        row[1 if entry.releases else 2] += 1
    return [
        SupervisionSection(
            title=_("信息发布计划执行（%(year)d 年）", year=today.year),
            headers=[_("单位"), _("到期计划"), _("已发布"), _("超期未发布")],
            rows=[[names.get(oid, ""), *figures[oid]] for oid in sorted(figures)],
            url=url_for("bulletins_desk.index"),
        )
    ]
