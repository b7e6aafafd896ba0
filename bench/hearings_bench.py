"""Benchmark of the hearings module's residents' pages and its minutes PDF.

Run: ``.venv/bin/python bench/hearings_bench.py [--requests 300] [--extra 200]
[--threads 4] [--pdf-runs 5]``

On a fresh SQLite database (a temporary file) with the demo township plus ``--extra`` held
hearings (each with 30 attendees, 6 questions, published minutes of about 3,000 characters) and
20 upcoming ones, it times, with no cache of any kind:

1. the published minutes page of a hearing (``/o/<office>/hearings/<id>``) and the upcoming
   hearings list (``/o/<office>/hearings/``): ``--requests`` requests each through the test
   client after a warm-up, then the same through a real threaded HTTP server on 127.0.0.1
   with ``--threads`` concurrent clients (load); median and p95 per request;
2. rendering a 20-page minutes PDF (reportlab, CID font), median of ``--pdf-runs``.

The timed hearing's minutes are republished at ``--minutes-chars`` characters (20,000 by
default) so the publication gate's masker (numbers, known and suspected names) works on a long
text; the page is also timed "cold" — the masker's caches cleared before each request — which
is what the first reader in a process pays.
"""

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from core.app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Office  # noqa: E402

PARAGRAPH = (
    "村民代表就土地流转租金、合同期限、退出条款和机井维护提出意见，镇农业技术推广站、"
    "国土所和村委会逐条作了说明。会议认为方案总体可行，需补充退出条款并公示七天，"
    "对群众提出的其他问题，能当场答复的当场答复，不能当场答复的明确责任人和期限。"
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def describe(latencies: list[float]) -> str:
    return (
        f"median {statistics.median(latencies) * 1000:6.2f} ms  "
        f"p95 {percentile(latencies, 0.95) * 1000:6.2f} ms  (n={len(latencies)})"
    )


def minutes_text(sections: int) -> str:
    """Markdown minutes with ``sections`` numbered sections of prose, a list and a table."""
    parts = ["# 听证会会议纪要", ""]
    for i in range(1, sections + 1):
        parts += [
            f"## {i}. 第 {i} 项议题",
            "",
            PARAGRAPH * 2,
            "",
            f"- 发言人甲（电话 1380013{i % 10000:04d}）：{PARAGRAPH[:60]}",
            f"- 发言人乙：{PARAGRAPH[20:90]}",
            "",
            "| 事项 | 结论 |",
            "| --- | --- |",
            f"| 第 {i} 项 | 原则同意，会后公示 |",
            "",
        ]
    return "\n".join(parts)


def build(app, extra: int) -> tuple[str, int]:
    """Demo township plus ``extra`` held hearings; returns (office code, a hearing id)."""
    from core.cli.demo import load_demo
    from core.kit import utc_now
    from plugins.hearings import followups, registration
    from plugins.hearings import services as lifecycle
    from plugins.hearings.models import Hearing, HearingStatus
    from plugins.hearings.registration import Registration

    with app.app_context():
        db.create_all()
        load_demo()
        office = db.session.scalar(select(Office).where(Office.code == "SFZ-ZF"))
        now = utc_now()
        categories = ["concerned", "resident_rep", "retired_cadre", "npc_deputy", "cppcc_member"]
        for n in range(extra):
            start = now - timedelta(days=30 + n)
            hearing = Hearing(
                office_id=office.id,
                title=f"第{n + 1}号听证会：村级事务公开",
                issue=PARAGRAPH,
                decision_date=(start - timedelta(days=10)).date(),
                decision_ref=f"党委会〔2026〕{n}号",
                venue="镇政府三楼会议室",
                starts_at=now + timedelta(days=5),
                ends_at=now + timedelta(days=5, hours=2),
                capacity=40,
                waitlist_size=5,
            )
            db.session.add(hearing)
            db.session.flush()
            lifecycle.announce(hearing)
            for k in range(30):
                registration.register(
                    hearing.id,
                    Registration(
                        name=f"村民{chr(0x4E00 + k)}{chr(0x4E00 + n % 500)}",
                        phone=f"139{n:04d}{k:04d}",
                        category=categories[k % 5],
                        village=f"第{k % 6 + 1}村民小组",
                        consent_public_name=k % 3 == 0,
                    ),
                )
            hearing.starts_at, hearing.ends_at = start, start + timedelta(hours=2)
            hearing.status, hearing.held_at = HearingStatus.HELD, start + timedelta(hours=2)
            for q in range(6):
                question = followups.add_question(
                    hearing,
                    asker_name=f"村民{chr(0x4E00 + q)}",
                    asker_category="concerned",
                    text=PARAGRAPH[: 40 + q * 5],
                )
                followups.answer_on_the_spot(question, answer=PARAGRAPH[:80], answered_by="镇长")
            lifecycle.save_minutes_draft(hearing, minutes_text(4))
            lifecycle.publish_minutes(hearing, now=start + timedelta(days=1))
            if n % 50 == 49:
                db.session.commit()
        for n in range(20):
            upcoming = Hearing(
                office_id=office.id,
                title=f"近期听证会{n + 1}",
                issue=PARAGRAPH,
                decision_date=now.date(),
                decision_ref=f"党委会〔2026〕{100 + n}号",
                venue="村委会",
                starts_at=now + timedelta(days=3 + n),
                ends_at=now + timedelta(days=3 + n, hours=2),
                capacity=50,
            )
            db.session.add(upcoming)
            db.session.flush()
            lifecycle.announce(upcoming)
        db.session.commit()
        target = db.session.scalar(
            select(Hearing.id)
            .where(Hearing.status == HearingStatus.MINUTES_PUBLISHED)
            .order_by(Hearing.id)
        )
        return office.code, target


def long_minutes(app, hearing_id: int, chars: int) -> int:
    """Publish a correction of the hearing's minutes at about ``chars`` characters."""
    from plugins.hearings import services as lifecycle
    from plugins.hearings.models import Hearing

    sections = 1
    while len(minutes_text(sections)) < chars:
        sections += 1
    with app.app_context():
        hearing = db.session.get(Hearing, hearing_id)
        lifecycle.save_minutes_draft(hearing, minutes_text(sections))
        lifecycle.publish_minutes(hearing, correction_note="补充全文")
        db.session.commit()
    return len(minutes_text(sections))


def time_cold(app, url: str, runs: int) -> list[float]:
    """The page with the masker's caches emptied before each request."""
    from core.publication import masker, suspects

    client = app.test_client()
    client.get(url)  # the tagger's dictionary loads once per process, not per request
    latencies = []
    for _ in range(runs):
        masker._analyse.cache_clear()
        suspects.suspected_names.cache_clear()
        suspects._names_in_sentence.cache_clear()
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        latencies.append(time.perf_counter() - began)
    return latencies


def time_client(app, url: str, requests: int) -> list[float]:
    client = app.test_client()
    for _ in range(20):
        assert client.get(url).status_code == 200
    latencies = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(url)
        latencies.append(time.perf_counter() - began)
        assert response.status_code == 200
    return latencies


def time_http(base: str, urls: list[str], requests: int, threads: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {u: [] for u in urls}
    lock = threading.Lock()

    def worker(index: int):
        for i in range(requests // threads):
            url = urls[(i + index) % len(urls)]
            began = time.perf_counter()
            with urllib.request.urlopen(base + url) as response:
                response.read()
            elapsed = time.perf_counter() - began
            with lock:
                results[url].append(elapsed)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results


def bench_pdf(app, runs: int) -> None:
    from plugins.hearings.pdf import render_minutes_pdf

    with app.app_context():
        sections, pages = 10, 0
        while pages < 20:  # grow the text until it fills 20 pages
            sections += 4
            _data, pages = render_minutes_pdf(
                title="示范镇听证会会议纪要",
                meta_lines=["时间：2026年"],
                body_md=minutes_text(sections),
                version_note="",
                footer="示范镇人民政府",
            )
        timings = []
        for _ in range(runs):
            began = time.perf_counter()
            data, pages = render_minutes_pdf(
                title="示范镇听证会会议纪要",
                meta_lines=["时间：2026年"],
                body_md=minutes_text(sections),
                version_note="",
                footer="示范镇人民政府",
            )
            timings.append(time.perf_counter() - began)
        print(
            f"  PDF of {pages} pages ({len(minutes_text(sections))} characters, "
            f"{len(data) // 1024} KiB): median {statistics.median(timings) * 1000:.0f} ms, "
            f"max {max(timings) * 1000:.0f} ms over {runs} runs"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--extra", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pdf-runs", type=int, default=5)
    parser.add_argument("--minutes-chars", type=int, default=20_000)
    parser.add_argument("--cold-runs", type=int, default=20)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "SECRET_KEY": "bench",
                "REDIS_URL": None,
                "UPLOAD_FOLDER": f"{tmp}/up",
            }
        )
        began = time.perf_counter()
        code, hearing_id = build(app, args.extra)
        print(
            f"SQLite, demo township + {args.extra} held hearings with minutes + 20 upcoming "
            f"(built in {time.perf_counter() - began:.1f} s)"
        )
        minutes_url = f"/o/{code}/hearings/{hearing_id}"
        upcoming_url = f"/o/{code}/hearings/"
        chars = long_minutes(app, hearing_id, args.minutes_chars)
        print(
            f"Minutes page of a {chars:,}-character text, masker caches cleared before each "
            f"request (cold): {describe(time_cold(app, minutes_url, args.cold_runs))}"
        )
        print("Sequential, test client (no cache but the masker's per-text cache):")
        print(f"  minutes page   {describe(time_client(app, minutes_url, args.requests))}")
        print(f"  upcoming list  {describe(time_client(app, upcoming_url, args.requests))}")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        results = time_http(base, [minutes_url, upcoming_url], args.requests * 2, args.threads)
        server.shutdown()
        print(f"Under load, HTTP on 127.0.0.1, {args.threads} concurrent clients:")
        print(f"  minutes page   {describe(results[minutes_url])}")
        print(f"  upcoming list  {describe(results[upcoming_url])}")
        bench_pdf(app, args.pdf_runs)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
