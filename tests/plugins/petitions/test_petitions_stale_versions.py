"""Every desk action on a petition carries the petition's version (issue 15 item 2): a post
with a stale or a missing version is refused with the one stale message and changes nothing."""

import pytest
from petitions_helpers import accepted  # noqa: F401
from support import post, text_of

from core.errors import STALE_MESSAGE
from core.extensions import db
from plugins.petitions.admin.petitions import ACTIONS
from plugins.petitions.models import Petition

# Data each action's form accepts, so the version is what decides.
VALID = {
    "pass_on": {"handling_unit": "镇自然资源所", "passed_at": "2025-03-05"},
    "decide": {"accepted": "yes", "decided_at": "2025-03-05"},
    "extension_request": {"days": "10", "reason": "需现场测量"},
    "extension_decision": {"decision": "approve", "note": "同意"},
    "reply": {"result": "已协调解决", "replied_at": "2025-04-01"},
    "deliver": {"notice_id": "1", "method": "in_person", "delivered_at": "2025-04-02"},
    "request_review": {"requested_at": "2025-04-10", "reason": "不服"},
    "decide_review": {"opinion": "维持", "decided_at": "2025-04-20"},
    "request_rereview": {"requested_at": "2025-05-10", "reason": "不服"},
    "decide_rereview": {"opinion": "维持", "decided_at": "2025-05-20"},
    "hearing_start": {"started_at": "2025-05-12", "reason": "听证"},
    "hearing_end": {"ended_at": "2025-05-14"},
    "risk": {"level": "high", "note": "可能越级上访"},
    "add_petitioner": {"name": "李四"},
    "attach": {},
}


def test_every_action_is_listed():
    assert set(VALID) == set(ACTIONS)


@pytest.mark.parametrize("version", ["stale", "missing"])
@pytest.mark.parametrize("action", sorted(VALID))
def test_a_stale_or_missing_version_is_refused(
    app, client, petitions_on, users, login_as, action, version
):
    with app.app_context():
        petition = accepted(petitions_on["A"], actor_id=users["staff_a"])
        db.session.commit()
        pid, current = petition.id, petition.version
        before = (
            petition.stage,
            petition.hidden_risk,
            len(petition.petitioners),
            len(petition.steps),
            len(petition.notices),
        )
    login_as("leader")
    data = {"id": pid, **VALID[action]}
    if version == "stale":
        data["version"] = current - 1
    response = post(client, f"/admin/petitions_petitions/act/{action}/", data)
    assert response.status_code == 302
    assert str(STALE_MESSAGE) in text_of(client.get(response.headers["Location"]))
    with app.app_context():
        petition = db.session.get(Petition, pid)
        assert petition.version == current
        assert (
            petition.stage,
            petition.hidden_risk,
            len(petition.petitioners),
            len(petition.steps),
            len(petition.notices),
        ) == before


@pytest.mark.parametrize("version", ["stale", "missing"])
def test_a_mediation_result_carries_the_disputes_version(
    app, client, petitions_on, users, login_as, version
):
    from plugins.petitions.models import Dispute, MediationOutcome
    from plugins.petitions.services import mediation

    with app.app_context():
        dispute = mediation.open_dispute(
            office_id=petitions_on["A"], title="宅基地界址纠纷", parties="甲、乙", actor_id=None
        )
        db.session.commit()
        dispute_id, session_id, current = dispute.id, dispute.sessions[0].id, dispute.version
    login_as("staff_a")
    data = {
        "outcome": "not_settled",
        "held_at": "2026-11-20",
        "mediators": "调委会",
        "summary": "未果",
    }
    if version == "stale":
        data["version"] = current - 1
    response = post(
        client, f"/admin/petitions_mediations/details/?id={session_id}", data, follow_redirects=True
    )
    assert str(STALE_MESSAGE) in text_of(response)
    with app.app_context():
        dispute = db.session.get(Dispute, dispute_id)
        assert dispute.version == current
        assert dispute.sessions[0].outcome == MediationOutcome.PENDING
