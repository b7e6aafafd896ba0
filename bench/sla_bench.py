"""Micro-benchmark of the deadline engine: compute_due over 100,000 random acceptances.

Run: ``.venv/bin/python bench/sla_bench.py [--n 100000] [--explain]``

Prints the total time and the median / p95 of one compute_due call (inside an application
context, as the deadline sweep calls it), and the same for colour(). ``--explain`` also renders
every explanation, which the sweep never needs.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.sla import SHANGHAI, Limit, LimitUnit, colour, compute_due  # noqa: E402

LIMITS = [
    Limit(15, LimitUnit.WORKING_DAYS),
    Limit(3, LimitUnit.WORKING_DAYS),
    Limit(15, LimitUnit.CALENDAR_DAYS),
    Limit(7, LimitUnit.CALENDAR_DAYS),
    Limit(1, LimitUnit.MONTHS),
    Limit(30, LimitUnit.CALENDAR_DAYS),
]


def _percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def main() -> None:
    """Time compute_due and colour over random cases accepted in 2024–2026."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    rnd = random.Random(20261127)
    origin = datetime(2024, 1, 1, tzinfo=SHANGHAI)
    cases = []
    for _ in range(args.n):
        start = origin + timedelta(minutes=rnd.randrange(3 * 365 * 24 * 60))
        pauses = ()
        if rnd.random() < 0.1:  # one case in ten waited for material
            p0 = start + timedelta(hours=rnd.randrange(1, 120))
            pauses = ((p0, p0 + timedelta(hours=rnd.randrange(1, 240))),)
        cases.append((start, rnd.choice(LIMITS), pauses))

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "SECRET_KEY": "bench",
                "REDIS_URL": None,
            }
        )
        with app.app_context():
            db.create_all()
            compute_due(origin, LIMITS[0])  # build the calendar once, as a warm process has
            clock = time.perf_counter
            began = clock()
            dues = [
                (start, compute_due(start, limit, pauses=pauses).due_at)
                for start, limit, pauses in cases
            ]
            total = clock() - began
            timings = []  # a second pass, one timer per call
            for start, limit, pauses in cases:
                t0 = clock()
                due = compute_due(start, limit, pauses=pauses)
                if args.explain:
                    due.explanation  # noqa: B018 - rendering is what is timed
                timings.append(clock() - t0)

            now = datetime(2025, 6, 1, 10, tzinfo=SHANGHAI)
            colour_timings = []
            began_colour = clock()
            for start, due_at in dues:
                t0 = clock()
                colour(now, start, due_at)
                colour_timings.append(clock() - t0)
            total_colour = clock() - began_colour
            db.engine.dispose()

    timings.sort()
    colour_timings.sort()
    print(
        f"compute_due x {args.n}: total {total:.3f} s (dates only); per call"
        f"{' with explanation' if args.explain else ''}: median {statistics.median(timings) * 1e6:.1f} µs, "
        f"p95 {_percentile(timings, 0.95) * 1e6:.1f} µs"
    )
    print(
        f"colour      x {args.n}: total {total_colour:.3f} s; per call: median {statistics.median(colour_timings) * 1e6:.1f} µs, "
        f"p95 {_percentile(colour_timings, 0.95) * 1e6:.1f} µs"
    )


if __name__ == "__main__":
    main()
