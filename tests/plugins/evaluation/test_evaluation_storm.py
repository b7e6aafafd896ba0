"""The storm (issue 18): 500 residents evaluate the same cadre at once on PostgreSQL through
the residents' page, while 100 of them press "submit" a second time. One evaluation per phone,
the right total, nobody gets a 500.

Figures (2 shared CPU cores, local PostgreSQL, 32 threads through the app's test client): 600
requests in 10 s, median 249 ms, p95 2.7 s (commits queue on the audit chain's lock); every first
submission stored, every second one refused with the Chinese message (409), total 500.
"""

import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from evaluation_helpers import cadre_of, codes, make_campaign
from sqlalchemy import func, select
from support import post

from core.extensions import db
from plugins.evaluation.models import ResidentEvaluation
from plugins.evaluation.services.results import compute

RESIDENTS, REPEATS, AT_ONCE = 500, 100, 32


def test_500_residents_evaluate_one_cadre_at_once(app, evaluation_on, postgres_only):
    ids = evaluation_on
    with app.app_context():
        cid = make_campaign(ids)
        cadre_id = cadre_of(cid, ids["staff_a"]).id
        slips = codes(cid, RESIDENTS)
    url = f"/o/A/evaluation/{cid}/cadre/{cadre_id}"
    residents = [(f"139{i:08d}", slips[i], "satisfied" if i % 5 else "basic") for i in range(500)]
    attempts = residents + random.Random(18).sample(residents, REPEATS)
    random.Random(7).shuffle(attempts)

    def submit(attempt):
        phone, code, grade = attempt
        client = app.test_client()
        begun = time.perf_counter()
        response = post(client, url, {"phone": phone, "code": code, "grade": grade})
        return time.perf_counter() - begun, response.status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        answers = list(pool.map(submit, attempts))
    elapsed = time.perf_counter() - started
    statuses = [status for _took, status in answers]
    took = sorted(t for t, _status in answers)
    print(
        f"storm: {len(attempts)} requests in {elapsed:.1f} s, median "
        f"{statistics.median(took) * 1000:.0f} ms, p95 {took[int(0.95 * len(took))] * 1000:.0f} ms"
    )
    assert 500 not in statuses
    assert statuses.count(200) == RESIDENTS, (elapsed, sorted(set(statuses)))
    assert statuses.count(409) == REPEATS
    with app.app_context():
        total = db.session.scalar(
            select(func.count(ResidentEvaluation.id)).where(ResidentEvaluation.cadre_id == cadre_id)
        )
        phones = db.session.scalar(select(func.count(func.distinct(ResidentEvaluation.phone_hash))))
        assert total == phones == RESIDENTS
        figures = compute(db.session.get(ResidentEvaluation, 1).cadre.campaign)[cadre_id]
        # 400 满意 (100) and 100 基本满意 (70)
        assert figures.resident_count == RESIDENTS
        assert figures.residents_score == (400 * 100 + 100 * 70) / 500
