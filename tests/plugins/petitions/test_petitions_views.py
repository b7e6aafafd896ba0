"""The staff screens over HTTP: office scoping, personal data only on the detail screen, the
registration screen's repeat check, steps with clear messages, notices, supervision and export,
and the residents' side."""

import re

import pytest
from petitions_helpers import (
    ID_WANG,
    accepted,
    at,
    register,
)
from sqlalchemy import func, select
from support import csrf_token, post, post_edit, text_of

from core.extensions import db
from core.models import Office
from core.modules import set_module
from plugins.petitions.models import NoticeKind, Petition, Petitioner, Stage

LIST = "/admin/petitions_petitions/"
DETAILS = "/admin/petitions_petitions/details/?id={}"


@pytest.fixture
def two_petitions(app, petitions_on, users):
    """One petition in office A (handling stage) and one in office B."""
    with app.app_context():
        a = accepted(petitions_on["A"], actor_id=users["staff_a"])
        b = register(
            petitions_on["B"],
            subject="乙村灌溉水渠堵塞",
            actor_id=users["staff_b"],
            petitioners=[{"name": "李小二", "phone": "13987654321"}],
        )
        db.session.commit()
        return {"A": a.id, "B": b.id}


def test_list_masks_names_and_shows_only_own_office(client, two_petitions, login_as):
    login_as("staff_a")
    page = client.get(LIST)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "王家村修路占用我家承包地未给补偿" in body and "乙村灌溉水渠堵塞" not in body
    assert "王某" in body and "王大山" not in body and "13812345678" not in body
    assert "信访事项" in body  # Chinese admin page


def test_other_offices_staff_never_reach_a_petition(app, client, two_petitions, login_as):
    login_as("staff_b")
    other = two_petitions["A"]
    assert client.get(DETAILS.format(other)).status_code == 404
    assert client.get(f"/admin/petitions_petitions/edit/?id={other}").status_code == 404
    response = post(
        client,
        "/admin/petitions_petitions/act/risk/",
        {"id": other, "level": "high", "note": "x", "version": 1},
    )
    assert response.status_code == 404
    export = client.get("/admin/petitions_petitions/export/csv/").get_data(as_text=True)
    assert "王家村" not in export
    with app.app_context():
        notice = db.session.scalar(select(Petition).where(Petition.id == other)).notices[0]
        notice_id = notice.id
        assert db.session.get(Petition, other).hidden_risk.value == "none"
    assert client.get(f"/admin/petitions_petitions/notice/{notice_id}/").status_code == 404
    assert client.get(f"/admin/petitions_petitions/notice/{notice_id}/pdf").status_code == 404
    assert "王某" not in client.get("/admin/petitions_petitioners/").get_data(as_text=True)
    assert "王家村" not in client.get("/admin/petitions_notices/").get_data(as_text=True)


def test_personal_data_only_on_the_detail_screen(app, client, two_petitions, login_as):
    login_as("staff_a")
    details = client.get(DETAILS.format(two_petitions["A"])).get_data(as_text=True)
    assert "王大山" in details and "13812345678" in details and ID_WANG in details
    petitioners = client.get("/admin/petitions_petitioners/").get_data(as_text=True)
    assert "王大山" not in petitioners and "138****5678" in petitioners
    assert ID_WANG not in petitioners
    # No export of the petitioner list, and the petitions export has no personal data.
    assert client.get("/admin/petitions_petitioners/export/csv/").status_code == 404
    export = client.get("/admin/petitions_petitions/export/csv/").get_data(as_text=True)
    assert "王家村修路" in export and "王大山" not in export and "13812345678" not in export
    with app.app_context():
        from core.audit import AuditEntry

        viewed = db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "personal_data.view", AuditEntry.target_type == "petition")
        )
        assert viewed == 1


def test_auditor_reads_masked_and_changes_nothing(app, client, two_petitions, login_as):
    login_as("auditor")
    details = client.get(DETAILS.format(two_petitions["A"])).get_data(as_text=True)
    assert "王家村修路" in details and "王大山" not in details and "13812345678" not in details
    response = post(
        client,
        "/admin/petitions_petitions/act/risk/",
        {"id": two_petitions["A"], "level": "high", "note": "x", "version": 1},
    )
    assert response.status_code == 403
    with app.app_context():
        notice_id = db.session.get(Petition, two_petitions["A"]).notices[0].id
    printed = client.get(f"/admin/petitions_petitions/notice/{notice_id}/").get_data(as_text=True)
    assert "受理告知书" in printed and "王大山" not in printed and "王某" in printed
    assert client.get(f"/admin/petitions_petitions/notice/{notice_id}/pdf").status_code == 403


def test_register_screen_checks_for_repeats_then_links(app, client, petitions_on, users, login_as):
    with app.app_context():
        original = register(petitions_on["A"], actor_id=users["staff_a"])
        db.session.commit()
        original_id, receipt = original.id, original.receipt_no
    login_as("staff_a")
    assert "登记信访" in client.get("/admin/petitions_register/").get_data(as_text=True)
    form = {
        "channel": "call",
        "received_at": "2025-03-20",
        "subject": "反映王家村修建道路占用其承包地至今未给补偿的问题",
        "demands": "催办补偿",
        "people_count": "1",
        "level_brought_to": "township",
        "proper_level": "township",
        "hidden_risk": "none",
        "petitioners-0-name": "王大山",
        "petitioners-0-phone": "138-1234-5678",
        "save": "登记",
    }
    page = post(client, "/admin/petitions_register/", form)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "可能重复" in body and receipt in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Petition)) == 1
    form["repeat_choice"] = str(original_id)
    response = post(client, "/admin/petitions_register/", form)
    assert response.status_code == 302
    with app.app_context():
        repeat = db.session.scalar(select(Petition).where(Petition.id != original_id))
        assert repeat.repeat_of_id == original_id and repeat.stage == Stage.MERGED
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "重复信访" in follow


def test_register_screen_new_matter_and_empty_petition(app, client, petitions_on, login_as):
    login_as("staff_a")
    empty = post(
        client,
        "/admin/petitions_register/",
        {
            "channel": "visit",
            "received_at": "2025-03-03",
            "people_count": "1",
            "level_brought_to": "township",
            "proper_level": "township",
            "hidden_risk": "none",
            "petitioners-0-name": "张三",
            "save": "登记",
        },
    )
    assert "信访事项为空" in text_of(empty)
    response = post(
        client,
        "/admin/petitions_register/",
        {
            "channel": "letter",
            "received_at": "2025-03-03",
            "subject": "甲村集体林地被强占",
            "demands": "要求退还林地",
            "people_count": "6",
            "level_brought_to": "city",
            "proper_level": "township",
            "hidden_risk": "none",
            "petitioners-0-name": "张三",
            "petitioners-0-phone": "13700000001",
            "petitioners-0-is_representative": "y",
            "save": "登记",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        petition = db.session.scalar(select(Petition))
        assert petition.collective and petition.skip_level and petition.case is not None
        assert db.session.scalar(select(func.count()).select_from(Petitioner)) == 1


def _act(client, petition_id, action, data, version):
    return post(
        client,
        f"/admin/petitions_petitions/act/{action}/",
        {"id": petition_id, "version": version, **data},
    )


def test_steps_over_http_with_clear_messages(app, client, petitions_on, users, login_as):
    with app.app_context():
        petition = register(
            petitions_on["A"], received_at=at(2025, 3, 3), actor_id=users["staff_a"]
        )
        db.session.commit()
        pid, version = petition.id, petition.version
    login_as("staff_a")
    page = _act(
        client, pid, "decide", {"accepted": "no", "decided_at": "2025-03-05", "note": ""}, version
    )
    assert page.status_code == 302
    assert "不予受理的，请写明理由" in text_of(client.get(DETAILS.format(pid)))
    with app.app_context():
        assert db.session.get(Petition, pid).stage == Stage.REGISTRATION
    # A stale page is refused.
    _act(client, pid, "decide", {"accepted": "yes", "decided_at": "2025-03-05"}, version + 5)
    assert "已被他人修改" in text_of(client.get(DETAILS.format(pid)))
    _act(client, pid, "decide", {"accepted": "yes", "decided_at": "2025-03-05"}, version)
    with app.app_context():
        petition = db.session.get(Petition, pid)
        assert petition.stage == Stage.HANDLING
        version = petition.version
    _act(client, pid, "reply", {"result": "已协调补偿到位", "replied_at": "2025-04-01"}, version)
    with app.app_context():
        petition = db.session.get(Petition, pid)
        assert petition.stage == Stage.REPLIED
        notice = [n for n in petition.notices if n.kind == NoticeKind.REPLY][0]
        notice_id, version = notice.id, petition.version
    _act(
        client,
        pid,
        "deliver",
        {"notice_id": notice_id, "method": "in_person", "delivered_at": "2025-04-01"},
        version,
    )
    with app.app_context():
        petition = db.session.get(Petition, pid)
        assert petition.stage == Stage.REVIEW_WINDOW
        version = petition.version
    _act(client, pid, "request_review", {"requested_at": "2025-06-01"}, version)
    assert "复查申请已超过期限" in text_of(client.get(DETAILS.format(pid)))
    with app.app_context():
        assert db.session.get(Petition, pid).stage == Stage.REVIEW_WINDOW
    printed = client.get(f"/admin/petitions_petitions/notice/{notice_id}/")
    assert printed.status_code == 200 and "信访事项处理意见书" in text_of(printed)
    assert "30 日内请求原办理机关的上一级机关复查" in text_of(printed)
    pdf = client.get(f"/admin/petitions_petitions/notice/{notice_id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


def test_extension_over_http_needs_the_leader(app, client, petitions_on, users, login_as):
    from datetime import timedelta

    from core.time import utc_now

    with app.app_context():
        petition = accepted(
            petitions_on["A"],
            received=utc_now() - timedelta(days=4),
            decided=utc_now() - timedelta(days=2),
            actor_id=users["staff_a"],
        )
        db.session.commit()
        pid, version, due = petition.id, petition.version, petition.due_at
    login_as("staff_a")
    _act(client, pid, "extension_request", {"days": "45", "reason": "需测绘"}, version)
    assert "不得超过 30 日" in text_of(client.get(DETAILS.format(pid)))
    _act(client, pid, "extension_request", {"days": "30", "reason": "需测绘"}, version)
    with app.app_context():
        version = db.session.get(Petition, pid).version
    _act(client, pid, "extension_decision", {"decision": "approve"}, version)
    assert "须经领导批准" in text_of(client.get(DETAILS.format(pid)))
    with app.app_context():
        assert db.session.get(Petition, pid).due_at == due
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login_as("leader")
    _act(client, pid, "extension_decision", {"decision": "approve", "note": "同意"}, version)
    with app.app_context():
        petition = db.session.get(Petition, pid)
        assert petition.extension_days == 30 and petition.due_at != due
        assert any(n.kind == NoticeKind.EXTENSION for n in petition.notices)


def test_supervision_screen_widget_and_monthly_export(app, client, two_petitions, login_as):
    login_as("staff_a")
    page = client.get("/admin/petitions_supervision/")
    body = text_of(page)
    assert page.status_code == 200 and "信访督查" in body and "甲单位" in body
    assert "乙村" not in body
    export = client.get("/admin/petitions_supervision/?format=csv&year=2025")
    text = export.get_data(as_text=True)
    assert export.status_code == 200 and "月份" in text and "2025-03" in text
    assert "王大山" not in text
    xlsx = client.get("/admin/petitions_supervision/?format=xlsx&year=2025")
    assert xlsx.data[:2] == b"PK"
    dashboard = text_of(client.get("/admin/"))
    assert "信访积压" in dashboard and "信访超期" in dashboard


def test_residents_side_shows_no_petition(app, client, two_petitions):
    page = client.get("/o/A/petitions/")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "凭回执号查询" in body
    assert "王家村" not in body and "王大山" not in body
    with app.app_context():
        receipt = db.session.get(Petition, two_petitions["A"]).receipt_no
        set_module(
            "petitions",
            db.session.get(Office, db.session.scalar(select(Office.id).where(Office.code == "B"))),
            False,
        )
        db.session.commit()
    assert client.get("/o/B/petitions/").status_code == 404
    # The core's receipt lookup shows status and dates only.
    lookup = post(client, "/cases/", {"receipt": receipt})
    text = text_of(lookup)
    assert lookup.status_code == 200 and "王大山" not in text and "13812345678" not in text
    assert "王家村修路" not in text
    assert re.search(r"\d{4}", text)


def test_correcting_registration_updates_flags_and_index(app, client, two_petitions, login_as):
    from plugins.petitions.models import PetitionGram

    login_as("staff_a")
    pid = two_petitions["A"]
    response = post_edit(
        client,
        f"/admin/petitions_petitions/edit/?id={pid}",
        {
            "subject": "李庄村小学校舍漏雨",
            "demands": "要求维修",
            "content": "",
            "people_count": "7",
            "level_brought_to": "province",
            "proper_level": "township",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        petition = db.session.get(Petition, pid)
        assert petition.collective and petition.skip_level
        grams = set(
            db.session.scalars(select(PetitionGram.gram).where(PetitionGram.petition_id == pid))
        )
        assert "漏雨" in grams and "承包" not in grams
    bad = post_edit(
        client,
        f"/admin/petitions_petitions/edit/?id={pid}",
        {
            "subject": "",
            "demands": "x",
            "people_count": "7",
            "level_brought_to": "province",
            "proper_level": "township",
        },
    )
    assert bad.status_code == 200  # the form is shown again with the error
    with app.app_context():
        assert db.session.get(Petition, pid).subject == "李庄村小学校舍漏雨"


def test_lapsed_window_job(app, petitions_on):
    from petitions_helpers import replied_and_delivered

    from plugins.petitions import jobs

    with app.app_context():
        petition = replied_and_delivered(petitions_on["A"], delivered=at(2025, 4, 1))
        db.session.commit()
        pid = petition.id
    with app.app_context():
        assert jobs.close_lapsed_windows() == 1
        assert jobs.close_lapsed_windows() == 0
        assert db.session.get(Petition, pid).stage == Stage.CLOSED


def test_attachments_go_to_the_case_with_type_checks(app, client, two_petitions, login_as):
    import io

    login_as("staff_a")
    pid = two_petitions["A"]
    with app.app_context():
        version = db.session.get(Petition, pid).version
    bad = post(
        client,
        "/admin/petitions_petitions/act/attach/",
        {"id": pid, "version": version, "file": (io.BytesIO(b"MZ\x90\x00"), "letter.exe")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 302
    assert "不支持该文件类型" in text_of(client.get(DETAILS.format(pid)))
    good = post(
        client,
        "/admin/petitions_petitions/act/attach/",
        {"id": pid, "version": version, "file": (io.BytesIO(b"%PDF-1.4 letter scan"), "来信.pdf")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    details = client.get(DETAILS.format(pid)).get_data(as_text=True)
    assert "来信.pdf" in details
    link = re.search(r'href="(/admin/cases/\d+/file/\d+)"', details).group(1)
    assert client.get(link).data.startswith(b"%PDF-")
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login_as("staff_b")
    assert client.get(link).status_code in (403, 404)


def test_resident_rates_a_replied_petition_once(app, client, petitions_on, users):
    from core.cases import Case
    from plugins.petitions import services

    with app.app_context():
        petition = accepted(petitions_on["A"], actor_id=users["staff_a"])
        services.reply(
            petition, result="已补偿", replied_at=at(2025, 4, 1), actor_id=users["staff_a"]
        )
        db.session.commit()
        receipt, case_id = petition.receipt_no, petition.case_id
    page = post(
        client, "/cases/rate", {"receipt": receipt, "grade": "satisfied", "comment": "处理及时"}
    )
    assert page.status_code == 200
    again = post(client, "/cases/rate", {"receipt": receipt, "grade": "dissatisfied"})
    assert "只能评价一次" in text_of(again)
    with app.app_context():
        assert db.session.get(Case, case_id).rating.grade.value == "satisfied"
