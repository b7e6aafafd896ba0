"""工作备忘: the limit follows the official calendar (a memo past its working-day limit turns
red, not before), notes by kind and role, the printable sheet, the list's export, bad input
refused with nothing saved."""

import csv
import io
from datetime import date, datetime, time

from sqlalchemy import func, select
from support import csrf_token, text_of
from worklog_helpers import client_for

from core.extensions import db
from core.models import User
from core.time import LOCAL_ZONE, local_today
from plugins.worklog.models import MemoItem, MemoNote
from plugins.worklog.services import memo


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_ZONE)


def _item(office_id, assigned_on, amount=3, unit="working_days", **fields) -> MemoItem:
    item = MemoItem(
        office_id=office_id,
        kind=fields.pop("kind", "city"),
        content=fields.pop("content", "向市农业局报送秋粮产量统计表"),
        assigned_on=assigned_on,
        limit_amount=amount,
        limit_unit=unit,
        **fields,
    )
    memo.check_item(item)
    db.session.add(item)
    db.session.commit()
    return item


def test_memo_turns_red_after_its_limit_on_the_calendars_working_days(app, worklog_on):
    with app.app_context():
        # Assigned the day before the 2026 National Day holiday (1–7 October): three working
        # days are 8, 9 and 10 October (a make-up Saturday), not 1–3 October.
        item = _item(worklog_on["A"], date(2026, 9, 30))
        assert item.due_at.astimezone(LOCAL_ZONE).date() == date(2026, 10, 10)
        assert memo.item_colour(item, _at(date(2026, 10, 6))) == "green"
        assert memo.item_colour(item, _at(date(2026, 10, 10), 20)) == "yellow"
        assert memo.item_colour(item, _at(date(2026, 10, 11), 0)) == "red"
        # Done: closed whatever the date.
        memo.finish(item, date(2026, 10, 9))
        assert memo.item_colour(item, _at(date(2026, 12, 1))) == "closed"


def test_red_item_in_the_list_on_the_sheet_and_in_the_export(app, worklog_on, users):
    with app.app_context():
        item = _item(worklog_on["A"], date(2026, 9, 30), responsible_id=users["staff_a"])
        memo.add_note(
            item,
            db.session.get(User, users["leader"]),
            "supervision",
            "请于本周内报送",
        )
        db.session.commit()
    client = client_for(app, "officeadmin")
    page = client.get("/admin/worklog_memos/").get_data(as_text=True)
    assert 'class="badge worklog-red">超期' in page
    sheet = text_of(client.get(f"/admin/worklog/memo/sheet/{worklog_on['A']}"))
    assert "工作备忘表" in sheet and "向市农业局报送秋粮产量统计表" in sheet
    assert "请于本周内报送" in sheet and "超期" in sheet
    export = client.get("/admin/worklog_memos/export/csv/")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert any("向市农业局报送秋粮产量统计表" in r and "超期" in r for r in rows[1:])
    assert client.get("/admin/worklog_memos/export/xlsx/").status_code == 200
    # Another office's sheet is not in this office head's scope.
    assert client.get(f"/admin/worklog/memo/sheet/{worklog_on['B']}").status_code == 404


def test_memo_through_the_form_counts_its_limit(app, worklog_on, users):
    client = client_for(app, "staff_a")
    response = client.post(
        "/admin/worklog_memos/new/",
        data={
            "csrf_token": csrf_token(client),
            "kind": "province",
            "content": "上报省里示范点申报材料",
            "responsible": users["staff_a"],
            "assigned_on": "2026-09-30",
            "limit_amount": "3",
            "limit_unit": "working_days",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(MemoItem))
        assert item.office_id == worklog_on["A"]
        assert item.due_at.astimezone(LOCAL_ZONE).date() == date(2026, 10, 10)


def test_bad_memo_refused_nothing_saved(app, worklog_on, users):
    client = client_for(app, "staff_a")
    base = {"kind": "service", "assigned_on": "2026-09-30", "limit_unit": "working_days"}
    for data in (
        {"content": "", "limit_amount": "3"},
        {"content": "事项", "limit_amount": "0"},
        {"content": "事项", "limit_amount": "99999"},
        {"content": "事项", "limit_amount": "3", "limit_unit": "fortnights"},
        {"content": "事项", "limit_amount": "3", "done_on": "2026-09-01"},
    ):
        page = client.post(
            "/admin/worklog_memos/new/",
            data={"csrf_token": csrf_token(client), **base, **data},
            follow_redirects=True,
        )
        assert page.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(MemoItem.id))) == 0


def test_notes_progress_by_anyone_supervision_by_leaders_done_once(app, worklog_on, users):
    with app.app_context():
        item_id = _item(worklog_on["A"], local_today()).id
    staff = client_for(app, "staff_a")
    url = f"/admin/worklog/memo/{item_id}"
    staff.post(
        f"{url}/note",
        data={"csrf_token": csrf_token(staff), "kind": "progress", "body": "已收集各村数据"},
    )
    page = staff.post(
        f"{url}/note",
        data={"csrf_token": csrf_token(staff), "kind": "supervision", "body": "督办"},
        follow_redirects=True,
    )
    assert "督办意见只能由领导或单位负责人填写" in text_of(page)
    leader = client_for(app, "leader")
    leader.post(
        f"{url}/note",
        data={"csrf_token": csrf_token(leader), "kind": "supervision", "body": "抓紧报送"},
    )
    with app.app_context():
        kinds = db.session.scalars(select(MemoNote.kind).order_by(MemoNote.id)).all()
        assert kinds == ["progress", "supervision"]
        version = db.session.get(MemoItem, item_id).version
    page = staff.post(
        f"{url}/done",
        data={"csrf_token": csrf_token(staff), "version": version - 1},
        follow_redirects=True,
    )
    assert "已被" in text_of(page) or "刷新" in text_of(page)  # stale: nothing changed
    staff.post(f"{url}/done", data={"csrf_token": csrf_token(staff), "version": version})
    with app.app_context():
        assert db.session.get(MemoItem, item_id).done_on == local_today()
