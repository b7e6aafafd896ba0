"""Issue 15 (2) on the hearings desk: every desk action that changes the hearing carries its
version. A post with a stale or a missing version is refused with the core's one message and
changes nothing; the same post with the current version goes through."""

from datetime import timedelta

import pytest
from hearings_helpers import (
    hold,
    new_hearing,
    versioned,
)
from sqlalchemy import func, select
from support import post, text_of

from core.extensions import db
from core.kit import utc_now
from plugins.hearings import services
from plugins.hearings.models import Hearing, MinutesVersion

STALE = "该记录已被他人修改"


def _draft(office_id):
    return new_hearing(office_id, announce=False)


def _announced(office_id):
    return new_hearing(office_id)


def _started(office_id):
    hearing = new_hearing(office_id)
    hearing.starts_at = utc_now() - timedelta(hours=1)
    hearing.ends_at = utc_now() + timedelta(hours=1)
    db.session.commit()
    return hearing


def _held(office_id):
    return hold(new_hearing(office_id))


def _minutes_out(office_id):
    hearing = _held(office_id)
    services.save_minutes_draft(hearing, "# 纪要\n\n会议同意方案。")
    services.publish_minutes(hearing)
    db.session.commit()
    return hearing


# (action path, setup, form fields) — every desk POST that changes the hearing row.
ACTIONS = {
    "announce": ("transition/announce", _draft, {}),
    "hold": ("transition/hold", _started, {}),
    "postpone": ("transition/postpone", _announced, {"reason": "场地维修"}),
    "cancel": ("transition/cancel", _announced, {"reason": "议题已解决"}),
    "results": ("transition/results", _minutes_out, {"summary": "已全部办结。"}),
    "save minutes": ("minutes", _held, {"text": "新的纪要草稿", "save": "1"}),
    "publish minutes": ("minutes", _held, {"text": "会议同意方案。", "publish": "1"}),
}


def _state(hearing_id):
    hearing = db.session.get(Hearing, hearing_id)
    published = db.session.scalar(
        select(func.count())
        .select_from(MinutesVersion)
        .where(MinutesVersion.hearing_id == hearing_id)
    )
    return hearing.version, hearing.status, hearing.minutes_draft, published


@pytest.mark.parametrize("name", list(ACTIONS))
def test_a_desk_action_with_a_stale_or_missing_version_changes_nothing(
    app, client, hearings_on, login_as, name
):
    path, setup, fields = ACTIONS[name]
    with app.app_context():
        hearing_id = setup(hearings_on["A"]).id
        before = _state(hearing_id)
    login_as("staff_a")
    url = f"/admin/hearings-desk/{hearing_id}/{path}"
    current = versioned(app, hearing_id, fields)
    for data in ({**fields, "version": str(int(current["version"]) - 1)}, fields):
        response = post(client, url, data, follow_redirects=True)
        assert STALE in text_of(response), name
        with app.app_context():
            assert _state(hearing_id) == before, name
    post(client, url, current)
    with app.app_context():
        after = _state(hearing_id)
        assert after[0] > before[0], f"{name}: the current version goes through"
        if name == "publish minutes":
            assert after[3] == before[3] + 1
