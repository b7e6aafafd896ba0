"""Demo data: a held hearing on land transfer (土地流转) with attendees, questions, a deferred
answer and published minutes; an upcoming hearing on village road hardening (村道硬化)."""

from datetime import UTC, timedelta

from sqlalchemy import select

from core.kit import User, db, local_today, to_local, utc_now
from plugins.hearings import followups, registration, services
from plugins.hearings.models import (
    Attendee,
    AttendeeCategory,
    AttendeeSource,
    AttendeeStatus,
    Hearing,
    HearingKind,
    HearingStatus,
)

HELD_TITLE = "东桥村土地经营权流转方案听证会"
UPCOMING_TITLE = "西河村村道硬化工程质询会"

MINUTES = """# 东桥村土地经营权流转方案听证会纪要

**时间**：{date} 上午 9:00—11:30
**地点**：东桥村村民委员会二楼会议室
**主持人**：孙主任（镇党政办）

## 一、会议议题

东桥村拟将村北 320 亩耕地的经营权统一流转给县农业合作社，流转期限 10 年，
租金每亩每年 800 元，每三年按粮价调整一次。

## 二、出席情况

镇人大代表王建国、县政协委员陈秀兰、离退休老干部、东桥村群众代表和涉及流转的农户共 14 人参加。

## 三、群众发言与答复

1. 村民刘长顺问：租金是否按年预付？镇农业技术推广站当场答复：按年预付，每年 1 月 15 日前打入农户一卡通。
2. 村民周桂芳提出，流转后原有机井归谁维护？（本人联系电话 13912345678）
   因涉及县水利局的产权认定，不能当场答复，会后限期答复。
3. 王建国代表建议在合同中写明退出条款，镇政府采纳，写入合同第 12 条。

## 四、会议结论

| 事项 | 结论 |
| --- | --- |
| 流转方案 | 原则同意，补充退出条款后公示 7 天 |
| 机井维护 | 会后 15 个工作日内答复 |
"""


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _resident(
    hearing: Hearing,
    name: str,
    phone: str,
    category: AttendeeCategory,
    village: str,
    consent: bool,
    checked_in,
) -> Attendee:
    normalised = registration.normalise_phone(phone)
    person = Attendee(
        hearing_id=hearing.id,
        office_id=hearing.office_id,
        name=name,
        category=category,
        village=village,
        phone=normalised,
        phone_hash=registration.phone_hash(normalised),
        consent_public_name=consent,
        source=AttendeeSource.REGISTERED,
        status=AttendeeStatus.CONFIRMED,
        code=registration.new_code(),
        checked_in_at=checked_in,
    )
    db.session.add(person)
    db.session.flush()
    return person


def _held_hearing(office, organiser, responsible, now) -> None:
    start = (
        to_local(now - timedelta(days=10))
        .replace(hour=9, minute=0, second=0, microsecond=0)
        .astimezone(UTC)
    )
    hearing = Hearing(
        office_id=office.id,
        kind=HearingKind.HEARING,
        title=HELD_TITLE,
        issue="东桥村村北 320 亩耕地经营权统一流转给县农业合作社的方案：期限、租金、调整办法和退出条款。",
        decision_date=(start - timedelta(days=20)).date(),
        decision_ref="示范镇党委会议纪要〔2026〕7号",
        venue="东桥村村民委员会二楼会议室",
        starts_at=start,
        ends_at=start + timedelta(hours=2, minutes=30),
        capacity=30,
        waitlist_size=10,
        status=HearingStatus.ANNOUNCED,
        announced_at=start - timedelta(days=14),
        organiser_id=organiser.id if organiser else None,
    )
    db.session.add(hearing)
    db.session.flush()
    arrived = start + timedelta(minutes=-10)
    invited = [
        ("王建国", AttendeeCategory.NPC_DEPUTY, "示范镇人大代表", None),
        ("陈秀兰", AttendeeCategory.CPPCC_MEMBER, "县政协委员", None),
        ("赵德明", AttendeeCategory.RETIRED_CADRE, "原东桥村党支部书记", None),
    ]
    for name, category, affiliation, user_id in invited:
        person = registration.invite(
            hearing.id, name=name, category=category, affiliation=affiliation, user_id=user_id
        )
        person.checked_in_at = arrived
    if responsible:
        staff = registration.invite(
            hearing.id,
            name=responsible.display_name,
            category=AttendeeCategory.STAFF,
            affiliation=responsible.post,
            user_id=responsible.id,
        )
        staff.checked_in_at = arrived
    residents = [
        ("刘长顺", "13800138001", AttendeeCategory.CONCERNED, "东桥村三组", True),
        ("周桂芳", "13912345678", AttendeeCategory.CONCERNED, "东桥村三组", False),
        ("李春生", "13700137003", AttendeeCategory.CONCERNED, "东桥村五组", False),
        ("吴玉梅", "13600136004", AttendeeCategory.RESIDENT_REP, "东桥村一组", True),
        ("郑国强", "13500135005", AttendeeCategory.RESIDENT_REP, "东桥村二组", False),
    ]
    people = {
        name: _resident(hearing, name, phone, cat, village, consent, arrived)
        for name, phone, cat, village, consent in residents
    }
    hearing.status = HearingStatus.HELD
    hearing.held_at = start + timedelta(hours=2, minutes=30)
    q1 = followups.add_question(
        hearing,
        asker_name="刘长顺",
        asker_category="concerned",
        text="租金是按年预付还是年底结算？",
        attendee_id=people["刘长顺"].id,
    )
    followups.answer_on_the_spot(
        q1, answer="按年预付，每年 1 月 15 日前打入农户一卡通。", answered_by="农业技术推广站 站长"
    )
    q2 = followups.add_question(
        hearing,
        asker_name="周桂芳",
        asker_category="concerned",
        text="流转后原有的两眼机井由谁维护？维修费用谁出？",
        attendee_id=people["周桂芳"].id,
    )
    q3 = followups.add_question(
        hearing,
        asker_name="王建国",
        asker_category="npc_deputy",
        text="合同里要写明农户提前收回土地的退出条款。",
    )
    followups.answer_on_the_spot(q3, answer="采纳，写入合同第 12 条。", answered_by="钱镇长")
    if responsible:
        followups.defer(
            q2,
            reason="机井产权需县水利局认定，会上无法确定维护责任。",
            responsible_id=responsible.id,
            actor_id=organiser.id if organiser else None,
            now=hearing.held_at,
        )
    services.save_minutes_draft(hearing, MINUTES.format(date=f"{to_local(start):%Y年%m月%d日}"))
    services.publish_minutes(
        hearing,
        actor_id=organiser.id if organiser else None,
        now=hearing.held_at + timedelta(days=2),
    )


def _upcoming_hearing(office, organiser, now) -> None:
    start = (
        to_local(now + timedelta(days=12))
        .replace(hour=14, minute=30, second=0, microsecond=0)
        .astimezone(UTC)
    )
    hearing = Hearing(
        office_id=office.id,
        kind=HearingKind.INQUIRY,
        title=UPCOMING_TITLE,
        issue="西河村 3.2 公里村道硬化工程的招标、质量和进度，群众对施工占地补偿的意见。",
        decision_date=local_today(now - timedelta(days=3)),
        decision_ref="示范镇党委会议纪要〔2026〕11号",
        venue="西河村文化活动室",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=40,
        waitlist_size=10,
        organiser_id=organiser.id if organiser else None,
    )
    db.session.add(hearing)
    db.session.flush()
    services.announce(hearing, now=now)
    registration.invite(
        hearing.id,
        name="王建国",
        category=AttendeeCategory.NPC_DEPUTY,
        affiliation="示范镇人大代表",
    )
    registration.register(
        hearing.id,
        registration.Registration(
            name="孙立平", phone="13300133006", category="concerned", village="西河村四组"
        ),
        now=now,
    )


def load_demo(offices) -> None:
    """Create the demo hearings once (keyed by title); the core commits."""
    office = offices.get("SFZ-ZF")
    if office is None:
        return
    existing = set(db.session.scalars(select(Hearing.title).where(Hearing.office_id == office.id)))
    organiser, responsible = _user("officeadmin"), _user("staff")
    now = utc_now()
    if HELD_TITLE not in existing:
        _held_hearing(office, organiser, responsible, now)
    if UPCOMING_TITLE not in existing:
        _upcoming_hearing(office, organiser, now)
