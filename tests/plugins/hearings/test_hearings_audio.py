"""Minutes read aloud (issue 21, part 2): a job reads each published version's masked text in
Mandarin when it is published; the page plays it and offers it for download; withdrawing the
version withdraws its audio; the text handed to the synthesiser holds no phone number and no
private person's name."""

import re
import shutil

import pytest
from hearings_helpers import hold, mask_every_suspect, new_hearing, versioned
from sqlalchemy import select
from support import IN_CI, login, post

from core import speech
from core.extensions import db
from core.storage import get_storage
from plugins.hearings import jobs, registration
from plugins.hearings.audio import speech_source
from plugins.hearings.models import MinutesVersion
from plugins.hearings.registration import Registration

needs_espeak = pytest.mark.skipif(
    not IN_CI and shutil.which("espeak-ng") is None,
    reason="espeak-ng not installed (apt-get install espeak-ng lame); required under CI=true",
)

PHONE = "13812345678"
ID_NUMBER = "110101199003071234"
MINUTES = f"""# 村道硬化听证会纪要

2026年12月18日上午9:30，在村委会召开。到会32人，同意率85%。
村民张三丰（电话 {PHONE}，身份证 {ID_NUMBER}）提出补偿标准问题。
人大代表王建国建议公开招标，补偿每亩1,200元。
"""


def _held(office_id) -> int:
    hearing = new_hearing(office_id)
    registration.invite(hearing.id, name="王建国", category="npc_deputy", affiliation="镇人大代表")
    registration.register(
        hearing.id,
        Registration(name="张三丰", phone=PHONE, category="concerned", village="西河村"),
    )
    db.session.commit()
    return hold(hearing).id


def _publish(app, client, hearing_id, text=MINUTES, **extra):
    """Publish ``text`` on the desk as staff do (the job runs in-process after the commit)."""
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/minutes",
        versioned(
            app,
            hearing_id,
            {"text": text, "publish": "1", **mask_every_suspect(app, hearing_id, text), **extra},
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def spoken(monkeypatch):
    """Every text handed to espeak-ng (its standard input), the real synthesiser still run."""
    seen = []
    real = speech._run

    def recording(args, stdin=None):
        if "espeak-ng" in args[0]:
            seen.append(stdin.decode("utf-8"))
        return real(args, stdin)

    monkeypatch.setattr(speech, "_run", recording)
    return seen


@pytest.fixture
def published(app, client, hearings_on, login_as):
    """A held hearing with version 1 published by staff on the desk: (hearing id, version id)."""
    with app.app_context():
        hearing_id = _held(hearings_on["A"])
    login_as("staff_a")
    _publish(app, client, hearing_id)
    with app.app_context():
        return hearing_id, db.session.scalar(select(MinutesVersion.id))


@needs_espeak
def test_the_text_read_aloud_is_the_masked_text_with_numbers_in_words(
    app, client, hearings_on, login_as, spoken
):
    with app.app_context():
        hearing_id = _held(hearings_on["A"])
    login_as("staff_a")
    _publish(app, client, hearing_id)
    assert len(spoken) == 1  # the job ran once, on publication
    text = spoken[0]
    for secret in (PHONE, ID_NUMBER, "张三丰", "三丰", "5678", "1234"):
        assert secret not in text
    for read_out in ("幺三八幺二三四五六七八", "八幺二三四五六七八", "五六七八"):
        assert read_out not in text  # nor the phone's digits in words
    assert "张某" in text and "王建国" in text  # the deputy is a public figure
    assert "号码已隐去" in text
    assert "二零二六年十二月十八日上午九点三十分" in text
    assert "三十二人" in text and "百分之八十五" in text and "一千二百元" in text
    assert not re.search(r"\d", text)
    with app.app_context():
        version = db.session.scalar(select(MinutesVersion))
        source = speech_source(version)
        assert PHONE in version.body_md and PHONE not in source  # raw kept, never read
        assert text == speech.speech_text(source)


@needs_espeak
def test_the_job_stores_mp3_of_plausible_length(app, published):
    _hearing_id, version_id = published
    with app.app_context():
        version = db.session.get(MinutesVersion, version_id)
        assert version.audio_key and version.audio_made_at is not None
        data = get_storage().path(version.audio_key).read_bytes()
        chars = len(speech.speech_text(speech_source(version)))
        # Mandarin read between 1.5 and 8 syllables a second
        assert chars / 8 < version.audio_seconds < chars / 1.5
        if shutil.which("lame"):
            assert version.audio_mimetype == "audio/mpeg"
            assert data[:3] == b"ID3" or data[0] == 0xFF
        assert len(data) > 1000
        assert jobs.make_minutes_audio(version_id) == version.audio_key  # idempotent


@needs_espeak
def test_the_page_plays_the_audio_and_offers_a_download(app, client, published):
    hearing_id, version_id = published
    page = client.get(f"/o/A/hearings/{hearing_id}").get_data(as_text=True)
    url = f"/o/A/hearings/{hearing_id}/minutes/v1/audio"
    assert re.search(r"<audio controls[^>]*>\s*<source src=\"" + re.escape(url) + '"', page)
    assert f'href="{url}?download=1" download' in page
    assert "听纪要：普通话朗读，约" in page
    with app.app_context():
        stored = get_storage().path(db.session.get(MinutesVersion, version_id).audio_key)
        data = stored.read_bytes()
    played = client.get(url)
    assert played.status_code == 200 and played.mimetype == "audio/mpeg"
    assert played.data == data
    assert "attachment" not in played.headers.get("Content-Disposition", "")
    kept = client.get(url + "?download=1")
    assert kept.status_code == 200 and "attachment" in kept.headers["Content-Disposition"]
    part = client.get(url, headers={"Range": "bytes=0-99"})  # seeking (Safari needs ranges)
    assert part.status_code == 206 and part.data == data[:100]
    api = client.get(f"/api/v1/hearings/A/{hearing_id}").get_json()
    assert api["minutes"][0]["audio_url"].endswith(url) and api["minutes"][0]["audio_seconds"] > 1


@needs_espeak
def test_withdrawing_a_version_withdraws_its_audio(app, client, published):
    hearing_id, v1_id = published
    _publish(
        app, client, hearing_id, MINUTES + "\n补充：会后公示七天。", correction_note="补充公示期"
    )
    with app.app_context():
        v2 = db.session.scalar(select(MinutesVersion).where(MinutesVersion.number == 2))
        v2_id, v2_key = v2.id, v2.audio_key
        v1_key = db.session.get(MinutesVersion, v1_id).audio_key
    assert v2_key and client.get(f"/o/A/hearings/{hearing_id}/minutes/v2/audio").status_code == 200

    leader = app.test_client()
    assert login(leader, "leader").status_code == 302
    response = post(
        leader, f"/admin/publication/withdraw/hearing_minutes/{v2_id}", {"reason": "纪要有误"}
    )
    assert response.status_code == 302
    with app.app_context():
        version = db.session.get(MinutesVersion, v2_id)
        assert version.audio_key is None and version.audio_made_at is None
        assert get_storage().path(v2_key) is None  # the file is gone
        assert jobs.make_minutes_audio(v2_id) is None  # and is not made again
        assert jobs.catch_up_minutes_audio() == 0
        assert get_storage().path(v1_key) is not None
    assert client.get(f"/o/A/hearings/{hearing_id}/minutes/v2/audio").status_code == 404
    assert client.get(f"/o/A/hearings/{hearing_id}/minutes/v2/audio?download=1").status_code == 404
    v2_page = client.get(f"/o/A/hearings/{hearing_id}/minutes/v2").get_data(as_text=True)
    assert "<audio" not in v2_page and "/minutes/v2/audio" not in v2_page
    assert client.get(f"/o/A/hearings/{hearing_id}/minutes/v1/audio").status_code == 200
    api = client.get(f"/api/v1/hearings/A/{hearing_id}").get_json()
    assert api["minutes"][1]["audio_url"] == "" and api["minutes"][0]["audio_url"]


def test_no_audio_for_unknown_versions_other_offices_or_odd_numbers(
    app, client, hearings_on, login_as
):
    with app.app_context():
        hearing_id = _held(hearings_on["A"])
    for url in (
        f"/o/A/hearings/{hearing_id}/minutes/v1/audio",  # nothing published yet
        f"/o/A/hearings/{hearing_id}/minutes/v9/audio",
        f"/o/B/hearings/{hearing_id}/minutes/v1/audio",  # module off there
        f"/o/A/hearings/{hearing_id + 99}/minutes/v1/audio",
        f"/o/A/hearings/{hearing_id}/minutes/v-1/audio",
    ):
        assert client.get(url).status_code == 404, url


def test_without_espeak_the_minutes_publish_and_the_catch_up_reads_them_later(
    app, client, hearings_on, login_as, monkeypatch
):
    real_which = shutil.which
    monkeypatch.setattr(speech.shutil, "which", lambda name: None)
    with app.app_context():
        hearing_id = _held(hearings_on["A"])
    login_as("staff_a")
    _publish(app, client, hearing_id)  # publishing never waits for or fails on audio
    with app.app_context():
        version = db.session.scalar(select(MinutesVersion))
        assert version.audio_key is None
        assert jobs.catch_up_minutes_audio() == 0
    page = client.get(f"/o/A/hearings/{hearing_id}").get_data(as_text=True)
    assert "<audio" not in page and "村道硬化听证会纪要" in page
    assert client.get(f"/o/A/hearings/{hearing_id}/minutes/v1/audio").status_code == 404

    if real_which("espeak-ng") is None and not IN_CI:
        return
    monkeypatch.setattr(speech.shutil, "which", real_which)
    with app.app_context():
        assert jobs.catch_up_minutes_audio() == 1
        assert jobs.catch_up_minutes_audio() == 0
        assert db.session.scalar(select(MinutesVersion)).audio_key
    assert client.get(f"/o/A/hearings/{hearing_id}/minutes/v1/audio").status_code == 200
