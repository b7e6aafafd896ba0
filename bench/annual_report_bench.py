"""Benchmark of the annual open-government-information report for a township of 30 offices.

Run: ``.venv/bin/python bench/annual_report_bench.py [--offices 30] [--rounds 20]
[--postgres postgresql://postgres@127.0.0.1:5432/DB]``

On a fresh database (a temporary SQLite file, or the given PostgreSQL database, emptied
first): a township with ``--offices`` offices, each with a year of data spread over two years
— 120 board items, 40 residents' topics in every state, 40 information-product releases,
12 hearings with their minutes and 30 service matters. Then, ``--rounds`` times each:

1. the township's report generated (every module's counts for all offices, one transaction);
2. every office's report and the township's generated (31 reports);
3. the published report's PDF and residents' page through the test client.

Prints wall time median and p95 of each.
"""

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Office, OfficeKind  # noqa: E402
from core.modules import set_module  # noqa: E402

YEAR = 2025


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def describe(latencies: list[float]) -> str:
    return (
        f"median {statistics.median(latencies) * 1000:8.1f} ms  "
        f"p95 {percentile(latencies, 0.95) * 1000:8.1f} ms  (n={len(latencies)})"
    )


def _office_data(office_id: int, rng: random.Random) -> list:
    from plugins.bulletins.models import InfoProduct, Release
    from plugins.catalogue.models import ServiceMatter
    from plugins.disclosure.models import (
        DeclineGround,
        DisclosureItem,
        DisclosureTopic,
        ItemCategory,
        TopicStatus,
    )
    from plugins.hearings.models import Hearing, MinutesVersion

    start = datetime(YEAR - 1, 7, 1, tzinfo=UTC)

    def moment():
        return start + timedelta(hours=rng.randrange(0, 24 * 540))

    rows = [
        DisclosureItem(
            office_id=office_id,
            category=ItemCategory.POLICY,
            title="公开事项",
            body="正文",
            published_at=moment(),
        )
        for _ in range(120)
    ]
    for _ in range(40):
        status = rng.choice(list(TopicStatus))
        created = moment()
        rows.append(
            DisclosureTopic(
                office_id=office_id,
                topic="点题",
                status=status,
                created_at=created,
                decline_ground=rng.choice(list(DeclineGround))
                if status == TopicStatus.DECLINED
                else None,
                answered_at=None if status == TopicStatus.OPEN else created + timedelta(days=10),
            )
        )
    for n in range(40):
        product = InfoProduct(
            office_id=office_id, title=f"信息{n}", valid_until=date(YEAR + 2, 1, 1)
        )
        rows.append(product)
        rows.append(Release(office_id=office_id, product=product, released_on=moment().date()))
    for n in range(12):
        hearing = Hearing(office_id=office_id, title=f"听证{n}", announced_at=moment())
        rows += [
            hearing,
            MinutesVersion(
                hearing=hearing,
                office_id=office_id,
                number=1,
                body_md="纪要",
                body_html="<p>纪要</p>",
                published_at=moment(),
            ),
        ]
    rows += [
        ServiceMatter(
            office_id=office_id, name=f"事项{n}", category_code="service", created_at=moment()
        )
        for n in range(30)
    ]
    return rows


def build(app, offices: int) -> None:
    """The township, its offices with the module on, and a year of data for each."""
    rng = random.Random(21)
    with app.app_context():
        db.drop_all()
        db.create_all()
        root = Office(code="T", name="测试镇", kind=OfficeKind.TOWNSHIP)
        rows = [
            Office(
                code=f"O{i:02d}",
                name=f"第{i}单位",
                parent=root,
                kind=OfficeKind.GOVERNMENT if i % 2 else OfficeKind.VILLAGE,
            )
            for i in range(offices)
        ]
        db.session.add_all([root, *rows])
        db.session.flush()
        for office in [root, *rows]:
            set_module("annualreport", office, True)
            db.session.add_all(_office_data(office.id, rng))
        db.session.commit()


def _timed(func, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        func()
        times.append(time.perf_counter() - began)
    return times


def run(app, rounds: int) -> None:
    from plugins.annualreport import services

    with app.app_context():
        township = db.session.scalar(db.select(Office).where(Office.code == "T"))
        all_offices = db.session.scalars(db.select(Office)).all()

        def township_report():
            services.generate(township, YEAR)
            db.session.commit()

        def every_report():
            for office in all_offices:
                services.generate(office, YEAR)
            db.session.commit()

        township_report()
        figures = services.report_for(township.id, YEAR).figures
        print(
            f"township tables: {figures['published_total']} items published, "
            f"{figures['handled_total']} requests handled"
        )
        print("township report (all offices' counts):", describe(_timed(township_report, rounds)))
        print("31 reports (township + each office):  ", describe(_timed(every_report, rounds)))
        report = services.report_for(township.id, YEAR)
        services.save_draft(
            report,
            overview="总体情况。" * 100,
            problems="问题。" * 50,
            other_matters="",
            review_upheld=1,
        )
        services.publish_report(report, None)
        db.session.commit()
    client = app.test_client()
    for label, path in (
        ("PDF", f"/o/T/annualreport/{YEAR}.pdf"),
        ("page", f"/o/T/annualreport/{YEAR}"),
    ):
        began = time.perf_counter()
        assert client.get(path).status_code == 200
        print(
            f"first {label} (cold: font, templates): {(time.perf_counter() - began) * 1000:.0f} ms"
        )
    print(
        "published PDF:                        ",
        describe(_timed(lambda: client.get(f"/o/T/annualreport/{YEAR}.pdf"), rounds)),
    )
    print(
        "residents' page:                      ",
        describe(_timed(lambda: client.get(f"/o/T/annualreport/{YEAR}"), rounds)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="annual-bench-"))
    url = args.postgres or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": str(folder),
            "REDIS_URL": None,
            "SERVER_NAME": None,
            "RATELIMIT_ENABLED": False,
        }
    )
    began = time.perf_counter()
    build(app, args.offices)
    print(
        f"{url.split(':')[0]}: {args.offices} offices + township, data built in "
        f"{time.perf_counter() - began:.1f} s"
    )
    run(app, args.rounds)


if __name__ == "__main__":
    main()
