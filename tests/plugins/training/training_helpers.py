"""Builders for the training plugin's tests: people, sessions, logs, written straight to the db."""

from datetime import date

from sqlalchemy import select

from core.extensions import db
from core.models import Office, User
from core.modules import set_module
from core.time import local_today
from plugins.training.models import (
    Attendance,
    AttendanceStatus,
    Group,
    LengthUnit,
    SelfStudyLog,
    SessionKind,
    StudyNote,
    Technique,
    TrainingPerson,
    TrainingSession,
    TrainingSettings,
)
from plugins.training.rules import DEFAULT_RULES, RULE_FIELDS, count_note_characters
from plugins.training.services import compute_session_days


def enable(*office_ids):
    """Switch the training module on for these offices."""
    for office_id in office_ids:
        set_module("training", db.session.get(Office, office_id), True)
    db.session.commit()


def person(office_id, name, group=Group.TOWNSHIP_CADRE, **fields):
    row = TrainingPerson(office_id=office_id, name=name, group=group, **fields)
    db.session.add(row)
    db.session.commit()
    return row


def log(p, day, hours, topic="自学"):
    db.session.add(
        SelfStudyLog(
            person_id=p.id, office_id=p.office_id, studied_on=day, hours=hours, topic=topic
        )
    )
    db.session.commit()


def session(
    office_id,
    day,
    *,
    kind=SessionKind.TOWNSHIP_TRAINING,
    value=1.0,
    unit=LengthUnit.DAYS,
    groups="township_cadre,village_cadre,rural_party_member",
    topic="集中学习",
):
    row = TrainingSession(
        office_id=office_id,
        kind=kind,
        topic=topic,
        held_on=day,
        length_value=value,
        length_unit=unit,
        organiser="组织办",
        required_groups=groups,
    )
    db.session.add(row)
    db.session.flush()
    row.days = compute_session_days(row)
    db.session.commit()
    return row


def attend(s, p, status=AttendanceStatus.PRESENT, reason=None):
    db.session.add(
        Attendance(
            session_id=s.id,
            person_id=p.id,
            office_id=p.office_id,
            status=status,
            excuse_reason=reason,
        )
    )
    db.session.commit()


def note(p, day, content, title="学习体会"):
    db.session.add(
        StudyNote(
            person_id=p.id,
            office_id=p.office_id,
            written_on=day,
            title=title,
            content=content,
            char_count=count_note_characters(content),
        )
    )
    db.session.commit()


def technique(p, name, day=date(2020, 1, 1)):
    db.session.add(Technique(person_id=p.id, office_id=p.office_id, name=name, mastered_on=day))
    db.session.commit()


def settings(office_id, **changes):
    """Give an office its own settings row: the defaults with ``changes``."""
    values = {name: getattr(DEFAULT_RULES, name) for name in RULE_FIELDS}
    values.update(changes)
    db.session.add(TrainingSettings(office_id=office_id, **values))
    db.session.commit()


def make_world(app, offices):
    """Training on for A (government) and B (village); the cadre of staff_a and a colleague at
    A, a Party member at B, and some hours logged this month. Needs the ``users`` fixture."""
    today = local_today()
    with app.app_context():
        enable(offices["A"], offices["B"])
        staff_a = db.session.scalar(select(User).where(User.username == "staff_a"))
        cadre_a = person(offices["A"], "甲干部", user_id=staff_a.id)
        colleague = person(offices["A"], "甲同事")
        member_b = person(offices["B"], "乙村党员", Group.RURAL_PARTY_MEMBER)
        log(cadre_a, today.replace(day=1), 4, "甲的自学内容")
        log(member_b, today.replace(day=1), 3, "乙村的自学内容")
        note(member_b, today.replace(day=1), "乙村党员的笔记")
        return {
            "cadre_a": cadre_a.id,
            "colleague": colleague.id,
            "member_b": member_b.id,
            "today": today,
        }
