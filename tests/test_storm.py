"""A storm through a real multi-process server (issue 15): gunicorn with 4 workers on the test
database, 200 residents registering for one hearing at once while the deadline sweep recomputes
a thousand deadlines in another process. Nobody gets a 500; the hall is never overbooked; every
answer of 201 is a stored registration. Bounded: 200 requests, 20 at a time, 4 minutes at most.
"""

import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from live_server import ROOT, Browser, csrf_token_of, gunicorn, p95
from sqlalchemy import func, select

from core.cli.demo import load_demo
from core.extensions import db
from core.models import Office

REGISTRATIONS, AT_ONCE, CASES = 200, 20, 1000
GIVEN = "春夏秋冬梅兰竹菊松柏山水明亮文武东西南北"  # names may not hold digits
CAPACITY, WAITLIST = 120, 30


def _seed(app) -> int:
    """The demo township, a hearing with 150 places in all, and a thousand open cases whose
    deadlines the sweep must move (a holiday on their last day was entered meanwhile)."""
    from core.cases import open_case
    from core.cases.services import recompute_due
    from core.sla import as_local, official_years
    from core.sla.models import CalendarDay
    from core.time import LOCAL_ZONE as SHANGHAI
    from plugins.hearings import services as lifecycle
    from plugins.hearings.models import Hearing

    with app.app_context():
        load_demo()
        office = db.session.scalar(select(Office).where(Office.code == "SFZ-ZF"))
        now = datetime.now(UTC)
        hearing = Hearing(
            office_id=office.id,
            title="自来水改造听证会",
            issue="改造方案与收费标准。",
            decision_date=now.date() - timedelta(days=3),
            decision_ref="〔2026〕9号",
            venue="镇政府三楼会议室",
            starts_at=now + timedelta(days=7),
            ends_at=now + timedelta(days=7, hours=2),
            capacity=CAPACITY,
            waitlist_size=WAITLIST,
        )
        db.session.add(hearing)
        db.session.flush()
        lifecycle.announce(hearing)
        # Every deadline ends on a weekday of a year no calendar covers yet (weekends only,
        # flagged uncovered); the admin then enters that day as a holiday, so the sweep must
        # move each of them to the next working day.
        first_uncovered = max(max(official_years()) + 1, now.astimezone(SHANGHAI).year + 1)
        due_day = date(first_uncovered, 1, 20)
        while due_day.weekday() >= 5:
            due_day += timedelta(days=1)
        for i in range(CASES):
            case = open_case(
                office_id=office.id,
                category="consultation",
                channel="window",
                subject=f"咨询{i}",
                actor_id=None,
            )
            # Days count from the day of acceptance in Beijing, not the UTC date: between
            # 00:00 and 08:00 Beijing time they differ, and every deadline would land a day
            # after the holiday (and not move).
            case.limit_amount = (due_day - as_local(case.accepted_at).date()).days
            due = recompute_due(case)
            assert (due.last_day, case.due_uncovered) == (due_day, True)
            if i % 200 == 199:
                db.session.commit()
        db.session.add(CalendarDay(day=due_day, kind="holiday", name="调整休息日"))
        db.session.commit()
        return hearing.id


def _register(base: str, hearing_id: int, n: int) -> tuple[int, float]:
    """One resident: open the hearing page (session and CSRF token), then register."""
    browser = Browser(base)
    status, page, _url = browser.open(f"/o/SFZ-ZF/hearings/{hearing_id}")
    token = csrf_token_of(page) if status == 200 else None  # else the page itself failed
    if status == 200 and token is None:  # hall and waiting list full: no form any more
        status = 409 if "均已报满" in page else 599
    elif token is not None:
        status, _page, _url = browser.open(
            f"/o/SFZ-ZF/hearings/{hearing_id}/register",
            {
                "csrf_token": token,
                "name": "王" + GIVEN[n // 20] + GIVEN[n % 20],
                "phone": f"139{n:08d}",
                "category": "concerned",
                "village": "东桥村",
            },
        )
    return status, sum(seconds for _s, seconds in browser.timings)


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX")
def test_registrations_during_a_sweep_through_gunicorn(app):
    hearing_id = _seed(app)
    sweep = None
    with gunicorn(app) as server:
        try:
            sweep = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    (
                        "from core.app import create_app\n"
                        "from core.cases.sweep import run_sweep\n"
                        "app = create_app()\n"
                        "with app.app_context():\n"
                        "    print(run_sweep()['recalculated'])\n"
                    ),
                ],
                cwd=ROOT,
                env=server.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            with ThreadPoolExecutor(AT_ONCE) as pool:
                answers = list(
                    pool.map(lambda n: _register(server.base, hearing_id, n), range(REGISTRATIONS))
                )
            swept_out, swept_err = sweep.communicate(timeout=240)
        finally:
            if sweep is not None and sweep.poll() is None:
                sweep.kill()
        server_log = server.log()
    statuses = [s for s, _t in answers]
    latencies = [t for _s, t in answers]
    counts = {code: statuses.count(code) for code in sorted(set(statuses))}
    print(
        f"\nstorm ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}): {len(statuses)} "
        f"registrations, {AT_ONCE} at a time, during a sweep of {CASES} deadlines "
        f"(moved {swept_out.strip() or '?'}): answers {counts}, median "
        f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95(latencies) * 1000:.0f} ms"
    )
    assert sweep.returncode == 0, swept_err[-2000:]
    assert swept_out.strip() == str(CASES)
    assert not [s for s in statuses if s >= 500 and s != 503], server_log[-3000:]
    from plugins.hearings.models import Attendee, AttendeeStatus

    with app.app_context():
        by_status = dict(
            db.session.execute(
                select(Attendee.status, func.count())
                .where(Attendee.hearing_id == hearing_id)
                .group_by(Attendee.status)
            ).all()
        )
    confirmed = by_status.get(AttendeeStatus.CONFIRMED, 0)
    assert confirmed <= CAPACITY
    assert sum(by_status.values()) == statuses.count(201)  # every 201 is a stored registration
    assert statuses.count(201) >= CAPACITY  # the hall filled up
