"""A leader's own agenda (我的接待日程): coming duty days with their bookings, appointment
cards waiting for the home visit (and those whose leader is not back yet), cards awaiting their
outcome, and the matters the leader received that are still open, each with its colour.

A leader sees their own; staff of the office (and township admins, auditors) choose a leader,
to prepare the day or to supervise.
"""

from flask import abort, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from core.kit import Role, User, db
from plugins.reception.admin.base import DeskBase
from plugins.reception.services import stats
from plugins.reception.services.roster import eligible_leaders


class AgendaView(DeskBase):
    """The leader's agenda."""

    def _leaders(self) -> list[User]:
        """Leaders the current user may look at (their own offices' and the offices above)."""
        found = {}
        for office_id in self.office_ids():
            for leader in eligible_leaders(office_id):
                found[leader.id] = leader
        if current_user.role == Role.LEADER:
            found[current_user.id] = current_user
        return sorted(found.values(), key=lambda u: u.display_name)

    @expose("/")
    def index(self):
        """The agenda of the signed-in leader, or of the leader chosen (``?leader=``)."""
        leaders = self._leaders()
        wanted = request.args.get("leader", type=int)
        if wanted is None and current_user.role == Role.LEADER:
            wanted = current_user.id
        leader = next((u for u in leaders if u.id == wanted), None)
        if wanted is not None and leader is None:
            abort(404)
        agenda = stats.agenda(leader.id) if leader else None
        return self.render(
            "reception/admin/agenda.html",
            leaders=leaders,
            leader=leader,
            agenda=agenda,
            own=leader is not None and leader.id == current_user.id,
        )

    @expose("/card/<int:card_id>")
    def card(self, card_id):
        """Where notifications point: the card on the desk."""
        from plugins.reception.models import AppointmentCard

        if db.session.get(AppointmentCard, card_id) is None:
            abort(404)
        return redirect(url_for("reception_desk.card", card_id=card_id))
