"""Every desk action that changes a loan or a file carries the row's version (issue 15 item 2):
a post with a stale or a missing version is refused with the core's one stale message and
changes nothing; the same post with the current version goes through."""

import pytest
from archives_helpers import archive_office, client_for, current_version, new_file, user
from support import post, text_of

from core.errors import STALE_MESSAGE
from core.extensions import db
from plugins.archives.models import ArchiveFile, Loan
from plugins.archives.services import lending


@pytest.fixture
def archive(app, users, offices, make_user):
    """Archives on for A and B with keepers; returns every user id and office id."""
    extra = archive_office(app, offices, make_user)
    return {**users, **extra, "offices": offices}


def _loan(office_id, stage: str) -> Loan:
    """A loan of a new file of office A, requested by staff_a and taken to ``stage``."""
    file = new_file(office_id, "年度工作台账")
    loan = lending.request_by_staff(file, user("staff_a").id, purpose="查阅", period_days=3)
    if stage in ("approved", "out"):
        lending.approve(loan, user("keeper_a").id)
    if stage == "out":
        lending.hand_out(loan, user("keeper_a").id, condition="完好")
    db.session.commit()
    return loan


# (action, the loan's stage before it, the row the URL names, the form's fields)
ACTIONS = [
    ("approve", "requested", "loan", {}),
    ("reject", "requested", "loan", {"reason": "不属于本次工作范围"}),
    ("cancel", "requested", "loan", {}),
    ("hand-out", "approved", "loan", {"condition": "完好"}),
    ("return", "out", "loan", {"condition": "完好"}),
    ("return", "out", "file", {"condition": "完好"}),
    ("loss", "out", "file", {"circumstances": "搬迁途中遗失"}),
]


def _state(loan_id, file_id):
    loan, file = db.session.get(Loan, loan_id), db.session.get(ArchiveFile, file_id)
    return (loan.status, loan.version, file.status, file.version)


@pytest.mark.parametrize(
    ("action", "stage", "target", "data"), ACTIONS, ids=[f"{t}-{a}" for a, _s, t, _d in ACTIONS]
)
def test_stale_or_missing_version_is_refused(app, archive, action, stage, target, data):
    with app.app_context():
        loan = _loan(archive["offices"]["A"], stage)
        loan_id, file_id = loan.id, loan.file_id
        before = _state(loan_id, file_id)
    url = f"/admin/archives-desk/{target}/{loan_id if target == 'loan' else file_id}/{action}"
    keeper = client_for(app, "keeper_a")
    version = current_version(app, url)
    for sent in ({**data, "version": str(int(version) - 1)}, data):  # stale, then missing
        response = post(keeper, url, sent, follow_redirects=True)
        assert str(STALE_MESSAGE) in text_of(response)
        with app.app_context():
            assert _state(loan_id, file_id) == before
    # The same post with the current version goes through.
    post(keeper, url, {**data, "version": version})
    with app.app_context():
        assert _state(loan_id, file_id) != before
