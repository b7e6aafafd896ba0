"""Residents' page, mounted at /o/<office_code>/duty/ (404 where the module is off): who is on
duty today and how to reach the office — its duty phone (never a private mobile), or its public
line — rendered through the publication gate."""

from datetime import timedelta

from flask import Blueprint, g
from sqlalchemy import select

from core.kit import db, format_local_date, local_today, render_public
from plugins.duty.models import DutyAssignment
from plugins.duty.services.rota import is_rest_day, rule_for

bp = Blueprint("duty_public", __name__, template_folder="templates")


@bp.route("/")
def index():
    """Today's person on duty (on a rest day), the next rest days' duty, the duty phone."""
    office, today = g.office, local_today()
    coming = db.session.scalars(
        select(DutyAssignment)
        .where(
            DutyAssignment.office_id == office.id,
            DutyAssignment.day >= today,
            DutyAssignment.day <= today + timedelta(days=14),
            DutyAssignment.user_id.is_not(None),
        )
        .order_by(DutyAssignment.day)
    ).all()
    current = next((a for a in coming if a.day == today), None)
    return render_public(
        "duty/public/index.html",
        office=office,
        today=today,
        rest_today=is_rest_day(today),
        current=current,
        coming=[a for a in coming if a.day != today],
        rule=rule_for(office.id),
        format_local_date=format_local_date,
    )
