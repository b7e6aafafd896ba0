"""The catalogue: numbering, the catalogue screens and their rules, settings, and other
modules' records filed through the ``file_record`` hook (proven with the example plugin)."""

import json
import re

import pytest
from archives_helpers import archive_office, client_for, new_file, series
from example_plugin import file_note
from example_plugin.models import ExampleNote
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from support import post, post_edit, text_of

from core.extensions import db
from core.models import Office
from core.modules import set_module
from plugins.archives.errors import ArchivesError
from plugins.archives.models import (
    ArchiveEvent,
    ArchiveFile,
    ArchiveItem,
    ArchiveSettings,
    EventKind,
    Fonds,
    Series,
)
from plugins.archives.services import catalogue


@pytest.fixture
def archive(app, users, offices, make_user):
    extra = archive_office(app, offices, make_user)
    return {**users, **extra, "offices": offices}


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- numbering ----------------------------------------------------------------------------------


def test_catalogue_numbers_follow_fonds_series_year_file(app, archive):
    with app.app_context():
        a = archive["offices"]["A"]
        numbers = [new_file(a, f"第{i}卷").catalogue_no for i in range(3)]
        assert numbers == ["A1-WS-2025-001", "A1-WS-2025-002", "A1-WS-2025-003"]
        assert new_file(a, "上年卷", year=2024).catalogue_no == "A1-WS-2024-001"
        assert new_file(a, "听证卷", code="TZ").catalogue_no == "A1-TZ-2025-001"
        assert new_file(archive["offices"]["B"], "乙村卷").catalogue_no == "B1-WS-2025-001"


def test_catalogue_number_is_unique_per_office_in_the_database(app, archive):
    with app.app_context():
        first = new_file(archive["offices"]["A"], "第一卷")
        clash = ArchiveFile(
            office_id=first.office_id,
            series_id=series(first.office_id, "TZ").id,
            catalogue_no=first.catalogue_no,
            seq=99,
            title="重号",
            year=2025,
        )
        db.session.add(clash)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        # The same number in another office is another file.
        other = ArchiveFile(
            office_id=archive["offices"]["B"],
            series_id=series(archive["offices"]["B"]).id,
            catalogue_no=first.catalogue_no,
            seq=1,
            title="乙村同号",
            year=2025,
        )
        db.session.add(other)
        db.session.commit()


def test_bad_catalogue_input_is_refused(app, archive):
    with app.app_context():
        for raw in ("W-S", "文书", "", "ABCDEFGHIJKLM"):
            with pytest.raises(ArchivesError, match="代号只能由英文字母和数字组成"):
                catalogue.clean_code(raw)
        assert catalogue.clean_code(" ws ") == "WS"
        s = series(archive["offices"]["A"])
        with pytest.raises(ArchivesError, match="年度应为 1900 至"):
            catalogue.create_file(series=s, title="古卷", year=1800)
        with pytest.raises(ArchivesError, match="请填写题名"):
            catalogue.create_file(series=s, title="  ", year=2025)
        with pytest.raises(ArchivesError, match="密级只能是"):
            catalogue.create_file(series=s, title="卷", year=2025, security="secret")
        with pytest.raises(ArchivesError, match="保管期限只能是"):
            catalogue.create_file(series=s, title="卷", year=2025, retention="5y")
        db.session.rollback()
        assert _count(ArchiveFile) == 0


def test_items_are_numbered_within_their_file(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"])
        first = catalogue.add_item(file, title="会议通知", doc_ref="镇发〔2025〕3号", pages=2)
        db.session.flush()
        second = catalogue.add_item(file, title="会议记录", pages=10)
        db.session.commit()
        assert (first.item_no, second.item_no) == (1, 2)
        with pytest.raises(ArchivesError, match="页数至少为 1"):
            catalogue.add_item(file, title="空页", pages=0)


# --- catalogue screens --------------------------------------------------------------------------


def test_keeper_catalogues_a_file_on_the_screen(app, archive):
    with app.app_context():
        series_id = series(archive["offices"]["A"]).id
        db.session.commit()
    keeper = client_for(app, "keeper_a")
    response = post(
        keeper,
        "/admin/archives_files/new/",
        {
            "series": str(series_id),
            "title": "2025 年政务公开事项登记簿",
            "year": "2025",
            "retention": "10y",
            "security": "public",
            "location": "A 柜 2 层",
            "description": "",
        },
        follow_redirects=True,
    )
    assert "已编目，档号 A1-WS-2025-001" in text_of(response)
    with app.app_context():
        file = db.session.scalar(select(ArchiveFile))
        assert (file.retention.value, file.security.value) == ("10y", "public")
        assert db.session.scalar(select(ArchiveEvent.kind)) == EventKind.CATALOGUED


def test_plain_staff_cannot_catalogue_but_can_search(app, archive):
    with app.app_context():
        series_id = series(archive["offices"]["A"]).id
        new_file(archive["offices"]["A"], "镇党委会议纪要")
        new_file(archive["offices"]["A"], "土地供应计划")
    staff = client_for(app, "staff_a")
    post(
        staff,
        "/admin/archives_files/new/",
        {
            "series": str(series_id),
            "title": "私自编目",
            "year": "2025",
            "retention": "10y",
            "security": "public",
        },
    )
    with app.app_context():
        assert _count(ArchiveFile, ArchiveFile.title == "私自编目") == 0
    listing = staff.get("/admin/archives_files/?search=会议")
    body = text_of(listing)
    assert "镇党委会议纪要" in body and "土地供应计划" not in body
    assert "档号" in body  # Chinese column titles on the rendered admin page


def test_catalogue_number_cannot_change_on_edit(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"], "原题名")
        file_id, number, series_id = file.id, file.catalogue_no, file.series_id
    keeper = client_for(app, "keeper_a")
    response = post_edit(
        keeper,
        f"/admin/archives_files/edit/?id={file_id}",
        {
            "series": str(series_id),
            "title": "原题名",
            "year": "2020",
            "retention": "30y",
            "security": "internal",
            "location": "",
            "description": "",
        },
        follow_redirects=True,
    )
    assert "类别和年度不能修改" in text_of(response)
    with app.app_context():
        other_series = series(archive["offices"]["A"], "TZ").id
        db.session.commit()
    response = post_edit(
        keeper,
        f"/admin/archives_files/edit/?id={file_id}",
        {
            "series": str(other_series),
            "title": "原题名",
            "year": "2025",
            "retention": "30y",
            "security": "internal",
            "location": "",
            "description": "",
        },
        follow_redirects=True,
    )
    assert "类别和年度不能修改" in text_of(response)
    response = post_edit(
        keeper,
        f"/admin/archives_files/edit/?id={file_id}",
        {
            "series": str(series_id),
            "title": "新题名",
            "year": "2025",
            "retention": "permanent",
            "security": "internal",
            "location": "B 柜",
            "description": "",
        },
        follow_redirects=True,
    )
    with app.app_context():
        file = db.session.get(ArchiveFile, file_id)
        assert (file.title, file.year, file.catalogue_no, file.retention.value) == (
            "新题名",
            2025,
            number,
            "permanent",
        )


def test_fonds_code_is_checked_on_the_screen(app, archive):
    keeper = client_for(app, "keeper_a")
    response = post(
        keeper,
        "/admin/archives_fonds/new/",
        {"code": "甲-1", "title": "甲单位"},
        follow_redirects=True,
    )
    assert "代号只能由英文字母和数字组成" in text_of(response)
    post(keeper, "/admin/archives_fonds/new/", {"code": "z9", "title": "甲单位"})
    with app.app_context():
        assert db.session.scalar(select(Fonds.code)) == "Z9"


@pytest.mark.parametrize("who", ["admin", "officeadmin", "keeper_a"])
def test_new_fonds_and_series_are_created_on_the_screen(app, archive, who):
    """Issue 14 item 20: a new fonds or series used to find itself (autoflush) and be
    refused as a duplicate; the township admin's office choice was not seen at all."""
    client = client_for(app, who)
    office = str(archive["offices"]["A"])
    response = post(
        client,
        "/admin/archives_fonds/new/",
        {"office": office, "code": "n1", "title": "甲单位"},
        follow_redirects=True,
    )
    assert "本单位已有全宗号" not in text_of(response)
    with app.app_context():
        fonds = db.session.scalar(select(Fonds).where(Fonds.code == "N1"))
        assert fonds is not None and fonds.office_id == archive["offices"]["A"]
        fonds_id = fonds.id
    response = post(
        client,
        "/admin/archives_series/new/",
        {"fonds": str(fonds_id), "code": "ws", "title": "文书档案"},
        follow_redirects=True,
    )
    assert "该全宗下已有类别号" not in text_of(response)
    with app.app_context():
        assert _count(Series, Series.fonds_id == fonds_id, Series.code == "WS") == 1
    # A real duplicate is still refused, with the Chinese message, and adds nothing.
    response = post(
        client,
        "/admin/archives_fonds/new/",
        {"office": office, "code": "N1", "title": "重复"},
        follow_redirects=True,
    )
    assert "本单位已有全宗号 N1" in text_of(response)
    response = post(
        client,
        "/admin/archives_series/new/",
        {"fonds": str(fonds_id), "code": "WS", "title": "重复"},
        follow_redirects=True,
    )
    assert "该全宗下已有类别号 WS" in text_of(response)
    with app.app_context():
        assert _count(Fonds, Fonds.code == "N1") == 1
        assert _count(Series, Series.fonds_id == fonds_id) == 1


def test_settings_keep_the_keeper_in_the_office(app, archive):
    with app.app_context():
        row_id = db.session.scalar(
            select(ArchiveSettings.id).where(ArchiveSettings.office_id == archive["offices"]["A"])
        )
    admin = client_for(app, "officeadmin")
    response = post_edit(
        admin,
        f"/admin/archives_settings/edit/?id={row_id}",
        {"keeper": str(archive["staff_b"]), "max_loan_days": "10"},
        follow_redirects=True,
    )
    assert "请指定本单位的档案管理员" in text_of(response)  # not a choice for this office
    with app.app_context():
        assert db.session.get(ArchiveSettings, row_id).keeper_id == archive["keeper_a"]
    response = post_edit(
        admin,
        f"/admin/archives_settings/edit/?id={row_id}",
        {"keeper": str(archive["staff_a"]), "max_loan_days": "61"},
        follow_redirects=True,
    )
    assert "最长借阅期限应为 1 至 60 个工作日" in text_of(response)
    post_edit(
        admin,
        f"/admin/archives_settings/edit/?id={row_id}",
        {"keeper": str(archive["staff_a"]), "max_loan_days": "15", "reading_room": "二楼"},
    )
    with app.app_context():
        row = db.session.get(ArchiveSettings, row_id)
        assert (row.keeper_id, row.max_loan_days) == (archive["staff_a"], 15)
    staff = client_for(app, "staff_a")
    assert staff.get("/admin/archives_settings/").status_code == 403


def test_settings_refuse_a_keeper_of_another_office(app, archive):
    with app.app_context():
        row = db.session.scalar(
            select(ArchiveSettings).where(ArchiveSettings.office_id == archive["offices"]["A"])
        )
        row_id = row.id
    admin = client_for(app, "admin")  # the township admin may pick from every office
    response = post_edit(
        admin,
        f"/admin/archives_settings/edit/?id={row_id}",
        {
            "office": str(archive["offices"]["A"]),
            "keeper": str(archive["staff_b"]),
            "max_loan_days": "10",
        },
        follow_redirects=True,
    )
    assert "档案管理员必须是本单位的工作人员" in text_of(response)
    with app.app_context():
        assert db.session.get(ArchiveSettings, row_id).keeper_id == archive["keeper_a"]


def test_township_admin_creates_settings_for_an_office(app, archive, make_user):
    """Issue 14 item 20 (same pattern): the office chosen in the form was not yet on
    office_id, so every keeper was refused as "not of this office" and a second row for an
    office slipped past the check."""
    offices = archive["offices"]
    with app.app_context():
        db.session.delete(
            db.session.scalar(
                select(ArchiveSettings).where(ArchiveSettings.office_id == offices["A"])
            )
        )
        db.session.commit()
    admin = client_for(app, "admin")
    form = {
        "office": str(offices["A"]),
        "keeper": str(archive["staff_a"]),
        "max_loan_days": "10",
        "reading_room": "一楼",
    }
    response = post(admin, "/admin/archives_settings/new/", form, follow_redirects=True)
    assert "档案管理员必须是本单位的工作人员" not in text_of(response)
    with app.app_context():
        row = db.session.scalar(
            select(ArchiveSettings).where(ArchiveSettings.office_id == offices["A"])
        )
        assert row is not None and row.keeper_id == archive["staff_a"]
    response = post(admin, "/admin/archives_settings/new/", form, follow_redirects=True)
    assert "该单位已有档案设置，请直接修改" in text_of(response)
    with app.app_context():
        assert _count(ArchiveSettings, ArchiveSettings.office_id == offices["A"]) == 1


# --- filing other modules' records ---------------------------------------------------------------


def test_hook_file_record(app, archive):
    """The example plugin files a note through the hook without importing archives; each
    activity gets its own series; filing twice gives the same number; offices with the
    module off get None."""
    with app.app_context():
        a, b = archive["offices"]["A"], archive["offices"]["B"]
        note = ExampleNote(office_id=a, title="示例活动记录", phone="13800000000")
        db.session.add(note)
        db.session.flush()
        number = file_note(note)
        db.session.commit()
        assert number == "A-EXAMPLENOT-2026-001"
        assert file_note(note) == number
        file = db.session.scalar(select(ArchiveFile).where(ArchiveFile.catalogue_no == number))
        assert (file.source_type, file.source_id, file.security.value) == (
            "example_note",
            str(note.id),
            "public",
        )
        assert file.source_url == "/o/A/example/"
        assert file.series.title == "示例活动" and file.series.source_type == "example_note"
        assert (
            db.session.scalar(select(ArchiveEvent.kind).where(ArchiveEvent.file_id == file.id))
            == EventKind.FILED
        )
        # A second record of the same activity lands in the same series.
        other = ExampleNote(office_id=a, title="第二份记录")
        db.session.add(other)
        db.session.flush()
        assert file_note(other, "internal") == "A-EXAMPLENOT-2026-002"
        assert _count(Series, Series.source_type == "example_note") == 1
        # Bad values: a clear Chinese message, nothing filed.
        third = ExampleNote(office_id=a, title="第三份")
        db.session.add(third)
        db.session.flush()
        with pytest.raises(ValueError, match="密级只能是"):
            file_note(third, "top-secret")
        # The module off for the office: nobody files it.
        set_module("archives", db.session.get(Office, b), False)
        note_b = ExampleNote(office_id=b, title="乙村记录")
        db.session.add(note_b)
        db.session.flush()
        assert file_note(note_b) is None
        db.session.commit()
        assert _count(ArchiveFile) == 2


def test_filed_record_page_links_back_to_its_source(app, archive):
    with app.app_context():
        note = ExampleNote(office_id=archive["offices"]["A"], title="示例活动记录")
        db.session.add(note)
        db.session.flush()
        file_note(note)
        db.session.commit()
        file_id = db.session.scalar(select(ArchiveFile.id))
    page = client_for(app, "staff_a").get(f"/admin/archives-desk/file/{file_id}")
    assert 'href="/o/A/example/"' in page.get_data(as_text=True)
    assert "由业务模块归档" in text_of(page)


def test_items_screen_numbers_items(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"])
        file_id = file.id
    keeper = client_for(app, "keeper_a")
    for title in ("通知", "记录"):
        post(
            keeper,
            "/admin/archives_items/new/",
            {"file": str(file_id), "title": title, "pages": "3"},
        )
    with app.app_context():
        assert [
            i.item_no for i in db.session.scalars(select(ArchiveItem).order_by(ArchiveItem.id))
        ] == [1, 2]


def test_second_settings_row_for_an_office_is_refused(app, archive):
    admin = client_for(app, "officeadmin")
    response = post(
        admin,
        "/admin/archives_settings/new/",
        {"keeper": str(archive["staff_a"]), "max_loan_days": "5"},
        follow_redirects=True,
    )
    assert "该单位已有档案设置，请直接修改" in text_of(response)
    with app.app_context():
        assert _count(ArchiveSettings, ArchiveSettings.office_id == archive["offices"]["A"]) == 1


def test_catalogue_filters_by_security(app, archive):
    with app.app_context():
        new_file(archive["offices"]["A"], "公开的规划", security="public", code="TD")
        new_file(archive["offices"]["A"], "内部的台账", security="internal")
    staff = client_for(app, "staff_a")
    html = staff.get("/admin/archives_files/").get_data(as_text=True)
    groups = json.loads(re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', html, re.S).group(1))
    equal = next(f for f in groups["密级"] if f["operation"] == "等于")
    assert ["public", "公开"] in equal["options"]
    body = text_of(staff.get(f"/admin/archives_files/?flt1_{equal['arg']}=public"))
    assert "公开的规划" in body and "内部的台账" not in body
