"""Demo data: the township head's weekly reception day (Tuesday mornings, moved on after a
holiday) and a monthly afternoon, with bookings, a past day's register handed over as cases,
and two appointment cards (one waiting for the visit, one visited and registered)."""

from datetime import time, timedelta

from sqlalchemy import select

from core.kit import User, db, is_working_day, local_datetime, local_today
from plugins.reception.models import (
    Frequency,
    HolidayPolicy,
    ReceptionDay,
    ReceptionRule,
    ReceptionSettings,
)
from plugins.reception.services import booking, cards, roster
from plugins.reception.services.matters import MatterInput, register_matter

RULE_TITLE = "镇长接待日"
PLACE = "示范镇人民政府一楼群众接待室"


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _last_working_day_before(day):
    day -= timedelta(days=1)
    while not is_working_day(day)[0]:
        day -= timedelta(days=1)
    return day


def load_demo(offices) -> None:
    """Create the demo records once (nothing when they are there already)."""
    government = offices.get("SFZ-ZF")
    leader, staff = _user("leader"), _user("staff")
    if government is None or leader is None:
        return
    if db.session.scalar(
        select(ReceptionRule.id).where(
            ReceptionRule.office_id == government.id, ReceptionRule.title == RULE_TITLE
        )
    ):
        return
    today = local_today()
    db.session.add(
        ReceptionSettings(
            office_id=government.id, card_limit_amount=3, card_limit_unit="calendar_days"
        )
    )
    weekly = ReceptionRule(
        office_id=government.id,
        leader_id=leader.id,
        title=RULE_TITLE,
        frequency=Frequency.WEEKLY,
        interval=1,
        weekdays="TU",
        starts_on=today - timedelta(days=90),
        start_time=time(8, 30),
        end_time=time(11, 30),
        place=PLACE,
        slot_minutes=30,
        slot_capacity=2,
        on_holiday=HolidayPolicy.NEXT_WORKING_DAY,
        active=True,
        note="群众可来访、来信、来电；可在网上预约时段，也可当天直接来访。",
    )
    monthly = ReceptionRule(
        office_id=government.id,
        leader_id=leader.id,
        title="镇长下午接待（每月最后一个星期五）",
        frequency=Frequency.MONTHLY,
        interval=1,
        weekdays="FR",
        week_of_month=-1,
        starts_on=today - timedelta(days=90),
        start_time=time(14, 30),
        end_time=time(17, 0),
        place=PLACE,
        slot_minutes=30,
        slot_capacity=3,
        on_holiday=HolidayPolicy.SKIP,
        active=True,
    )
    db.session.add_all([weekly, monthly])
    db.session.flush()
    roster.sync_rule(weekly)
    roster.sync_rule(monthly)

    upcoming = db.session.scalar(
        select(ReceptionDay)
        .where(ReceptionDay.rule_id == weekly.id, ReceptionDay.day > today)
        .order_by(ReceptionDay.day)
    )
    if upcoming is not None:
        for slot, (name, phone, village, matter) in zip(
            upcoming.slots,
            [
                ("刘长顺", "13800001111", "东桥村", "承包地流转租金发放时间"),
                ("周桂芳", "13800002222", "东桥村", "村北机井维修责任"),
            ],
            strict=False,
        ):
            booking.book(
                slot.id,
                booking.BookingRequest(
                    name=name, phone=phone, village=village, matter=matter, named_leader=True
                ),
            )

    past = _last_working_day_before(today)
    held = ReceptionDay(
        office_id=government.id,
        day=past,
        start_time=time(8, 30),
        end_time=time(11, 30),
        place=PLACE,
        leader_id=leader.id,
        original_leader_id=leader.id,
        manual=True,
    )
    roster.build_slots(held, 30, 2)
    db.session.add(held)
    db.session.flush()
    at = local_datetime(past, time(9, 10))
    station = offices.get("SFZ-NJZ") or government
    register_matter(
        held,
        MatterInput(
            channel="visit",
            name="孙德明",
            phone="13800003333",
            village="西河村",
            subject="村北灌溉机井水泵损坏，春灌无法用水",
            instruction="请农业技术推广站三日内派人查看，能修则修，不能修的报镇政府协调资金。",
            responsible_office_id=station.id,
            received_at=at,
        ),
        office_id=government.id,
        actor_id=staff.id if staff else None,
    )
    register_matter(
        held,
        MatterInput(
            channel="phone",
            name="马秀英",
            village="新街社区",
            subject="咨询高龄津贴申领条件",
            instruction="已当场说明：年满 80 周岁、本镇户籍，持身份证和户口簿到服务大厅申领。",
            responsible_office_id=government.id,
            answered_on_the_spot=True,
            received_at=at + timedelta(minutes=40),
        ),
        office_id=government.id,
        actor_id=staff.id if staff else None,
    )

    cards.fill_card(
        government.id,
        cards.CardInput(
            leader_id=leader.id,
            name="赵桂兰",
            phone="13800004444",
            village="东桥村",
            address="东桥村三组 18 号",
            matter="宅基地边界与邻居有争议，希望镇长到现场看看。",
            expected_back_on=today,
            away_reason="到县里参加防汛工作会议",
        ),
        actor_id=staff.id if staff else None,
    )
    done = cards.fill_card(
        government.id,
        cards.CardInput(
            leader_id=leader.id,
            name="钱玉山",
            phone="13800005555",
            village="西河村",
            address="西河村一组 6 号",
            matter="老房漏雨，申请危房改造补助。",
            expected_back_on=today,
            away_reason="到市里汇报工作",
        ),
        actor_id=staff.id if staff else None,
    )
    cards.record_return(done, back_on=today)
    cards.record_visit(
        done,
        visited_on=today,
        findings="房屋后墙开裂，屋顶多处漏雨，属 C 级危房。",
        resolution="列入今年危房改造计划，先由村里组织修补屋顶。",
        visitor_id=leader.id,
        actor_id=leader.id,
    )
    cards.register_outcome(
        done,
        outcome="已列入危房改造计划，补助资金到位后开工；屋顶已修补。",
        satisfaction="satisfied",
        actor_id=staff.id if staff else None,
    )
    db.session.flush()
