"""Benchmark of the township-wide 办事指南 page (``/o/<office>/catalogue/township``).

Run: ``.venv/bin/python bench/catalogue_bench.py [--matters 500] [--offices 20]
[--requests 200]``

On a fresh SQLite database (a temporary file): a township with ``--offices`` offices with the
catalogue on and ``--matters`` listed matters spread over them (documents, steps, a fee on every
fifth), then ``--requests`` requests of the township page through the test client after a
warm-up, and the same with a search word; median and p95 per request. Target: p95 < 50 ms.
"""

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Office, OfficeKind  # noqa: E402
from core.modules import set_module  # noqa: E402

NAMES = [
    "农村最低生活保障申请",
    "城乡居民医疗保险参保登记",
    "残疾人证办理",
    "农村建房规划许可",
    "高龄补贴资格认证",
    "村级证明出具",
    "计划生育奖励扶助",
    "临时救助申请",
    "耕地地力保护补贴",
    "特困人员供养申请",
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def describe(latencies: list[float]) -> str:
    return (
        f"median {statistics.median(latencies) * 1000:6.2f} ms  "
        f"p95 {percentile(latencies, 0.95) * 1000:6.2f} ms  (n={len(latencies)})"
    )


def build(app, matters: int, offices: int) -> str:
    """The township, its offices with the module on and their matters; returns an office code."""
    from plugins.catalogue import services
    from plugins.catalogue.models import Place

    places = list(Place)
    with app.app_context():
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
        for office in rows:
            set_module("catalogue", office, True)
        for n in range(matters):
            office = rows[n % offices]
            paid = n % 5 == 0
            services.create_matter(
                office.id,
                name=f"{NAMES[n % len(NAMES)]}（{n}）",
                category_code="service",
                place=places[n % len(places)],
                handled_by="便民服务大厅综合窗口",
                legal_basis="《社会救助暂行办法》",
                documents="户口簿\n身份证\n申请书",
                fee="10" if paid else None,
                fee_basis="省物价局收费文件" if paid else "",
                steps="提出申请\n审核\n办结",
            )
        db.session.commit()
        return rows[0].code


def time_requests(client, url: str, count: int) -> list[float]:
    """``count`` timed GETs of ``url`` after three warm-up requests."""
    for _ in range(3):
        assert client.get(url).status_code == 200
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(url)
        latencies.append(time.perf_counter() - start)
        assert response.status_code == 200
    return latencies


def main() -> None:
    """Build the data, time the page, print median and p95."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--matters", type=int, default=500)
    parser.add_argument("--offices", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="catalogue-bench-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "UPLOAD_FOLDER": str(folder),
            "REDIS_URL": None,
            "SERVER_NAME": None,
            "RATELIMIT_ENABLED": False,
        }
    )
    code = build(app, args.matters, args.offices)
    client = app.test_client()
    page = client.get(f"/o/{code}/catalogue/township").get_data(as_text=True)
    shown = page.count('class="c-note"')
    print(
        f"township 办事指南: {args.matters} matters over {args.offices} offices "
        f"({shown} shown), SQLite"
    )
    print(
        "  whole list  ",
        describe(time_requests(client, f"/o/{code}/catalogue/township", args.requests)),
    )
    print(
        "  search 救助  ",
        describe(time_requests(client, f"/o/{code}/catalogue/township?q=救助", args.requests)),
    )


if __name__ == "__main__":
    main()
