"""Draft → report to the township → publish through the desk; the residents' page and PDF
show the published report only, masked (no planted phone, ID number or private name); bad
input changes nothing and never answers 500; staff and auditors may not publish."""

import subprocess

from annual_helpers import YEAR, client_for, seed
from sqlalchemy import select
from support import csrf_token, text_of

from core.cases import open_case
from core.extensions import db
from plugins.annualreport.models import AnnualReport

MOBILE = "13912345678"
ID_NUMBER = "110101199003071234"
PRIVATE = "柳青禾"
CATEGORY = "service"


def _generate(client, office_id):
    response = client.post(
        "/admin/annualreport/generate",
        data={"csrf_token": csrf_token(client), "office_id": office_id, "year": YEAR},
    )
    assert response.status_code == 302
    return db.session.scalar(select(AnnualReport).where(AnnualReport.office_id == office_id))


def _publish(client, report, choice="mask", **extra):
    """Post the publish form with ``choice`` for every suspected name of the text."""
    from plugins.annualreport.admin import review_of

    data = {"csrf_token": csrf_token(client), "version": report.version}
    for i, name in enumerate(review_of(report)["suspects"]):
        data[f"review_{i}"], data[f"review_name_{i}"] = choice, name
    data.update(extra)
    return client.post(f"/admin/annualreport/{report.id}/publish", data=data)


def _draft_data(client, report, **extra):
    data = {
        "csrf_token": csrf_token(client),
        "version": report.version,
        "overview": f"全年主动公开信息。联系人{PRIVATE}，电话{MOBILE}，身份证{ID_NUMBER}。",
        "problems": "公开栏更新不及时，已整改。",
        "other_matters": "",
        "review_upheld": "1",
        "suit_pending": "2",
    }
    data.update(extra)
    return data


def _name_known(app, office_id):
    """Register a case with the private name as its applicant, so the gate knows it as a
    private person's name and masks it in every published text."""
    open_case(
        office_id=office_id,
        category=CATEGORY,
        channel="window",
        subject="咨询",
        applicant_name=PRIVATE,
    )
    db.session.commit()


def test_draft_submit_publish_and_the_public_page(app, annual_on, users):
    with app.app_context():
        seed([annual_on["A"]])
        client = client_for(app, "officeadmin")
        report = _generate(client, annual_on["A"])
        assert report is not None and report.published_at is None
        public = app.test_client()
        assert public.get(f"/o/A/annualreport/{YEAR}").status_code == 404  # a draft
        response = client.post(f"/admin/annualreport/{report.id}", data=_draft_data(client, report))
        assert response.status_code == 302
        db.session.refresh(report)
        assert report.review_upheld == 1 and report.suit_pending == 2 and PRIVATE in report.overview
        page = text_of(client.get(f"/admin/annualreport/{report.id}"))
        assert "行政复议" in page and "草稿" in page
        response = client.post(
            f"/admin/annualreport/{report.id}/submit",
            data={"csrf_token": csrf_token(client), "version": report.version},
        )
        db.session.refresh(report)
        assert report.submitted_at is not None
        assert _publish(client, report).status_code == 302
        db.session.refresh(report)
        assert report.submitted_at is not None and report.published_at is not None
        body = text_of(public.get(f"/o/A/annualreport/{YEAR}"))
        assert "政府信息公开工作年度报告" in body and "公开栏公开事项" in body
        assert MOBILE not in body and ID_NUMBER not in body
        assert str(report.figures["published_total"]) in body
        assert f"/o/A/annualreport/{YEAR}" in public.get("/o/A/annualreport/").get_data(
            as_text=True
        )


def test_the_pdf_has_the_tables_and_nothing_private(app, annual_on, users, tmp_path):
    with app.app_context():
        _name_known(app, annual_on["A"])
        client = client_for(app, "officeadmin")
        report = _generate(client, annual_on["A"])
        client.post(f"/admin/annualreport/{report.id}", data=_draft_data(client, report))
        db.session.refresh(report)
        _publish(client, report)
        response = app.test_client().get(f"/o/A/annualreport/{YEAR}.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        path = tmp_path / "r.pdf"
        path.write_bytes(response.data)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        assert "主动公开政府信息情况" in text and "行政复议" in text
        assert MOBILE not in text and ID_NUMBER not in text and PRIVATE not in text
        page = text_of(app.test_client().get(f"/o/A/annualreport/{YEAR}"))
        assert PRIVATE not in page
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        assert "yes" in fonts  # embedded


def test_publishing_needs_the_text_and_a_published_report_is_frozen(app, annual_on, users):
    with app.app_context():
        client = client_for(app, "officeadmin")
        report = _generate(client, annual_on["A"])
        response = client.post(
            f"/admin/annualreport/{report.id}/publish",
            data={"csrf_token": csrf_token(client), "version": report.version},
            follow_redirects=True,
        )
        assert "请先填写“总体情况”" in text_of(response)
        db.session.refresh(report)
        assert report.published_at is None
        client.post(f"/admin/annualreport/{report.id}", data=_draft_data(client, report))
        db.session.refresh(report)
        _publish(client, report)
        db.session.refresh(report)
        assert report.published_at is not None
        response = client.post(
            f"/admin/annualreport/{report.id}",
            data=_draft_data(client, report, overview="改写"),
            follow_redirects=True,
        )
        assert "报告已发布，不能再修改" in text_of(response)
        db.session.refresh(report)
        assert report.overview != "改写"


def test_bad_input_changes_nothing(app, annual_on, users):
    with app.app_context():
        client = client_for(app, "officeadmin")
        report = _generate(client, annual_on["A"])
        version = report.version
        for bad in ({"review_upheld": "-3"}, {"suit_other": "abc"}, {"review_other": "9999999"}):
            response = client.post(
                f"/admin/annualreport/{report.id}",
                data=_draft_data(client, report, **bad),
                follow_redirects=True,
            )
            assert response.status_code == 200
            db.session.refresh(report)
            assert report.version == version and report.overview == ""
        stale = client.post(
            f"/admin/annualreport/{report.id}",
            data=_draft_data(client, report, version=str(version - 1)),
            follow_redirects=True,
        )
        assert stale.status_code == 200
        db.session.refresh(report)
        assert report.overview == ""
        future = client.post(
            "/admin/annualreport/generate",
            data={"csrf_token": csrf_token(client), "office_id": annual_on["A"], "year": 2099},
            follow_redirects=True,
        )
        assert "年度不正确" in text_of(future)


def test_scope_and_roles(app, annual_on, users):
    """Requests run outside an app context here, so each client is its own signed-in user."""
    admin = client_for(app, "admin")
    admin.post(
        "/admin/annualreport/generate",
        data={"csrf_token": csrf_token(admin), "office_id": annual_on["B"], "year": YEAR},
    )
    with app.app_context():
        report = db.session.scalar(select(AnnualReport))
        report_id, version = report.id, report.version
    assert report.office_id == annual_on["B"]
    assert client_for(app, "officeadmin").get(f"/admin/annualreport/{report_id}").status_code == 404
    staff = client_for(app, "staff_b")
    assert staff.get(f"/admin/annualreport/{report_id}").status_code == 200
    response = staff.post(
        f"/admin/annualreport/{report_id}/publish",
        data={"csrf_token": csrf_token(staff), "version": version},
    )
    assert response.status_code == 403
    auditor = client_for(app, "auditor")
    data = {"csrf_token": csrf_token(auditor), "version": version, "overview": "改写"}
    assert auditor.post(f"/admin/annualreport/{report_id}", data=data).status_code == 403
    with app.app_context():
        report = db.session.get(AnnualReport, report_id)
        assert report.published_at is None and report.overview == ""


def test_every_suspected_name_is_decided_before_publication(app, annual_on, users):
    with app.app_context():
        client = client_for(app, "officeadmin")
        report = _generate(client, annual_on["A"])
        text = "本年度由办公室主任周建国牵头，居民吴秀兰参与评议。"
        client.post(
            f"/admin/annualreport/{report.id}",
            data=_draft_data(client, report, overview=text),
        )
        db.session.refresh(report)
        from plugins.annualreport.admin import review_of

        suspects = review_of(report)["suspects"]
        people = [n for n in ("周建国", "吴秀兰") if n in suspects]
        assert people, f"the recogniser found no name to decide: {suspects}"
        refused = client.post(
            f"/admin/annualreport/{report.id}/publish",
            data={"csrf_token": csrf_token(client), "version": report.version},
            follow_redirects=True,
        )
        assert "请逐一确认疑似人名" in text_of(refused)
        db.session.refresh(report)
        assert report.published_at is None
        assert _publish(client, report, choice="mask").status_code == 302
        body = text_of(app.test_client().get(f"/o/A/annualreport/{YEAR}"))
        for name in people:
            assert name not in body
