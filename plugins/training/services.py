"""Operations on training records shared by the screens, the demo loader and the tests, and
who may enter which records (on top of the core's office scoping):

- Every role sees the people and records of the offices it may see that have the module on.
- Township admins, office admins and leaders enter records for anyone they see.
- Staff enter their own self-study, notes and techniques, and — as the village clerk does —
  those of the rural Party members of their office (who have no login).
- Auditors read everything and change nothing (enforced by the core).
"""

from flask_login import current_user
from sqlalchemy import or_, select, update

from core.kit import Office, Role, db, enabled_office_ids, in_scope, permissions, scoped_office_ids
from plugins.training.models import (
    Attendance,
    AttendanceStatus,
    ExcusedPolicy,
    Group,
    LengthUnit,
    TrainingPerson,
    TrainingSession,
    TrainingSettings,
)
from plugins.training.rules import RULE_FIELDS, resolve_rules, session_days

PLUGIN = "training"
MANAGER_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER})
SETTINGS_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN})


def office_subtree(office_id: int) -> set[int]:
    """``office_id`` and every office below it in the tree."""
    children: dict[int | None, list[int]] = {}
    for oid, parent in db.session.execute(select(Office.id, Office.parent_id)):
        children.setdefault(parent, []).append(oid)
    found, stack = set(), [office_id]
    while stack:
        node = stack.pop()
        if node in found:
            continue
        found.add(node)
        stack.extend(children.get(node, []))
    return found


def roster_office_ids(session: TrainingSession) -> set[int]:
    """Offices whose people a session's roster covers: the holding office and those below it,
    as far as they have the training module switched on."""
    return office_subtree(session.office_id) & enabled_office_ids(PLUGIN)


def generate_roster(session: TrainingSession) -> int:
    """Add the required people who are not on the roster yet (status 未登记); return how many.

    Required: active people of the session's required groups in ``roster_office_ids`` who had
    joined by the session date. Never removes anyone; safe to run again. The caller commits.
    """
    groups = [g.value for g in session.group_list]
    if not groups:
        return 0
    with db.session.no_autoflush:
        on_roster = set(
            db.session.scalars(
                select(Attendance.person_id).where(Attendance.session_id == session.id)
            )
        )
        people = db.session.scalars(
            select(TrainingPerson)
            .where(
                TrainingPerson.active,
                TrainingPerson.group.in_(groups),
                TrainingPerson.office_id.in_(sorted(roster_office_ids(session))),
                (TrainingPerson.joined_on.is_(None))
                | (TrainingPerson.joined_on <= session.held_on),
            )
            .order_by(TrainingPerson.office_id, TrainingPerson.name)
        ).all()
    added = 0
    for person in people:
        if person.id in on_roster:
            continue
        db.session.add(
            Attendance(
                session_id=session.id,
                person_id=person.id,
                office_id=person.office_id,
                status=AttendanceStatus.PENDING,
            )
        )
        added += 1
    return added


def compute_session_days(session: TrainingSession) -> float:
    """The session's length in days under its holding office's class-hours-per-day setting."""
    rules = resolve_rules([session.office_id])[session.office_id]
    return session_days(session.length_value, session.length_unit, rules.class_hours_per_day)


def recompute_session_days(office_ids=None) -> None:
    """Recompute ``TrainingSession.days`` after a class-hours-per-day setting changed.

    One UPDATE per distinct setting value; ``office_ids`` None means every office. Sessions in
    days keep their value; sessions in class hours are divided by the office's setting.
    """
    rules = resolve_rules(office_ids)
    by_factor: dict[float, list[int]] = {}
    for office_id, rule in rules.items():
        by_factor.setdefault(float(rule.class_hours_per_day), []).append(office_id)
    for factor, ids in by_factor.items():
        db.session.execute(
            update(TrainingSession)
            .where(
                TrainingSession.office_id.in_(ids), TrainingSession.length_unit == LengthUnit.HOURS
            )
            .values(days=TrainingSession.length_value / factor)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(TrainingSession)
        .where(
            TrainingSession.length_unit == LengthUnit.DAYS,
            TrainingSession.days != TrainingSession.length_value,
        )
        .values(days=TrainingSession.length_value)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def move_person_rows(person: TrainingPerson) -> None:
    """Give the person's logs, notes, techniques and roster rows the person's current office
    (the column the scoping and the aggregates filter on)."""
    for rows in (person.self_study, person.notes, person.techniques, person.attendance):
        for row in rows:
            if row.office_id != person.office_id:
                row.office_id = person.office_id


def save_settings(
    office: Office, row: TrainingSettings | None, values: dict, excused_policy, actor_id: int | None
) -> TrainingSettings:
    """Give ``office`` its own thresholds (``values`` by ``RULE_FIELDS`` name), creating its
    settings row if it inherits today, and recompute the session days below it."""
    if row is None:
        row = TrainingSettings(office_id=office.id)
        db.session.add(row)
    for name in RULE_FIELDS:
        setattr(row, name, values[name])
    row.excused_policy = ExcusedPolicy(excused_policy)
    row.updated_by_id = actor_id
    db.session.flush()
    recompute_session_days(office_subtree(office.id))
    return row


def reset_settings(office: Office, row: TrainingSettings | None) -> None:
    """Drop the office's own thresholds: it inherits its parent's (or the rulebook's) again."""
    if row is None:
        return
    db.session.delete(row)
    db.session.flush()
    recompute_session_days(office_subtree(office.id))


# --- who may enter what -----------------------------------------------------------------------


def may_write_for(person: TrainingPerson, user=None) -> bool:
    """True when ``user`` may enter or change records of ``person``."""
    user = user or current_user
    if permissions.is_read_only(user) or not in_scope(person.office_id, user, PLUGIN):
        return False
    if user.role in MANAGER_ROLES:
        return True
    return person.user_id == user.id or (
        person.group == Group.RURAL_PARTY_MEMBER and person.office_id == user.office_id
    )


def writable_people(user=None) -> list[TrainingPerson]:
    """Active people whose records ``user`` may enter, for the forms' person choices."""
    user = user or current_user
    ids = scoped_office_ids(user, PLUGIN)
    if not ids or permissions.is_read_only(user):
        return []
    query = select(TrainingPerson).where(
        TrainingPerson.active, TrainingPerson.office_id.in_(sorted(ids))
    )
    if user.role not in MANAGER_ROLES:
        query = query.where(
            or_(
                TrainingPerson.user_id == user.id,
                (TrainingPerson.group == Group.RURAL_PARTY_MEMBER)
                & (TrainingPerson.office_id == user.office_id),
            )
        )
    return list(db.session.scalars(query.order_by(TrainingPerson.office_id, TrainingPerson.name)))


def person_of(user=None) -> TrainingPerson | None:
    """The training record of a staff account, if it has one."""
    user = user or current_user
    return db.session.scalar(select(TrainingPerson).where(TrainingPerson.user_id == user.id))
