"""The core's case screen leaves a petition's clock to the petitions module."""

from petitions_helpers import (
    register,
)
from support import csrf_token

from core.cases.models import Case
from core.extensions import db


def test_core_case_screen_refuses_pause_and_extension_of_a_petition(
    app, client, petitions_on, login_as
):
    with app.app_context():
        petition = register(petitions_on["A"])
        db.session.commit()
        case_id = petition.case_id
        before = db.session.get(Case, case_id)
        due, status, version = before.due_at, before.status, before.version
    login_as("staff_a")
    for action, data in (
        ("pause", {"reason": "material", "note": "等材料"}),
        ("extension_request", {"amount": "10", "reason": "复杂"}),
    ):
        response = client.post(
            f"/admin/cases/{case_id}/do/{action}",
            data={**data, "version": str(version), "csrf_token": csrf_token(client)},
        )
        assert response.status_code == 303
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "请在该模块中操作" in page
    with app.app_context():
        after = db.session.get(Case, case_id)
        assert (after.due_at, after.status, after.version) == (due, status, version)
