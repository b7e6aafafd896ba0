"""The tables' numbers equal counts computed here from seeded data: items published in the
year (Beijing calendar, edges included), requests received, carried over and by outcome as at
the year's end; the township's report adds up every office; fees are none."""

from annual_helpers import YEAR, seed

from core.extensions import db
from core.models import Office, OfficeKind
from core.openinfo import OUTCOMES
from plugins.annualreport import services
from plugins.annualreport.tables import report_tables

KINDS = (
    "bulletins_release",
    "catalogue_matter",
    "disclosure_item",
    "hearings_minutes",
    "hearings_notice",
)


def _check(figures, exp, ids):
    by_kind = {p["kind"]: p["count"] for p in figures["published"]}
    assert set(KINDS) <= set(by_kind)
    for kind in KINDS:
        assert by_kind[kind] == exp.kind(ids, kind), kind
    assert figures["published_total"] == exp.published_total(ids)
    assert figures["received"] == sum(exp.received[i] for i in ids)
    assert figures["carried_over"] == sum(exp.carried[i] for i in ids)
    for outcome in OUTCOMES:
        assert figures["outcomes"][outcome] == exp.outcome(ids, outcome), outcome
    assert figures["handled_total"] == sum(figures["outcomes"].values())
    assert figures["fees"] == 0


def test_office_tables_equal_independent_counts(app, annual_on):
    with app.app_context():
        exp = seed([annual_on["A"], annual_on["B"]])
        assert exp.published_total([annual_on["A"]]) > 0 and exp.carried[annual_on["A"]] > 0
        report = services.generate(db.session.get(Office, annual_on["A"]), YEAR)
        db.session.commit()
        _check(report.figures, exp, [annual_on["A"]])


def test_township_report_counts_every_office(app, annual_on):
    with app.app_context():
        exp = seed([annual_on["A"], annual_on["B"]], seed_value=7)
        report = services.generate(db.session.get(Office, annual_on["T"]), YEAR)
        _check(report.figures, exp, [annual_on["A"], annual_on["B"], annual_on["T"]])
        outside = Office(code="X", name="县局大厅", kind=OfficeKind.BUREAU)
        db.session.add(outside)
        db.session.flush()
        assert outside.id not in services.covered_office_ids(db.session.get(Office, annual_on["T"]))
        village = services.generate(db.session.get(Office, annual_on["B"]), YEAR)
        assert village.figures["published_total"] == exp.published_total([annual_on["B"]])


def test_tables_show_the_figures_and_staff_counts(app, annual_on):
    with app.app_context():
        exp = seed([annual_on["A"]], seed_value=3)
        report = services.generate(db.session.get(Office, annual_on["A"]), YEAR)
        services.save_draft(
            report,
            overview="总体",
            problems="问题",
            other_matters="",
            review_upheld=2,
            review_pending=1,
            suit_corrected=1,
        )
        published, requests, cases, fees = report_tables(report)
        assert published["rows"][-1] == ["合计", str(exp.published_total([annual_on["A"]]))]
        assert requests["rows"][0][1] == str(exp.received[annual_on["A"]])
        assert cases["rows"][0] == ["行政复议", "2", "0", "0", "1", "3"]
        assert cases["rows"][1][-1] == "1" and cases["rows"][2][-1] == "0"
        assert fees["rows"] == [["本年收取信息处理费", "0"]]


def test_refresh_recounts_a_draft_but_not_a_published_report(app, annual_on, users):
    with app.app_context():
        office = db.session.get(Office, annual_on["A"])
        report = services.generate(office, YEAR)
        assert report.figures["published_total"] == 0
        seed([annual_on["A"]], seed_value=5)
        report = services.generate(office, YEAR)
        assert report.figures["published_total"] > 0
        services.save_draft(report, overview="总体", problems="问题", other_matters="")
        services.publish_report(report, users["officeadmin"])
        db.session.commit()
        try:
            services.generate(office, YEAR)
        except services.AnnualReportError as exc:
            assert "已发布" in str(exc)
        else:
            raise AssertionError("a published report was recounted")


def test_hook_open_information_published(app, annual_on):
    """Every module answers with its items published in the year (Beijing), per office."""
    from core.openinfo import published_counts

    with app.app_context():
        ids = [annual_on["A"], annual_on["B"]]
        exp = seed(ids, seed_value=11)
        counts = {p.kind: p.counts for p in published_counts(YEAR, set(ids))}
        for kind in KINDS:
            for office_id in ids:
                assert counts[kind].get(office_id, 0) == exp.kind([office_id], kind), kind


def test_hook_open_information_requests(app, annual_on):
    """The disclosure module answers with residents' topics by outcome at the year's end, and
    those carried over from the year before."""
    from core.openinfo import request_counts

    with app.app_context():
        ids = [annual_on["A"], annual_on["B"]]
        exp = seed(ids, seed_value=13)
        answers = request_counts(YEAR, set(ids))
        for office_id in ids:
            mine = [r for r in answers if r.office_id == office_id]
            carried = sum(r.count for r in mine if r.carried_over)
            assert carried == exp.carried[office_id]
            for outcome in OUTCOMES:
                got = sum(r.count for r in mine if r.outcome == outcome)
                assert got == exp.outcome([office_id], outcome), outcome
