"""Issue 14: residents rate knowing what they rate (subject, outcome, handler through the
publication gate) on a form whose choices are one tappable row each; receipt numbers in
notifications read in the one display format; the date boxes of the case, petition and
reception forms accept what a clerk types or pastes, in Beijing time."""

import re

from conftest import post, text_of
from sqlalchemy import select

from core.cases import open_case, transfer_case
from core.cases.receipts import display
from core.extensions import db
from core.jobs.models import Notification
from core.models import User


def make_case(app, *, resolved=True, handler_fields=None) -> tuple[int, str]:
    """A consultation of 甲单位 handled by staff_a (renamed 张三, 综合办科员), resolved."""
    from core.cases import close_case

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "staff_a"))
        user.display_name, user.post = "张三", "综合办科员"
        case = open_case(office_id=user.office_id, category="consultation", channel="phone",
                         subject="王大爷反映村口路灯不亮", content="联系 13900001111",
                         applicant_name="王大爷", applicant_phone="13812345678",
                         actor_id=user.id, handler_id=user.id)
        if resolved:
            close_case(case, outcome="已更换灯泡，王大爷电话 13812345678 已回复", actor_id=user.id)
        for key, value in (handler_fields or {}).items():  # e.g. left the directory since
            setattr(user, key, value)
        db.session.commit()
        return case.id, case.receipt_no


def receipt_page(client, receipt) -> tuple[str, str]:
    """(html, text) of the receipt page found through the lookup form."""
    response = post(client, "/cases/", {"receipt": receipt},
                    environ_base={"REMOTE_ADDR": "203.0.113.9"})
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
    form = html[html.index('action="/cases/rate"'):]
    form = form[:form.index("</form>")]
    rows = re.findall(r'<label class="choice"><input ([^>]*)><span>([^<]+)</span></label>', form)
    assert [label for _attrs, label in rows] == ["非常满意", "满意", "基本满意", "不满意",
                                                 "非常不满意"]
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
        case = open_case(office_id=staff_a.office_id, category="consultation", channel="window",
                         subject="咨询", actor_id=staff_a.id, handler_id=staff_a.id)
        transfer_case(case, reason="属乙村", actor_id=staff_a.id, to_user_id=users["staff_b"])
        db.session.commit()
        titles = list(db.session.scalars(select(Notification.title).where(
            Notification.user_id == users["staff_b"])))
        assert titles == [f"有案件转办给您：{display(case.receipt_no)}"]
        assert case.receipt_no not in titles[0]


def test_bad_rating_notification_shows_the_display_receipt(app, client, users):
    _case_id, receipt = make_case(app)
    post(client, "/cases/rate", {"receipt": receipt, "grade": "very_dissatisfied"})
    with app.app_context():
        titles = list(db.session.scalars(select(Notification.title)))
        assert f"差评整改：{display(receipt)}" in titles
        assert not any(receipt in title for title in titles)
