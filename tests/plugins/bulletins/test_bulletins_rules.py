"""The rules of information work: what an item, a product and a plan must hold (bad input
refused, nothing saved), the yearly plan's dates per product line on the cycle (monthly by
default, moved off rest days by the official calendar), planned releases turning yellow and
red in the core's colours, and each release recorded with its channels and filed in the
office's archive where the archive module is on."""

import threading
from datetime import date, time, timedelta

import pytest
from bulletins_helpers import count, item, plan, product, release
from sqlalchemy import select

from core.extensions import db
from core.models import Office
from core.modules import set_module
from core.sla import Colour, is_working_day
from core.time import local_datetime, local_today
from plugins.archives.models import ArchiveFile
from plugins.bulletins import services
from plugins.bulletins.errors import BulletinError
from plugins.bulletins.models import (
    CollectedItem,
    Cycle,
    InfoProduct,
    Kind,
    Medium,
    PlanEntry,
    Release,
    ReleasePlan,
)


def test_an_item_needs_a_title_and_a_validity_not_before_collection(app, bulletins_on):
    with app.app_context():
        today = local_today()
        row = CollectedItem(
            office_id=bulletins_on["A"],
            title="  ",
            kind=Kind.MARKET,
            medium=Medium.RADIO,
            collected_on=today,
            valid_until=today,
        )
        with pytest.raises(BulletinError, match="信息标题"):
            services.validate_item(row)
        row.title = "玉米收购价"
        row.valid_until = today - timedelta(days=1)
        with pytest.raises(BulletinError, match="有效期不能早于收集日期"):
            services.validate_item(row)
        row.valid_until = today + timedelta(days=3)
        row.product = product(bulletins_on["B"])
        with pytest.raises(BulletinError, match="本单位"):
            services.validate_item(row)
        db.session.rollback()
        assert count(CollectedItem) == 0


def test_a_plan_is_monthly_by_default_and_one_per_office_and_year(app, bulletins_on):
    with app.app_context():
        first = plan(bulletins_on["A"], 2026)
        assert first.cycle == Cycle.MONTHLY and first.release_day == 10
        with pytest.raises(BulletinError, match="已有 2026 年度"):
            plan(bulletins_on["A"], 2026)
        with pytest.raises(BulletinError, match="1 至 28"):
            plan(bulletins_on["A"], 2027, release_day=31)
        with pytest.raises(BulletinError, match="2000 至 2100"):
            plan(bulletins_on["A"], 1990)
        db.session.rollback()
        assert count(ReleasePlan) == 1


def test_monthly_dates_fall_on_working_days_of_each_month(app, bulletins_on):
    with app.app_context():
        row = plan(bulletins_on["A"], 2026)
        assert services.generate_entries(row, Kind.MARKET) == 12
        assert services.generate_entries(row, Kind.MARKET) == 0  # nothing twice
        assert services.generate_entries(row, Kind.TECHNIQUE) == 12
        db.session.commit()
        days = [e.planned_on for e in row.entries if e.kind == Kind.MARKET]
        assert [d.month for d in sorted(days)] == list(range(1, 13))
        assert all(d.day >= 10 and is_working_day(d)[0] for d in days)
        # 10 January 2026 is a Saturday: the release moves to Monday the 12th.
        assert date(2026, 1, 12) in days and date(2026, 1, 10) not in days


def test_the_cycle_is_a_setting(app, bulletins_on):
    with app.app_context():
        quarterly = plan(bulletins_on["A"], 2026, cycle=Cycle.QUARTERLY, release_day=5)
        weekly = plan(bulletins_on["B"], 2026, cycle=Cycle.WEEKLY)
        assert services.generate_entries(quarterly, Kind.POLICY) == 4
        assert [d.month for d in services.cycle_dates(quarterly)] == [1, 4, 7, 10]
        weeks = services.cycle_dates(weekly)
        assert 48 <= len(weeks) <= 53 and all(d.year == 2026 for d in weeks)
        assert all(is_working_day(d)[0] for d in weeks)


def _entry(office_id: int, day: date) -> PlanEntry:
    row = plan(office_id, day.year)
    entry = PlanEntry(office_id=office_id, kind=Kind.MARKET, planned_on=day)
    row.entries.append(entry)
    db.session.commit()
    return entry


def test_a_planned_release_turns_yellow_then_red_until_it_is_made(app, bulletins_on):
    with app.app_context():
        day = date(2026, 6, 10)  # a Wednesday
        entry = _entry(bulletins_on["A"], day)
        assert services.entry_colour(entry, local_datetime(date(2026, 5, 20), time(9))) == "green"
        assert services.entry_colour(entry, local_datetime(day, time(9))) == Colour.YELLOW
        late = local_datetime(day + timedelta(days=1), time(9))
        assert services.entry_colour(entry, late) == Colour.RED
        assert services.overdue_entries([bulletins_on["A"]], day + timedelta(days=1)) == [entry]
        made = product(bulletins_on["A"])
        services.record_release(made, released_on=local_today(), channels=["meeting"], entry=entry)
        db.session.commit()
        assert services.entry_colour(entry, late) == Colour.CLOSED
        assert services.overdue_entries([bulletins_on["A"]], day + timedelta(days=1)) == []


def test_a_release_needs_a_channel_a_past_day_and_a_matching_plan_date(app, bulletins_on):
    with app.app_context():
        made = product(bulletins_on["A"])
        entry = _entry(bulletins_on["A"], date(2026, 6, 10))
        other = product(bulletins_on["B"], kind=Kind.MARKET)
        jobs = product(bulletins_on["A"], "招聘信息", kind=Kind.JOBS)
        today = local_today()
        cases = [
            (made, {"released_on": today, "channels": []}, "至少选择一种发布渠道"),
            (made, {"released_on": today, "channels": ["fax"]}, "至少选择一种发布渠道"),
            (made, {"released_on": today + timedelta(days=1), "channels": ["web"]}, "晚于今天"),
            (made, {"released_on": None, "channels": ["web"]}, "发布日期"),
            (other, {"released_on": today, "channels": ["web"], "entry": entry}, "不属于"),
            (jobs, {"released_on": today, "channels": ["web"], "entry": entry}, "类别与产品不符"),
        ]
        for prod, kwargs, message in cases:
            with pytest.raises(BulletinError, match=message):
                services.record_release(prod, **kwargs)
            db.session.rollback()
        assert count(Release) == 0


def test_each_release_is_filed_in_the_archive_where_it_is_on(app, bulletins_on):
    with app.app_context():
        made = product(bulletins_on["A"], "冬季种养技术要点", kind=Kind.TECHNIQUE)
        without = release(made, channels=["leaflet"], audience="全镇种养殖户")
        assert without.archive_no is None and without.leaflet and not without.web
        set_module("archives", db.session.get(Office, bulletins_on["A"]), True)
        db.session.commit()
        filed = release(made, channels=["meeting", "web"], audience="全镇种养殖户")
        [file] = db.session.scalars(
            select(ArchiveFile).where(ArchiveFile.source_type == services.SOURCE_TYPE)
        ).all()
        assert filed.archive_no == file.catalogue_no
        assert file.source_id == str(filed.id) and file.office_id == bulletins_on["A"]
        assert file.title.startswith("冬季种养技术要点（信息发布 ")
        assert file.series.title == services.ACTIVITY
        assert file.source_url == f"/o/A/bulletins/p/{made.id}"
        assert services.file_release(filed) == file.catalogue_no  # the same number again


def test_only_released_and_valid_products_and_items_are_current(app, bulletins_on):
    with app.app_context():
        today = local_today()
        shown = product(bulletins_on["A"], "本月价格")
        fresh = item(shown, "今日玉米价", valid_days=5)
        item(shown, "上月猪价", valid_days=1)
        unreleased = product(bulletins_on["A"], "未发布")
        blackboard_only = product(bulletins_on["A"], "只上黑板报")
        release(shown)
        release(blackboard_only, channels=["blackboard"])
        assert services.current_products([bulletins_on["A"]]) == [shown]
        tomorrow = today + timedelta(days=2)
        assert [i.title for i in services.current_items(shown, tomorrow)] == [fresh.title]
        later = today + timedelta(days=21)  # past the product's validity: it leaves by itself
        assert services.current_products([bulletins_on["A"]], later) == []
        assert unreleased not in services.current_products([bulletins_on["A"]])
        assert db.session.get(InfoProduct, shown.id) is not None  # kept for the staff


def test_a_planned_date_is_released_once(app, bulletins_on):
    with app.app_context():
        entry = _entry(bulletins_on["A"], date(2026, 6, 10))
        made = product(bulletins_on["A"])
        release(made, channels=["web"], entry=entry)
        with pytest.raises(BulletinError, match="已登记过发布"):
            services.record_release(made, released_on=local_today(), channels=["web"], entry=entry)
        db.session.rollback()
        assert count(Release) == 1


def _race(app, product_id: int, entry_id: int, n: int) -> list[str]:
    outcomes: list[str] = []
    barrier = threading.Barrier(n)

    def one():
        with app.app_context():
            barrier.wait()
            try:
                services.record_release(
                    db.session.get(InfoProduct, product_id),
                    released_on=local_today(),
                    channels=["meeting"],
                    entry=db.session.get(PlanEntry, entry_id),
                )
                db.session.commit()
                outcomes.append("released")
            except BulletinError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_two_desks_releasing_one_planned_date_record_it_once(app, bulletins_on, postgres_only):
    with app.app_context():
        entry_id = _entry(bulletins_on["A"], date(2026, 6, 10)).id
        product_id = product(bulletins_on["A"]).id
    outcomes = _race(app, product_id, entry_id, 6)
    assert sorted(outcomes) == ["refused"] * 5 + ["released"]
    with app.app_context():
        assert count(Release) == 1
