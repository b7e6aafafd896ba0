"""Withdrawing a published record: it leaves every page, feed, PDF and API response at once,
and a short notice "已撤回" with the date stays in its place.

A record is withdrawable when its model's declaration says so. The row itself is kept (staff
still see it); the ``publication_withdrawal`` row is what residents' outputs consult, through
``core.publication.published``. The change is audited like every other insert.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import utcnow
from core.models.types import UTCDateTime

REASON_MAX = 500


class Withdrawal(db.Model):
    """One withdrawn record: which, when, by whom, why."""

    __tablename__ = "publication_withdrawal"
    __table_args__ = (UniqueConstraint("record_type", "record_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    withdrawn_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


def record_type(model: type) -> str:
    """The stable name of a model's records (its table name)."""
    return model.__table__.name


def withdrawals_for(model: type, rows) -> dict[int, Withdrawal]:
    """Withdrawals of these rows, by row id (one query)."""
    ids = [r.id for r in rows if getattr(r, "id", None) is not None]
    if not ids:
        return {}
    found = db.session.scalars(
        select(Withdrawal).where(
            Withdrawal.record_type == record_type(model), Withdrawal.record_id.in_(ids)
        )
    )
    return {w.record_id: w for w in found}


def withdrawn_ids(model: type, ids) -> set[int]:
    """Which of these ids are withdrawn."""
    return set(withdrawals_for(model, [_Id(i) for i in ids]))


class _Id:
    __slots__ = ("id",)

    def __init__(self, id_):
        self.id = id_


def withdrawn_clause(model: type):
    """A WHERE clause keeping only rows of ``model`` that are not withdrawn (for lists)."""
    sub = select(Withdrawal.record_id).where(Withdrawal.record_type == record_type(model))
    return model.id.not_in(sub)


class WithdrawalError(ValueError):
    """A withdrawal refused, with a message for the person."""


def withdraw(row, *, reason: str, actor) -> Withdrawal:
    """Withdraw a published record (the caller commits). Only leaders and the township admin
    may; the record must be withdrawable and not withdrawn already."""
    from core.publication.fields import declaration_of

    decl = declaration_of(type(row))
    if decl is None or not decl.withdrawable:
        raise WithdrawalError(_("这类内容不能撤回。"))
    reason = (reason or "").strip()
    if not reason:
        raise WithdrawalError(_("请填写撤回原因。"))
    if len(reason) > REASON_MAX:
        raise WithdrawalError(_("撤回原因不能超过 %(n)d 字。", n=REASON_MAX))
    if not can_withdraw(actor, getattr(row, decl.office, None)):
        raise WithdrawalError(_("只有本单位领导或全镇管理员可以撤回已公开的内容。"))
    if withdrawals_for(decl.model, [row]):
        raise WithdrawalError(_("这项内容已经撤回。"))
    w = Withdrawal(
        record_type=record_type(decl.model),
        record_id=row.id,
        office_id=getattr(row, decl.office, None),
        reason=reason,
        withdrawn_by_id=getattr(actor, "id", None),
    )
    db.session.add(w)
    db.session.flush()
    from core.publication.outputs import published_changed

    published_changed(row)
    return w


def can_withdraw(user, office_id) -> bool:
    """Leaders of the record's office (or an office above it) and the township admin."""
    from core.models import Role

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.TOWNSHIP_ADMIN:
        return True
    if user.role != Role.LEADER or office_id is None:
        return False
    from core.permissions import may_see_office

    return may_see_office(user, office_id)
