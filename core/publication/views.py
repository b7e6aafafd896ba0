"""Staff screens of the publication gate: withdraw a published record, list withdrawals."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from core import permissions
from core.admin.base import ModuleView
from core.extensions import db
from core.publication.fields import declarations
from core.publication.withdrawal import (
    REASON_MAX,
    Withdrawal,
    WithdrawalError,
    can_withdraw,
    record_type,
    withdraw,
)
from core.urls import safe_next


class WithdrawForm(FlaskForm):
    """The reason a leader gives for withdrawing a published record."""

    reason = TextAreaField(validators=[DataRequired(), Length(max=REASON_MAX)])


def _withdrawable(kind: str):
    for decl in declarations():
        if decl.withdrawable and record_type(decl.model) == kind:
            return decl
    return None


def withdraw_url(row, next_url: str | None = None) -> str:
    """The staff screen that withdraws ``row`` (link it from a plugin's staff screen)."""
    return url_for(
        "publication.withdraw_view", kind=record_type(type(row)), record_id=row.id, next=next_url
    )


class PublicationView(ModuleView):
    """撤回: withdraw a published record; the list of what was withdrawn in one's scope."""

    def is_visible(self):
        return bool(
            current_user.is_authenticated
            and (permissions.sees_all_offices(current_user) or current_user.role.value == "leader")
        )

    @expose("/")
    def index(self):
        """Withdrawals in the reader's offices, newest first."""
        query = select(Withdrawal).order_by(Withdrawal.withdrawn_at.desc()).limit(200)
        allowed = permissions.visible_office_ids(current_user)
        if allowed is not None:
            query = query.where(Withdrawal.office_id.in_(allowed))
        rows = db.session.scalars(query).all()
        labels = {
            record_type(d.model): d.kind_label or record_type(d.model)
            for d in declarations()
            if d.withdrawable
        }
        return self.render("admin/publication/index.html", rows=rows, labels=labels)

    @expose("/withdraw/<kind>/<int:record_id>", methods=["GET", "POST"])
    def withdraw_view(self, kind, record_id):
        """Ask for the reason, then withdraw the record from every residents' output."""
        decl = _withdrawable(kind)
        row = db.session.get(decl.model, record_id) if decl and record_id < 2**31 else None
        if row is None or not permissions.may_see_office(
            current_user, getattr(row, decl.office, None)
        ):
            abort(404)
        back = safe_next(request.args.get("next"), url_for(".index"))
        form = WithdrawForm()
        allowed = can_withdraw(current_user, getattr(row, decl.office, None))
        if request.method == "POST" and allowed and form.validate_on_submit():
            try:
                withdraw(row, reason=form.reason.data, actor=current_user)
                db.session.commit()
            except WithdrawalError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                flash(_("已撤回：居民页面、订阅、PDF 和开放数据接口不再提供这项内容。"), "success")
                return redirect(back)
        elif request.method == "POST" and not allowed:
            flash(_("只有本单位领导或全镇管理员可以撤回已公开的内容。"), "error")
        elif request.method == "POST":
            flash(_("请填写撤回原因（不超过 %(n)d 字）。", n=REASON_MAX), "error")
        existing = db.session.scalar(
            select(Withdrawal).where(
                Withdrawal.record_type == kind, Withdrawal.record_id == record_id
            )
        )
        return self.render(
            "admin/publication/withdraw.html",
            form=form,
            row=row,
            label=decl.kind_label or kind,
            allowed=allowed,
            back=back,
            existing=existing,
        )
