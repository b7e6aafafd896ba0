"""What the module shows: the residents' home section, the schedule API (no personal data),
the iCalendar feed, staff lists with masked phones, the desk and its scoping, monthly counts
per leader with an audited export, dashboard widgets, and the demo data."""

import csv
import io
from datetime import time

from icalendar import Calendar
from reception_helpers import (  # noqa: F401
    booked_before,
    make_day,
    recent_working_day,
    resident,
    working_day_after,
)
from sqlalchemy import func, select
from support import login, post, text_of

from core.audit import AuditEntry
from core.extensions import db
from core.models import Office, Role
from core.sla import Limit, LimitUnit
from core.time import local_today
from plugins.reception.models import (
    Booking,
    BookingStatus,
    ReceptionDay,
    ReceptionMatter,
    ReceptionRule,
)
from plugins.reception.services import booking, changes
from plugins.reception.services.cards import office_limit
from plugins.reception.services.matters import MatterInput, register_matter


def test_home_page_lists_the_next_reception_days(app, client, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], place="甲单位二楼接待室")
        make_day(reception_on["B"], users["leader"], place="乙村村委会")  # module off for B
        day_id = day.id
    home = client.get("/")
    html = home.get_data(as_text=True)
    assert "领导接待日" in text_of(home) and "甲单位二楼接待室" in text_of(home)
    assert f"/o/A/reception/day/{day_id}" in html and "乙村村委会" not in html
    office_page = client.get("/o/A/").get_data(as_text=True)
    assert "/o/A/reception/" in office_page  # the module's public page linked from the office


def test_schedule_api_has_no_personal_data(app, client, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], capacity=2)
        booking.book(day.slots[0].id, resident("张三", "13800138000", matter="征地补偿"))
        db.session.commit()
        changes.cancel_day(
            make_day(reception_on["A"], users["leader"], working_day_after(14)),
            reason="镇长参加县人代会",
            actor_id=None,
        )
        db.session.commit()
    response = client.get("/api/v1/reception/A/days")
    assert response.status_code == 200
    data = response.get_json()
    assert [d["status"] for d in data] == ["scheduled", "cancelled"]
    assert data[0]["slots"][0]["free"] == 1 and data[0]["slots"][1]["free"] == 2
    assert data[0]["leader"] == "leader" and data[0]["place"] == "镇政府一楼群众接待室"
    assert data[1]["cancel_reason"] == "镇长参加县人代会" and data[1]["slots"][0]["free"] == 0
    body = response.get_data(as_text=True)
    assert "13800138000" not in body and "张三" not in body and "征地补偿" not in body
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/reception/{office_code}/days"]["get"]["tags"] == ["reception"]


def test_icalendar_feed(app, client, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"])
        other = make_day(reception_on["A"], users["leader"], working_day_after(14))
        changes.cancel_day(other, reason="镇长到县里开会", actor_id=None)
        db.session.commit()
        day_date = day.day
    response = client.get("/o/A/reception/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 2
    first = events[0]
    assert first.decoded("dtstart").date() == day_date
    assert (
        first.decoded("dtstart").hour == 8
        and str(first.decoded("dtstart").tzinfo) == "Asia/Shanghai"
    )
    assert str(first["summary"]) == "领导接待日：leader"
    assert str(events[1]["status"]) == "CANCELLED" and "镇长到县里开会" in str(
        events[1]["description"]
    )


def test_staff_lists_mask_phones_and_exports_are_audited(
    app, client, reception_on, users, login_as
):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"])
        booking.book(day.slots[0].id, resident(phone="13800138000"))
        db.session.commit()
    login_as("staff_a")
    listing = client.get("/admin/reception_bookings/").get_data(as_text=True)
    assert "138****8000" in listing and "13800138000" not in listing
    export = client.get("/admin/reception_bookings/export/csv/")
    assert export.status_code == 200
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "export", AuditEntry.target_type == "reception_booking")
            )
            == 1
        )


def test_desk_is_scoped_to_the_office_and_read_only_for_auditors(
    app, client, reception_on, users, login_as
):
    with app.app_context():
        day_id = make_day(reception_on["A"], users["leader"]).id
    login_as("staff_a")
    desk = text_of(client.get("/admin/reception-desk/"))
    assert "接待工作台" in desk and "甲单位" in desk
    assert client.get(f"/admin/reception-desk/day/{day_id}").status_code == 200
    other = app.test_client()
    login(other, "staff_b")  # module off for B: the screens answer 403
    assert other.get("/admin/reception-desk/").status_code == 403
    auditor = app.test_client()
    login(auditor, "auditor")
    assert auditor.get(f"/admin/reception-desk/day/{day_id}").status_code == 200
    assert auditor.get(f"/admin/reception-desk/day/{day_id}/sheet").status_code == 200
    response = post(
        auditor,
        f"/admin/reception-desk/day/{day_id}/walk-in",
        {"slot_id": "1", "name": "张三", "matter": "事项"},
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


def test_named_booking_is_flagged_when_the_leader_changes(
    app, client, reception_on, users, login_as, make_user
):
    deputy = make_user("deputy", Role.LEADER, reception_on["A"], display_name="孙副镇长")
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"])
        made = booking.book(day.slots[0].id, resident(named=True))
        db.session.commit()
        changes.substitute(day, leader_id=deputy, reason="镇长临时到县里开会", actor_id=None)
        db.session.commit()
        day_id, code = day.id, made.code
    login_as("staff_a")
    page = text_of(client.get(f"/admin/reception-desk/day/{day_id}"))
    assert "所约领导已调班，请联系群众" in page and "镇长临时到县里开会" in page
    public = text_of(post(app.test_client(), "/o/A/reception/booking", {"code": code}))
    assert "您预约的领导已调整接待日" in public and "孙副镇长" in public


def test_monthly_counts_per_leader_and_export(
    app, client, reception_on, users, login_as, make_user
):
    deputy = make_user("deputy", Role.LEADER, reception_on["A"], display_name="孙副镇长")
    today = recent_working_day()
    with app.app_context():
        day = make_day(
            reception_on["A"], users["leader"], today, start=time(0, 0), end=time(23, 30)
        )
        made = booking.book(day.slots[-1].id, resident(), now=booked_before(day.slots[-1]))
        db.session.commit()
        for channel in ("visit", "visit", "letter", "phone"):
            register_matter(
                day,
                MatterInput(
                    channel=channel,
                    name="群众",
                    subject="事项",
                    instruction="请办理",
                    responsible_office_id=reception_on["A"],
                    booking_id=made.id if channel == "phone" else None,
                ),
                office_id=reception_on["A"],
                actor_id=users["staff_a"],
            )
        make_day(reception_on["A"], deputy, today, start=time(0, 0), end=time(1, 0))
        db.session.commit()
    login_as("officeadmin")
    page = client.get(f"/admin/reception-desk/report?month={today:%Y-%m}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "领导接待月度统计" in text_of(page) and "孙副镇长" in html
    export = client.get(f"/admin/reception-desk/report?month={today:%Y-%m}&export=csv")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    header, by_name = rows[0], {r[0]: r for r in rows[1:]}
    col = {name: i for i, name in enumerate(header)}
    leader = by_name["leader"]
    assert leader[col["接待日（已举行）"]] == "1" and leader[col["来访"]] == "2"
    assert leader[col["来信"]] == "1" and leader[col["来电"]] == "1"
    assert leader[col["预约"]] == "1" and leader[col["预约已接待"]] == "1"
    assert leader[col["事项办理中"]] == "4"
    assert by_name["孙副镇长"][col["接待日（已举行）"]] == "1"
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.target_type == "reception_monthly")
            )
            == 1
        )
    bad = text_of(client.get("/admin/reception-desk/report?month=2026-13"))
    assert "月份格式应为" in bad


def test_dashboard_widgets(app, client, reception_on, users, login_as):
    with app.app_context():
        day = make_day(
            reception_on["A"],
            users["leader"],
            recent_working_day(),
            start=time(0, 0),
            end=time(23, 30),
        )
        booking.book(day.slots[-1].id, resident(), now=booked_before(day.slots[-1]))
        db.session.commit()
    login_as("staff_a")
    page = text_of(client.get("/admin/"))
    assert "今日领导接待预约" in page and "预约卡待上门走访" in page and "接待事项办理中" in page
    other = app.test_client()
    login(other, "staff_b")
    assert "今日领导接待预约" not in text_of(other.get("/admin/"))


def test_admin_lists_render_in_chinese(app, client, reception_on, users, login_as):
    login_as("admin")
    for url, words in [
        ("/admin/reception_rules/", "接待规则"),
        ("/admin/reception_days/", "接待日"),
        ("/admin/reception_matters/", "接待登记"),
        ("/admin/reception_cards/", "预约领导办公卡"),
        ("/admin/reception_changes/", "接待日调整记录"),
        ("/admin/reception_settings/new/", "上门走访时限"),
        ("/admin/reception-desk/cards", "群众预约领导办公卡"),
        ("/admin/reception-agenda/", "领导接待日程"),
    ]:
        response = client.get(url)
        assert response.status_code == 200 and words in text_of(response), url


def test_office_limit_setting_is_checked(app, client, reception_on, users, login_as):
    login_as("officeadmin")
    response = post(
        client,
        "/admin/reception_settings/new/",
        {"card_limit_amount": "45", "card_limit_unit": "calendar_days"},
        follow_redirects=True,
    )
    assert "走访时限最长 30 日" in text_of(response)
    response = post(
        client,
        "/admin/reception_settings/new/",
        {"card_limit_amount": "5", "card_limit_unit": "working_days"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    with app.app_context():
        assert office_limit(reception_on["A"]) == Limit(5, LimitUnit.WORKING_DAYS)


def test_demo_data_loads_once(app, runner):
    for _ in range(2):
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        government = db.session.scalar(select(Office).where(Office.code == "SFZ-ZF"))
        rules = db.session.scalars(
            select(ReceptionRule).where(ReceptionRule.office_id == government.id)
        ).all()
        assert len(rules) == 2
        assert db.session.scalar(select(func.count()).select_from(ReceptionMatter)) == 2
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Booking)
                .where(Booking.status == BookingStatus.BOOKED)
            )
            == 2
        )
        weekly = next(r for r in rules if r.title == "镇长接待日")
        days = db.session.scalars(
            select(ReceptionDay).where(ReceptionDay.rule_id == weekly.id)
        ).all()
        assert days and all(d.day >= local_today() for d in days)
        assert all(d.day.weekday() == 1 or d.nominal_day is not None for d in days)
