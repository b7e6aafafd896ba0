"""The case register's dashboard tiles: open, near the limit, overdue, and a leader's pending
decisions — counted for the user's offices only, each linking to a list that shows exactly
those cases."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from support import login, text_of

from core.cases import open_case
from core.cases import services as case_service
from core.cases.categories import effective_limit
from core.cases.demo import accepted_at_for
from core.cases.models import Case, Pause
from core.cases.widgets import case_widgets, colour_totals
from core.extensions import db
from core.models import User, utcnow


def _user(username) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _open(username, category, colour, days_ago, **fields) -> Case:
    """A case of ``username``'s office accepted so that it shows ``colour`` now."""
    user = _user(username)
    limit = effective_limit(user.office_id, category)
    case = open_case(
        office_id=user.office_id,
        category=category,
        channel="window",
        subject=f"{colour} 测试事项",
        applicant_name="张三",
        applicant_phone="13800000001",
        actor_id=user.id,
        handler_id=user.id,
        accepted_at=accepted_at_for(limit, days_ago, (colour,), utcnow()),
        **fields,
    )
    db.session.flush()
    return case


@pytest.fixture
def register(app, users):
    """Office A: two green, one yellow, one red, one paused after its deadline had passed
    (red), one paused in time whose deadline has since passed (keeps green), one resolved;
    office B: one red and one green."""
    with app.app_context():
        _open("staff_a", "consultation", "green", 1)
        _open("staff_a", "approval", "green", 1)
        _open("staff_a", "approval", "yellow", 5)
        _open("staff_a", "approval", "red", 20)
        paused_late = _open("staff_a", "approval", "red", 20)
        case_service.pause_case(
            paused_late, reason="material", note="补正材料", actor_id=users["staff_a"]
        )
        paused_early = _open("staff_a", "approval", "red", 20)
        case_service.pause_case(
            paused_early, reason="material", note="补正材料", actor_id=users["staff_a"]
        )
        # Its clock stopped the day after acceptance: it keeps the colour it had then.
        stopped = paused_early.accepted_at + timedelta(days=1)
        paused_early.paused_since = stopped
        db.session.scalar(
            select(Pause).where(Pause.case_id == paused_early.id)
        ).started_at = stopped
        done = _open("staff_a", "approval", "red", 20)
        case_service.close_case(done, outcome="已办结", actor_id=users["staff_a"])
        _open("staff_b", "approval", "red", 20)
        _open("staff_b", "consultation", "green", 2)
        db.session.commit()
        assert paused_early.colour() == "green" and paused_late.colour() == "red"
    return users


def tiles(client) -> dict[str, tuple[str, int]]:
    """{title: (url, value)} of the dashboard's linked tiles."""
    page = client.get("/admin/").get_data(as_text=True)
    found = re.findall(
        r'<div class="small text-muted">([^<]+)</div>\s*'
        r'<div class="h3 mb-0"><a href="([^"]+)">(\d+)</a>',
        page,
    )
    return {title: (html.unescape(url), int(value)) for title, url, value in found}


def rows_listed(client, url) -> int:
    return client.get(url).get_data(as_text=True).count('class="dot dot-')


def test_staff_of_one_office_see_their_office_only(app, client, register):
    login(client, "staff_a")
    shown = tiles(client)
    assert shown["在办案件"][1] == 6
    assert shown["临期案件"][1] == 1
    assert shown["超期案件"][1] == 2  # the running one and the one paused after its deadline
    assert "待我审批" not in shown  # staff decide nothing
    assert shown["临期案件"][0] == "/admin/cases/?colour=yellow"
    assert shown["超期案件"][0] == "/admin/cases/?colour=red"
    for url, value in shown.values():  # each figure is the length of the list it opens
        assert rows_listed(client, url) == value


def test_township_admin_sees_every_office(app, client, register):
    login(client, "admin")
    shown = tiles(client)
    assert (shown["在办案件"][1], shown["临期案件"][1], shown["超期案件"][1]) == (8, 1, 3)
    for url, value in shown.values():
        assert rows_listed(client, url) == value
    other = app.test_client()
    login(other, "staff_b")
    shown = tiles(other)
    assert (shown["在办案件"][1], shown["临期案件"][1], shown["超期案件"][1]) == (2, 0, 1)


def test_counts_match_the_supervision_colours(app, register):
    """The index-friendly counting gives what ``Case.colour`` gives, case by case."""
    with app.app_context():
        now = utcnow()
        for office_ids in (None, {_user("staff_a").office_id}, set()):
            cases = [
                c
                for c in db.session.scalars(select(Case))
                if c.is_active and (office_ids is None or c.office_id in office_ids)
            ]
            expected = {
                "open": len(cases),
                "yellow": sum(c.colour(now) == "yellow" for c in cases),
                "red": sum(c.colour(now) == "red" for c in cases),
            }
            assert colour_totals(office_ids, now) == expected


def test_tones_follow_the_figures(app, users):
    with app.test_request_context():
        empty = {w.title: w for w in case_widgets(db.session.get(User, users["staff_a"]))}
        assert {w.tone for w in empty.values()} == {"ok"}
        assert empty["超期案件"].value == 0
        _open("staff_a", "approval", "red", 20)
        _open("staff_a", "approval", "yellow", 5)
        shown = {w.title: w for w in case_widgets(db.session.get(User, users["staff_a"]))}
        assert shown["超期案件"].tone == "alert" and shown["临期案件"].tone == "warn"
        assert shown["在办案件"].tone == "info"
        db.session.rollback()


def test_leader_sees_what_waits_for_their_decision(app, client, register):
    users = register
    with app.app_context():
        staff = users["staff_a"]
        case = _open("staff_a", "consultation", "green", 1)
        case_service.request_extension(case, amount=5, reason="需请示上级", actor_id=staff)
        case_id = case.id
        agency_case = _open("staff_a", "approval", "green", 1)
        record = case_service.start_agency(agency_case, reason="需报上级审批", actor_id=staff)
        db.session.flush()
        case_service.record_delivery(
            record, delivered_at=utcnow(), items="证件已送达", actor_id=staff
        )
        # An agency not yet delivered waits for no one.
        case_service.start_agency(
            _open("staff_a", "approval", "green", 1), reason="代办", actor_id=staff
        )
        # Another office's extension request is not this leader's to decide.
        other = _open("staff_b", "consultation", "green", 1)
        case_service.request_extension(other, amount=5, reason="需请示", actor_id=users["staff_b"])
        db.session.commit()
    login(client, "leader")
    shown = tiles(client)
    assert shown["待我审批"] == ("/admin/case_supervision/", 2)
    page = text_of(client.get("/admin/"))
    assert "延期申请 1 · 代办签字 1 · 评价申诉 0" in page
    supervision = text_of(client.get("/admin/case_supervision/"))
    assert "延期申请" in supervision and "代办记录待签字" in supervision
    with app.app_context():
        extension = db.session.get(Case, case_id).extensions[0]
        case_service.approve_extension(extension, actor_id=users["leader"], note="同意")
        db.session.commit()
    assert tiles(client)["待我审批"][1] == 1


def test_dashboard_tiles_in_english(app, client, register):
    login(client, "staff_a")
    client.get("/lang/en")
    page = text_of(client.get("/admin/"))
    assert "Overdue cases" in page and "超期案件" not in page
