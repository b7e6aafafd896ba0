"""A storm through a real multi-process server (issue 15): gunicorn with 4 workers on the test
database, 200 residents registering for one hearing at once while the deadline sweep recomputes
a thousand deadlines in another process. Nobody gets a 500; the hall is never overbooked; every
answer of 201 is a stored registration. Bounded: 200 requests, 20 at a time, 4 minutes at most.
"""

import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.cli.demo import load_demo
from core.extensions import db
from core.models import Office

ROOT = Path(__file__).resolve().parent.parent
REGISTRATIONS, AT_ONCE, CASES = 200, 20, 1000
GIVEN = "春夏秋冬梅兰竹菊松柏山水明亮文武东西南北"  # names may not hold digits
CAPACITY, WAITLIST = 120, 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(app) -> int:
    """The demo township, a hearing with 150 places in all, and a thousand open cases whose
    deadlines the sweep must recompute (their year's holidays were entered meanwhile)."""
    from core.cases import open_case
    from core.cases.services import recompute_due
    from core.sla import official_years
    from core.sla.models import CalendarDay
    from plugins.hearings import lifecycle
    from plugins.hearings.models import Hearing

    with app.app_context():
        load_demo()
        office = db.session.scalar(select(Office).where(Office.code == "SFZ-ZF"))
        now = datetime.now(UTC)
        hearing = Hearing(office_id=office.id, title="自来水改造听证会", issue="改造方案与收费标准。",
                          decision_date=now.date() - timedelta(days=3), decision_ref="〔2026〕9号",
                          venue="镇政府三楼会议室", starts_at=now + timedelta(days=7),
                          ends_at=now + timedelta(days=7, hours=2), capacity=CAPACITY,
                          waitlist_size=WAITLIST)
        db.session.add(hearing)
        db.session.flush()
        lifecycle.announce(hearing)
        first_uncovered = max(official_years()) + 1
        days = (date(first_uncovered, 1, 20) - now.date()).days
        for i in range(CASES):
            case = open_case(office_id=office.id, category="consultation", channel="window",
                             subject=f"咨询{i}", actor_id=None)
            case.limit_amount = days
            recompute_due(case)
            if i % 200 == 199:
                db.session.commit()
        db.session.add(CalendarDay(day=date(first_uncovered, 1, 1), kind="holiday", name="元旦"))
        db.session.commit()
        return hearing.id


def _register(base: str, hearing_id: int, n: int) -> tuple[int, float]:
    """One resident: open the hearing page (session and CSRF token), then register."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    began = time.perf_counter()
    try:
        page = opener.open(f"{base}/o/SFZ-ZF/hearings/{hearing_id}", timeout=60).read().decode()
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        if found is None:  # hall and waiting list full: the page offers no form any more
            return (409 if "均已报满" in page else 599), time.perf_counter() - began
        token = found.group(1)
        body = urllib.parse.urlencode({
            "csrf_token": token, "name": "王" + GIVEN[n // 20] + GIVEN[n % 20],
            "phone": f"139{n:08d}",
            "category": "concerned", "village": "东桥村"}).encode()
        status = opener.open(f"{base}/o/SFZ-ZF/hearings/{hearing_id}/register", body,
                             timeout=60).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - began


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX")
def test_registrations_during_a_sweep_through_gunicorn(app):
    hearing_id = _seed(app)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="storm",
               UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"], PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "4", "-b",
                               f"127.0.0.1:{port}", "--timeout", "120", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    sweep = None
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        sweep = subprocess.Popen([sys.executable, "-c", (
            "from core.app import create_app\n"
            "from core.cases.sweep import run_sweep\n"
            "app = create_app()\n"
            "with app.app_context():\n"
            "    print(run_sweep()['recalculated'])\n")],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with ThreadPoolExecutor(AT_ONCE) as pool:
            answers = list(pool.map(lambda n: _register(base, hearing_id, n), range(REGISTRATIONS)))
        swept_out, swept_err = sweep.communicate(timeout=240)
    finally:
        if sweep is not None and sweep.poll() is None:
            sweep.kill()
        server.terminate()
        _out, server_log = server.communicate(timeout=30)
    statuses = [s for s, _t in answers]
    latencies = sorted(t for _s, t in answers)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    counts = {code: statuses.count(code) for code in sorted(set(statuses))}
    print(f"\nstorm ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}): {len(statuses)} "
          f"registrations, {AT_ONCE} at a time, during a sweep of {CASES} deadlines "
          f"(moved {swept_out.strip() or '?'}): answers {counts}, median "
          f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    assert sweep.returncode == 0, swept_err[-2000:]
    assert not [s for s in statuses if s >= 500 and s != 503], server_log[-3000:]
    from plugins.hearings.models import Attendee, AttendeeStatus

    with app.app_context():
        by_status = dict(db.session.execute(
            select(Attendee.status, func.count()).where(Attendee.hearing_id == hearing_id)
            .group_by(Attendee.status)).all())
    confirmed = by_status.get(AttendeeStatus.CONFIRMED, 0)
    assert confirmed <= CAPACITY
    assert sum(by_status.values()) == statuses.count(201)  # every 201 is a stored registration
    assert statuses.count(201) >= CAPACITY  # the hall filled up
