"""Demo data for ``flask demo load``: petitions in each stage, a repeat, a collective and a
skip-level petition, a dispute mediated up the levels and an observed reception session.
Safe to run twice: nothing is added when the township government already has petitions."""

from datetime import timedelta

from sqlalchemy import select

from core.kit import db, set_module, utc_now
from plugins.petitions import services
from plugins.petitions.models import (
    HostRole,
    NoticeKind,
    ObserverCategory,
    Petition,
    ReceptionSession,
    SessionHearing,
    SessionObserver,
)
from plugins.petitions.services import mediation


def load_demo(offices: dict) -> None:
    """Add the demo petitions to the township government and its villages."""
    township = offices.get("SFZ-ZF")
    if township is None:
        return
    if db.session.scalar(select(Petition.id).where(Petition.office_id == township.id).limit(1)):
        return
    for code in ("SFZ-SFS",):
        if code in offices:
            set_module("petitions", offices[code], True)
    db.session.flush()
    today = utc_now()

    def days_ago(n):
        return today - timedelta(days=n)

    road = services.register_petition(
        office_id=township.id,
        channel="visit",
        received_at=days_ago(20),
        subject="东桥村修建村道占用承包地未给补偿",
        demands="要求按标准支付占地补偿款",
        content="村道拓宽占用承包地约0.8亩，至今未签协议、未给补偿。",
        people_count=2,
        petitioners=[
            {
                "name": "王德发",
                "phone": "13904711234",
                "id_number": "150121196503121232",
                "address": "东桥村三组",
                "is_representative": True,
            },
            {"name": "王秀兰", "phone": "13904715678"},
        ],
        actor_id=None,
    )
    services.pass_on(road, handling_unit="镇自然资源所", passed_at=days_ago(18), actor_id=None)
    services.decide_acceptance(
        road, accepted=True, decided_at=days_ago(15), note=None, actor_id=None
    )
    services.register_petition(
        office_id=township.id,
        channel="call",
        received_at=days_ago(5),
        subject="反映东桥村修路占用其承包土地至今没有补偿",
        demands="催问补偿进度",
        people_count=1,
        petitioners=[{"name": "王德发", "phone": "139-0471-1234"}],
        repeat_of_id=road.id,
        actor_id=None,
    )

    heating = services.register_petition(
        office_id=township.id,
        channel="visit",
        received_at=days_ago(2),
        subject="新街社区三号楼冬季供暖温度不达标",
        demands="要求供热公司整改并退还部分取暖费",
        people_count=8,
        petitioners=[
            {"name": "刘建国", "phone": "13847123456", "is_representative": True},
            {"name": "张桂芝", "phone": "13847120000"},
        ],
        hidden_risk="high",
        risk_note="居民情绪激动，扬言到旗里集体上访",
        actor_id=None,
    )

    wages = services.register_petition(
        office_id=township.id,
        channel="letter",
        received_at=days_ago(70),
        subject="西河村农民工被拖欠工程款",
        demands="要求施工方支付拖欠的劳务费 3.2 万元",
        people_count=3,
        level_brought_to="city",
        proper_level="township",
        petitioners=[{"name": "赵铁柱", "phone": "15148712345", "id_number": "150121198001012019"}],
        actor_id=None,
    )
    services.decide_acceptance(
        wages, accepted=True, decided_at=days_ago(66), note=None, actor_id=None
    )
    services.reply(
        wages,
        result="经协调，施工方已分两期支付拖欠劳务费，第一期已于本月到账。",
        replied_at=days_ago(20),
        actor_id=None,
    )
    reply_notice = next(n for n in wages.notices if n.kind == NoticeKind.REPLY)
    services.record_delivery(
        reply_notice, method="in_person", delivered_at=days_ago(19), note="本人签收", actor_id=None
    )

    village = offices.get("SFZ-DQC")
    station = offices.get("SFZ-SFS")
    if village is not None:
        dispute = mediation.open_dispute(
            office_id=village.id,
            title="东桥村两户宅基地界址纠纷",
            parties="李长顺、孙福来",
            facts="两户因院墙界址相互指责，已发生口角。",
            actor_id=None,
        )
        db.session.flush()
        following = mediation.record_session(
            dispute.sessions[0],
            outcome="passed_up",
            held_at=days_ago(10),
            summary="村调委会两次调解，双方对界址各执一词。",
            place="东桥村村委会",
            mediators="吴书记、村调委会主任",
            parties_present="李长顺、孙福来",
            next_office_id=station.id if station is not None else None,
            actor_id=None,
        )
        if following is not None:
            mediation.record_session(
                following,
                outcome="settled",
                held_at=days_ago(3),
                summary="司法所现场勘验后，双方同意以原地基线为界。",
                place="司法所调解室",
                mediators="司法所所长",
                parties_present="李长顺、孙福来",
                signature_record="双方当事人当场在调解协议上签字按印，协议一式三份。",
                actor_id=None,
            )

    session = ReceptionSession(
        office_id=township.id,
        held_at=days_ago(1),
        place="镇政府信访接待室",
        host_role=HostRole.PARTY_SECRETARY,
        host_name="镇党委书记",
        convenor_name="党委常务副书记",
        summary="接待群众 3 批 12 人次。",
    )
    for category, name, unit, opinion in (
        (ObserverCategory.PEOPLES_DEPUTY, "镇人大代表甲", "镇人大", "建议对供暖问题限期整改。"),
        (ObserverCategory.VILLAGE_PARTY_SECRETARY, "吴书记", "东桥村", "占地补偿应尽快兑现。"),
        (
            ObserverCategory.RESIDENT_REPRESENTATIVE,
            "群众代表乙",
            "新街社区",
            "接待态度好，答复清楚。",
        ),
    ):
        session.observers.append(
            SessionObserver(
                office_id=township.id, category=category, name=name, unit=unit, opinions=opinion
            )
        )
    session.hearings.append(
        SessionHearing(
            office_id=township.id,
            petition=heating,
            notes="当场听取居民代表意见。",
            referred_to_collective=True,
            meeting_held_at=today,
            meeting_decision="由分管副镇长牵头，供热公司一周内整改，整改情况向居民公开。",
        )
    )
    db.session.add(session)
