"""What the reception desk's screens share: the offices in scope, loading a day or a card in
that scope, the leader and office choices, and the helpers every desk template uses."""

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.kit import (
    ModuleView,
    Office,
    Role,
    db,
    format_hours,
    format_local,
    format_local_date,
    get_scoped_or_404,
    mask_phone,
    scoped_office_ids,
    scoped_offices,
)
from core.kit import (
    colour_label as case_colour_label,
)
from plugins.reception.models import AppointmentCard, ReceptionDay
from plugins.reception.services import roster

PLUGIN = "reception"
ROSTER_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER})


def colour_label(colour: str | None) -> str:
    """The supervision colour as staff read it (a card whose leader is still away: 领导未返回)."""
    return _("领导未返回") if colour == "waiting" else case_colour_label(colour)


def office_choices() -> list[tuple[int, str]]:
    """Every office, in the township's order (a matter may go to any responsible office)."""
    return [
        (o.id, o.name)
        for o in db.session.scalars(select(Office).order_by(Office.sort_order, Office.code))
    ]


class DeskBase(ModuleView):
    """Scope and rendering shared by the desk's screens and the leader's agenda."""

    def office_ids(self) -> set[int]:
        """Offices in the user's scope that have the module on."""
        return scoped_office_ids(current_user, PLUGIN)

    def render(self, template, **kwargs):
        """Render with the formatting helpers the reception templates use."""
        helpers = {
            "format_local": format_local,
            "format_local_date": format_local_date,
            "format_hours": format_hours,
            "colour_label": colour_label,
            "mask_phone": mask_phone,
        }
        return super().render(template, **{**helpers, **kwargs})

    def _day(self, day_id: int) -> ReceptionDay:
        return get_scoped_or_404(ReceptionDay, day_id, PLUGIN)

    def _card(self, card_id: int) -> AppointmentCard:
        """A card of the offices in scope, or one asking for the signed-in leader."""
        card = db.session.get(AppointmentCard, card_id)
        if card is None or (
            card.office_id not in self.office_ids() and card.leader_id != current_user.id
        ):
            abort(404)
        return card

    def _require_roster_role(self) -> None:
        if current_user.role not in ROSTER_ROLES:
            abort(403)

    def _office_choices_in_scope(self) -> list[tuple[int, str]]:
        return [(o.id, o.name) for o in scoped_offices(current_user, PLUGIN)]

    def _leader_choices(self) -> list[tuple[int, str]]:
        seen = {}
        for office_id in self.office_ids():
            for leader in roster.eligible_leaders(office_id):
                seen[leader.id] = roster.leader_title(leader)
        return sorted(seen.items(), key=lambda kv: kv[1])
