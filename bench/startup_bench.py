"""Start-up time of the app: importing ``wsgi`` and running one CLI command, in fresh processes.

    ./dev bench startup_bench [--runs 9] [--bytecode] [--compare OTHER_CHECKOUT] [--json]

Builds a fresh SQLite database in a temporary folder (``flask db upgrade`` then ``flask demo
load``), then times, ``--runs`` times each and alternating so a burst of load elsewhere hits
both alike:

(a) ``python -c "import wsgi"`` — the interpreter, every import and ``create_app()``;
(b) ``flask --app wsgi modules list`` — the same plus Flask's CLI and one database query.

Each run is a new process (wall time measured around ``subprocess.run``). Prints median, p95,
min and max in seconds, and the load average before and after: the machine may be shared, so
compare medians taken under similar load. The CPU time (user + system) of each process is
printed too: on a busy machine it is close to what the wall time would be on an idle one. ``--compare PATH`` times another checkout of the
project (say, an older commit unpacked with ``git archive``) in the same rounds, so before and
after share the load.

The processes inherit the environment. Where ``PYTHONDONTWRITEBYTECODE`` is set (as in some
sandboxes), every run compiles the project's ~200 modules from source (~0.2 s);
``--bytecode`` lets Python cache bytecode under a temporary ``PYTHONPYCACHEPREFIX`` instead,
as a normal deployment does.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FLASK = [PYTHON, "-m", "flask", "--app", "wsgi"]
CASES = (
    ("import wsgi", [PYTHON, "-c", "import wsgi"]),
    ("flask --app wsgi modules list", [*FLASK, "modules", "list"]),
)


def timed(cmd: list[str], env: dict, root: Path, cpu: list[float] | None = None) -> float:
    """Run ``cmd`` in ``root`` and return its wall time in seconds (fails loudly); append its
    CPU time (user + system) to ``cpu`` when given."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if result.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr}")
    return elapsed


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def load() -> str:
    """The 1-, 5- and 15-minute load averages, or "?" where the OS has none."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main() -> None:  # noqa: C901
    """Parse the options, build the database, time both cases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each case (default 9)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--bytecode",
        action="store_true",
        help="cache bytecode in a temporary folder even if PYTHONDONTWRITEBYTECODE is set",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        default=None,
        help="another checkout to time in the same rounds (e.g. before a change)",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="startup_bench_") as folder:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        if args.bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        roots = {"": ROOT}
        if args.compare:
            roots = {"this ": ROOT, "other ": args.compare.resolve()}
        for step in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run(
                [*FLASK, *step],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        for root in roots.values():
            timed(CASES[0][1], env, root)  # warm the file caches (and bytecode) once
        load_before = load()
        times: dict[str, list[float]] = {label + name: [] for label in roots for name, _ in CASES}
        cpu: dict[str, list[float]] = {key: [] for key in times}
        for _ in range(args.runs):
            for label, root in roots.items():
                for name, cmd in CASES:
                    times[label + name].append(timed(cmd, env, root, cpu[label + name]))
        load_after = load()

    figures = {
        name: {
            "median": statistics.median(values),
            "p95": percentile(values, 0.95),
            "min": min(values),
            "max": max(values),
            "runs": len(values),
            "cpu_median": statistics.median(cpu[name]),
        }
        for name, values in times.items()
    }
    if args.json:
        print(
            json.dumps(
                {
                    "load_before": load_before,
                    "load_after": load_after,
                    "bytecode": args.bytecode or not os.environ.get("PYTHONDONTWRITEBYTECODE"),
                    "cases": figures,
                },
                indent=2,
            )
        )
        return
    print(
        f"load average before: {load_before}; after: {load_after}; cores: {os.cpu_count()}; "
        f"bytecode cached: {args.bytecode or not os.environ.get('PYTHONDONTWRITEBYTECODE')}"
    )
    print(
        f"{'case':<38} {'median':>8} {'p95':>8} {'min':>8} {'max':>8} {'cpu med':>8}"
        f"   ({args.runs} runs, s)"
    )
    for name, f in figures.items():
        print(
            f"{name:<38} {f['median']:8.3f} {f['p95']:8.3f} {f['min']:8.3f} {f['max']:8.3f} "
            f"{f['cpu_median']:8.3f}"
        )


if __name__ == "__main__":
    main()
