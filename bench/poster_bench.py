"""Benchmark of the notice-board posters (公开栏海报): this month's board for every village in one batch.

Run: ``.venv/bin/python bench/poster_bench.py [--villages 30] [--items 4] [--runs 5]
[--dump DIR]`` (or ``./dev bench poster_bench``).

On a fresh SQLite database (a temporary file): ``--villages`` villages with the disclosure
board on, each with ``--items`` items published this month (about 400 characters of text
each, one naming a resident the records know and a phone, which the posters mask). Times ``--runs``
batches through the core's person-started job (in-process, as without Redis), A4, for

- one combined PDF of every village,
- one PDF per village, zipped,

and prints median and p95 of each (wall time of the whole batch, pages and file size).
``--dump DIR`` also writes an A4 and an A3 poster of the first village's first item
(``poster-A4.pdf``, ``poster-A3.pdf``) for looking at with ``pdftoppm``.
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
from core.models import Office, OfficeKind, Role, User  # noqa: E402
from core.modules import set_module  # noqa: E402

BODY = (
    "根据《村民委员会组织法》和本村村务公开制度，现将本月村级事务公开如下：一、村集体经济收入"
    "12.6万元，主要来自土地流转和光伏发电收益；二、支出8.3万元，用于道路养护、路灯维修和"
    "环境整治；三、低保、五保和临时救助名单已经村民代表会议评议，报镇政府审核；四、高标准农田"
    "建设项目本月开工，施工单位已进场，请沿线群众注意安全。对公开内容有异议的，可在公开之日起"
    "七日内向村务监督委员会反映，也可扫码在网上查看全文并提出意见。"
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def describe(seconds: list[float]) -> str:
    return (
        f"median {statistics.median(seconds):6.2f} s  p95 {percentile(seconds, 0.95):6.2f} s"
        f"  (n={len(seconds)})"
    )


def build(app, villages: int, per_village: int) -> list[int]:
    """The township and ``villages`` villages with published items; returns the villages'
    ids."""
    from plugins.disclosure import services
    from plugins.disclosure.models import ItemCategory

    with app.app_context():
        root = Office(code="T", name="石坂镇", kind=OfficeKind.TOWNSHIP)
        gov = Office(code="ZF", name="石坂镇人民政府", kind=OfficeKind.GOVERNMENT, parent=root)
        db.session.add_all([root, gov])
        rows = [
            Office(code=f"V{n:02d}", name=f"第{n}村村委会", kind=OfficeKind.VILLAGE, parent=root)
            for n in range(1, villages + 1)
        ]
        db.session.add_all(rows)
        db.session.add(
            User(
                username="admin",
                display_name="管理员",
                role=Role.TOWNSHIP_ADMIN,
                office=root,
                password_hash="!",
            )
        )
        db.session.flush()
        for office in rows:
            set_module("disclosure", office, True)
        db.session.commit()
        services.request_topic(
            rows[0], topic="低保名单", details="想了解条件。", name="王秀英", phone="13904715566"
        )
        for office in rows:
            for n in range(per_village):
                extra = "王秀英户纳入低保，咨询电话 139-1234-5678。" if n == 0 else ""
                item = services.create_item(
                    office.id,
                    category=ItemCategory.FINANCE if n % 2 else ItemCategory.RESULTS,
                    title=f"{office.name}{n + 1}月村务公开（第{n + 1}号）",
                    body=BODY + extra,
                    actor_id=None,
                )
                db.session.flush()
                services.publish_item(item, actor_id=None)
        db.session.commit()
        return [o.id for o in rows]


def run_batches(app, admin_id, office_ids, combined: bool, runs: int) -> tuple[list, int, int]:
    from core.admin.posters_view import JOB
    from core.jobs.models import JobRecord
    from core.jobs.user_jobs import start_user_job
    from core.storage import get_storage
    from core.time import local_today

    month = f"{local_today():%Y-%m}"
    times, size, pages = [], 0, 0
    for _ in range(runs):
        with app.test_request_context():
            started = time.perf_counter()
            record = start_user_job(
                admin_id, "bench", JOB, office_ids, month, "A4", combined, "zh_CN"
            )
            times.append(time.perf_counter() - started)
            db.session.expire_all()
            record = db.session.get(JobRecord, record.id)
            assert record.status == "done", record.error
            size = len(get_storage().path(record.result_key).read_bytes())
            pages = record.total
    return times, pages, size


def dump(app, folder: Path, village_id: int) -> None:
    """A4 and A3 sample posters: a village's item naming a resident with a phone."""
    from core import posters
    from core.time import local_today

    folder.mkdir(parents=True, exist_ok=True)
    with app.test_request_context():
        items = posters.collect_items([village_id], local_today().replace(day=1))[:1]
        for size in posters.SIZES:
            (folder / f"poster-{size}.pdf").write_bytes(posters.posters_pdf(items, size))


def main() -> None:
    """Build the data, time the batches, print median and p95."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--villages", type=int, default=30)
    parser.add_argument("--items", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="poster-bench-"))
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
    with app.app_context():
        db.create_all()
    started = time.perf_counter()
    villages = build(app, args.villages, args.items)
    with app.app_context():
        admin_id = db.session.query(User.id).filter_by(username="admin").scalar()
    print(
        f"posters: {args.villages} villages × {args.items} items published this month, SQLite "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    if args.dump:
        dump(app, args.dump, villages[0])
    for combined, label in ((True, "one combined PDF   "), (False, "one PDF per village")):
        times, pages, size = run_batches(app, admin_id, villages, combined, args.runs)
        print(f"  {label} ({pages} pages, {size / 1024:.0f} KB)  ", describe(times))


if __name__ == "__main__":
    main()
