"""Three-level mediation passing up village → station → township with a signed agreement when
settled, and observed reception sessions with observers' opinions and a collective decision."""

import pytest
from petitions_helpers import (
    register,
)
from sqlalchemy import func, select
from support import csrf_token, post, text_of

from core.extensions import db
from core.models import Office, OfficeKind
from core.modules import set_module
from core.time import utc_now
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import (
    Dispute,
    DisputeStatus,
    MediationLevel,
    MediationOutcome,
    MediationSession,
    ReceptionSession,
    SessionHearing,
)
from plugins.petitions.services import mediation

PDF = b"%PDF-1.4\n% signed agreement\n"


@pytest.fixture
def levels(app, petitions_on):
    """A station office (司法所) with the module on, beside village B and government A."""
    with app.app_context():
        root = db.session.scalar(select(Office).where(Office.code == "T"))
        station = Office(code="S", name="司法所", kind=OfficeKind.STATION, parent=root)
        db.session.add(station)
        db.session.flush()
        set_module("petitions", station, True)
        db.session.commit()
        return {**petitions_on, "S": station.id}


def _record(session, outcome, **fields):
    return mediation.record_session(
        session,
        outcome=outcome,
        held_at=fields.pop("held_at", utc_now()),
        summary=fields.pop("summary", "双方陈述，调解员释法说理"),
        mediators="调解员甲",
        actor_id=fields.pop("actor_id", None),
        **fields,
    )


def test_dispute_passes_up_the_three_levels(app, levels):
    with app.app_context():
        dispute = mediation.open_dispute(
            office_id=levels["B"], title="宅基地界址纠纷", parties="李某、孙某", actor_id=None
        )
        first = dispute.sessions[0]
        assert first.level == MediationLevel.VILLAGE and first.office_id == levels["B"]
        second = _record(first, "passed_up", next_office_id=levels["S"])
        assert first.outcome == MediationOutcome.PASSED_UP
        assert second.level == MediationLevel.STATION and second.office_id == levels["S"]
        assert second.outcome == MediationOutcome.PENDING
        third = _record(second, "passed_up", next_office_id=levels["A"])
        assert third.level == MediationLevel.TOWNSHIP and dispute.current_level == third.level
        with pytest.raises(PetitionError, match="最后一级"):
            _record(third, "passed_up")
        assert third.outcome == MediationOutcome.PENDING and len(dispute.sessions) == 3
        with pytest.raises(PetitionError, match="签字的调解协议"):
            _record(third, "settled")
        assert dispute.status == DisputeStatus.OPEN
        _record(third, "settled", agreement=("协议.pdf", PDF))
        assert dispute.status == DisputeStatus.SETTLED
        assert third.agreement_key and third.agreement_filename == "协议.pdf"
        with pytest.raises(PetitionError, match="已经登记了结果"):
            _record(third, "not_settled")


def test_settled_with_a_recorded_signature_and_not_settled(app, levels):
    with app.app_context():
        dispute = mediation.open_dispute(
            office_id=levels["B"], title="邻里排水纠纷", parties="甲、乙", actor_id=None
        )
        _record(dispute.sessions[0], "settled", signature_record="双方当场签字按印")
        assert dispute.status == DisputeStatus.SETTLED
        other = mediation.open_dispute(
            office_id=levels["S"], title="劳务费纠纷", parties="丙、丁", actor_id=None
        )
        assert other.sessions[0].level == MediationLevel.STATION
        _record(other.sessions[0], "not_settled")
        assert other.status == DisputeStatus.NOT_SETTLED


@pytest.mark.parametrize(
    ("agreement", "message"),
    [
        (("协议.exe", b"MZ..."), "PDF、JPG 或 PNG"),
        (("协议.pdf", b"not a pdf"), "不符"),
    ],
)
def test_bad_agreement_file_is_refused(app, levels, agreement, message):
    with app.app_context():
        dispute = mediation.open_dispute(
            office_id=levels["B"], title="纠纷", parties="甲、乙", actor_id=None
        )
        with pytest.raises(PetitionError, match=message):
            _record(dispute.sessions[0], "settled", agreement=agreement)
        assert dispute.sessions[0].outcome == MediationOutcome.PENDING


def test_passing_up_needs_an_office_with_the_module(app, levels):
    with app.app_context():
        set_module("petitions", db.session.get(Office, levels["S"]), False)
        dispute = mediation.open_dispute(
            office_id=levels["B"], title="纠纷", parties="甲、乙", actor_id=None
        )
        with pytest.raises(PetitionError, match="已启用信访模块"):
            _record(dispute.sessions[0], "passed_up", next_office_id=levels["S"])


def test_mediation_screens_pass_up_and_scope(app, client, levels, users, make_user, login_as):
    from core.models import Role

    make_user("station_staff", Role.STAFF, levels["S"])
    login_as("staff_b")
    response = post(
        client,
        "/admin/petitions_disputes/new/",
        {"title": "两户宅基地界址纠纷", "parties": "李长顺、孙福来", "facts": "院墙界址争议"},
    )
    assert response.status_code == 302
    with app.app_context():
        dispute = db.session.scalar(select(Dispute))
        session_id, version = dispute.sessions[0].id, dispute.version
    page = client.get(f"/admin/petitions_mediations/details/?id={session_id}")
    assert page.status_code == 200 and "登记本级调处结果" in text_of(page)
    empty = post(
        client,
        f"/admin/petitions_mediations/details/?id={session_id}",
        {
            "outcome": "settled",
            "held_at": "2026-11-20",
            "mediators": "村调委会",
            "summary": "调解",
            "version": version,
        },
        follow_redirects=True,
    )
    assert "签字的调解协议" in text_of(empty)
    stale = post(
        client,
        f"/admin/petitions_mediations/details/?id={session_id}",
        {
            "outcome": "passed_up",
            "held_at": "2026-11-20",
            "mediators": "村调委会",
            "summary": "两次调解未果",
            "next_office": str(levels["S"]),
        },
        follow_redirects=True,
    )
    assert "已被他人修改" in text_of(stale)  # no version: refused, nothing recorded
    response = post(
        client,
        f"/admin/petitions_mediations/details/?id={session_id}",
        {
            "version": version,
            "outcome": "passed_up",
            "held_at": "2026-11-20",
            "mediators": "村调委会",
            "summary": "两次调解未果",
            "next_office": str(levels["S"]),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        station_session = db.session.scalar(
            select(MediationSession).where(MediationSession.office_id == levels["S"])
        )
        station_id = station_session.id
    # Village staff no longer reach the station's record; the station's staff do.
    assert client.get(f"/admin/petitions_mediations/details/?id={station_id}").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login_as("station_staff")
    page = client.get(f"/admin/petitions_mediations/details/?id={station_id}")
    assert page.status_code == 200 and "两次调解未果" in text_of(page)
    assert "李长顺" in text_of(page)
    assert client.get(f"/admin/petitions_mediations/details/?id={session_id}").status_code == 404


def test_reception_session_with_observers_and_collective_decision(
    app, client, petitions_on, users, login_as
):
    with app.app_context():
        petition = register(petitions_on["A"], actor_id=users["staff_a"])
        other = register(petitions_on["B"], subject="乙村事项")
        db.session.commit()
        pid, other_id = petition.id, other.id
    login_as("staff_a")
    base = {
        "held_at": "2026-11-20 09:00:00",
        "place": "镇信访接待室",
        "host_role": "party_secretary",
        "host_name": "镇党委书记",
        "convenor_name": "党委常务副书记",
        "summary": "接待 3 批",
    }
    no_observer = post(client, "/admin/petitions_receptions/new/", base)
    assert "至少登记一名旁听人员" in text_of(no_observer)
    form = {
        **base,
        "observers-0-category": "peoples_deputy",
        "observers-0-name": "人大代表甲",
        "observers-0-unit": "镇人大",
        "observers-0-opinions": "建议限期答复",
        "observers-0-suggestions": "公开补偿标准",
        "hearings-0-petition": str(other_id),
        "hearings-0-notes": "当场接待",
    }
    foreign = post(client, "/admin/petitions_receptions/new/", form)
    assert foreign.status_code == 200  # another office's petition is not even a choice
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReceptionSession)) == 0
    form["hearings-0-petition"] = str(pid)
    form["hearings-0-meeting_decision"] = "由分管领导牵头解决"
    undecided = post(client, "/admin/petitions_receptions/new/", form)
    assert "请勾选" in text_of(undecided)
    form["hearings-0-referred_to_collective"] = "y"
    form["hearings-0-meeting_held_at"] = "2026-11-21 15:00:00"
    response = post(client, "/admin/petitions_receptions/new/", form)
    assert response.status_code == 302, text_of(response)[:500]
    with app.app_context():
        session = db.session.scalar(select(ReceptionSession))
        assert session.observers[0].opinions == "建议限期答复"
        hearing = db.session.scalar(select(SessionHearing))
        assert hearing.petition_id == pid and hearing.referred_to_collective
        assert hearing.office_id == petitions_on["A"]
        session_id = session.id
    page = text_of(client.get(f"/admin/petitions_receptions/details/?id={session_id}"))
    assert "旗镇两级人大代表" in page and "由分管领导牵头解决" in page


def test_demo_data_loads_twice_without_duplicates(app):
    from core.cli.demo import load_demo
    from plugins.petitions.models import Petition

    with app.app_context():
        load_demo()
        first = db.session.scalar(select(func.count()).select_from(Petition))
        assert first >= 4
        assert db.session.scalar(select(func.count()).select_from(Dispute)) == 1
        assert db.session.scalar(select(Dispute)).status == DisputeStatus.SETTLED
        repeat = db.session.scalar(select(Petition).where(Petition.repeat_of_id.is_not(None)))
        assert repeat is not None and repeat.case is None
        load_demo()
        assert db.session.scalar(select(func.count()).select_from(Petition)) == first
