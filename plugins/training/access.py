"""Who may see and enter which training records (on top of the core's office scoping).

- Every role sees the people and records of the offices it may see that have the module on.
- Township admins, office admins and leaders enter records for anyone they see.
- Staff enter their own self-study, notes and techniques, and — as the village clerk does —
  those of the rural Party members of their office (who have no login).
- Auditors read everything and change nothing (enforced by the core).
"""

from pathlib import Path

from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy import or_, select

from core.kit import Role, db, in_scope, permissions, scoped_office_ids
from plugins.training.models import Group, TrainingPerson

PLUGIN = "training"
TEMPLATES = Path(__file__).resolve().parent / "templates"
MANAGER_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER})
SETTINGS_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN})


class PluginTemplatesMixin:
    """Lets a Flask-Admin view render this plugin's ``templates/training/…`` files."""

    def create_blueprint(self, admin):
        blueprint = super().create_blueprint(admin)
        blueprint.jinja_loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)),
                                               blueprint.jinja_loader])
        return blueprint


def may_write_for(person: TrainingPerson, user=None) -> bool:
    """True when ``user`` may enter or change records of ``person``."""
    user = user or current_user
    if permissions.is_read_only(user) or not in_scope(person.office_id, user, PLUGIN):
        return False
    if user.role in MANAGER_ROLES:
        return True
    return person.user_id == user.id or (
        person.group == Group.RURAL_PARTY_MEMBER and person.office_id == user.office_id)


def writable_people(user=None) -> list[TrainingPerson]:
    """Active people whose records ``user`` may enter, for the forms' person choices."""
    user = user or current_user
    ids = scoped_office_ids(user, PLUGIN)
    if not ids or permissions.is_read_only(user):
        return []
    query = select(TrainingPerson).where(TrainingPerson.active,
                                         TrainingPerson.office_id.in_(sorted(ids)))
    if user.role not in MANAGER_ROLES:
        query = query.where(or_(
            TrainingPerson.user_id == user.id,
            (TrainingPerson.group == Group.RURAL_PARTY_MEMBER)
            & (TrainingPerson.office_id == user.office_id)))
    return list(db.session.scalars(query.order_by(TrainingPerson.office_id, TrainingPerson.name)))


def person_of(user=None) -> TrainingPerson | None:
    """The training record of a staff account, if it has one."""
    user = user or current_user
    return db.session.scalar(select(TrainingPerson).where(TrainingPerson.user_id == user.id))
