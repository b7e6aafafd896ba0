"""The case register's own dashboard tiles: open, near the limit (yellow), overdue (red), and
for leaders what waits for their decision.

Two or three small queries per dashboard, each served by an existing index: the colour counts
walk the partial index of active cases of the user's offices (the same pass the supervision
screen makes), and the leader's count reads the small pending rows by their status index.
The offices are those of the case list the tiles link to (``queries.list_office_ids``: the
user's visible offices, and for a leader the offices below theirs too), so a tile's figure
is the length of the list it opens.
"""

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, or_, select

from core.admin.widgets import Widget
from core.cases import queries
from core.cases.models import (
    AgencyRecord,
    Case,
    CaseStatus,
    Extension,
    RatingAppeal,
    is_active_sql,
)
from core.extensions import db
from core.models import Role, User, utcnow
from core.rows import count_rows
from core.time import as_utc


def colour_totals(office_ids: set[int] | None, now: datetime) -> dict[str, int]:
    """{"open", "yellow", "red"}: active cases of these offices (None: every office), counted
    as ``Case.colour`` sees them (a paused case keeps the colour it had when paused).

    Three small queries instead of one CASE over every active row: the open and "due before
    now" counts are read from the partial index of active cases alone; only cases still
    within their time are read for their warning moment; paused cases (the only ones with
    ``paused_since``: ``pause_case`` and ``resume_case`` set and clear it with the status)
    are corrected for from the status index.
    """
    if office_ids is not None and not office_ids:
        return {"open": 0, "yellow": 0, "red": 0}
    at = literal(as_utc(now), type_=Case.due_at.type)

    def scoped(query):
        if office_ids is None:
            return query
        # One office compares with "=", so the planner sees the (office_id, due_at) index.
        if len(office_ids) == 1:
            return query.where(Case.office_id == next(iter(office_ids)))
        return query.where(Case.office_id.in_(sorted(office_ids)))

    total, due_before_now = db.session.execute(
        scoped(
            select(func.count(), func.sum(case((Case.due_at < at, 1), else_=0)))
            .select_from(Case)
            .where(is_active_sql())
        )
    ).one()
    running_yellow = db.session.scalar(
        scoped(
            select(func.count())
            .select_from(Case)
            .where(
                is_active_sql(), Case.due_at >= at, Case.warn_at <= at, Case.paused_since.is_(None)
            )
        )
    )
    paused_not_red, paused_yellow = db.session.execute(
        scoped(
            select(
                func.sum(
                    case((and_(Case.due_at < at, Case.due_at >= Case.paused_since), 1), else_=0)
                ),
                func.sum(
                    case(
                        (
                            and_(
                                Case.due_at >= Case.paused_since, Case.warn_at <= Case.paused_since
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
            )
            .select_from(Case)
            .where(Case.status == CaseStatus.PAUSED, Case.paused_since.is_not(None))
        )
    ).one()
    return {
        "open": int(total or 0),
        "yellow": int(running_yellow or 0) + int(paused_yellow or 0),
        "red": int(due_before_now or 0) - int(paused_not_red or 0),
    }


def leader_pending(user: User, office_ids: set[int] | None) -> dict[str, int]:
    """What waits for this leader: extension requests (not their own), delivered agency
    records to sign off, rating appeals to decide — in the offices they oversee."""

    def in_scope(column) -> list:
        return [] if office_ids is None else [column.in_(sorted(office_ids))]

    def not_theirs(column):
        return or_(column.is_(None), column != user.id)

    cases = select(Case.id).where(*in_scope(Case.office_id))
    return {
        "extensions": count_rows(
            Extension,
            Extension.status == "requested",
            not_theirs(Extension.requested_by_id),
            Extension.case_id.in_(cases),
        ),
        "agencies": count_rows(
            AgencyRecord,
            AgencyRecord.delivered_at.is_not(None),
            AgencyRecord.signed_off_at.is_(None),
            AgencyRecord.case_id.in_(cases),
        ),
        "appeals": count_rows(
            RatingAppeal,
            RatingAppeal.status == "pending",
            not_theirs(RatingAppeal.filed_by_id),
            *in_scope(RatingAppeal.office_id),
        ),
    }


def case_widgets(user: User, now: datetime | None = None) -> list[Widget]:
    """The tiles for ``user``'s dashboard; each links to the case list filtered the same way."""
    now = now or utcnow()
    office_ids = queries.list_office_ids(user)
    totals = colour_totals(office_ids, now)
    near = _("剩余时间不足 20% 或仅剩 1 个工作日")
    tiles = (  # title, count, colour filter, tone when non-zero, note
        (_("在办案件"), totals["open"], None, "info", _("尚未办结的案件")),
        (_("临期案件"), totals["yellow"], "yellow", "warn", near),
        (_("超期案件"), totals["red"], "red", "alert", _("已超过办理时限")),
    )
    widgets = [
        Widget(
            title, value, url_for("cases.index_view", colour=colour), tone if value else "ok", note
        )
        for title, value, colour, tone, note in tiles
    ]
    if user.role == Role.LEADER:
        pending = leader_pending(user, office_ids)
        waiting = sum(pending.values())
        widgets.append(
            Widget(
                title=_("待我审批"),
                value=waiting,
                url=url_for("case_supervision.index"),
                tone="warn" if waiting else "ok",
                note=_(
                    "延期申请 %(e)d · 代办签字 %(a)d · 评价申诉 %(p)d",
                    e=pending["extensions"],
                    a=pending["agencies"],
                    p=pending["appeals"],
                ),
            )
        )
    return widgets
