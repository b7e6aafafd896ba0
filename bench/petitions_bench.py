"""Benchmark: repeat detection at registration against 100,000 earlier petitions.

    ./dev bench petitions_bench [--petitions 100000] [--queries 200] [--database-url URL]

Builds a throwaway database (SQLite in a temporary folder, or a fresh PostgreSQL database on
the server of ``--database-url``), fills one office with synthetic petitions — village names ×
matters × wordings, so every matter recurs in many wordings the way a real register does —
indexes them the way registration does, then times, for new petitions worded differently:

- ``find_repeats``: the candidate search on ``petition_gram`` plus Dice scoring and the
  same-person lookup (what the registration screen runs before saving);
- a full registration (``register_petition``: the core case, the stage, the index rows), with
  the repeat check before it, committed.

Prints median and p95 in milliseconds; the target is under 200 ms per registration.
"""

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VILLAGE_HEADS = (
    "王家",
    "李家",
    "张家",
    "赵家",
    "刘家",
    "陈家",
    "杨家",
    "黄家",
    "周家",
    "吴家",
    "前进",
    "红星",
    "东风",
    "新华",
    "永安",
    "太平",
    "长胜",
    "团结",
    "和平",
    "幸福",
    "东桥",
    "西河",
    "南沟",
    "北山",
    "高台",
    "柳树",
    "榆林",
    "沙河",
    "马场",
    "石门",
)
VILLAGE_TAILS = ("村", "嘎查")
MATTERS = (
    "修建村道占用承包地未给补偿",
    "低保评定不公平",
    "宅基地界址纠纷",
    "征地补偿款分配不公",
    "自来水管网老化经常停水",
    "拖欠农民工工资",
    "养殖场污染环境臭味扰民",
    "小学校舍漏雨存在安全隐患",
    "村务财务不公开",
    "危房改造补助未发放",
    "草场承包合同纠纷",
    "林地被他人强占",
    "道路硬化工程质量差",
    "医疗保险报销困难",
    "砂石厂噪声扰民",
    "冬季供暖温度不达标",
    "退耕还林补贴未兑现",
    "村干部优亲厚友",
    "集体土地被违法出租",
    "耕地地力补贴少发",
    "移民搬迁安置房漏水",
    "电网改造线路过低",
    "灌溉水渠堵塞",
    "生态护林员选聘不公",
    "残疾人补贴被冒领",
    "养老保险待遇未到账",
    "农村厕所改造质量差",
    "垃圾清运不及时",
    "独生子女奖励费未发",
    "牧区禁牧补助标准过低",
)
PREFIXES = ("", "", "反映", "关于", "要求解决", "请求处理", "投诉")
SUFFIXES = ("", "", "的问题", "问题", "，请求解决", "一事", "，要求尽快处理")
REWORDINGS = {  # how the same matter is said again, differently
    "修建村道占用承包地未给补偿": ("修路占了承包地没有补偿", "村道拓宽占用耕地补偿款一直没给"),
    "低保评定不公平": ("低保名额评定有失公平", "评低保不公正"),
    "拖欠农民工工资": ("施工队欠农民工工钱", "拖欠务工人员劳务费"),
    "冬季供暖温度不达标": ("暖气不热", "供热温度太低"),
}


def subject(rng: random.Random) -> tuple[str, str, str]:
    """(village, matter, subject) of one synthetic petition."""
    village = rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_TAILS)
    matter = rng.choice(MATTERS)
    said = rng.choice((matter, *REWORDINGS.get(matter, ())))
    return village, matter, rng.choice(PREFIXES) + village + said + rng.choice(SUFFIXES)


def build(app, count: int, rng: random.Random):
    """The office, the module and ``count`` indexed petitions with one petitioner each."""
    from sqlalchemy import insert

    from core.audit.context import capture_suspended_for_benchmark
    from core.extensions import db
    from core.models import Office, OfficeKind
    from core.modules import set_module
    from plugins.petitions.models import Petition, Petitioner, PetitionGram, PetitionGramStat
    from plugins.petitions.repeats import person_hash
    from plugins.petitions.similarity import grams

    office = Office(code="BENCH", name="基准测试镇信访办", kind=OfficeKind.GOVERNMENT)
    db.session.add(office)
    db.session.flush()
    set_module("petitions", office, True)
    db.session.commit()
    now = datetime.now(UTC)
    batch = 5000
    counts: Counter = Counter()
    started = time.perf_counter()
    with capture_suspended_for_benchmark():
        connection = db.session.connection()
        for first in range(1, count + 1, batch):
            ids = range(first, min(first + batch, count + 1))
            petitions, people, index = [], [], []
            for pid in ids:
                _village, _matter, text = subject(rng)
                received = now - timedelta(days=rng.randint(1, 3000))
                petitions.append(
                    {
                        "id": pid,
                        "office_id": office.id,
                        "channel": "visit",
                        "received_at": received,
                        "subject": text,
                        "demands": "要求处理",
                        "content": "",
                        "people_count": 1,
                        "collective": False,
                        "level_brought_to": "township",
                        "proper_level": "township",
                        "skip_level": False,
                        "hidden_risk": "none",
                        "stage": "closed",
                        "version": 1,
                        "created_at": received,
                        "updated_at": received,
                        "receipt_no": f"B{pid:09d}",
                    }
                )
                phone = f"13{rng.randint(100000000, 999999999)}"
                people.append(
                    {
                        "id": pid,
                        "office_id": office.id,
                        "petition_id": pid,
                        "name": "群众",
                        "phone": phone,
                        "is_representative": False,
                        "phone_hash": person_hash("phone", phone),
                    }
                )
                subject_grams = grams(text)
                counts.update(subject_grams)
                index.extend(
                    {"gram": g, "office_id": office.id, "petition_id": pid} for g in subject_grams
                )
            connection.execute(insert(Petition.__table__), petitions)
            connection.execute(insert(Petitioner.__table__), people)
            connection.execute(insert(PetitionGram.__table__), index)
        connection.execute(
            insert(PetitionGramStat.__table__),
            [{"gram": g, "petitions": n} for g, n in counts.items()],
        )
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import text as sql

        with db.engine.begin() as conn:
            conn.execute(sql("SELECT setval('petition_id_seq', (SELECT max(id) FROM petition))"))
            conn.execute(
                sql(
                    "SELECT setval('petition_petitioner_id_seq', "
                    "(SELECT max(id) FROM petition_petitioner))"
                )
            )
        # What autovacuum does to a table of this size in production: statistics, and the
        # visibility map that lets the gram search be an index-only scan.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sql("VACUUM ANALYZE petition_gram"))
            conn.execute(sql("VACUUM ANALYZE petition"))
            conn.execute(sql("VACUUM ANALYZE petition_petitioner"))
            conn.execute(sql("VACUUM ANALYZE petition_gram_stat"))
    else:
        with db.engine.begin() as conn:
            from sqlalchemy import text as sql

            conn.execute(sql("ANALYZE"))
    grams_total = db.session.scalar(db.select(db.func.count()).select_from(PetitionGram))
    print(
        f"built {count} petitions, {grams_total} index rows in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return office.id


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the sorted values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run(database_url: str | None, count: int, queries: int) -> dict:
    """Build the data, time the searches and registrations; returns the figures."""
    from core.app import create_app
    from core.extensions import db
    from plugins.petitions import services
    from plugins.petitions.repeats import find_repeats

    tmp = Path(tempfile.mkdtemp(prefix="petitions-bench-"))
    config = {
        "TESTING": True,
        "SECRET_KEY": "bench",
        "REDIS_URL": None,
        "TOWNSHIP_PLUGINS": "petitions",
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
    }
    app = create_app(config)
    rng = random.Random(20260301)
    with app.app_context():
        db.create_all()
        office_id = build(app, count, rng)
        search_ms, register_ms, found = [], [], 0
        for i in range(queries):
            village, matter, _text = subject(rng)
            wording = rng.choice(REWORDINGS.get(matter, (matter,)))
            new_subject = (
                f"{rng.choice(('反映', '关于', ''))}{village}{wording}{rng.choice(SUFFIXES)}"
            )
            phone = f"15{rng.randint(100000000, 999999999)}"
            started = time.perf_counter()
            matches = find_repeats(subject=new_subject, phones=[phone], office_ids={office_id})
            search_ms.append((time.perf_counter() - started) * 1000)
            found += bool(matches) and village in matches[0].petition.subject
            if i % 4 == 0:  # a full registration for every fourth query
                started = time.perf_counter()
                find_repeats(subject=new_subject, phones=[phone], office_ids={office_id})
                services.register_petition(
                    office_id=office_id,
                    channel="visit",
                    received_at=datetime.now(UTC),
                    subject=new_subject,
                    demands="要求处理",
                    people_count=1,
                    petitioners=[{"name": "基准", "phone": phone}],
                    actor_id=None,
                )
                db.session.commit()
                register_ms.append((time.perf_counter() - started) * 1000)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return {
        "search_median": statistics.median(search_ms),
        "search_p95": percentile(search_ms, 0.95),
        "register_median": statistics.median(register_ms),
        "register_p95": percentile(register_ms, 0.95),
        "found_share": found / queries,
        "queries": queries,
        "registrations": len(register_ms),
    }


def _postgres(base: str):
    """A fresh database on the server of ``base``; returns (url, drop)."""
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql
    from sqlalchemy.engine import make_url

    if base.startswith("postgresql://"):
        base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"petitions_bench_{secrets.token_hex(3)}"
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sql(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


def main(argv=None) -> int:
    """Parse arguments, run, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--petitions", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server URL (a throwaway database is created on it)",
    )
    args = parser.parse_args(argv)
    drop = None
    url = None
    if args.database_url:
        url, drop = _postgres(args.database_url)
    try:
        figures = run(url, args.petitions, args.queries)
    finally:
        if drop:
            drop()
    backend = "postgresql" if args.database_url else "sqlite"
    print(
        f"[{backend}] {args.petitions} earlier petitions, {figures['queries']} checks, "
        f"{figures['registrations']} registrations"
    )
    print(
        f"repeat check (find_repeats): median {figures['search_median']:.1f} ms, "
        f"p95 {figures['search_p95']:.1f} ms; the best match was the same village's "
        f"petition for {figures['found_share']:.0%} of the new petitions"
    )
    print(
        f"registration with the check: median {figures['register_median']:.1f} ms, "
        f"p95 {figures['register_p95']:.1f} ms"
    )
    ok = figures["register_p95"] < 200 and figures["search_p95"] < 200
    print("target (< 200 ms per registration):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
