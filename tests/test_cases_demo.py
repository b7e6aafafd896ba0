"""Demo cases of ``flask demo load`` (made through the case service, once) and the residents'
links to the receipt lookup and to each office's published limits."""

import re

from sqlalchemy import func, select
from support import login, text_of

from core.cases.demo import CASES, SOURCE_TYPE
from core.cases.models import (
    AgencyRecord,
    Case,
    CaseEvent,
    CaseStatus,
    Extension,
    OfficeCategoryLimit,
    Pause,
    Rating,
    Rectification,
)
from core.cli.demo import DEMO_PASSWORD
from core.extensions import db
from core.models import Office, User


def demo_cases() -> dict[str, Case]:
    return {
        c.source_id: c
        for c in db.session.scalars(select(Case).where(Case.source_type == SOURCE_TYPE))
    }


def test_demo_load_twice_creates_the_cases_once(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        cases = demo_cases()
        assert set(cases) == {c.key for c in CASES} and 20 <= len(cases) <= 40
        events = db.session.scalar(select(func.count()).select_from(CaseEvent))
        limits = db.session.scalar(select(func.count()).select_from(OfficeCategoryLimit))
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "新建 0 条记录" in second.output
    with app.app_context():
        assert set(demo_cases()) == {c.key for c in CASES}
        assert db.session.scalar(
            select(func.count()).select_from(Case).where(Case.source_type == SOURCE_TYPE)
        ) == len(CASES)
        assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == events
        assert db.session.scalar(select(func.count()).select_from(OfficeCategoryLimit)) == limits


def test_demo_cases_cover_the_states_with_real_timelines(app, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        cases = demo_cases()
        offices = {o.code: o.id for o in db.session.scalars(select(Office))}
        users = {u.username: u.id for u in db.session.scalars(select(User))}
        statuses = {c.status for c in cases.values()}
        assert {
            CaseStatus.OPEN,
            CaseStatus.IN_PROGRESS,
            CaseStatus.PAUSED,
            CaseStatus.WITH_LEADER,
            CaseStatus.RESOLVED,
            CaseStatus.CLOSED,
        } <= statuses
        # Exactly one overdue and one near its limit; every other open case within time.
        colours = [c.colour() for c in cases.values() if c.is_active]
        assert colours.count("red") == 1 and colours.count("yellow") == 1
        assert cases["gtj-05"].colour() == "red" and cases["gtj-06"].colour() == "yellow"
        # Both service halls of the source document and the township's channels.
        assert {c.office_id for c in cases.values()} >= {
            offices["GTJ-DT"],
            offices["SFZ-ZF"],
            offices["SFZ-DQC"],
        }
        assert {c.channel.value for c in cases.values()} >= {
            "window",
            "hotline_12345",
            "mayor_mailbox",
            "phone",
            "visit",
        }
        assert any("商品房转移登记" in c.subject for c in cases.values())
        assert any("土地抵押登记" in c.subject for c in cases.values())
        assert any("低保" in c.subject for c in cases.values())
        # Transferred twice over: the first responder stays the village secretary.
        low_income = cases["zf-01"]
        assert low_income.office_id == offices["SFZ-ZF"]
        assert low_income.first_office_id == offices["SFZ-DQC"]
        assert low_income.first_responder_id == users["village"]
        assert [e.kind for e in low_income.events] == ["opened", "note", "transferred", "accepted"]
        assert cases["zf-05"].status == CaseStatus.OPEN and cases["zf-05"].step_kind == "sign_for"
        # Paused for material, with the pause recorded; the land bureau's own limit applies.
        assert cases["gtj-03"].status == CaseStatus.PAUSED
        assert (
            db.session.scalar(select(Pause.reason).where(Pause.case_id == cases["gtj-03"].id)).value
            == "material"
        )
        assert (cases["gtj-08"].limit_amount, cases["gtj-08"].limit_unit) == (10, "calendar_days")
        # Resolved and rated; a poor rating opened a rectification for the office head.
        assert cases["gtj-01"].rating.grade.value == "very_satisfied"
        rectification = db.session.scalar(
            select(Rectification).where(Rectification.case_id == cases["zf-07"].id)
        )
        assert rectification.assignee_id == users["officeadmin"]
        # What waits for the leader: one extension, one agency sign-off.
        assert (
            db.session.scalar(
                select(func.count()).select_from(Extension).where(Extension.status == "requested")
            )
            == 1
        )
        assert cases["zf-03"].extra_amount == 7
        unsigned = db.session.scalars(
            select(AgencyRecord).where(AgencyRecord.signed_off_at.is_(None))
        ).all()
        assert [a.case_id for a in unsigned] == [cases["zf-08"].id]
        # Every resolved demo case was resolved within its time.
        for case in cases.values():
            if case.closed_at is not None:
                assert case.closed_at <= case.due_at, case.source_id
        assert db.session.scalar(select(func.count()).select_from(Rating)) >= 8


def test_demo_applicants_are_obviously_made_up(app, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        for case in demo_cases().values():
            assert re.fullmatch(r"1380000\d{4}", case.applicant_phone), case.applicant_phone
            if case.applicant_id_number:
                assert case.applicant_id_number.startswith("000000")


def test_demo_dashboards_show_the_demo_cases(app, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    leader = app.test_client()
    login(leader, "leader", DEMO_PASSWORD)
    page = text_of(leader.get("/admin/"))
    assert "待我审批" in page and "延期申请 1 · 代办签字 1" in page
    land = app.test_client()
    login(land, "land", DEMO_PASSWORD)
    page = land.get("/admin/").get_data(as_text=True)
    assert re.search(r'超期案件</div>\s*<div class="h3 mb-0"><a href="[^"]+">1</a>', page)
    assert re.search(r'临期案件</div>\s*<div class="h3 mb-0"><a href="[^"]+">1</a>', page)


def test_home_page_offers_the_receipt_lookup(client, offices):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/cases/"' in page and "办件查询" in page and "查询办件进度" in page
    assert client.get("/cases/").status_code == 200


def test_office_page_links_its_published_limits(client, offices):
    page = client.get("/o/A/").get_data(as_text=True)
    assert 'href="/o/A/limits"' in page and "办事时限公示" in page
    assert 'href="/cases/"' in page
    limits = client.get("/o/A/limits")
    assert limits.status_code == 200 and "办理时限公示" in text_of(limits)


def test_demo_land_bureau_publishes_its_own_limits(app, runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert 'href="/o/GTJ-DT/limits"' in client.get("/o/GTJ-DT/").get_data(as_text=True)
    page = text_of(client.get("/o/GTJ-DT/limits"))
    assert "国土资源咨询热线" in page and "10 日" in page


def test_residents_links_in_english(client, offices):
    client.get("/lang/en")
    home = text_of(client.get("/"))
    assert "Check progress" in home and "查询办件进度" not in home
    office = text_of(client.get("/o/A/"))
    assert "Published time limits" in office and "办事时限公示" not in office
