"""Issue 14: residents rate knowing what they rate (subject, outcome, handler through the
publication gate) on a form whose choices are one tappable row each; receipt numbers in
notifications read in the one display format; the date boxes of the case, petition and
reception forms accept what a clerk types or pastes, in Beijing time."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from support import post, text_of

from core.cases import open_case, transfer_case
from core.cases.receipts import display
from core.extensions import db
from core.jobs.models import Notification
from core.models import Office, User


def make_case(app, *, resolved=True, handler_fields=None) -> tuple[int, str]:
    """A consultation of 甲单位 handled by staff_a (renamed 张三, 综合办科员), resolved."""
    from core.cases import close_case

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "staff_a"))
        user.display_name, user.post = "张三", "综合办科员"
        case = open_case(
            office_id=user.office_id,
            category="consultation",
            channel="phone",
            subject="王大爷反映村口路灯不亮",
            content="联系 13900001111",
            applicant_name="王大爷",
            applicant_phone="13812345678",
            actor_id=user.id,
            handler_id=user.id,
        )
        if resolved:
            close_case(case, outcome="已更换灯泡，王大爷电话 13812345678 已回复", actor_id=user.id)
        for key, value in (handler_fields or {}).items():  # e.g. left the directory since
            setattr(user, key, value)
        db.session.commit()
        return case.id, case.receipt_no


def receipt_page(client, receipt) -> tuple[str, str]:
    """(html, text) of the receipt page found through the lookup form."""
    response = post(
        client, "/cases/", {"receipt": receipt}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    assert response.status_code == 200
    return response.get_data(as_text=True), text_of(response)


# --- A. the receipt page and its rating form ----------------------------------------------


def test_receipt_shows_subject_outcome_and_the_listed_handler(app, client, users):
    _case_id, receipt = make_case(app)
    html, page = receipt_page(client, receipt)
    assert "事由" in page and "王某反映村口路灯不亮" in page
    assert "办理结果" in page and "已更换灯泡" in page
    assert "承办单位" in page and "甲单位" in page
    assert "承办人" in page and "张三" in page and "综合办科员" in page
    # The handler links to their card in the office's staff directory.
    assert f'href="/o/A/staff#staff-{users["staff_a"]}"' in html
    # Masked by the gate: the applicant's name and numbers never reach the page.
    for private in ("王大爷", "13812345678", "13900001111"):
        assert private not in page


def test_handler_outside_the_public_directory_shows_only_the_office(app, client, users):
    _case_id, receipt = make_case(app, handler_fields={"in_public_directory": False})
    _html, page = receipt_page(client, receipt)
    assert "甲单位" in page and "王某反映村口路灯不亮" in page
    assert "承办人" not in page and "张三" not in page and "综合办科员" not in page


def test_inactive_handler_shows_only_the_office(app, client, users):
    _case_id, receipt = make_case(app, handler_fields={"active": False})
    _html, page = receipt_page(client, receipt)
    assert "甲单位" in page and "承办人" not in page and "张三" not in page


def test_each_grade_is_one_row_with_its_radio_inside_the_label(app, client, users):
    _case_id, receipt = make_case(app)
    html, _page = receipt_page(client, receipt)
    form = html[html.index('action="/cases/rate"') :]
    form = form[: form.index("</form>")]
    rows = re.findall(r'<label class="choice"><input ([^>]*)><span>([^<]+)</span></label>', form)
    assert [label for _attrs, label in rows] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    assert all('type="radio"' in attrs and 'name="grade"' in attrs for attrs, _ in rows)
    assert "<br>" not in form
    # The stylesheet no longer stretches a radio button to the full width of the form.
    css = client.get("/static/public.css").get_data(as_text=True)
    assert ".form input[type=radio]" in css and "label.choice { display:flex" in css


def test_rating_posted_from_the_rows_is_stored(app, client, users):
    from core.cases.models import Rating

    _case_id, receipt = make_case(app)
    response = post(client, "/cases/rate", {"receipt": receipt, "grade": "satisfied"})
    assert response.status_code == 200 and "感谢您的评价" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Rating)).grade.value == "satisfied"


# --- C. receipt numbers in notifications ----------------------------------------------------


def test_notification_titles_show_the_display_receipt(app, users):
    with app.app_context():
        staff_a = db.session.get(User, users["staff_a"])
        case = open_case(
            office_id=staff_a.office_id,
            category="consultation",
            channel="window",
            subject="咨询",
            actor_id=staff_a.id,
            handler_id=staff_a.id,
        )
        transfer_case(case, reason="属乙村", actor_id=staff_a.id, to_user_id=users["staff_b"])
        db.session.commit()
        titles = list(
            db.session.scalars(
                select(Notification.title).where(Notification.user_id == users["staff_b"])
            )
        )
        assert titles == [f"有案件转办给您：{display(case.receipt_no)}"]
        assert case.receipt_no not in titles[0]


def test_bad_rating_notification_shows_the_display_receipt(app, client, users):
    _case_id, receipt = make_case(app)
    post(client, "/cases/rate", {"receipt": receipt, "grade": "very_dissatisfied"})
    with app.app_context():
        titles = list(db.session.scalars(select(Notification.title)))
        assert f"差评整改：{display(receipt)}" in titles
        assert not any(receipt in title for title in titles)


# --- B. dates typed or pasted in the case, petition and reception forms -------------------


def slashed(moment) -> str:
    """``2026/12/3 9:05``: how a clerk types or pastes a Beijing time (no leading zeros)."""
    return f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment.minute:02d}"


def beijing_now():
    from core.time import LOCAL_ZONE as BEIJING

    return datetime.now(BEIJING).replace(second=0, microsecond=0)


def staff_case(app, user_id, **fields) -> int:
    with app.app_context():
        values = {
            "office_id": db.session.get(User, user_id).office_id,
            "category": "consultation",
            "channel": "window",
            "subject": "低保咨询",
            "actor_id": user_id,
            "handler_id": user_id,
        }
        values.update(fields)
        case = open_case(**values)
        db.session.commit()
        return case.id


def case_version(app, case_id) -> int:
    from core.cases import Case

    with app.app_context():
        return db.session.get(Case, case_id).version


def case_with_agency(app, staff_id) -> tuple[int, int]:
    """A case of the staff member's office handed to the county (办事代理): (case, agency)."""
    from core.cases import Case, services

    case_id = staff_case(app, staff_id)
    with app.app_context():
        agency = services.start_agency(
            db.session.get(Case, case_id), reason="需县局审批", actor_id=staff_id
        )
        db.session.commit()
        return case_id, agency.id


def test_case_delivery_time_typed_with_slashes_is_beijing_time(app, client, users, login_as):
    from core.cases.models import AgencyRecord

    case_id, agency_id = case_with_agency(app, users["staff_a"])
    login_as("staff_a")
    detail = client.get(f"/admin/cases/details/?id={case_id}").get_data(as_text=True)
    # A typed box (no datetime-local picker), prefilled with the Beijing time now.
    box = re.search(r'<input[^>]*name="delivered_at"[^>]*>', detail).group(0)
    assert 'type="text"' in box and 'placeholder="2026-12-18 09:00"' in box
    assert beijing_now().strftime("%Y-%m-%d") in box
    moment = beijing_now() - timedelta(hours=1)
    response = post(
        client,
        f"/admin/cases/{case_id}/do/delivery",
        {
            "version": case_version(app, case_id),
            "item_id": agency_id,
            "delivered_at": slashed(moment),
            "delivered_by_id": users["staff_a"],
            "items": "审批结果",
        },
        follow_redirects=True,
    )
    assert "已登记上门送达" in text_of(response)
    with app.app_context():
        stored = db.session.get(AgencyRecord, agency_id).delivered_at
        assert stored.replace(tzinfo=UTC) == moment.astimezone(UTC)


def test_case_delivery_time_that_is_not_a_time_is_refused_in_chinese(app, client, users, login_as):
    from core.cases.models import AgencyRecord

    case_id, agency_id = case_with_agency(app, users["staff_a"])
    login_as("staff_a")
    response = post(
        client,
        f"/admin/cases/{case_id}/do/delivery",
        {
            "version": case_version(app, case_id),
            "item_id": agency_id,
            "delivered_at": "明天上午",
            "items": "审批结果",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "请按“2026-12-18 09:00”的格式填写日期和时间（北京时间）" in text_of(response)
    with app.app_context():
        assert db.session.get(AgencyRecord, agency_id).delivered_at is None


def test_follow_up_call_time_pasted_with_slashes(app, client, users, login_as):
    from core.cases import Case, services
    from core.cases.models import FollowUpCall, Rectification

    case_id = staff_case(app, users["staff_a"])
    with app.app_context():
        case = db.session.get(Case, case_id)
        services.close_case(case, outcome="已答复", actor_id=users["staff_a"])
        services.rate_case(case, grade="dissatisfied", comment="等太久")
        rectification = db.session.scalar(select(Rectification))
        services.complete_rectification(
            rectification, measures="增设叫号", actor_id=users["officeadmin"]
        )
        db.session.commit()
        rectification_id = rectification.id
    login_as("officeadmin")
    moment = beijing_now() - timedelta(minutes=30)
    response = post(
        client,
        f"/admin/cases/{case_id}/do/follow_up",
        {
            "item_id": rectification_id,
            "called_at": f" {slashed(moment)} ",
            "reached": "y",
            "resident_grade": "satisfied",
            "note": "群众表示满意",
        },
        follow_redirects=True,
    )
    assert "已登记回访" in text_of(response)
    with app.app_context():
        call = db.session.scalar(select(FollowUpCall))
        assert call.called_at.replace(tzinfo=UTC) == moment.astimezone(UTC)


def test_leader_deadline_typed_with_slashes(app, client, users, login_as):
    from core.cases import Case
    from core.time import to_local as beijing

    case_id = staff_case(app, users["staff_a"], category="service_commitment")
    login_as("leader")
    day = (beijing_now() + timedelta(days=5)).date()
    response = post(
        client,
        f"/admin/cases/{case_id}/do/deadline",
        {
            "version": case_version(app, case_id),
            "last_day": f"{day.year}/{day.month}/{day.day}",
            "reason": "群众急需",
        },
        follow_redirects=True,
    )
    assert "请按" not in text_of(response)
    with app.app_context():
        due = db.session.get(Case, case_id).due_at
        assert beijing(due).date() in (day, day + timedelta(days=1))  # end of that day


def test_petition_received_date_typed_with_slashes(app, client, users, offices, login_as):
    from core.modules import set_module
    from plugins.petitions.models import Petition

    with app.app_context():
        set_module("petitions", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    login_as("staff_a")
    day = (beijing_now() - timedelta(days=2)).date()
    form = {
        "channel": "visit",
        "received_at": f"{day.year}/{day.month}/{day.day}",
        "subject": "村道路灯不亮",
        "demands": "尽快修复",
        "people_count": "1",
        "level_brought_to": "township",
        "proper_level": "township",
        "hidden_risk": "none",
        "petitioners-0-name": "李四",
        "save": "登记",
    }
    response = post(client, "/admin/petitions_register/", form)
    assert response.status_code == 302, re.sub(r"\s+", " ", text_of(response))[-3000:]
    with app.app_context():
        from core.time import to_local as beijing

        assert beijing(db.session.scalar(select(Petition)).received_at).date() == day
    # Not a date: a Chinese message, nothing registered.
    form["received_at"] = "前天"
    page = post(client, "/admin/petitions_register/", form)
    assert "请按“2026-12-18”的格式填写日期" in text_of(page), re.sub(r"\s+", " ", text_of(page))[
        -2500:
    ]
    with app.app_context():
        assert len(db.session.scalars(select(Petition)).all()) == 1


def test_reception_extra_day_typed_with_slashes(app, client, users, offices, login_as):
    from core.modules import set_module
    from core.sla import is_working_day
    from plugins.reception.models import ReceptionDay

    with app.app_context():
        set_module("reception", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    day = (beijing_now() + timedelta(days=4)).date()
    while not is_working_day(day)[0]:
        day += timedelta(days=1)
    login_as("officeadmin")
    form = {
        "office_id": offices["A"],
        "day": "下周一",
        "start_time": "08:30",
        "end_time": "10:30",
        "place": "镇政府一楼接待室",
        "leader_id": users["leader"],
        "slot_minutes": "30",
        "slot_capacity": "2",
        "reason": "群众集中反映",
        "submit": "增加接待日",
    }
    refused = post(client, "/admin/reception-desk/add-day", form, follow_redirects=True)
    assert "请按“2026-12-18”的格式填写日期" in text_of(refused)
    with app.app_context():
        assert db.session.scalar(select(ReceptionDay)) is None
    form["day"] = f"{day.year}/{day.month}/{day.day}"
    response = post(client, "/admin/reception-desk/add-day", form, follow_redirects=True)
    assert "已增加接待日" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(ReceptionDay)).day == day
