"""Hostile values on every route of the URL map, as every role: nothing answers 500.

The routes come from ``app.url_map`` and the query and form parameters from what each view
actually reads (the request's argument and form dictionaries record every key looked up), so
a new plugin's screens, pages and API paths are covered without anyone listing them here.
Issue 14 (8).
"""

import re
import time
from urllib.parse import quote

import pytest
from support import csrf_token

from core.cli.demo import DEMO_PASSWORD, load_demo
from core.extensions import db
from core.input_guard import BoundedArgs

HOSTILE = [
    "99999999999999999999",  # beyond any integer column
    "3000000000",  # beyond PostgreSQL's integer
    "-1",
    "1,2",
    "\x00",
    "x" * 3000,
    "0001-01-01",
    "9999-12-31",
    "2026-13-45",
]
PATH_INT_VALUES = ["99999999999999999999", "3000000000", "2147483647", "0"]
ROLES = ("admin", "officeadmin", "staff", "leader", "auditor", "village")
SKIP_ENDPOINTS = {"auth.logout", "static"}  # logging out would end the role's session
OFFICE = "SFZ-ZF"


class _Recorder:
    """Keys the views read from the query string and the form, per request."""

    keys: set[str] = set()


class RecordingDict(BoundedArgs):
    """The app's argument dictionary, noting every key looked up."""

    def __getitem__(self, key):
        _Recorder.keys.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        _Recorder.keys.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        _Recorder.keys.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        _Recorder.keys.add(key)
        return super().__contains__(key)


@pytest.fixture
def demo_app(app):
    """The demo township loaded, with argument dictionaries that record what views read."""
    with app.app_context():
        load_demo()
        db.session.commit()
    previous = app.request_class.parameter_storage_class
    app.request_class.parameter_storage_class = RecordingDict
    try:
        yield app
    finally:
        app.request_class.parameter_storage_class = previous


def _path_values(rule) -> list[dict]:
    """A realistic set of path values, then each argument in turn set to each hostile one."""
    base = {}
    for arg in rule._converters:
        if "code" in arg or arg == "office":
            base[arg] = OFFICE
        else:
            base[arg] = "1"
    variants = [base]
    for arg, converter in rule._converters.items():
        is_int = "Int" in type(converter).__name__ or "Integer" in type(converter).__name__
        for value in PATH_INT_VALUES if is_int else HOSTILE:
            variants.append({**base, arg: value})
    return variants


def _build(rule, values: dict) -> str:
    path = rule.rule
    for arg in rule.arguments:
        pattern = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?" + re.escape(arg) + ">")
        path = pattern.sub(lambda _m, v=values[arg]: quote(v, safe=""), path)
    return path


def _rules(app, predicate):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or not predicate(rule):
            continue
        yield rule


def _is_public(rule) -> bool:
    return not rule.rule.startswith("/admin")


class _Run:
    """Counts requests and collects every 5xx."""

    def __init__(self, client):
        self.client = client
        self.count = 0
        self.failures: list[str] = []

    def call(self, method: str, url: str, data=None) -> set[str]:
        _Recorder.keys = set()
        self.count += 1
        try:
            if method == "GET":
                response = self.client.get(url)
            else:
                response = self.client.post(url, data=data or {})
        except Exception as exc:  # the test app propagates what would be a 500
            self.failures.append(f"{method} {url[:160]!r} → {exc!r:.200} at {_where(exc)}")
            return set(_Recorder.keys)
        if response.status_code >= 500 and response.status_code != 503:
            self.failures.append(
                f"{method} {url[:160]!r} {dict(data or {}) if data else ''} "
                f"→ {response.status_code}"
            )
        return set(_Recorder.keys)


def _where(exc) -> str:
    """The innermost frame of the project's own code in a traceback."""
    import traceback

    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if "/site-packages/" not in f.filename and "test_route_fuzz" not in f.filename
    ]
    return f"{frames[-1].filename.split('/work/')[-1]}:{frames[-1].lineno}" if frames else "?"


def _fuzz_rule(run: _Run, rule, *, deep: bool) -> None:
    variants = _path_values(rule)
    base_url = _build(rule, variants[0])
    methods = rule.methods & {"GET", "POST"}
    query_keys: set[str] = set()
    if "GET" in methods:
        query_keys = run.call("GET", base_url)
    for values in variants[1:]:
        if "GET" in methods:
            run.call("GET", _build(rule, values))
    if not deep:
        return
    for key in sorted(query_keys):
        for value in HOSTILE:
            run.call("GET", f"{base_url}?{quote(key)}={quote(value, safe='')}")
    if "POST" in methods:
        token = csrf_token(run.client)
        form_keys = run.call("POST", base_url, {"csrf_token": token})
        form_keys.discard("csrf_token")
        for value in HOSTILE:
            data = {k: value for k in form_keys}
            data["csrf_token"] = token
            run.call("POST", base_url, data)


def _login(client, username):
    from support import post

    response = post(client, "/login", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not log in"


SHARDS = 4  # the township admin's deep run is split so test workers share it


def _shard(rule) -> int:
    return sum(rule.endpoint.encode()) % SHARDS


@pytest.mark.parametrize(
    "role,shard", [("admin", n) for n in range(SHARDS)] + [(r, None) for r in ROLES[1:]]
)
def test_no_admin_route_answers_500(demo_app, role, shard):
    """The township admin (widest scope) gets hostile values in every path, query and form
    parameter; the other roles in every path parameter."""
    client = demo_app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.9.0.{ROLES.index(role) + 1}"
    _login(client, role)
    run = _Run(client)
    started = time.perf_counter()
    rules = [
        r
        for r in _rules(demo_app, lambda r: not _is_public(r))
        if shard is None or _shard(r) == shard
    ]
    for rule in rules:
        _fuzz_rule(run, rule, deep=shard is not None)
    print(
        f"\nadmin routes as {role} (shard {shard}): {len(rules)} routes, {run.count} requests "
        f"in {time.perf_counter() - started:.1f} s, {len(run.failures)} answers of 500"
    )
    assert run.count > (1000 if shard is not None else 300)
    assert not run.failures, "\n".join(run.failures[:40])


def test_no_public_route_answers_500(demo_app):
    client = demo_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.1.1"
    run = _Run(client)
    started = time.perf_counter()
    for rule in _rules(demo_app, _is_public):
        _fuzz_rule(run, rule, deep=True)
    print(
        f"\npublic routes: {run.count} requests in {time.perf_counter() - started:.1f} s, "
        f"{len(run.failures)} answers of 500"
    )
    assert run.count > 300
    assert not run.failures, "\n".join(run.failures[:40])
