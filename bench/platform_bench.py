"""Latency of the staff dashboard and the residents' home page on the demo township.

    ./dev bench platform_bench [--requests 300] [--http] [--json]

Builds a fresh SQLite database in a temporary folder, loads the demo township (``flask demo
load``), signs in as the demo staff member ``staff`` through the real login form, then times
``/admin/`` (signed in) and ``/`` (anonymous) ``--requests`` times each after a short warm-up,
and prints median, p95, mean and max in milliseconds.

By default requests go through Flask's test client: the full WSGI application (routing,
sessions, CSRF, Flask-Admin, templates, database) without a network socket. ``--http`` serves
the app with Werkzeug's threaded server on 127.0.0.1 and times real HTTP requests instead.
"""

import argparse
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.app import create_app  # noqa: E402
from core.cli.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from core.extensions import db  # noqa: E402

PAGES = (
    ("admin dashboard (/admin/, staff)", "/admin/", True),
    ("residents' home (/, anonymous)", "/", False),
)
WARM_UP = 20


def build_app(folder: Path):
    """A production-like app on a fresh SQLite file holding the demo township."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "SECRET_KEY": "bench-only-secret",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "REDIS_URL": None,
        }
    )
    with app.app_context():
        db.create_all()
        load_demo()
    return app


def summarise(samples: list[float]) -> dict:
    """Median, p95, mean, min and max of ``samples`` (seconds) in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "requests": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
        "min_ms": round(ordered[0] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def time_test_client(app, count: int) -> dict:
    """Time each page through the test client; the staff client signs in first."""
    staff, anonymous = app.test_client(), app.test_client()
    page = staff.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signed_in = staff.post(
        "/login", data={"username": "staff", "password": DEMO_PASSWORD, "csrf_token": token}
    )
    if signed_in.status_code != 302:
        raise SystemExit(f"login failed: HTTP {signed_in.status_code}")
    results = {}
    for label, path, as_staff in PAGES:
        client = staff if as_staff else anonymous
        samples = []
        for i in range(WARM_UP + count):
            start = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
            if i >= WARM_UP:
                samples.append(elapsed)
        results[label] = summarise(samples)
    return results


def time_http(app, count: int) -> dict:
    """Time each page over HTTP against a threaded Werkzeug server on a free local port."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        conn = HTTPConnection("127.0.0.1", port)
        conn.request("GET", "/login")
        login_page = conn.getresponse()
        cookies = SimpleCookie(login_page.getheader("Set-Cookie"))
        token = re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', login_page.read().decode()
        ).group(1)
        body = urlencode({"username": "staff", "password": DEMO_PASSWORD, "csrf_token": token})
        conn.request(
            "POST",
            "/login",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"session={cookies['session'].value}",
            },
        )
        signed_in = conn.getresponse()
        signed_in.read()
        if signed_in.status != 302:
            raise SystemExit(f"login failed: HTTP {signed_in.status}")
        session_cookie = SimpleCookie(signed_in.getheader("Set-Cookie"))["session"].value
        results = {}
        for label, path, as_staff in PAGES:
            headers = {"Cookie": f"session={session_cookie}"} if as_staff else {}
            samples = []
            for i in range(WARM_UP + count):
                start = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - start
                if response.status != 200:
                    raise SystemExit(f"{path}: HTTP {response.status}")
                if i >= WARM_UP:
                    samples.append(elapsed)
            results[label] = summarise(samples)
        conn.close()
        return results
    finally:
        server.shutdown()


def main() -> None:
    """Parse arguments, run the benchmark, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page")
    parser.add_argument("--http", action="store_true", help="real HTTP to a local server")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="platform-bench-") as tmp:
        built = time.perf_counter()
        app = build_app(Path(tmp))
        setup_s = time.perf_counter() - built
        results = (
            time_http(app, args.requests) if args.http else time_test_client(app, args.requests)
        )
        with app.app_context():
            db.engine.dispose()
    mode = (
        "HTTP to a threaded Werkzeug server on 127.0.0.1"
        if args.http
        else "Flask test client (whole WSGI app, no socket)"
    )
    if args.json:
        print(
            json.dumps(
                {
                    "mode": mode,
                    "database": "SQLite (fresh file)",
                    "setup_seconds": round(setup_s, 2),
                    "pages": results,
                },
                indent=2,
            )
        )
        return
    print(
        f"platform benchmark — {mode}; SQLite, demo township "
        f"(built in {setup_s:.1f} s); {args.requests} timed requests per page "
        f"after {WARM_UP} warm-up"
    )
    print(f"{'page':<36} {'median':>9} {'p95':>9} {'mean':>9} {'max':>9}")
    for label, r in results.items():
        print(
            f"{label:<36} {r['median_ms']:>7.2f}ms {r['p95_ms']:>7.2f}ms "
            f"{r['mean_ms']:>7.2f}ms {r['max_ms']:>7.2f}ms"
        )


if __name__ == "__main__":
    main()
