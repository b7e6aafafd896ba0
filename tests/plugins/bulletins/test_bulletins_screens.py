"""The dashboard tile and the supervision figures in the core's colours, a plan made on the
staff screen (monthly unless the office sets another cycle), and the demo data loading once."""

from datetime import timedelta

from bulletins_helpers import client_for, count, plan, product
from sqlalchemy import select
from support import post, text_of

from core.extensions import db
from core.time import local_today
from plugins.bulletins import services
from plugins.bulletins.models import (
    CollectedItem,
    Cycle,
    InfoProduct,
    Kind,
    PlanEntry,
    Release,
    ReleasePlan,
)


def _overdue(app, office_id):
    with app.app_context():
        today = local_today()
        row = plan(office_id, today.year)
        row.entries.append(
            PlanEntry(office_id=office_id, kind=Kind.POLICY, planned_on=today - timedelta(days=2))
        )
        db.session.commit()


def test_overdue_plan_dates_reach_the_dashboard_and_supervision(app, bulletins_on):
    if local_today().timetuple().tm_yday < 3:
        return  # the overdue date would fall in last year's plan
    _overdue(app, bulletins_on["A"])
    dashboard = text_of(client_for(app, "staff_a").get("/admin/"))
    late = (local_today() - timedelta(days=2)).strftime("%m-%d")
    assert "信息发布计划超期" in dashboard and f"超期：{late} 政策法规" in dashboard
    page = text_of(client_for(app, "admin").get("/admin/case_supervision/"))
    assert "信息发布计划执行" in page and "甲单位" in page


def test_a_plan_made_on_the_staff_screen_is_monthly_by_default(app, bulletins_on):
    staff = client_for(app, "staff_a")
    form = staff.get("/admin/bulletins_plans/new/").get_data(as_text=True)
    assert 'value="monthly" selected' in form or 'selected value="monthly"' in form
    data = {"office": str(bulletins_on["A"]), "year": "2026", "cycle": "monthly"}
    response = post(staff, "/admin/bulletins_plans/new/", {**data, "release_day": "10"})
    assert response.status_code == 302, text_of(response)[:600]
    refused = post(
        staff, "/admin/bulletins_plans/new/", {**data, "year": "2027", "release_day": "30"}
    )
    assert "1 至 28" in text_of(refused)
    with app.app_context():
        [row] = db.session.scalars(select(ReleasePlan)).all()
        assert (row.year, row.cycle, row.release_day) == (2026, Cycle.MONTHLY, 10)


def test_staff_of_another_office_cannot_use_a_plan_or_product(app, bulletins_on):
    with app.app_context():
        plan_id = plan(bulletins_on["A"], 2026).id
        product(bulletins_on["A"])
    other = client_for(app, "staff_b")
    post(other, "/admin/bulletins-desk/generate", {"plan_id": str(plan_id), "kind": "market"})
    with app.app_context():
        assert count(PlanEntry) == 0


def test_demo_data_loads_once(app):
    from core.cli.demo import load_demo

    with app.app_context():
        load_demo()
        db.session.commit()
        before = (count(ReleasePlan), count(InfoProduct), count(CollectedItem), count(Release))
        load_demo()
        db.session.commit()
        after = (count(ReleasePlan), count(InfoProduct), count(CollectedItem), count(Release))
        assert before == after and before[0] == 1 and before[1] == 4 and before[2] == 5
        offices = {p.office_id for p in db.session.scalars(select(InfoProduct))}
        assert len(services.current_products(offices)) == 4
