"""Benchmark of an evaluation campaign's results (社会监督考评, issue 18).

Run: ``./dev bench evaluation_bench [--cadres 200] [--evaluations 50000] [--offices 20]
[--ratings 2000] [--runs 20] [--database-url postgresql://…]``

On a fresh database (a temporary SQLite file unless ``--database-url`` names an empty
PostgreSQL database): ``--offices`` offices with the module on, ``--cadres`` cadres spread over
them with a leader's score each and colleagues' scores within each office, ``--evaluations``
residents' evaluations (one per phone per cadre) and ``--ratings`` rated core cases handled by
the cadres in the period. Then the campaign's results — every cadre's weighted score with its
parts and flags, and every office's — are computed ``--runs`` times after a warm-up; median and
p95 per computation. Target: < 1 s.
"""

import argparse
import logging
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from core.app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Office, OfficeKind, Role, User  # noqa: E402
from core.modules import set_module  # noqa: E402
from core.time import local_today, utc_now  # noqa: E402

GRADES = [("satisfied", 100), ("satisfied", 100), ("basic", 70), ("dissatisfied", 0)]
CASE_GRADES = ["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def describe(latencies: list[float]) -> str:
    return (
        f"median {statistics.median(latencies) * 1000:7.2f} ms  "
        f"p95 {percentile(latencies, 0.95) * 1000:7.2f} ms  (n={len(latencies)})"
    )


def _people(offices: int, cadres: int):
    root = Office(code="T", name="测试镇", kind=OfficeKind.TOWNSHIP)
    rows = [
        Office(code=f"O{i:02d}", name=f"第{i}单位", parent=root, kind=OfficeKind.GOVERNMENT)
        for i in range(offices)
    ]
    db.session.add_all([root, *rows])
    db.session.flush()
    for office in [root, *rows]:
        set_module("evaluation", office, True)
    leader = User(
        username="leader",
        display_name="钱镇长",
        role=Role.LEADER,
        office_id=root.id,
        password_hash="!",
    )
    staff = [
        User(
            username=f"u{n}",
            display_name=f"干部{n}",
            role=Role.STAFF,
            office_id=rows[n % offices].id,
            password_hash="!",
        )
        for n in range(cadres)
    ]
    db.session.add_all([leader, *staff])
    db.session.flush()
    return root, leader, staff


def _campaign(root, leader, staff):
    from plugins.evaluation.services import campaigns

    today = local_today()
    campaign = campaigns.create_campaign(
        root.id,
        campaigns.Settings(
            title="年度考评", period_start=today - timedelta(days=300), period_end=today
        ),
    )
    for user in staff:
        campaigns.enrol_cadre(campaign, user, leader)
    campaigns.name_supervisor(campaign, leader)
    db.session.flush()
    campaigns.open_campaign(campaign)
    db.session.commit()
    return campaign


def _evaluations(campaign, evaluations: int) -> None:
    from plugins.evaluation.models import ResidentEvaluation, StaffScore

    cadres = campaign.cadres
    now = utc_now()
    batch = []
    for n in range(evaluations):
        cadre = cadres[n % len(cadres)]
        grade, points = GRADES[n % len(GRADES)]
        batch.append(
            {
                "campaign_id": campaign.id,
                "cadre_id": cadre.id,
                "office_id": cadre.office_id,
                "phone_hash": f"{n:064x}",
                "grade_code": grade,
                "points": points,
                "comment": None,
                "created_at": now,
            }
        )
        if len(batch) == 5000:
            db.session.execute(insert(ResidentEvaluation), batch)
            batch = []
    if batch:
        db.session.execute(insert(ResidentEvaluation), batch)
    scores = []
    by_office: dict[int, list] = {}
    for cadre in cadres:
        by_office.setdefault(cadre.office_id, []).append(cadre)
        scores.append((cadre, cadre.leader_id, "leader", 85))
    for group in by_office.values():
        for cadre in group:
            scores += [(cadre, o.user_id, "colleague", 80) for o in group if o is not cadre]
    db.session.execute(
        insert(StaffScore),
        [
            {
                "campaign_id": campaign.id,
                "cadre_id": cadre.id,
                "office_id": cadre.office_id,
                "scorer_id": scorer,
                "kind": kind,
                "score": value,
                "created_at": now,
            }
            for cadre, scorer, kind, value in scores
        ],
    )
    db.session.commit()


def _ratings(staff, ratings: int) -> None:
    from core.cases.services import close_case, open_case, rate_case

    for n in range(ratings):
        user = staff[n % len(staff)]
        case = open_case(
            office_id=user.office_id,
            category="service",
            channel="window",
            subject="办理证明",
            handler_id=user.id,
        )
        db.session.flush()
        close_case(case, outcome="已办结", actor_id=user.id)
        rate_case(case, grade=CASE_GRADES[n % len(CASE_GRADES)])
        if n % 500 == 499:
            db.session.commit()
    db.session.commit()


def time_results(campaign, runs: int) -> list[float]:
    """``runs`` timed computations of every cadre's and office's results after a warm-up."""
    from plugins.evaluation.services import results

    results.by_office(campaign, results.compute(campaign))
    latencies = []
    for _ in range(runs):
        db.session.expire_all()
        start = time.perf_counter()
        figures = results.compute(campaign)
        results.by_office(campaign, figures)
        latencies.append(time.perf_counter() - start)
    return latencies


def main() -> None:
    """Build the data, time the results, print median and p95."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cadres", type=int, default=200)
    parser.add_argument("--evaluations", type=int, default=50_000)
    parser.add_argument("--offices", type=int, default=20)
    parser.add_argument("--ratings", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="evaluation-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": str(folder),
            "REDIS_URL": None,
            "SERVER_NAME": None,
        }
    )
    with app.app_context():
        db.create_all()
        root, leader, staff = _people(args.offices, args.cadres)
        campaign = _campaign(root, leader, staff)
        started = time.perf_counter()
        _evaluations(campaign, args.evaluations)
        _ratings(staff, args.ratings)
        built = time.perf_counter() - started
        latencies = time_results(campaign, args.runs)
        dialect = db.engine.dialect.name
    print(
        f"evaluation results: {args.cadres} cadres over {args.offices} offices, "
        f"{args.evaluations} residents' evaluations, {args.ratings} case ratings, {dialect} "
        f"(data built in {built:.0f} s)"
    )
    print("  compute results", describe(latencies))
    assert percentile(latencies, 0.95) < 1.0, "target: results in under 1 s"


if __name__ == "__main__":
    main()
