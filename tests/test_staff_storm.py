"""Two staff save the same record at the same moment, through a real multi-process server
(issue 15): gunicorn with 4 workers on the test database, two township administrators signed
in through the login form, and for every versioned model with an admin edit screen (found
from the admin, see edit_forms.py) both open the same record's edit form, then both post a
change at once. Exactly one save wins — the row shows its change and its version went up by
one — and the other is refused with the core's one stale message, its change nowhere in the
row; no answer is a 5xx. Bounded: a few pairs per screen, well under a minute.
"""

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from edit_forms import STALE, form_values, has_edit_screen, versioned_views
from live_server import Browser, gunicorn, p95
from sqlalchemy import select

from core.cli.demo import DEMO_PASSWORD, load_demo
from core.extensions import db
from core.models import Role, User

PAIRS = 5  # concurrent pairs of saves per record
# How far to look for a record and a field that one person's save alone changes.
SCAN, RECORDS, FIELDS = 30, 5, 3
ROUND_MARKS = "一二三四五六七八九"  # digit-free: some text fields refuse digits


def _seed(app) -> None:
    """The demo township and a second township administrator (the demo has one)."""
    with app.app_context():
        load_demo()
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        db.session.add(
            User(
                username="admin2",
                display_name="钱管理",
                role=Role.TOWNSHIP_ADMIN,
                office_id=admin.office_id,
                password_hash=admin.password_hash,
            )
        )
        db.session.commit()


def _row(app, view, row_id, field):
    """The record's stored (text of ``field``, version), read afresh."""
    with app.app_context():
        row = db.session.get(view.model, row_id)
        return str(getattr(row, field) or ""), row.version


def _saved(answer, url: str) -> bool:
    """Whether a post's answer is a save: left the edit form for another page, without the
    stale message (a refusal on the merits re-renders the form)."""
    status, page, final_url = answer
    return status == 200 and STALE not in page and not final_url.endswith(url)


def _lone_save(app, view, browser, url, row_id, page) -> str | None:
    """A field of the record that one person's save alone changes (proved by saving it), or
    None when every field tried is refused on its merits (or silently dropped by a rule)."""
    for field in form_values(page, view.model)[1][:FIELDS]:
        values = form_values(page, view.model)[0]
        values[field] = (values.get(field) or "") + "（预）"
        if _saved(browser.open(url, values), url) and "（预）" in _row(app, view, row_id, field)[0]:
            return field
        _status, page, _final = browser.open(url)
    return None


def _find_editable(app, view, browser) -> tuple[int, str] | None:
    """A record of ``view`` and a text field one person's save changes: records whose form
    already holds text in that field first (an empty one may be dropped by a rule — a leave
    reason on a "present" mark), at most RECORDS lone saves tried among the first SCAN."""
    with app.app_context():
        ids = db.session.scalars(select(view.model.id).order_by(view.model.id).limit(SCAN)).all()
    later, tried = [], 0
    for row_id in ids:
        url = f"{view.url}/edit/?id={row_id}"
        status, page, _final = browser.open(url)
        values, fields = form_values(page, view.model) if status == 200 else ({}, [])
        if not fields:
            continue
        if not (values.get(fields[0]) or "").strip():
            later.append(row_id)
            continue
        tried += 1
        field = _lone_save(app, view, browser, url, row_id, page)
        if field is not None:
            return row_id, field
        if tried == RECORDS:
            return None
    for row_id in later[: RECORDS - tried]:
        url = f"{view.url}/edit/?id={row_id}"
        field = _lone_save(app, view, browser, url, row_id, browser.open(url)[1])
        if field is not None:
            return row_id, field
    return None


def _pair(app, view, staff, url, row_id, field, mark) -> tuple[int, int, list, str | None]:
    """Both open the form, then both post a change at the same moment; returns how many
    saves won, how many were refused as stale, the two saves' seconds, and what is wrong with
    the outcome (None when exactly one won and the row shows only its change)."""
    with ThreadPoolExecutor(2) as pool:
        pages = list(pool.map(lambda browser: browser.open(url), staff))
        forms = [form_values(page, view.model)[0] for _status, page, _url in pages]
        versions = {form.get("version") for form in forms}
        if len(versions) != 1 or None in versions:  # both must hold the same version
            return 0, 0, [], f"answers {[p[0] for p in pages]}, versions {versions}"
        marks = [f"（甲{mark}）", f"（乙{mark}）"]
        for form, own in zip(forms, marks, strict=True):
            form[field] = (form.get(field) or "") + own
        together = threading.Barrier(2)

        def save(browser, form):
            together.wait()
            began = time.perf_counter()
            return browser.open(url, form), time.perf_counter() - began

        answers, seconds = zip(*pool.map(save, staff, forms), strict=True)
    value, version = _row(app, view, row_id, field)
    won = [i for i, answer in enumerate(answers) if _saved(answer, url)]
    refused = [i for i, (_s, page, _u) in enumerate(answers) if STALE in page]
    problem = None
    if len(won) != 1 or len(refused) != 1:
        problem = f"answers {[a[0] for a in answers]}: {len(won)} saved, {len(refused)} stale"
    elif marks[won[0]] not in value or marks[refused[0]] in value:
        problem = f"the row shows {value[-40:]!r}, not only the winner's {marks[won[0]]}"
    elif version != int(forms[0]["version"]) + 1:
        problem = f"version {forms[0]['version']} became {version}, not one more"
    return len(won), len(refused), list(seconds), problem


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX")
def test_two_staff_saving_the_same_record_of_every_versioned_model_at_once(app, record_property):
    _seed(app)
    views = [view for view in versioned_views(app) if has_edit_screen(view)]
    covered, uncovered, problems, save_seconds = [], [], [], []
    wins = refusals = 0
    with gunicorn(app) as server:
        staff = [Browser(server.base), Browser(server.base)]
        staff[0].login("admin", DEMO_PASSWORD)
        staff[1].login("admin2", DEMO_PASSWORD)
        for view in views:
            found = _find_editable(app, view, staff[0])
            if found is None:
                uncovered.append(view.endpoint)
                continue
            row_id, field = found
            for n in range(PAIRS):
                won, refused, seconds, problem = _pair(
                    app, view, staff, f"{view.url}/edit/?id={row_id}", row_id, field, ROUND_MARKS[n]
                )
                wins, refusals = wins + won, refusals + refused
                save_seconds += seconds
                if problem:
                    problems.append(f"{view.endpoint} #{row_id} {field}: {problem}")
            covered.append(view.endpoint)
        server_log = server.log()
    timings = staff[0].timings + staff[1].timings
    errors = [status for status, _seconds in timings if status >= 500]
    figures = (
        f"two-staff storm ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, gunicorn "
        f"4 workers): {len(covered)} versioned edit screens × {PAIRS} concurrent pairs; "
        f"{len(timings)} requests, {len(save_seconds)} concurrent saves: {wins} won, "
        f"{refusals} refused as stale, {len(errors)} answers 5xx; p95 of a concurrent "
        f"save {p95(save_seconds) * 1000:.0f} ms, of any request "
        f"{p95([s for _st, s in timings]) * 1000:.0f} ms. Screens: {', '.join(covered)}; "
        f"no record a lone save may change: {', '.join(uncovered) or 'none'}"
    )
    print("\n" + figures)
    record_property("figures", figures)  # also in the JUnit XML of a CI run
    assert not errors, figures + "\n" + server_log
    assert not problems, figures + "\n" + "\n".join(problems) + "\n" + server_log
    assert wins == refusals == len(covered) * PAIRS, figures
    assert len(covered) >= 7, figures
