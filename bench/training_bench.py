"""Benchmark: the training plugin's yearly compliance table for 2,000 people and 50,000 logs.

Seeds a fresh SQLite database in a temporary folder — a township with a government office,
4 stations and 40 villages; 200 township cadres, 160 village cadres, 1,640 rural Party
members; 2 township trainings a month and 2 village studies a month in each village, with
their rosters taken (about 46,000 attendance rows); 50,000 self-study entries; 12,000 notes;
2,200 techniques — then times, over several runs:

1. ``compute_compliance`` for the whole year and every office (the set-based aggregates plus
   judging every person-month), the target being under 1 s;
2. the compliance screen for the year (units table and the first page of people), over HTTP;
3. the CSV export of all 2,000 people for the year.

Run:  .venv/bin/python bench/training_bench.py [--runs 9]
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.app import create_app  # noqa: E402
from core.auth.passwords import hash_password  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Office, OfficeKind, OfficeModule, Role, User  # noqa: E402
from plugins.training.compliance import compute_compliance  # noqa: E402
from plugins.training.models import (  # noqa: E402
    Attendance,
    SelfStudyLog,
    StudyNote,
    Technique,
    TrainingPerson,
    TrainingSession,
)

YEAR = 2025
TODAY = date(2026, 1, 15)  # the whole of YEAR is over: every month is judged
PASSWORD = "bench-password-123"


def _insert(model, rows):
    if rows:
        db.session.connection().execute(model.__table__.insert(), rows)


def seed(rng: random.Random) -> dict:  # noqa: C901
    """Fill the empty database; return counts."""
    root = Office(code="T", name="基准镇", kind=OfficeKind.TOWNSHIP)
    gov = Office(code="GOV", name="镇政府", kind=OfficeKind.GOVERNMENT, parent=root)
    stations = [
        Office(code=f"ST{i}", name=f"站所{i}", kind=OfficeKind.STATION, parent=gov)
        for i in range(4)
    ]
    villages = [
        Office(
            code=f"V{i:02d}",
            name=f"第{i}村",
            kind=OfficeKind.VILLAGE,
            parent=root,
            sort_order=10 + i,
        )
        for i in range(40)
    ]
    db.session.add_all([root, gov, *stations, *villages])
    db.session.flush()
    offices = [root, gov, *stations, *villages]
    _insert(
        OfficeModule,
        [{"office_id": o.id, "plugin_name": "training", "enabled": True} for o in offices],
    )
    db.session.add(
        User(
            username="admin",
            display_name="管理员",
            role=Role.TOWNSHIP_ADMIN,
            office_id=root.id,
            password_hash=hash_password(PASSWORD),
        )
    )

    people = []  # (id, office_id, group)
    pid = 0

    def add_people(office, group, n):
        nonlocal pid
        rows = []
        for _ in range(n):
            pid += 1
            rows.append(
                {
                    "id": pid,
                    "office_id": office.id,
                    "name": f"人员{pid:04d}",
                    "group": group,
                    "junior_middle_school_or_above": pid % 2 == 0,
                    "active": True,
                }
            )
            people.append((pid, office.id, group))
        _insert(TrainingPerson, rows)

    for office in [gov, *stations]:
        add_people(office, "township_cadre", 40)
    for village in villages:
        add_people(village, "village_cadre", 4)
        add_people(village, "rural_party_member", 41)

    sessions, attendance = [], []
    sid = 0
    by_office: dict[int, list] = {}
    for p in people:
        by_office.setdefault(p[1], []).append(p)
    gov_subtree = [gov.id] + [s.id for s in stations]
    for month in range(1, 13):
        for day in (8, 22):
            sid += 1
            sessions.append(
                {
                    "id": sid,
                    "office_id": gov.id,
                    "kind": "township_training",
                    "topic": f"镇集中培训{month}-{day}",
                    "held_on": date(YEAR, month, day),
                    "length_value": 1.0,
                    "length_unit": "days",
                    "days": 1.0,
                    "organiser": "组织办",
                    "required_groups": "township_cadre",
                }
            )
            for office_id in gov_subtree:
                for person_id, _o, _g in by_office[office_id]:
                    attendance.append(_mark(rng, sid, person_id, office_id))
        for village in villages:
            for day, hours in ((10, None), (25, 4.0)):
                sid += 1
                sessions.append(
                    {
                        "id": sid,
                        "office_id": village.id,
                        "kind": "village_study",
                        "topic": f"村集中学习{month}-{day}",
                        "held_on": date(YEAR, month, day),
                        "length_value": hours or 1.0,
                        "length_unit": "hours" if hours else "days",
                        "days": (hours / 6) if hours else 1.0,
                        "organiser": "村党支部",
                        "required_groups": "village_cadre,rural_party_member",
                    }
                )
                for person_id, _o, _g in by_office[village.id]:
                    attendance.append(_mark(rng, sid, person_id, village.id))
    _insert(TrainingSession, sessions)
    _insert(Attendance, attendance)

    logs = []
    for n in range(50_000):
        person_id, office_id, _g = people[n % len(people)]
        logs.append(
            {
                "person_id": person_id,
                "office_id": office_id,
                "studied_on": date(YEAR, 1, 1) + timedelta(days=rng.randrange(365)),
                "hours": rng.choice([1.0, 1.5, 2.0, 2.5, 3.0, 4.0]),
                "topic": "自学",
            }
        )
    _insert(SelfStudyLog, logs)

    notes = []
    for person_id, office_id, _g in people:
        for k in range(6):
            notes.append(
                {
                    "person_id": person_id,
                    "office_id": office_id,
                    "written_on": date(YEAR, 2 * k + 1, 15),
                    "title": "笔记",
                    "content": "学习体会",
                    "char_count": rng.randint(300, 1200),
                }
            )
    _insert(StudyNote, notes)

    techniques = []
    for person_id, office_id, group in people:
        if group != "rural_party_member":
            for k in range(rng.choice([5, 6, 7])):
                techniques.append(
                    {
                        "person_id": person_id,
                        "office_id": office_id,
                        "name": f"技术{k}",
                        "mastered_on": date(YEAR - 1, 1 + k, 1),
                    }
                )
    _insert(Technique, techniques)
    db.session.commit()
    return {
        "people": len(people),
        "sessions": len(sessions),
        "attendance": len(attendance),
        "self_study": len(logs),
        "notes": len(notes),
        "techniques": len(techniques),
        "offices": len(offices),
    }


def _mark(rng, session_id, person_id, office_id):
    roll = rng.random()
    status = "present" if roll < 0.9 else ("excused" if roll < 0.95 else "absent")
    return {
        "session_id": session_id,
        "person_id": person_id,
        "office_id": office_id,
        "status": status,
        "excuse_reason": "事假" if status == "excused" else None,
        "version": 1,
    }


def _timed(fn, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and process-CPU seconds of ``runs`` calls after one warm-up call.

    CPU time is printed as well because the wall clock on a shared machine includes time
    spent waiting for a core; SQLite runs in-process, so CPU time covers the queries too.
    """
    fn()  # warm-up: imports, template compilation, SQLite page cache
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _summary(name: str, timings: tuple[list[float], list[float]]) -> str:
    wall, cpu = timings
    return (
        f"{name:<40} wall median {statistics.median(wall) * 1000:7.1f} ms  "
        f"p95 {_p95(wall) * 1000:7.1f} ms | cpu median {statistics.median(cpu) * 1000:7.1f} ms  "
        f"p95 {_p95(cpu) * 1000:7.1f} ms  (n={len(wall)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "TESTING": True,
                "UPLOAD_FOLDER": str(Path(tmp) / "uploads"),
                "REDIS_URL": None,
                "TOWNSHIP_PLUGINS": "training",
            }
        )
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            counts = seed(random.Random(7))
            print(
                f"seeded in {time.perf_counter() - started:.1f} s: "
                + ", ".join(f"{k} {v:,}" for k, v in counts.items())
            )
            office_ids = {o.id for o in db.session.scalars(db.select(Office))}

            def compute():
                report = compute_compliance(YEAR, office_ids, today=TODAY)
                assert len(report.people) == counts["people"]
                db.session.rollback()

            compute_times = _timed(compute, args.runs)
            report = compute_compliance(YEAR, office_ids, today=TODAY)
            short = sum(1 for p in report.people if p.year.status == "short")
            print(
                f"year {YEAR}: {len(report.people)} people, {short} short; "
                f"{len(report.units)} units"
            )

        client = app.test_client()
        response = client.post("/login", data={"username": "admin", "password": PASSWORD})
        assert response.status_code == 302, response.status_code

        def page():
            r = client.get(f"/admin/training_compliance/?year={YEAR}")
            assert r.status_code == 200, r.status_code

        def export():
            r = client.get(f"/admin/training_compliance/export/csv/?year={YEAR}&what=people")
            assert r.status_code == 200 and r.data.count(b"\n") > counts["people"]

        print(_summary("compute_compliance (year, all offices)", compute_times))
        print(_summary("GET compliance screen (year, page 1)", _timed(page, args.runs)))
        print(_summary("GET CSV export (year, 2,000 people)", _timed(export, args.runs)))


if __name__ == "__main__":
    main()
