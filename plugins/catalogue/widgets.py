"""The catalogue on the core's supervision screen (督办): per office, the cases of matters
closed this year with the fees charged, and every fee override (a reduction, a waiver, or a
fee never entered on a matter that has one) with who approved it."""

from datetime import date, time
from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from core.kit import (
    Office,
    SupervisionSection,
    db,
    format_local_date,
    local_datetime,
    local_today,
    utc_now,
)
from plugins.catalogue.models import CaseFee

OVERRIDES_SHOWN = 50


def _override_clause():
    standard = func.coalesce(CaseFee.standard, Decimal("0"))
    return or_(CaseFee.unrecorded.is_(True), CaseFee.amount != standard)


def supervision_sections(user, office_ids) -> list[SupervisionSection]:
    """Two tables: fees per office this year, and the latest fee overrides."""
    ids = list(office_ids)
    year = local_today(utc_now()).year
    since = local_datetime(date(year, 1, 1), time(0, 0))
    totals = {
        office_id: (count, amount, overrides)
        for office_id, count, amount, overrides in db.session.execute(
            select(
                CaseFee.office_id,
                func.count(),
                func.coalesce(func.sum(CaseFee.amount), 0),
                func.count().filter(_override_clause()),
            )
            .where(CaseFee.office_id.in_(ids), CaseFee.recorded_at >= since)
            .group_by(CaseFee.office_id)
        ).all()
    }
    offices = db.session.scalars(
        select(Office).where(Office.id.in_(ids)).order_by(Office.sort_order, Office.code)
    ).all()
    per_office = [
        [
            o.name,
            totals.get(o.id, (0, 0, 0))[0],
            _("%(fee)s 元", fee=Decimal(totals.get(o.id, (0, 0, 0))[1]).quantize(Decimal("0.01"))),
            totals.get(o.id, (0, 0, 0))[2],
        ]
        for o in offices
    ]
    overrides = db.session.scalars(
        select(CaseFee)
        .where(CaseFee.office_id.in_(ids), _override_clause())
        .options(
            selectinload(CaseFee.case),
            selectinload(CaseFee.matter),
            selectinload(CaseFee.office),
            selectinload(CaseFee.approved_by),
        )
        .order_by(CaseFee.recorded_at.desc())
        .limit(OVERRIDES_SHOWN)
    ).all()
    rows = [
        [
            format_local_date(f.recorded_at),
            f.office.name,
            f.case.receipt_no,
            f.matter.name,
            _("免费") if f.standard is None else _("%(fee)s 元", fee=f.standard),
            _("%(fee)s 元", fee=f.amount),
            f.approved_by.display_name
            if f.approved_by
            else (_("未登记收费") if f.unrecorded else ""),
            f.reason,
        ]
        for f in overrides
    ]
    desk = url_for("catalogue_desk.index")
    return [
        SupervisionSection(
            title=_("服务四限·收费（%(year)d 年）", year=year),
            headers=[_("单位"), _("办结事项"), _("实收合计"), _("收费例外")],
            rows=per_office,
            url=desk,
            note=_("收费不得超过公布的标准；低于标准的减免须经领导批准。"),
        ),
        SupervisionSection(
            title=_("收费例外（减免与未登记）"),
            headers=[
                _("日期"),
                _("单位"),
                _("回执号"),
                _("事项"),
                _("收费标准"),
                _("实收"),
                _("批准领导"),
                _("理由"),
            ],
            rows=rows,
            url=desk,
            note=_("最近 %(n)d 条。", n=OVERRIDES_SHOWN),
        ),
    ]
