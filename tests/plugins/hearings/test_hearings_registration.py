"""Registration: places and the waiting list, one registration per phone, codes, withdrawal,
check-in, counts, the sign-in sheet, audited export — and capacity under concurrency."""

import re
import threading
from datetime import timedelta

import pytest
from hearings_helpers import (
    hold,
    new_hearing,
)
from sqlalchemy import func, select
from support import post, text_of

from core.audit import AuditEntry
from core.extensions import db
from core.kit import utc_now
from plugins.hearings import registration
from plugins.hearings.errors import HearingError
from plugins.hearings.models import (
    Attendee,
    AttendeeCategory,
    AttendeeStatus,
    Hearing,
    ParticipantMessage,
)
from plugins.hearings.registration import Registration, register, withdraw


def resident(
    name="张三", phone="13800138000", category="concerned", village="西河村", consent=False
):
    return Registration(
        name=name, phone=phone, category=category, village=village, consent_public_name=consent
    )


def count(hearing_id, status):
    return db.session.scalar(
        select(func.count())
        .select_from(Attendee)
        .where(Attendee.hearing_id == hearing_id, Attendee.status == status)
    )


def test_places_then_waiting_list_then_full(app, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], capacity=2, waitlist=1)
        first = register(hearing.id, resident("张三", "13800000001"))
        second = register(hearing.id, resident("李四", "13800000002"))
        third = register(hearing.id, resident("王五", "13800000003"))
        db.session.commit()
        assert [first.status, second.status, third.status] == [
            AttendeeStatus.CONFIRMED,
            AttendeeStatus.CONFIRMED,
            AttendeeStatus.WAITING,
        ]
        assert registration.waiting_position(third) == 1
        with pytest.raises(HearingError, match="名额和候补名额均已报满"):
            register(hearing.id, resident("赵六", "13800000004"))
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Attendee)) == 3


def test_withdrawal_moves_the_waiting_list_up_and_tells_the_resident(app, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], capacity=1, waitlist=2)
        first = register(hearing.id, resident("张三", "13800000001"))
        waiting = register(hearing.id, resident("李四", "13800000002"))
        db.session.commit()
        promoted = withdraw(first)
        db.session.commit()
        assert [p.id for p in promoted] == [waiting.id]
        assert waiting.status == AttendeeStatus.CONFIRMED and waiting.promoted_at
        message = db.session.scalar(
            select(ParticipantMessage).where(ParticipantMessage.attendee_id == waiting.id)
        )
        assert "由候补转为正式参加" in message.body
        assert message.recipient_masked == "138****0002"
        with pytest.raises(HearingError, match="已经退出"):
            withdraw(first)
        # The withdrawn phone may register again.
        again = register(hearing.id, resident("张三", "13800000001"))
        assert again.status == AttendeeStatus.WAITING


def test_one_registration_per_phone_whatever_its_spelling(app, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        register(hearing.id, resident(phone="13800138000"))
        db.session.commit()
        with pytest.raises(HearingError, match="该电话号码已报名本场听证"):
            register(hearing.id, resident(name="张三丰", phone="+86 138-0013-8000"))
        db.session.rollback()
        row = db.session.scalar(select(Attendee))
        assert row.phone_hash and "13800138000" not in row.phone_hash
        assert db.session.scalar(select(func.count()).select_from(Attendee)) == 1


@pytest.mark.parametrize("phone", ["12345", "1380013800", "23800138000", "abc13800138000", ""])
def test_malformed_phone_is_refused_in_chinese(app, hearings_on, phone):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        with pytest.raises(HearingError, match="请填写正确的手机号码"):
            register(hearing.id, resident(phone=phone))
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Attendee)) == 0


def test_registration_closes_at_its_deadline_and_after_the_hearing(app, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        hearing.registration_closes_at = utc_now() - timedelta(minutes=1)
        db.session.commit()
        with pytest.raises(HearingError, match="报名已于 .* 截止"):
            register(hearing.id, resident())
        db.session.rollback()
        hearing = db.session.get(Hearing, hearing.id)
        hearing.registration_closes_at = None
        hold(hearing)
        with pytest.raises(HearingError, match="已经举行，报名已结束"):
            register(hearing.id, resident())


def test_public_registration_code_lookup_and_withdrawal(app, client, hearings_on):
    with app.app_context():
        hearing_id = new_hearing(hearings_on["A"], capacity=5).id
    page = client.get(f"/o/A/hearings/{hearing_id}")
    assert page.status_code == 200 and "报名参加" in page.get_data(as_text=True)
    response = post(
        client,
        f"/o/A/hearings/{hearing_id}/register",
        {"name": "张三", "phone": "138 0013 8000", "category": "concerned", "village": "西河村"},
    )
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    code = re.search(r'id="confirmation-code">([A-Z0-9-]+)<', body).group(1)
    assert "报名成功" in body and "data:image/svg+xml" in body  # QR drawn on the server
    assert "13800138000" not in body
    looked_up = post(client, "/o/A/hearings/registration", {"code": code.lower()})
    assert "已确认参加" in text_of(looked_up) and "张某" in text_of(looked_up)
    withdrawn = post(client, "/o/A/hearings/registration/withdraw", {"code": code.replace("-", "")})
    assert "您已退出报名" in text_of(withdrawn) and "已退出" in text_of(withdrawn)
    bad = post(client, "/o/A/hearings/registration", {"code": "ZZZZ-WWWW"})
    assert "没有找到该确认码" in text_of(bad)


def test_public_form_errors_keep_the_input(app, client, hearings_on):
    with app.app_context():
        hearing_id = new_hearing(hearings_on["A"]).id
    response = post(
        client,
        f"/o/A/hearings/{hearing_id}/register",
        {"name": "张三", "phone": "12345", "category": "concerned", "village": "东桥村"},
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "请填写正确的手机号码" in body
    assert 'value="张三"' in body and 'value="东桥村"' in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attendee)) == 0


def test_codes_are_short_unambiguous_and_distinct(app, hearings_on):
    with app.app_context():
        codes = {registration.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", c) for c in codes)


def test_check_in_by_code_and_counts_by_category(app, client, hearings_on, login_as):
    with app.app_context():  # check-in is open on the day: the hearing starts in an hour
        hearing = new_hearing(
            hearings_on["A"], capacity=2, waitlist=2, starts_in=timedelta(hours=1)
        )
        deputy = registration.invite(
            hearing.id, name="王建国", category="npc_deputy", affiliation="镇人大代表"
        )
        person = register(hearing.id, resident())
        waiting = register(hearing.id, resident("李四", "13800000002"))
        db.session.commit()
        hearing_id, deputy_code, person_code, waiting_code = (
            hearing.id,
            deputy.code,
            person.code,
            waiting.code,
        )
    login_as("staff_a")
    # The QR code opens the check-in screen with the code filled in.
    page = client.get(f"/admin/hearings-desk/{hearing_id}/checkin?code={person_code}")
    assert registration.format_code(person_code) in page.get_data(as_text=True)
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/checkin",
        {"code": person_code},
        follow_redirects=True,
    )
    assert "签到成功" in text_of(response)
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/checkin",
        {"code": waiting_code},
        follow_redirects=True,
    )
    assert "仍在候补名单中" in text_of(response)
    post(client, f"/admin/hearings-desk/{hearing_id}/checkin", {"code": deputy_code})
    with app.app_context():
        hearing = db.session.get(Hearing, hearing_id)
        counts = registration.category_counts(hearing, checked_in=True)
        assert counts[AttendeeCategory.NPC_DEPUTY] == 1 and counts[AttendeeCategory.CONCERNED] == 1
        assert sum(counts.values()) == 2


def test_sign_in_sheet_lists_names_but_no_phones(app, client, hearings_on, login_as):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        registration.invite(
            hearing.id,
            name="陈秀兰",
            category="cppcc_member",
            affiliation="县政协委员",
            phone="13912345678",
        )
        register(hearing.id, resident())
        db.session.commit()
        hearing_id = hearing.id
    login_as("staff_a")
    sheet = client.get(f"/admin/hearings-desk/{hearing_id}/signin").get_data(as_text=True)
    assert "签到表" in sheet and "陈秀兰" in sheet and "张三" in sheet and "本人签名" in sheet
    assert "13912345678" not in sheet and "13800138000" not in sheet


def test_invite_respects_capacity(app, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], capacity=1)
        registration.invite(hearing.id, name="王建国", category="npc_deputy")
        with pytest.raises(HearingError, match="会场名额已满"):
            registration.invite(hearing.id, name="陈秀兰", category="cppcc_member")


def test_attendee_export_is_audited(app, client, hearings_on, login_as):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        register(hearing.id, resident())
        db.session.commit()
    login_as("staff_a")
    response = client.get("/admin/hearings_attendees/export/csv/")
    assert response.status_code == 200 and "张三" in response.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "export", AuditEntry.target_type == "hearing_attendee"
            )
        )
        assert entry is not None and entry.details["rows"] == 1


def test_attendee_list_masks_phones(app, client, hearings_on, login_as):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        register(hearing.id, resident())
        db.session.commit()
    login_as("staff_a")
    page = client.get("/admin/hearings_attendees/").get_data(as_text=True)
    assert "138****8000" in page and "13800138000" not in page


def _race(app, hearing_id: int, people: int) -> list[str]:
    """``people`` threads, each with its own app context and database session, register at
    the same moment; returns each outcome."""
    outcomes: list[str] = []
    barrier = threading.Barrier(people)
    lock = threading.Lock()

    def one(i: int):
        with app.app_context():
            barrier.wait()
            try:
                attendee = register(hearing_id, resident(f"村民{chr(0x4E00 + i)}", f"139{i:08d}"))
                db.session.commit()
                outcome = attendee.status.value
            except HearingError:
                db.session.rollback()
                outcome = "refused"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def _fill(app, office_id, capacity, taken, waitlist):
    with app.app_context():
        hearing = new_hearing(office_id, capacity=capacity, waitlist=waitlist)
        for i in range(taken):
            register(hearing.id, resident(f"先报{chr(0x4E00 + i)}", f"137{i:08d}"))
        db.session.commit()
        return hearing.id


def test_concurrent_registrations_never_overbook_on_postgresql(app, hearings_on, postgres_only):
    hearing_id = _fill(app, hearings_on["A"], capacity=40, taken=30, waitlist=15)
    outcomes = _race(app, hearing_id, 50)
    assert len(outcomes) == 50
    assert outcomes.count("confirmed") == 10
    assert outcomes.count("waiting") == 15
    assert outcomes.count("refused") == 25
    with app.app_context():
        assert count(hearing_id, AttendeeStatus.CONFIRMED) == 40
        assert count(hearing_id, AttendeeStatus.WAITING) == 15


def test_concurrent_registrations_never_overbook_on_sqlite(app, hearings_on, database_url):
    if database_url is not None:
        pytest.skip("the SQLite pass covers the write-lock path")
    hearing_id = _fill(app, hearings_on["A"], capacity=12, taken=7, waitlist=3)
    outcomes = _race(app, hearing_id, 16)
    assert sorted(outcomes).count("confirmed") == 5
    assert outcomes.count("waiting") == 3 and outcomes.count("refused") == 8
    with app.app_context():
        assert count(hearing_id, AttendeeStatus.CONFIRMED) == 12


def test_organiser_is_told_when_the_last_place_goes(app, hearings_on, users):
    from core.jobs import Notification

    with app.app_context():
        hearing = new_hearing(hearings_on["A"], capacity=2, organiser_id=users["officeadmin"])
        register(hearing.id, resident("张三", "13800000001"))
        db.session.commit()
        assert db.session.scalar(select(Notification)) is None
        register(hearing.id, resident("李四", "13800000002"))
        register(hearing.id, resident("王五", "13800000003"))  # waiting list: no second notice
        db.session.commit()
        notes = db.session.scalars(select(Notification)).all()
        assert len(notes) == 1 and "名额已报满" in notes[0].body
        assert notes[0].user_id == users["officeadmin"]


def test_registering_after_the_deadline_over_http_says_so_and_hides_the_form(
    app, client, hearings_on
):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        hearing_id = hearing.id
    form_page = client.get(f"/o/A/hearings/{hearing_id}")
    assert "提交报名" in form_page.get_data(as_text=True)
    with app.app_context():
        hearing = db.session.get(Hearing, hearing_id)
        hearing.registration_closes_at = utc_now() - timedelta(minutes=5)
        db.session.commit()
    response = post(
        client,
        f"/o/A/hearings/{hearing_id}/register",
        {"name": "张三", "phone": "13800138000", "category": "concerned"},
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "报名已于" in body and "截止" in body and "提交报名" not in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attendee)) == 0
