"""Demo training records for ``flask demo load``: the last three months and the current one.

The government office's staff are township cadres, the village Party secretary a village
cadre, and eight rural Party members are kept by the village. Some people fall short on
purpose (19.5 hours, an excused absence, notes under 5,000 characters) so that the
compliance table shows every colour. Safe to run twice: it creates only what is missing.
"""

import random
from datetime import date, timedelta

from sqlalchemy import select

from core.kit import User, db, local_today
from plugins.training.models import (
    AttendanceStatus,
    Group,
    LengthUnit,
    SelfStudyLog,
    SessionKind,
    StudyNote,
    Technique,
    TrainingPerson,
    TrainingSession,
)
from plugins.training.rules import count_note_characters
from plugins.training.services import compute_session_days, generate_roster

GOVERNMENT, VILLAGE = "SFZ-ZF", "SFZ-DQC"
CADRE_USERS = {
    "leader": GOVERNMENT,
    "officeadmin": GOVERNMENT,
    "staff": GOVERNMENT,
    "village": VILLAGE,
}
PARTY_MEMBERS = ["王建国", "刘桂兰", "陈志强", "杨秀英", "黄德明", "周玉珍", "吴国庆", "徐春燕"]
TECHNIQUES = [
    "测土配方施肥",
    "农作物病虫害绿色防控",
    "设施蔬菜栽培",
    "畜禽养殖防疫",
    "果树修剪嫁接",
    "农产品电商营销",
    "农机操作与维护",
    "食用菌栽培",
]
TOPICS = [
    "学习《中国共产党农村基层组织工作条例》",
    "服务型政府建设各项制度解读",
    "首问负责与限时服务专题",
    "农村矛盾纠纷三级调处实务",
    "乡村振兴政策宣讲",
    "信访工作条例学习",
    "政务公开与点题公开实务",
    "农村集体“三资”管理",
]
NOTE_TEXT = (
    "通过本次学习，我进一步认识到建设服务型政府必须坚持以人民为中心，"
    "把群众满意作为检验工作的根本标准。在今后的工作中，要严格落实首问负责制度、"
    "限时服务制度和办事代理制度，做到不推、不拖、不积压，件件有着落、事事有结果。"
    "同时要坚持理论与实际相结合，结合本村产业发展实际选学实用技术，带头学、带头用。"
)


def _months_back(today: date, n: int) -> list[date]:
    """First days of the current month and the ``n`` months before it, oldest first."""
    firsts, day = [], today.replace(day=1)
    for _i in range(n + 1):
        firsts.insert(0, day)
        day = (day - timedelta(days=1)).replace(day=1)
    return firsts


def load_demo(offices: dict) -> None:
    """Create the demo people and records that are missing (the caller commits)."""
    if GOVERNMENT not in offices or VILLAGE not in offices:
        return
    rng = random.Random(2024)
    today = local_today()
    people = _people(offices)
    db.session.flush()
    _sessions(offices[GOVERNMENT], offices[VILLAGE], today, rng)
    for person in people:
        if db.session.scalar(select(SelfStudyLog.id).where(SelfStudyLog.person_id == person.id)):
            continue
        _self_study(person, today, rng)
        _notes_and_techniques(person, today, rng)


def _sessions(government, village, today: date, rng: random.Random) -> None:
    """Two township trainings and two village studies a month, attendance taken once held."""
    for first in _months_back(today, 3):
        for day, kind, office, unit, length, groups in (
            (
                first.replace(day=8),
                SessionKind.TOWNSHIP_TRAINING,
                government,
                LengthUnit.DAYS,
                1,
                "township_cadre",
            ),
            (
                first.replace(day=22),
                SessionKind.TOWNSHIP_TRAINING,
                government,
                LengthUnit.HOURS,
                6,
                "township_cadre",
            ),
            (
                first.replace(day=10),
                SessionKind.VILLAGE_STUDY,
                village,
                LengthUnit.DAYS,
                1,
                "village_cadre,rural_party_member",
            ),
            (
                first.replace(day=25),
                SessionKind.VILLAGE_STUDY,
                village,
                LengthUnit.HOURS,
                6 if first.month % 2 else 4,
                "village_cadre,rural_party_member",
            ),
        ):
            exists = db.session.scalar(
                select(TrainingSession.id).where(
                    TrainingSession.office_id == office.id, TrainingSession.held_on == day
                )
            )
            if exists:
                continue
            at_government = office is government
            session = TrainingSession(
                office_id=office.id,
                kind=kind,
                topic=TOPICS[(day.month + day.day) % len(TOPICS)],
                held_on=day,
                length_value=length,
                length_unit=unit,
                organiser="镇党委组织办" if at_government else "村党支部",
                location="镇政府三楼会议室" if at_government else "村党群服务中心",
                required_groups=groups,
            )
            db.session.add(session)
            db.session.flush()
            session.days = compute_session_days(session)
            generate_roster(session)
            db.session.flush()
            if day <= today:
                _take_attendance(session, rng)


def _take_attendance(session: TrainingSession, rng: random.Random) -> None:
    """Most present, about one in twelve excused, a few absent."""
    for row in session.attendance:
        roll = rng.random()
        if roll < 0.08:
            row.status, row.excuse_reason = AttendanceStatus.EXCUSED, "外出参加县里的业务培训"
        elif roll < 0.12:
            row.status = AttendanceStatus.ABSENT
        else:
            row.status = AttendanceStatus.PRESENT


def _people(offices) -> list[TrainingPerson]:
    existing = {(p.office_id, p.name): p for p in db.session.scalars(select(TrainingPerson))}
    users = {
        u.username: u
        for u in db.session.scalars(select(User).where(User.username.in_(list(CADRE_USERS))))
    }
    people = []
    for username, code in CADRE_USERS.items():
        user = users.get(username)
        if user is None:
            continue
        key = (offices[code].id, user.display_name)
        if key not in existing:
            group = Group.VILLAGE_CADRE if code == VILLAGE else Group.TOWNSHIP_CADRE
            existing[key] = TrainingPerson(
                office_id=offices[code].id, user_id=user.id, name=user.display_name, group=group
            )
            db.session.add(existing[key])
        people.append(existing[key])
    for index, name in enumerate(PARTY_MEMBERS):
        key = (offices[VILLAGE].id, name)
        if key not in existing:
            existing[key] = TrainingPerson(
                office_id=offices[VILLAGE].id,
                name=name,
                group=Group.RURAL_PARTY_MEMBER,
                junior_middle_school_or_above=index % 3 != 0,
            )
            db.session.add(existing[key])
        people.append(existing[key])
    return people


def _self_study(person: TrainingPerson, today: date, rng: random.Random) -> None:
    for first in _months_back(today, 3):
        # Everyone reaches 20 hours except one person in one month (19.5 hours).
        target = (
            19.5
            if (person.name == "刘桂兰" and first.month % 3 == 0)
            else rng.choice([20, 22, 24, 26])
        )
        day, logged = first, 0.0
        while logged < target and day <= today and day.month == first.month:
            hours = min(rng.choice([2, 2.5, 3, 4]), target - logged)
            db.session.add(
                SelfStudyLog(
                    person_id=person.id,
                    office_id=person.office_id,
                    studied_on=day,
                    hours=hours,
                    topic=rng.choice(TOPICS),
                )
            )
            logged += hours
            day += timedelta(days=2)


def _notes_and_techniques(person: TrainingPerson, today: date, rng: random.Random) -> None:
    repeats = 30 if person.group.is_cadre else 8
    for index, first in enumerate(_months_back(today, 3)):
        if first > today:
            continue
        content = "\n\n".join([NOTE_TEXT] * (repeats // 4 + index))
        db.session.add(
            StudyNote(
                person_id=person.id,
                office_id=person.office_id,
                written_on=min(first.replace(day=15), today),
                title=f"{first.month}月学习体会",
                content=content,
                char_count=count_note_characters(content),
            )
        )
    if person.group.is_cadre:
        count = rng.choice([5, 6, 7])
        for name in rng.sample(TECHNIQUES, count):
            db.session.add(
                Technique(
                    person_id=person.id,
                    office_id=person.office_id,
                    name=name,
                    mastered_on=today - timedelta(days=rng.randint(30, 700)),
                )
            )
