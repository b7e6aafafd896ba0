"""Issue 13's hearings findings, closed by the core's publication gate: each test plants a
phone or a private person's full name through a field residents see and reads every output
(page, versions, list, feeds, API, PDF) for it."""

import re
import shutil
import subprocess

import pytest
from hearings_helpers import (
    hold,
    new_hearing,
    versioned,
)
from lxml import etree
from sqlalchemy import select
from support import post, text_of

from core.cases import open_case
from core.extensions import db
from core.models import Role, User
from core.publication import withdraw
from core.storage import get_storage
from plugins.hearings import followups, jobs, registration, services
from plugins.hearings.models import Hearing, MinutesVersion
from plugins.hearings.registration import Registration

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def _held(office_id, **kwargs) -> Hearing:
    hearing = new_hearing(office_id, **kwargs)
    registration.invite(hearing.id, name="王建国", category="npc_deputy", affiliation="镇人大代表")
    db.session.commit()
    return hold(hearing)


def _everything(client, hearing_id) -> str:
    """Every residents' output of one hearing, as one text."""
    parts = [
        client.get(f"/o/A/hearings/{hearing_id}").get_data(as_text=True),
        client.get("/o/A/hearings/").get_data(as_text=True),
        client.get("/o/A/hearings/minutes").get_data(as_text=True),
        client.get("/o/A/hearings/minutes.atom").get_data(as_text=True),
        client.get("/o/A/hearings/calendar.ics").get_data(as_text=True),
        client.get(f"/api/v1/hearings/A/{hearing_id}").get_data(as_text=True),
        client.get("/api/v1/hearings/A").get_data(as_text=True),
    ]
    for n in (1, 2, 3):
        parts.append(client.get(f"/o/A/hearings/{hearing_id}/minutes/v{n}").get_data(as_text=True))
    return "\n".join(parts)


def _pdf_text(version_id) -> str:
    version = db.session.get(MinutesVersion, version_id)
    data, _pages = jobs.minutes_pdf_bytes(version)
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_finding_2_correction_note_is_masked_on_pages_feed_api_and_pdf(app, client, hearings_on):
    with app.app_context():
        hearing = _held(hearings_on["A"])
        services.save_minutes_draft(hearing, "租金每亩 800 元。")
        services.publish_minutes(hearing)
        services.save_minutes_draft(hearing, "租金每亩 850 元。")
        services.publish_minutes(hearing, correction_note="应村民来电 13912340000 更正租金")
        db.session.commit()
        hearing_id, v2 = hearing.id, hearing.minutes[-1].id
        pdf = _pdf_text(v2) if shutil.which("pdftotext") else ""
    everything = _everything(client, hearing_id)
    assert "13912340000" not in everything and "139****0000" in everything
    api = client.get(f"/api/v1/hearings/A/{hearing_id}").get_json()
    assert api["minutes"][1]["correction_note"] == "应村民来电 139****0000 更正租金"
    if pdf:
        assert "13912340000" not in pdf and "139****0000" in pdf


def test_finding_3_village_typed_on_the_form_is_not_published_as_typed(app, client, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        registration.register(
            hearing.id,
            Registration(
                name="周桂芳",
                phone="13912345678",
                category="resident_rep",
                village="西河村 电话13800138000",
                consent_public_name=True,
            ),
        )
        db.session.commit()
        hearing_id = hold(hearing).id
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "周某" in page and "西河村" in page and "13800138000" not in page
    assert "138****8000" in page
    api = client.get(f"/api/v1/hearings/A/{hearing_id}").get_json()
    assert [a["detail"] for a in api["attendees"] if a["name"] == "周某"] == [
        "西河村 电话138****8000"
    ]


def test_finding_5_answered_by_is_masked_unless_an_active_officials_name(
    app, client, hearings_on, make_user
):
    make_user("liu", Role.STAFF, hearings_on["A"], display_name="刘明亮")
    with app.app_context():
        hearing = _held(hearings_on["A"])
        for n, who in enumerate(("刘明亮", "赵大海"), start=1):
            q = followups.add_question(
                hearing, asker_name="王建国", asker_category="npc_deputy", text=f"第{n}个问题"
            )
            followups.answer_on_the_spot(q, answer="已作说明。", answered_by=who)
        db.session.commit()
        hearing_id = hearing.id
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "刘明亮：已作说明" in page and "赵某：已作说明" in page and "赵大海" not in page
    api = client.get(f"/api/v1/hearings/A/{hearing_id}").get_json()
    assert [q["answered_by"] for q in api["questions"]] == ["刘明亮", "赵某"]
    with app.app_context():  # an official who left no longer stands
        db.session.scalar(select(User).where(User.username == "liu")).active = False
        db.session.commit()
    assert "刘明亮" not in text_of(client.get(f"/o/A/hearings/{hearing_id}"))


def test_finding_6_venue_is_masked_everywhere(app, client, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        hearing.venue = "村民家中（联系 13812345678，身份证 110101199003071234）"
        db.session.commit()
        hearing_id = hearing.id
        attendee = registration.register(
            hearing_id, Registration(name="周桂芳", phone="13912345678", category="concerned")
        )
        db.session.commit()
        code = attendee.code
    everything = _everything(client, hearing_id)
    registered = post(client, "/o/A/hearings/registration", {"code": code}).get_data(as_text=True)
    for text in (everything, registered):
        assert "13812345678" not in text and "110101199003071234" not in text
        assert "138****5678" in text


def test_finding_7_names_known_from_other_records_are_masked_in_every_text(
    app, client, hearings_on
):
    with app.app_context():
        other = new_hearing(hearings_on["A"], title="东桥村停车位听证会")
        registration.register(
            other.id, Registration(name="钱多多", phone="13912345678", category="concerned")
        )
        open_case(
            office_id=hearings_on["A"],
            category="consultation",
            channel="window",
            subject="咨询低保",
            applicant_name="孙小美",
        )
        db.session.commit()
        postponed = new_hearing(hearings_on["A"], title="西河村机井听证会")
        services.postpone(postponed, "钱多多提出异议，需重新核实")
        cancelled = new_hearing(hearings_on["A"], title="南湾村道路听证会")
        services.cancel(cancelled, "孙小美已撤回申请")
        hearing = _held(hearings_on["A"])
        q = followups.add_question(
            hearing,
            asker_name="王建国",
            asker_category="npc_deputy",
            text="钱多多反映的机井问题怎么解决？",
        )
        followups.answer_on_the_spot(q, answer="已与孙小美核实。", answered_by="王建国")
        services.save_minutes_draft(hearing, "# 纪要\n\n钱多多、孙小美的诉求已记录。")
        services.publish_minutes(hearing, correction_note=None)
        db.session.commit()
        ids = (postponed.id, cancelled.id, hearing.id)
    everything = "\n".join(_everything(client, i) for i in ids)
    assert "钱多多" not in everything and "孙小美" not in everything
    assert "钱某提出异议" in everything and "孙某已撤回申请" in everything
    assert "钱某反映的机井问题" in everything and "已与孙某核实" in everything


def test_masked_stars_are_shown_not_read_as_emphasis(app, client, hearings_on):
    with app.app_context():
        hearing = _held(hearings_on["A"])
        services.save_minutes_draft(hearing, "村民电话 13912345678，另一电话 13812345678。")
        services.publish_minutes(hearing)
        db.session.commit()
        hearing_id, version_id = hearing.id, hearing.minutes[-1].id
        pdf = _pdf_text(version_id) if shutil.which("pdftotext") else ""
    page = client.get(f"/o/A/hearings/{hearing_id}").get_data(as_text=True)
    assert "村民电话 139****5678，另一电话 138****5678。" in page
    assert "<em>" not in page and "<strong>" not in page
    atom = client.get("/o/A/hearings/minutes.atom").get_data(as_text=True)
    assert "139****5678" in atom and "&lt;em&gt;" not in atom
    if pdf:
        assert "139****5678" in pdf


def _two_versions(office_id):
    hearing = _held(office_id)
    services.save_minutes_draft(hearing, "第一版：租金每亩 800 元。")
    services.publish_minutes(hearing)
    services.save_minutes_draft(hearing, "第二版：误把村民电话 13912345678 写进纪要。")
    services.publish_minutes(hearing, correction_note="更正租金")
    db.session.commit()
    return hearing


def test_finding_8_a_leader_withdraws_a_version_from_every_output(
    app, client, hearings_on, users, login_as
):
    with app.app_context():
        hearing = _two_versions(hearings_on["A"])
        hearing_id, v2 = hearing.id, hearing.minutes[-1]
        key = jobs.render_minutes_pdf(v2.id)
        assert get_storage().path(key) is not None
        v2_id = v2.id
    assert client.get(f"/o/A/hearings/{hearing_id}/minutes/v2.pdf").status_code == 200

    login_as("leader")
    response = post(
        client,
        f"/admin/publication/withdraw/hearing_minutes/{v2_id}",
        {"reason": "纪要误含村民电话"},
    )
    assert response.status_code == 302

    with app.app_context():
        version = db.session.get(MinutesVersion, v2_id)
        assert version.pdf_key is None and get_storage().path(key) is None  # cached PDF gone
        assert jobs.render_minutes_pdf(v2_id) is None
    everything = _everything(client, hearing_id)
    assert "第二版" not in everything and "13912345678" not in everything
    assert "139****5678" not in everything and "更正租金" not in everything
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "第一版：租金每亩 800 元" in page and re.search(r"第 2 版\s*·\s*已撤回（\d{4}年", page)
    v2_page = text_of(client.get(f"/o/A/hearings/{hearing_id}/minutes/v2"))
    assert "已撤回" in v2_page and "第二版" not in v2_page
    assert client.get(f"/o/A/hearings/{hearing_id}/minutes/v2.pdf").status_code == 404
    assert client.get(f"/o/A/hearings/{hearing_id}/minutes.pdf").status_code == 200  # v1
    root = etree.fromstring(client.get("/o/A/hearings/minutes.atom").data)
    titles = [t.text for t in root.findall("a:entry/a:title", ATOM)]
    assert any("已撤回" in t for t in titles)
    api = client.get(f"/api/v1/hearings/A/{hearing_id}").get_json()
    assert api["minutes"][1]["withdrawn"] and api["minutes"][1]["markdown"] == ""
    assert api["minutes"][1]["pdf_url"] == "" and not api["minutes"][0]["withdrawn"]


def test_staff_cannot_withdraw_and_every_version_withdrawn_leaves_notices(
    app, client, hearings_on, users
):
    from core.publication import WithdrawalError

    with app.app_context():
        hearing = _two_versions(hearings_on["A"])
        hearing_id = hearing.id
        staff = db.session.get(User, users["staff_a"])
        with pytest.raises(WithdrawalError):
            withdraw(hearing.minutes[0], reason="试试", actor=staff)
        leader = db.session.get(User, users["leader"])
        for version in hearing.minutes:
            withdraw(version, reason="含个人信息", actor=leader)
        db.session.commit()
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert page.count("已撤回") >= 2 and "第一版" not in page and "第二版" not in page
    assert client.get(f"/o/A/hearings/{hearing_id}/minutes.pdf").status_code == 404
    assert "没有找到会议纪要" in text_of(client.get("/o/A/hearings/minutes"))


REVIEWED = "# 纪要\n\n县人大代表钱学军作了说明，村民李国强补充。电话 13912345678。"


def test_publishing_minutes_needs_a_decision_on_every_suspected_name(
    app, client, hearings_on, login_as
):
    with app.app_context():
        hearing = _held(hearings_on["A"])
        hearing_id = hearing.id
    login_as("staff_a")
    url = f"/admin/hearings-desk/{hearing_id}/minutes"
    post(client, url, versioned(app, hearing_id, {"text": REVIEWED, "save": "1"}))
    editor = client.get(url).get_data(as_text=True)
    # Staff see the exact text residents will get: the number starred, suspects highlighted.
    assert "139****5678" in editor and "review-suspect" in editor
    names = re.findall(r'name="review_name_(\d+)" value="([^"]+)"', editor)
    assert sorted(n for _i, n in names) == ["李国强", "钱学军"]

    refused = post(client, url, versioned(app, hearing_id, {"text": REVIEWED, "publish": "1"}))
    assert refused.status_code == 200 and "未确认" in text_of(refused)
    with app.app_context():
        assert db.session.scalar(select(MinutesVersion)) is None

    form = {"text": REVIEWED, "publish": "1"}
    for i, name in names:
        form[f"review_name_{i}"] = name
        form[f"review_{i}"] = "allow" if name == "钱学军" else "mask"
    assert post(client, url, versioned(app, hearing_id, form)).status_code == 302
    with app.app_context():
        from core.publication.review import allowed_names_for

        version = db.session.scalar(select(MinutesVersion))
        assert "钱学军" in allowed_names_for(MinutesVersion, [version])[version.id]
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "县人大代表钱学军作了说明，村民李某补充" in page and "李国强" not in page
