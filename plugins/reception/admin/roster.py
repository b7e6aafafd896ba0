"""The desk's roster screens: the coming reception days with the last exceptions, expanding
the rules now, an extra day, and a day's exceptions (cancel, restore, substitute, swap), each
recorded with its reason by ``services.roster``."""

from datetime import timedelta

from flask import abort, flash, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.kit import db, form_values, local_today, submit
from plugins.reception.admin.base import ROSTER_ROLES
from plugins.reception.errors import ReceptionError
from plugins.reception.forms import AddDayForm, ConfirmForm, ReasonForm, SubstituteForm, SwapForm
from plugins.reception.models import ReceptionDay, RosterChange
from plugins.reception.services import changes, roster
from plugins.reception.services.booking import free_places


class RosterScreens:
    """The desk's roster routes (mixed into ``DeskView``)."""

    @expose("/")
    def index(self):
        """Today's and the coming reception days, the last exceptions, an extra day."""
        ids = self.office_ids()
        today = local_today()
        days = db.session.scalars(
            select(ReceptionDay)
            .where(
                ReceptionDay.office_id.in_(ids),
                ReceptionDay.day >= today - timedelta(days=7),
                ReceptionDay.day <= today + timedelta(days=28),
            )
            .order_by(ReceptionDay.day, ReceptionDay.start_time)
        ).all()
        changes = db.session.scalars(
            select(RosterChange)
            .where(RosterChange.office_id.in_(ids))
            .order_by(RosterChange.id.desc())
            .limit(15)
        ).all()
        booked = {}
        for day in days:
            capacity = sum(s.capacity for s in day.slots)
            booked[day.id] = (capacity - sum(free_places(day).values()), capacity)
        return self.render(
            "reception/admin/desk_index.html",
            days=days,
            changes=changes,
            booked=booked,
            today=today,
            add_form=self._add_day_form(),
            confirm_form=ConfirmForm(),
            warnings=roster.calendar_warnings(ids),
            may_change=current_user.role in ROSTER_ROLES,
        )

    @expose("/sync", methods=["POST"])
    def sync(self):
        """Expand every rule of the offices in scope now (normally a scheduled job does it)."""
        self._require_roster_role()
        return submit(
            ConfirmForm(),
            lambda f: [roster.sync_office(i) for i in sorted(self.office_ids())],
            success=None,
            back=url_for(".index"),
            after_commit=_report_sync,
        )

    def _add_day_form(self) -> AddDayForm:
        form = AddDayForm()
        form.office_id.choices = self._office_choices_in_scope()
        form.leader_id.choices = self._leader_choices()
        return form

    @expose("/add-day", methods=["POST"])
    def add_day(self):
        """An extra reception day outside the rules."""
        self._require_roster_role()

        def action(f):
            if f.office_id.data not in self.office_ids():
                abort(404)
            return changes.add_day(
                start=f.start_time.data,
                end=f.end_time.data,
                actor_id=current_user.id,
                **form_values(
                    f, "office_id day place leader_id slot_minutes slot_capacity reason note"
                ),
            )

        return submit(
            self._add_day_form(),
            action,
            success=_("已增加接待日。"),
            back=lambda day: url_for(".day", day_id=day.id) if day else url_for(".index"),
        )

    @expose("/day/<int:day_id>/roster/<action>", methods=["POST"])
    def roster_action(self, day_id, action):
        """Cancel, restore, substitute or swap (recorded with the reason)."""
        self._require_roster_role()
        day = self._day(day_id)
        if action not in ROSTER_ACTIONS:
            abort(404)
        form_class, call, message = ROSTER_ACTIONS[action]
        after = _warn_cancelled if action == "cancel" else None
        return submit(
            form_class(),
            lambda f: call(self, day, f),
            success=message(),
            back=url_for(".day", day_id=day.id),
            after_commit=after,
        )

    def _other_day(self, form) -> ReceptionDay:
        if not form.other_day_id.data:
            raise ReceptionError(_("请选择要互换的接待日。"))
        return self._day(form.other_day_id.data)


def _report_sync(results) -> None:
    created = sum(len(r.created) for r in results)
    removed = sum(len(r.removed) for r in results)
    flash(_("已按规则生成 %(c)d 个接待日，移除 %(r)d 个。", c=created, r=removed), "success")
    kept = [day for r in results for day in r.kept_with_bookings]
    if kept:
        flash(
            _(
                "以下接待日已有群众预约，仍保留：%(days)s",
                days=_("、").join(d.isoformat() for d in kept),
            ),
            "warning",
        )


def _warn_cancelled(affected) -> None:
    if affected:
        flash(_("已同时取消 %(n)d 个预约，请电话通知这些群众。", n=len(affected)), "warning")


# action: (form, call(view, day, form), success message)
ROSTER_ACTIONS = {
    "cancel": (
        ReasonForm,
        lambda view, day, f: changes.cancel_day(
            day, reason=f.reason.data, actor_id=current_user.id
        ),
        lambda: _("接待日已取消，原因已向群众公开。"),
    ),
    "restore": (
        ReasonForm,
        lambda view, day, f: changes.restore_day(
            day, reason=f.reason.data, actor_id=current_user.id
        ),
        lambda: _("接待日已恢复。"),
    ),
    "substitute": (
        SubstituteForm,
        lambda view, day, f: changes.substitute(
            day, leader_id=f.leader_id.data, reason=f.reason.data, actor_id=current_user.id
        ),
        lambda: _("已换人接待，调整已记录。"),
    ),
    "swap": (
        SwapForm,
        lambda view, day, f: changes.swap(
            day, view._other_day(f), reason=f.reason.data, actor_id=current_user.id
        ),
        lambda: _("两个接待日的领导已互换，调整已记录。"),
    ),
}
