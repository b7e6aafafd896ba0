"""The reception register: each letter, visit and call becomes a core case in the responsible
office (category, channel, limit, source), a leader's deadline or an answer on the spot, the
outcome copied back when the case closes, and the day sheet showing every matter's state."""

from datetime import datetime, time, timedelta

import pytest
from reception_helpers import (  # noqa: F401
    booked_before,
    make_day,
    recent_working_day,
    resident,
    working_day_after,
)
from sqlalchemy import func, select
from support import post, text_of

from core.cases import Case, CaseStatus, Channel, close_case
from core.extensions import db
from core.time import LOCAL_ZONE as LOCAL_TZ
from core.time import LOCAL_ZONE as SHANGHAI
from core.time import local_today
from plugins.reception.errors import ReceptionError
from plugins.reception.models import BookingStatus, ReceptionMatter
from plugins.reception.services import booking
from plugins.reception.services.matters import MatterInput, register_matter


def counts():
    return (
        db.session.scalar(select(func.count()).select_from(ReceptionMatter)),
        db.session.scalar(select(func.count()).select_from(Case)),
    )


def today_day(office_id, leader_id):
    return make_day(office_id, leader_id, local_today(), start=time(0, 0), end=time(23, 30))


def matter(responsible, **fields):
    data = dict(
        channel="visit",
        name="孙德明",
        phone="13800003333",
        village="西河村",
        subject="村北灌溉机井水泵损坏",
        content="春灌无法用水，已影响 40 户。",
        instruction="请农业技术推广站三日内派人查看维修。",
        responsible_office_id=responsible,
    )
    data.update(fields)
    return MatterInput(**data)


def test_a_matter_becomes_a_core_case_of_the_responsible_office(app, reception_on, users):
    with app.app_context():
        day = today_day(reception_on["A"], users["leader"])
        registered = register_matter(
            day, matter(reception_on["B"]), office_id=reception_on["A"], actor_id=users["staff_a"]
        )
        db.session.commit()
        case = db.session.get(Case, registered.case_id)
        assert case.office_id == reception_on["B"]  # handed to the responsible office
        assert (case.category, case.channel) == ("reception_matter", Channel.VISIT)
        assert (case.source_type, case.source_id) == ("reception_matter", str(registered.id))
        assert (case.applicant_name, case.applicant_phone) == ("孙德明", "13800003333")
        assert case.first_responder_id == users["leader"]  # the duty leader received it
        assert (case.limit_amount, case.limit_unit) == (10, "calendar_days")  # 服务承诺: 10 日
        assert "领导批示（leader）：请农业技术推广站三日内派人查看维修。" in case.content
        assert registered.case_receipt_no == case.receipt_no
        assert case.status == CaseStatus.OPEN and case.colour() in ("green", "yellow")


@pytest.mark.parametrize("channel", ["letter", "phone"])
def test_letters_and_calls_keep_their_channel(app, reception_on, users, channel):
    with app.app_context():
        day = today_day(reception_on["A"], users["leader"])
        registered = register_matter(
            day,
            matter(reception_on["A"], channel=channel, phone=None),
            office_id=reception_on["A"],
            actor_id=users["staff_a"],
        )
        db.session.commit()
        assert db.session.get(Case, registered.case_id).channel == Channel(channel)


def test_the_leaders_own_deadline_and_its_30_day_cap(app, reception_on, users):
    with app.app_context():
        day = today_day(reception_on["A"], users["leader"])
        last_day = working_day_after(5)
        registered = register_matter(
            day,
            matter(reception_on["A"], instructed_last_day=last_day),
            office_id=reception_on["A"],
            actor_id=users["staff_a"],
        )
        db.session.commit()
        case = db.session.get(Case, registered.case_id)
        due = case.due_at.replace(tzinfo=case.due_at.tzinfo or SHANGHAI).astimezone(SHANGHAI)
        assert due.date() == last_day
        with pytest.raises(ReceptionError, match="最长"):
            register_matter(
                day,
                matter(reception_on["A"], instructed_last_day=local_today() + timedelta(days=45)),
                office_id=reception_on["A"],
                actor_id=users["staff_a"],
            )
        db.session.rollback()
        assert counts() == (1, 1)


def test_answered_on_the_spot_is_registered_and_closed(app, reception_on, users):
    with app.app_context():
        day = today_day(reception_on["A"], users["leader"])
        registered = register_matter(
            day,
            matter(
                reception_on["A"],
                answered_on_the_spot=True,
                instruction="已当场说明高龄津贴申领条件。",
            ),
            office_id=reception_on["A"],
            actor_id=users["staff_a"],
        )
        db.session.commit()
        case = db.session.get(Case, registered.case_id)
        assert case.status == CaseStatus.RESOLVED
        assert registered.outcome == case.outcome and "已当场说明" in registered.outcome
        assert registered.closed_at is not None


def test_closing_the_case_copies_the_outcome_to_the_matter(app, reception_on, users):
    with app.app_context():
        day = today_day(reception_on["A"], users["leader"])
        registered = register_matter(
            day, matter(reception_on["B"]), office_id=reception_on["A"], actor_id=users["staff_a"]
        )
        db.session.commit()
        case = db.session.get(Case, registered.case_id)
        close_case(case, outcome="已更换水泵，恢复供水。", actor_id=users["staff_b"])
        db.session.commit()
        db.session.refresh(registered)
        assert registered.outcome == "已更换水泵，恢复供水。" and registered.closed_at is not None


def test_a_booked_resident_received_marks_the_booking_attended(app, reception_on, users):
    with app.app_context():
        day = make_day(
            reception_on["A"],
            users["leader"],
            recent_working_day(),
            start=time(0, 0),
            end=time(23, 30),
        )
        made = booking.book(day.slots[-1].id, resident(), now=booked_before(day.slots[-1]))
        db.session.commit()
        register_matter(
            day,
            matter(reception_on["A"], booking_id=made.id, name="张三"),
            office_id=reception_on["A"],
            actor_id=users["staff_a"],
        )
        db.session.commit()
        assert made.status == BookingStatus.ATTENDED


def test_bad_input_is_refused_and_nothing_is_kept(app, reception_on, users):
    with app.app_context():
        day = today_day(reception_on["A"], users["leader"])
        future = make_day(reception_on["A"], users["leader"])
        cases = [
            (day, matter(reception_on["A"], instruction=" "), "请填写领导批示"),
            (day, matter(reception_on["A"], subject=""), "请填写反映的问题"),
            (day, matter(reception_on["A"], channel="email"), "来信、来访或来电"),
            (day, matter(reception_on["A"], phone="12345"), "请填写正确的手机号码"),
            (day, matter(None), "请选择承办单位"),
            (future, matter(reception_on["A"]), "尚未到来"),
            (
                day,
                matter(
                    reception_on["A"],
                    answered_on_the_spot=True,
                    instructed_last_day=working_day_after(3),
                ),
                "不需要另定办理时限",
            ),
            (
                day,
                matter(reception_on["A"], received_at=datetime.now(LOCAL_TZ) + timedelta(hours=2)),
                "不能晚于当前时间",
            ),
        ]
        for target, data, message in cases:
            with pytest.raises(ReceptionError, match=message):
                register_matter(
                    target, data, office_id=reception_on["A"], actor_id=users["staff_a"]
                )
            db.session.rollback()
        assert counts() == (0, 0)


def test_desk_registers_and_the_day_sheet_shows_each_state_and_colour(
    app, client, reception_on, users, login_as
):
    with app.app_context():
        day = today_day(reception_on["A"], users["leader"])
        # An older reception day whose matter is now overdue.
        old = make_day(reception_on["A"], users["leader"], local_today() - timedelta(days=25))
        register_matter(
            old,
            matter(
                reception_on["A"],
                subject="宅基地边界纠纷",
                received_at=datetime.combine(old.day, time(9), tzinfo=LOCAL_TZ),
            ),
            office_id=reception_on["A"],
            actor_id=users["staff_a"],
        )
        db.session.commit()
        day_id, old_id = day.id, old.id
    login_as("staff_a")
    response = post(
        client,
        f"/admin/reception-desk/day/{day_id}/matters",
        {
            "channel": "letter",
            "booking_id": "",
            "name": "马秀英",
            "phone": "",
            "village": "新街社区",
            "subject": "咨询高龄津贴申领条件",
            "content": "",
            "instruction": "请民政办答复。",
            "responsible_office_id": str(reception_on["B"]),
            "instructed_last_day": "",
        },
        follow_redirects=True,
    )
    body = text_of(response)
    assert "已登记并交承办单位办理" in body and "办件号" in body
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.subject == "咨询高龄津贴申领条件"))
        assert case.office_id == reception_on["B"] and case.channel == Channel.LETTER
        receipt = case.receipt_no
    sheet = text_of(client.get(f"/admin/reception-desk/day/{day_id}/sheet"))
    assert "领导接待登记表" in sheet and receipt in sheet and "待签收" in sheet and "正常" in sheet
    assert "乙村" in sheet  # the responsible office
    overdue = text_of(client.get(f"/admin/reception-desk/day/{old_id}/sheet"))
    assert "宅基地边界纠纷" in overdue and "超期" in overdue
    assert "13800003333" not in client.get(f"/admin/reception-desk/day/{old_id}/sheet").get_data(
        as_text=True
    )
    # Bad input on the desk: the message, nothing registered.
    response = post(
        client,
        f"/admin/reception-desk/day/{day_id}/matters",
        {
            "channel": "visit",
            "name": "马秀英",
            "subject": "事项",
            "instruction": "",
            "responsible_office_id": str(reception_on["A"]),
        },
        follow_redirects=True,
    )
    assert "请填写领导批示" in text_of(response)
    with app.app_context():
        assert counts() == (2, 2)
