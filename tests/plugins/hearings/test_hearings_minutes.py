"""Minutes: masking on publication, versioned corrections, the editor's refusals, the PDF
rendered by a job (Chinese text drawn), and the reminders to organisers."""

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from hearings_helpers import (
    hold,
    mask_every_suspect,
    new_hearing,
    versioned,
)
from sqlalchemy import select
from support import post, text_of

from core.extensions import db
from core.jobs import Notification
from core.publication import publish
from core.storage import get_storage
from plugins.hearings import followups, jobs, registration, services
from plugins.hearings.errors import HearingError
from plugins.hearings.minutes import MINUTES_MAX_CHARS, published_html
from plugins.hearings.models import Hearing, HearingStatus, MinutesVersion
from plugins.hearings.registration import Registration

MINUTES = """# 村道硬化听证会纪要

村民张三丰（电话 13812345678，身份证 110101199003071234）提出补偿标准问题。
人大代表王建国建议公开招标。工作人员李干事作了说明。

| 发言人 | 要点 |
| --- | --- |
| 张三丰 | 补偿 |
"""


def held_with_people(office_id):
    hearing = new_hearing(office_id)
    registration.invite(hearing.id, name="王建国", category="npc_deputy", affiliation="镇人大代表")
    registration.invite(hearing.id, name="李干事", category="staff", affiliation="党政办")
    registration.register(
        hearing.id,
        Registration(name="张三丰", phone="13812345678", category="concerned", village="西河村"),
    )
    registration.register(
        hearing.id,
        Registration(
            name="赵四",
            phone="13812340000",
            category="resident_rep",
            village="东桥村",
            consent_public_name=True,
        ),
    )
    db.session.commit()
    return hold(hearing)


def test_publication_masks_phones_ids_and_private_names_only(app, client, hearings_on):
    with app.app_context():
        hearing = held_with_people(hearings_on["A"])
        services.save_minutes_draft(hearing, MINUTES)
        services.publish_minutes(hearing)
        db.session.commit()
        version = db.session.scalar(select(MinutesVersion))
        published = publish(version)
        # Residents get the text through the gate; the search index holds it masked too.
        for shown in (published.body_md, published_html(published.body_md), version.search_text):
            assert "13812345678" not in shown and "110101199003071234" not in shown
            assert "张三丰" not in shown and "张某" in shown
            assert "王建国" in shown and "李干事" in shown
        assert r"138\*\*\*\*5678" in published.body_md
        # The staff draft keeps the original.
        assert "13812345678" in db.session.get(Hearing, hearing.id).minutes_draft
        hearing_id = hearing.id
    page = client.get(f"/o/A/hearings/{hearing_id}").get_data(as_text=True)
    assert not re.search(r"1[3-9]\d{9}", page)
    assert "张三丰" not in page
    # Attendee list: public figures in full, the consenting resident as 赵某, the other counted.
    text = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "王建国" in text and "赵某" in text and "赵四" not in text
    assert "另有 1 位群众参加" in text


def test_a_correction_is_a_new_version_with_a_visible_note(app, client, hearings_on):
    with app.app_context():
        hearing = held_with_people(hearings_on["A"])
        services.save_minutes_draft(hearing, "租金每亩 800 元。")
        services.publish_minutes(hearing)
        db.session.commit()
        services.save_minutes_draft(hearing, "租金每亩 850 元。")
        with pytest.raises(HearingError, match="更正说明"):
            services.publish_minutes(hearing)
        services.publish_minutes(hearing, correction_note="更正租金数额的笔误")
        db.session.commit()
        with pytest.raises(HearingError, match="草稿与已公开的最新版本相同"):
            services.publish_minutes(hearing, correction_note="再发一次")
        versions = db.session.scalars(select(MinutesVersion).order_by(MinutesVersion.number)).all()
        assert [(v.number, v.correction_note) for v in versions] == [
            (1, None),
            (2, "更正租金数额的笔误"),
        ]
        assert "800" in versions[0].body_md and "850" in versions[1].body_md
        hearing_id = hearing.id
    latest = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "第 2 版" in latest and "更正说明：更正租金数额的笔误" in latest and "850" in latest
    first = text_of(client.get(f"/o/A/hearings/{hearing_id}/minutes/v1"))
    assert "800" in first and "这是较早的版本" in first
    assert client.get(f"/o/A/hearings/{hearing_id}/minutes/v9").status_code == 404


def test_editor_refuses_over_long_text_and_keeps_it(app, client, hearings_on, login_as):
    with app.app_context():
        hearing_id = held_with_people(hearings_on["A"]).id
    login_as("staff_a")
    long_text = "长" * (MINUTES_MAX_CHARS + 1)
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/minutes",
        versioned(app, hearing_id, {"text": long_text, "save": "1"}),
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "纪要过长" in body
    assert long_text in body  # still in the editor: nothing lost
    with app.app_context():
        assert db.session.get(Hearing, hearing_id).minutes_draft == ""


def test_script_in_minutes_is_shown_as_text_never_run(app, client, hearings_on, login_as):
    with app.app_context():
        hearing_id = held_with_people(hearings_on["A"]).id
    login_as("staff_a")
    evil = (
        '会议开始。<script>alert("x")</script> <img src=x onerror=alert(1)> '
        "[点我](javascript:alert(1))"
    )
    preview = post(
        client, f"/admin/hearings-desk/{hearing_id}/minutes", {"text": evil, "preview": "1"}
    ).get_data(as_text=True)
    block = preview.split('id="minutes-preview">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in block and "<img" not in block and 'href="javascript' not in block
    assert "&lt;script&gt;" in block
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/minutes",
        versioned(
            app,
            hearing_id,
            {"text": evil, "publish": "1", **mask_every_suspect(app, hearing_id, evil)},
        ),
        follow_redirects=True,
    )
    assert "不会被执行" in text_of(response)
    with app.app_context():
        html = db.session.scalar(select(MinutesVersion.body_html))
        assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
        assert db.session.get(Hearing, hearing_id).minutes_draft == evil
    page = client.get(f"/o/A/hearings/{hearing_id}").get_data(as_text=True)
    assert "<script>alert" not in page


def test_publishing_before_the_hearing_is_refused_and_the_draft_kept(
    app, client, hearings_on, login_as
):
    with app.app_context():
        hearing_id = new_hearing(hearings_on["A"]).id
    login_as("staff_a")
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/minutes",
        versioned(
            app,
            hearing_id,
            {
                "text": "预先起草的纪要",
                "publish": "1",
                **mask_every_suspect(app, hearing_id, "预先起草的纪要"),
            },
        ),
    )
    assert "听证会尚未举行，不能发布纪要" in text_of(response)
    with app.app_context():
        hearing = db.session.get(Hearing, hearing_id)
        assert hearing.minutes_draft == "预先起草的纪要" and hearing.minutes == []
        assert hearing.status == HearingStatus.ANNOUNCED


def test_pdf_is_rendered_by_the_job_with_chinese_text(app, client, hearings_on, login_as):
    with app.app_context():
        hearing_id = held_with_people(hearings_on["A"]).id
    login_as("staff_a")
    post(
        client,
        f"/admin/hearings-desk/{hearing_id}/minutes",
        versioned(
            app,
            hearing_id,
            {"text": MINUTES, "publish": "1", **mask_every_suspect(app, hearing_id, MINUTES)},
        ),
    )
    with app.app_context():
        version = db.session.scalar(select(MinutesVersion))
        assert version.pdf_key and version.pdf_pages == 1  # the in-process job ran after commit
        path = get_storage().path(version.pdf_key)
        data = path.read_bytes()
    assert data.startswith(b"%PDF") and b"STSong-Light" in data
    public = client.get(f"/o/A/hearings/{hearing_id}/minutes.pdf")
    assert public.status_code == 200 and public.mimetype == "application/pdf"
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "村道硬化听证会纪要" in text and "张某" in text and "13812345678" not in text


def test_hook_register_schedules_and_minutes_reminders_after_3_and_7_days(app, hearings_on, users):
    with app.app_context():
        from core.jobs.schedules import all_schedules

        names = {s.name: s for s in all_schedules()}
        assert names["hearings.minutes_reminders"].plugin == "hearings"
        assert "hearings.deliver_messages" in names
        hearing = hold(new_hearing(hearings_on["A"], organiser_id=users["officeadmin"]))
        held = hearing.held_at
        assert jobs.remind_missing_minutes((held + timedelta(days=2)).isoformat()) == 0
        assert jobs.remind_missing_minutes((held + timedelta(days=4)).isoformat()) == 1
        jobs.remind_missing_minutes((held + timedelta(days=5)).isoformat())  # no second copy
        assert jobs.remind_missing_minutes((held + timedelta(days=8)).isoformat()) == 2
        notes = db.session.scalars(
            select(Notification).where(Notification.user_id == users["officeadmin"])
        ).all()
        assert len(notes) == 2 and all("纪要" in n.title for n in notes)
        services.save_minutes_draft(hearing, "纪要")
        services.publish_minutes(hearing)
        db.session.commit()
        assert jobs.remind_missing_minutes((held + timedelta(days=9)).isoformat()) == 0


def test_participants_hear_about_published_minutes_through_the_sender(app, hearings_on):
    with app.app_context():
        hearing = held_with_people(hearings_on["A"])
        services.save_minutes_draft(hearing, "纪要")
        result = services.publish_minutes(hearing)
        db.session.commit()
        services.after_commit(result)
        from plugins.hearings.models import ParticipantMessage

        rows = db.session.scalars(select(ParticipantMessage)).all()
        assert len(rows) == 2  # the two residents; staff and deputies have no phone here
        assert {r.status for r in rows} == {"recorded"}
        assert all("*" in r.recipient_masked for r in rows)


class _FakeGateway:
    channel = "sms"
    sent: list = []

    def send(self, recipient, body):
        _FakeGateway.sent.append((recipient, body))
        return True


def test_a_configured_sender_receives_the_messages(app, hearings_on, monkeypatch):
    monkeypatch.setitem(app.config, "HEARINGS_SENDER", f"{__name__}:_FakeGateway")
    _FakeGateway.sent.clear()
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], capacity=1)
        first = registration.register(
            hearing.id, Registration(name="张三", phone="13800000001", category="concerned")
        )
        registration.register(
            hearing.id, Registration(name="李四", phone="13800000002", category="concerned")
        )
        db.session.commit()
        registration.withdraw(first)
        db.session.commit()
        assert jobs.deliver_messages(hearing.id) == 1
    assert _FakeGateway.sent and _FakeGateway.sent[0][0] == "13800000002"


def test_results_wait_for_every_follow_up(app, hearings_on, users):
    with app.app_context():
        hearing = held_with_people(hearings_on["A"])
        question = followups.add_question(
            hearing, asker_name="张三丰", asker_category="concerned", text="补偿何时到位？"
        )
        followups.defer(question, reason="需测算", responsible_id=users["staff_a"])
        services.save_minutes_draft(hearing, "纪要")
        services.publish_minutes(hearing)
        db.session.commit()
        with pytest.raises(HearingError, match="尚未办结"):
            services.publish_results(hearing)
        assert hearing.status == HearingStatus.MINUTES_PUBLISHED
