"""A real multi-process server for the storm tests (issue 15): gunicorn with several workers
on the test database (SQLite or PostgreSQL, whichever the ``app`` fixture uses), and a small
browser that keeps its own cookies, signs in through the real login form and times every
request.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def csrf_token_of(page: str) -> str | None:
    """The CSRF token a rendered form carries (None when the page has no form)."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return found.group(1) if found else None


@dataclass
class Server:
    """A running gunicorn: its base URL, the environment it was started with (for helper
    processes on the same database) and its log file."""

    base: str
    env: dict
    log_path: Path

    def log(self, last: int = 3000) -> str:
        """The end of the server's log (for assertion messages)."""
        return self.log_path.read_text(errors="replace")[-last:]


@contextmanager
def gunicorn(app, workers: int = 4):
    """Serve ``wsgi:app`` with ``workers`` gunicorn workers on ``app``'s database, without
    Redis; yields a ``Server`` once it answers, and stops it afterwards. The log goes to a
    file (a pipe nobody reads would stall the workers once it is full)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY="storm",
        UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    log_path = Path(app.config["UPLOAD_FOLDER"]).parent / f"gunicorn-{port}.log"
    server = Server(f"http://127.0.0.1:{port}", env, log_path)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(server.base + "/", timeout=5)
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("gunicorn exited:\n" + server.log()) from None
                time.sleep(0.5)
        else:
            raise RuntimeError("gunicorn did not answer within a minute:\n" + server.log())
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Browser:
    """One person's browser against ``base``: its own cookie jar (so its own session), and
    (status, seconds) of every request it made in ``timings``."""

    base: str
    timings: list = field(default_factory=list)

    def __post_init__(self):
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """GET ``path`` (or POST ``data`` form-encoded), following redirects as a browser
        does; returns (status, page text, final URL). An HTTP error is an answer, not an
        exception."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        began = time.perf_counter()
        try:
            with self._opener.open(self.base + path, body, timeout=60) as response:
                status, text, url = response.status, response.read().decode(), response.geturl()
        except urllib.error.HTTPError as exc:
            status, text, url = exc.code, exc.read().decode(errors="replace"), exc.geturl()
        self.timings.append((status, time.perf_counter() - began))
        return status, text, url

    def login(self, username: str, password: str) -> None:
        """Sign in through the real login form; raises when the form refuses."""
        _status, page, _url = self.open("/login")
        _status, page, url = self.open(
            "/login",
            {"csrf_token": csrf_token_of(page), "username": username, "password": password},
        )
        if urllib.parse.urlsplit(url).path == "/login":
            raise RuntimeError(f"{username} could not sign in: {page[-500:]}")


def p95(seconds: list[float]) -> float:
    """The 95th percentile of ``seconds`` (nearest rank)."""
    ordered = sorted(seconds)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)]
