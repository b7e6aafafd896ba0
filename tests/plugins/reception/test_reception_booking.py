"""Booking: capacity, one booking per phone per day, cancellation frees the place, walk-ins,
the public pages (code shown, lookup, cancel), bad input refused in Chinese with nothing
changed, the module switched off — and capacity under concurrent bookings."""

import re
import threading
from datetime import date, datetime, time

import pytest
from reception_helpers import make_day, resident, working_day_after  # noqa: F401
from sqlalchemy import func, select
from support import post, text_of

from core.extensions import db
from core.models import Office
from core.modules import set_module
from core.sla.models import CalendarDay
from core.time import LOCAL_ZONE as LOCAL_TZ
from plugins.reception.errors import ReceptionError
from plugins.reception.models import Booking, BookingSource, BookingStatus, ReceptionDay
from plugins.reception.services import booking
from plugins.reception.services.booking import book, cancel, free_places


def bookings() -> int:
    return db.session.scalar(select(func.count()).select_from(Booking))


def test_capacity_then_full(app, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], capacity=2)
        slot = day.slots[0]
        book(slot.id, resident("张三", "13800000001"))
        book(slot.id, resident("李四", "13800000002"))
        db.session.commit()
        with pytest.raises(ReceptionError, match="该时段已约满"):
            book(slot.id, resident("王五", "13800000003"))
        db.session.rollback()
        assert bookings() == 2
        assert free_places(day)[slot.id] == 0 and free_places(day)[day.slots[1].id] == 2


def test_one_booking_per_phone_per_day_whatever_its_spelling(app, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"])
        book(day.slots[0].id, resident(phone="138 0013 8000"))
        db.session.commit()
        for spelling in ("13800138000", "+86 138-0013-8000", "008613800138000"):
            with pytest.raises(ReceptionError, match="每个电话号码每天只能预约一次"):
                book(day.slots[1].id, resident("李四", spelling))
            db.session.rollback()
        assert bookings() == 1
        # Another day, or another office's day, is fine for the same phone.
        other = make_day(reception_on["A"], users["leader"], working_day_after(14))
        book(other.slots[0].id, resident(phone="13800138000"))
        db.session.commit()
        assert bookings() == 2
        stored = db.session.scalar(select(Booking).order_by(Booking.id))
        assert stored.phone == "13800138000" and "13800138000" not in stored.phone_hash


def test_a_second_reception_day_on_the_same_date_is_also_covered(app, reception_on, users):
    with app.app_context():
        morning = make_day(reception_on["A"], users["leader"])
        afternoon = make_day(
            reception_on["A"], users["leader"], morning.day, start=time(14, 30), end=time(16, 30)
        )
        book(morning.slots[0].id, resident())
        db.session.commit()
        with pytest.raises(ReceptionError, match="每个电话号码每天只能预约一次"):
            book(afternoon.slots[0].id, resident())
        db.session.rollback()
        assert bookings() == 1


def test_cancel_frees_the_place_and_the_phone(app, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], capacity=1)
        slot_id = day.slots[0].id
        first = book(slot_id, resident("张三", "13800000001"))
        db.session.commit()
        with pytest.raises(ReceptionError, match="已约满"):
            book(slot_id, resident("李四", "13800000002"))
        db.session.rollback()
        cancel(first)
        db.session.commit()
        assert first.status == BookingStatus.CANCELLED and first.phone_hash is None
        assert free_places(day)[slot_id] == 1
        book(slot_id, resident("李四", "13800000002"))
        db.session.commit()
        with pytest.raises(ReceptionError, match="已经取消"):
            cancel(first)
        db.session.rollback()
        book(day.slots[1].id, resident("张三", "13800000001"))  # the phone may book again
        db.session.commit()


@pytest.mark.parametrize("phone", ["1380013800", "23800138000", "abc", "138001380001", ""])
def test_malformed_phone_is_refused_in_chinese(app, reception_on, users, phone):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"])
        with pytest.raises(ReceptionError, match="请填写正确的手机号码"):
            book(day.slots[0].id, resident(phone=phone))
        db.session.rollback()
        assert bookings() == 0


def test_past_slot_and_the_day_over_are_refused(app, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"])
        slot = day.slots[1]
        after_start = datetime.combine(day.day, time(9, 5), tzinfo=LOCAL_TZ)
        with pytest.raises(ReceptionError, match="该时段已经开始或已经过去"):
            book(slot.id, resident(), now=after_start)
        db.session.rollback()
        after_day = datetime.combine(day.day, time(18, 0), tzinfo=LOCAL_TZ)
        with pytest.raises(ReceptionError, match="该接待日已经结束"):
            book(slot.id, resident(), now=after_day)
        db.session.rollback()
        # A walk-in may still be booked into the slot that is going on.
        made = book(
            slot.id, resident(phone=""), walk_in=True, actor_id=users["staff_a"], now=after_start
        )
        db.session.commit()
        assert made.source == BookingSource.WALK_IN and made.phone is None
        assert made.created_by_id == users["staff_a"]


def test_slot_on_a_holiday_is_refused(app, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"])
        # The calendar is entered after the day was planned: it is now a statutory holiday.
        db.session.add(CalendarDay(day=day.day, kind="holiday", name="测试假日"))
        db.session.commit()
        with pytest.raises(ReceptionError, match="法定节假日"):
            book(day.slots[0].id, resident())
        db.session.rollback()
        assert bookings() == 0


def test_cancelled_day_and_unknown_slot_are_refused(app, reception_on, users):
    from plugins.reception.services import changes

    with app.app_context():
        day = make_day(reception_on["A"], users["leader"])
        with pytest.raises(ReceptionError, match="请选择预约时段"):
            book(None, resident())
        with pytest.raises(ReceptionError, match="请选择预约时段"):
            book(99999, resident())
        changes.cancel_day(day, reason="镇长参加防汛工作", actor_id=None)
        db.session.commit()
        with pytest.raises(ReceptionError, match="已取消：镇长参加防汛工作"):
            book(day.slots[0].id, resident())
        db.session.rollback()
        assert bookings() == 0


def test_codes_are_short_unambiguous_and_distinct(app, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], capacity=10)
        codes = {
            book(day.slots[0].id, resident(f"村民{chr(0x4E00 + i)}", f"1390000{i:04d}")).code
            for i in range(10)
        }
        assert len(codes) == 10
        assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", c) for c in codes)
        code = next(iter(codes))
        assert booking.find_by_code(booking.format_code(code).lower()).code == code
        assert booking.find_by_code(code, reception_on["B"]) is None  # another office's code


# --- the residents' pages ------------------------------------------------------------------


def test_public_booking_shows_the_code_then_lookup_and_cancel(app, client, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], capacity=1)
        day_id, slot_id = day.id, day.slots[0].id
    index = text_of(client.get("/o/A/reception/"))
    assert "leader" in index and "镇政府一楼群众接待室" in index
    page = client.get(f"/o/A/reception/day/{day_id}")
    assert page.status_code == 200 and "提交预约" in text_of(page)
    response = post(
        client,
        f"/o/A/reception/day/{day_id}/book",
        {
            "slot_id": str(slot_id),
            "leader_choice": "named",
            "name": "张三",
            "phone": "13800138000",
            "village": "东桥村",
            "matter": "承包地租金",
        },
    )
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    code = re.search(r'id="confirmation-code">([A-Z0-9-]+)<', html).group(1)
    assert "13800138000" not in html
    with app.app_context():
        made = db.session.scalar(select(Booking))
        assert made.leader_id == users["leader"] and booking.format_code(made.code) == code
    lookup = post(client, "/o/A/reception/booking", {"code": code.replace("-", "").lower()})
    assert "张某" in text_of(lookup) and "张三" not in text_of(lookup)
    assert "13800138000" not in lookup.get_data(as_text=True)
    # The slot is full now; the page says so.
    assert "已约满" in text_of(client.get(f"/o/A/reception/day/{day_id}"))
    cancelled = post(client, "/o/A/reception/booking/cancel", {"code": code})
    assert cancelled.status_code == 200 and "您的预约已取消" in text_of(cancelled)
    with app.app_context():
        assert db.session.scalar(select(Booking.status)) == BookingStatus.CANCELLED
    again = post(client, "/o/A/reception/booking/cancel", {"code": code})
    assert again.status_code == 409 and "已经取消" in text_of(again)
    assert "剩余 1 个名额" in text_of(client.get(f"/o/A/reception/day/{day_id}"))


def test_public_bad_input_keeps_the_form_and_changes_nothing(app, client, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], capacity=1)
        day_id, slot_id = day.id, day.slots[0].id
        book(slot_id, resident("李四", "13900000000"))
        db.session.commit()
    form = {
        "slot_id": str(slot_id),
        "leader_choice": "duty",
        "name": "张三",
        "village": "东桥村",
        "matter": "承包地租金",
    }
    bad_phone = post(client, f"/o/A/reception/day/{day_id}/book", {**form, "phone": "12345"})
    assert bad_phone.status_code == 409
    assert "请填写正确的手机号码" in text_of(bad_phone) and 'value="张三"' in bad_phone.get_data(
        as_text=True
    )
    full = post(client, f"/o/A/reception/day/{day_id}/book", {**form, "phone": "13800138000"})
    assert full.status_code == 409 and "该时段已约满，请选择其他时段" in text_of(full)
    missing = post(
        client, f"/o/A/reception/day/{day_id}/book", {**form, "phone": "13800138000", "matter": ""}
    )
    assert missing.status_code == 400 and "请简要填写要反映的事项" in text_of(missing)
    no_csrf = client.post(
        f"/o/A/reception/day/{day_id}/book", data={**form, "phone": "13800138000"}
    )
    assert no_csrf.status_code == 400  # refused by the core's CSRF protection
    with app.app_context():
        assert bookings() == 1
    unknown = post(client, "/o/A/reception/booking", {"code": "ABCD-EFGH"})
    assert unknown.status_code == 404 and "没有找到该确认码" in text_of(unknown)


def test_public_past_and_holiday_days_offer_no_form(app, client, reception_on, users):
    with app.app_context():
        past = make_day(reception_on["A"], users["leader"], date(2026, 10, 13))
        holiday = make_day(reception_on["A"], users["leader"], working_day_after(9))
        db.session.add(CalendarDay(day=holiday.day, kind="holiday", name="测试假日"))
        db.session.commit()
        past_id, past_slot, holiday_id, holiday_slot = (
            past.id,
            past.slots[0].id,
            holiday.id,
            holiday.slots[0].id,
        )
    assert "该接待日已经结束" in text_of(client.get(f"/o/A/reception/day/{past_id}"))
    page = text_of(client.get(f"/o/A/reception/day/{holiday_id}"))
    assert "法定节假日" in page and "提交预约" not in page
    form = {"leader_choice": "duty", "name": "张三", "phone": "13800138000", "matter": "事项"}
    response = post(
        client, f"/o/A/reception/day/{holiday_id}/book", {**form, "slot_id": str(holiday_slot)}
    )
    assert response.status_code == 409 and "法定节假日" in text_of(response)
    response = post(
        client, f"/o/A/reception/day/{past_id}/book", {**form, "slot_id": str(past_slot)}
    )
    assert response.status_code == 409 and "已经结束" in text_of(response)
    with app.app_context():
        assert bookings() == 0


def test_module_off_means_404_for_the_booking_pages_and_the_api(app, client, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"])
        day_b = make_day(reception_on["B"], users["leader"])
        ids = day.id, day.slots[0].id, day_b.id
    assert client.get(f"/o/B/reception/day/{ids[2]}").status_code == 404  # never on for B
    assert client.get("/o/B/reception/").status_code == 404
    assert client.get(f"/o/A/reception/day/{ids[2]}").status_code == 404  # B's day under A
    assert client.get("/api/v1/reception/B/days").status_code == 404
    with app.app_context():
        set_module("reception", db.session.get(Office, reception_on["A"]), False)
        db.session.commit()
    assert client.get(f"/o/A/reception/day/{ids[0]}").status_code == 404
    response = post(
        client,
        f"/o/A/reception/day/{ids[0]}/book",
        {
            "slot_id": str(ids[1]),
            "leader_choice": "duty",
            "name": "张三",
            "phone": "13800138000",
            "matter": "事项",
        },
    )
    assert response.status_code == 404
    assert client.get("/o/A/reception/calendar.ics").status_code == 404
    assert client.get("/api/v1/reception/A/days").status_code == 404
    with app.app_context():
        assert bookings() == 0
        assert db.session.get(ReceptionDay, ids[0]) is not None  # data kept while off


def test_walk_in_on_the_desk_and_booking_actions(app, client, reception_on, users, login_as):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], capacity=1)
        day_id, slot_id = day.id, day.slots[0].id
    login_as("staff_a")
    response = post(
        client,
        f"/admin/reception-desk/day/{day_id}/walk-in",
        {
            "slot_id": str(slot_id),
            "name": "王大爷",
            "phone": "",
            "village": "西河村",
            "matter": "低保复核",
        },
        follow_redirects=True,
    )
    body = text_of(response)
    assert "已代为预约" in body and "确认码" in body
    response = post(
        client,
        f"/admin/reception-desk/day/{day_id}/walk-in",
        {"slot_id": str(slot_id), "name": "李大娘", "phone": "13800138000", "matter": "医保"},
        follow_redirects=True,
    )
    assert "该时段已约满" in text_of(response)
    with app.app_context():
        made = db.session.scalar(select(Booking))
        assert bookings() == 1 and made.source == BookingSource.WALK_IN
        made_id = made.id
    response = post(
        client,
        f"/admin/reception-desk/booking/{made_id}/cancel",
        {"note": "群众来电取消"},
        follow_redirects=True,
    )
    assert "预约已取消" in text_of(response)
    with app.app_context():
        assert db.session.get(Booking, made_id).cancel_note == "群众来电取消"
    # Staff of office B cannot touch A's bookings.
    other = app.test_client()
    from support import login

    login(other, "staff_b")
    assert post(other, f"/admin/reception-desk/booking/{made_id}/attended", {}).status_code == 403


# --- concurrency ---------------------------------------------------------------------------


def _race(app, slot_id: int, people: int) -> list[str]:
    """``people`` threads, each with its own app context and session, book at the same moment."""
    outcomes: list[str] = []
    barrier = threading.Barrier(people)
    lock = threading.Lock()

    def one(i: int):
        with app.app_context():
            barrier.wait()
            try:
                book(slot_id, resident(f"村民{chr(0x4E00 + i)}", f"139{i:08d}"))
                db.session.commit()
                outcome = "booked"
            except ReceptionError:
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


def _slot(app, reception_on, users, capacity):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], capacity=capacity)
        return day.slots[0].id


def test_concurrent_bookings_never_overbook_on_postgresql(app, reception_on, users, postgres_only):
    slot_id = _slot(app, reception_on, users, 7)
    outcomes = _race(app, slot_id, 30)
    assert len(outcomes) == 30
    assert outcomes.count("booked") == 7 and outcomes.count("refused") == 23
    with app.app_context():
        assert bookings() == 7


def test_concurrent_bookings_never_overbook_on_sqlite(app, reception_on, users, database_url):
    if database_url is not None:
        pytest.skip("the SQLite pass covers the write-lock path")
    slot_id = _slot(app, reception_on, users, 4)
    outcomes = _race(app, slot_id, 10)
    assert outcomes.count("booked") == 4 and outcomes.count("refused") == 6
    with app.app_context():
        assert bookings() == 4


def test_concurrent_bookings_of_one_phone_book_once(app, reception_on, users, database_url):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], capacity=10)
        slot_ids = [s.id for s in day.slots]
    outcomes: list[str] = []
    barrier = threading.Barrier(len(slot_ids))

    def one(slot_id):
        with app.app_context():
            barrier.wait()
            try:
                book(slot_id, resident())
                db.session.commit()
                outcomes.append("booked")
            except ReceptionError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(s,)) for s in slot_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes.count("booked") == 1 and outcomes.count("refused") == len(slot_ids) - 1
    with app.app_context():
        assert bookings() == 1
