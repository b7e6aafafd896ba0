"""The leak test (issue 13, item 6): plant private data everywhere, crawl everything residents can
fetch, and fail on any planted value that comes back.

How it works, with nothing listed by hand (see tests/leak_crawler.py):

1. The demo township is loaded and every plugin switched on for every office.
2. Staff fields: every String/Text column of every mapped model gets planted values in every
   existing row — free text carrying a distinct mobile and ID number (in a rotating notation),
   a known private name and a name only the recogniser can find; person-name columns (the
   ``private_person_fields`` hook) get a known name; phone and ID columns get a number. Skipped:
   enums, keys (primary, foreign, unique), fields declared PUBLIC in the model's publication
   declaration (offices, officials' names), the audit log and the gate's own tables, and columns
   whose name ends in a code/state/reference suffix (``leak_crawler.SKIPPED_SUFFIXES``: code,
   status, kind, category, unit, _type, key, hash, token, receipt_no, _id, _no, number, url,
   file metadata…) because the app's logic matches on them.
3. Residents' forms: the public side is crawled from ``/`` and every office's page; every POST
   form found is filled (name fields with a known name, phone fields with a valid mobile, ID
   fields with an ID number, other text with planted free text; CSRF token kept, the first valid
   option of each select) and submitted once per endpoint.
4. Every known name is saved once into a person-name column, so the gate knows it like any
   name a resident typed.
5. Crawl, as an anonymous resident: links from ``/`` and every office's page, every GET rule of
   the residents' blueprints with its arguments filled from the database, feeds, PDFs (through
   pdftotext) and every GET path of the OpenAPI document with office codes and the ids the API's
   own list responses give.

It fails on any planted mobile or ID number (any notation) and any known private name, listing
URL, value and source; names only the recogniser can find are asserted separately (a recall
floor over the sources whose text reached a page). Plugins that fail to load or to register
their API fail it too: what is not served is not crawled.
"""

import os
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from leak_crawler import Crawler, Planted, forms_of, make_names_known, plant_staff_fields
from werkzeug.routing import BuildError, IntegerConverter

from core.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
MAX_URLS = 2500
MIN_URLS, MIN_FORMS = 100, 3
RECOGNISER_RECALL = 0.8  # of free-text-only names whose source text reached a page


def _exception_line(trace: str) -> str:
    """The ``SomeError: message`` line of a formatted traceback."""
    lines = [ln for ln in trace.strip().splitlines() if re.match(r"^[\w.]+(Error|Exception)\b", ln)]
    return (lines[-1] if lines else trace.strip().splitlines()[-1])[:300]


def _switch_everything_on():
    from core.cli.demo import load_demo, requirements_first
    from core.models import Office
    from core.modules import set_module
    from core.plugins import get_registry

    load_demo()
    offices = list(db.session.scalars(sa.select(Office)))
    for name in requirements_first(get_registry().manifests):
        for office in offices:
            set_module(name, office, True)
    db.session.commit()
    return sorted(o.code for o in offices)


def _fill(form, planted, label_prefix):  # noqa: C901
    """Form data for one form, with planted values; returns (data, planted field names)."""
    data, fields_planted, radios = {}, [], set()
    for f in form["fields"]:
        name, kind, tag = f["name"], f["type"], f["tag"]
        if kind in ("submit", "button", "image", "reset", "file"):
            continue
        if kind == "hidden":
            data[name] = f["value"]
        elif kind == "checkbox":
            data[name] = f["value"] or "y"
        elif kind == "radio":
            if name not in radios:
                radios.add(name)
                data[name] = f["value"]
        elif tag == "select":
            data[name] = next((o for o in f["options"] if o), "")
        elif kind == "date":
            data[name] = f["min"] or (date.today() + timedelta(days=7)).isoformat()
        elif kind == "number" or f["inputmode"] in ("numeric", "decimal"):
            data[name] = f["min"] or "1"
        elif kind == "email":
            data[name] = "resident@example.org"
        else:
            source = planted.new_source(f"form {label_prefix} field {name}")
            lowered = name.lower()
            if kind == "tel" or any(k in lowered for k in ("phone", "mobile", "tel")):
                value = source.mobile
                source.written.add("mobile")
            elif "id_number" in lowered or "idcard" in lowered:
                value = source.id_number
                source.written.add("id")
            elif "name" in lowered:
                value = source.known_name
                source.written.add("known name")
            else:
                value = planted.sentence(source, f["maxlength"])
            data[name] = value
            fields_planted.append(name)
    return data, fields_planted


def _plant_through_forms(app, crawler, office_codes, planted):
    """Submit every residents' POST form once per endpoint; returns the report rows."""
    adapter = app.url_map.bind("localhost")
    crawler.crawl(["/", *[f"/o/{c}/" for c in office_codes]], MAX_URLS)
    submitter = app.test_client()
    done, report, tries = set(), [], {}
    for fetched in list(crawler.seen.values()):
        for form in forms_of(fetched):
            if form["method"] != "post":
                continue
            action = crawler.local_path(form["action"], fetched.url) or ""
            try:
                endpoint, _args = adapter.match(action.split("?")[0], method="POST")
            except Exception:  # noqa: BLE001 - an action outside the residents' side
                continue
            if endpoint in done or tries.get(endpoint, 0) >= 3:
                continue
            tries[endpoint] = tries.get(endpoint, 0) + 1
            # The submitter gets the page first so its session holds the form's CSRF token.
            page = submitter.get(fetched.url)
            fresh = [
                f
                for f in forms_of(
                    type(fetched)(
                        fetched.url,
                        page.status_code,
                        page.content_type or "",
                        page.get_data(as_text=True),
                    )
                )
                if crawler.local_path(f["action"], fetched.url) == action
            ]
            if not fresh:
                continue
            data, names = _fill(fresh[0], planted, endpoint)
            response = submitter.post(action, data=data)
            accepted = response.status_code in (201, 301, 302, 303)
            report.append((endpoint, action, names, response.status_code, accepted))
            if accepted:
                done.add(endpoint)
    return report


def _rule_urls(app, office_codes):  # noqa: C901
    """GET URLs of every residents' rule with its arguments filled from the database."""
    from core.models import Office

    public = app.extensions["township_public_blueprint_names"]
    adapter = app.url_map.bind("localhost")
    offices = {o.id: o.code for o in db.session.scalars(sa.select(Office))}
    tables = {m.class_.__table__.name: m.class_ for m in db.Model.registry.mappers}
    urls = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else rule.endpoint
        if (
            blueprint not in public
            or "GET" not in rule.methods
            or rule.endpoint.endswith("set_language")
        ):
            continue
        ints = [a for a, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        candidates = [{}]
        for arg in ints:
            stem = arg.removesuffix("_id")
            rows = []
            for table, model in tables.items():
                if stem in table and arg != "number":
                    office_col = getattr(model, "office_id", None)
                    query = sa.select(model.id, office_col if office_col is not None else sa.null())
                    rows += list(db.session.execute(query.limit(40)))
            rows = rows or [(n, None) for n in (1, 2, 3)]
            candidates = [
                {**c, arg: i, "_office": o or c.get("_office")} for c in candidates for i, o in rows
            ][:120]
        for values in candidates:
            office = values.pop("_office", None)
            codes = [offices[office]] if office in offices else office_codes
            for code in codes:
                args = dict(values)
                for a in rule.arguments:
                    if a not in args:
                        args[a] = code
                try:
                    urls.append(adapter.build(rule.endpoint, args))
                except BuildError:
                    continue
    return urls


def _api_urls(crawler, office_codes):  # noqa: C901
    """Concrete GET URLs of every OpenAPI path: codes for string parameters, ids from the API's
    own list responses (the path up to the id), else any id the API returned."""
    import json

    doc = json.loads(crawler.fetch("/api/v1/openapi.json").text or "{}")
    paths = [(p, spec) for p, spec in doc.get("paths", {}).items() if "get" in spec]
    paths.sort(key=lambda item: item[0].count("{"))
    any_ids: set[int] = set()
    urls: list[str] = []

    def ids_in(value):
        if isinstance(value, dict):
            if isinstance(value.get("id"), int):
                yield value["id"]
            for v in value.values():
                yield from ids_in(v)
        elif isinstance(value, list):
            for v in value:
                yield from ids_in(v)

    for template, spec in paths:
        params = {
            p["name"]: p.get("schema", {}).get("type")
            for p in spec["get"].get("parameters", [])
            if p.get("in") == "path"
        }
        prefixes = [""]
        for segment in template.strip("/").split("/"):
            match = re.fullmatch(r"\{(\w+)\}", segment)
            if not match:
                prefixes = [f"{p}/{segment}" for p in prefixes]
                continue
            if params.get(match.group(1)) == "integer":
                grown = []
                for prefix in prefixes:
                    listed = crawler.fetch(prefix)
                    try:
                        ids = list(ids_in(json.loads(listed.text))) if listed.status == 200 else []
                    except ValueError:
                        ids = []
                    grown += [f"{prefix}/{i}" for i in (ids or sorted(any_ids))[:30]]
                prefixes = grown
            else:
                prefixes = [f"{p}/{c}" for p in prefixes for c in office_codes]
        for url in prefixes:
            fetched = crawler.fetch(url)
            urls.append(url)
            try:
                any_ids.update(ids_in(json.loads(fetched.text)))
            except ValueError:
                pass
    return urls


@pytest.fixture
def served(app):
    """The app answering errors with a 500 page, as in production (the crawl goes on and
    reports them), with each error's exception recorded by URL."""
    from flask import got_request_exception, request

    raised: dict[str, str] = {}

    def record(sender, exception, **extra):
        raised[request.full_path.rstrip("?")] = f"{type(exception).__name__}: {exception}"[:300]

    app.config["PROPAGATE_EXCEPTIONS"] = False
    got_request_exception.connect(record, app)
    yield raised
    got_request_exception.disconnect(record, app)
    app.config["PROPAGATE_EXCEPTIONS"] = None


def test_no_planted_value_reaches_residents(app, served):  # noqa: C901
    planted = Planted()
    registry = app.extensions["township_plugins"]
    from core.publication.names import person_fields
    from core.publication.published import declaration_of

    with app.app_context():
        office_codes = _switch_everything_on()
        staff = plant_staff_fields(db, planted, declaration_of, person_fields)
        db.session.commit()

    crawler = Crawler(app.test_client(), app.config["PUBLIC_BASE_URL"], require_pdftotext=IN_CI)
    forms = _plant_through_forms(app, crawler, office_codes, planted)

    with app.app_context():
        make_names_known(db, planted, person_fields)
        db.session.commit()
        rule_urls = _rule_urls(app, office_codes)

    # Crawl afresh: what the form pass saw was fetched before the forms were submitted.
    crawler = Crawler(app.test_client(), app.config["PUBLIC_BASE_URL"], require_pdftotext=IN_CI)
    crawler.crawl(["/", *[f"/o/{c}/" for c in office_codes], *rule_urls], MAX_URLS)
    api_urls = _api_urls(crawler, office_codes)
    crawler.crawl(list(crawler.seen), MAX_URLS)  # links inside API answers and feeds

    strict, recogniser, errors = {}, [], []
    shown: set[str] = set()
    unknown_leaked: set[str] = set()
    for fetched in crawler.seen.values():
        if fetched.status >= 500:
            errors.append(f"{fetched.status} {fetched.url}: {served.get(fetched.url, '')}")
        shown |= planted.marks_in(fetched.text)
        for kind, value, source in planted.leaks_in(fetched.text):
            if kind == "unknown name":
                recogniser.append(f"{fetched.url}: {value} from {source.label}")
                unknown_leaked.add(source.label)
            else:
                strict.setdefault(source.label, {}).setdefault(f"{kind} {value!r}", []).append(
                    fetched.url
                )

    accepted = [f for f in forms if f[4]]
    fields = sum(len(f[2]) for f in accepted)
    print(
        f"\nleak test: {len(crawler.seen)} public URLs crawled ({len(api_urls)} API), "
        f"{len(staff['columns'])} staff columns planted, {len(staff['skipped'])} skipped, "
        f"{len(accepted)} forms / {fields} fields planted through "
        f"({len(forms) - len(accepted)} submissions refused), "
        f"{len(shown)} sources reached a page, {len(crawler.pdf_skipped)} PDFs unread"
    )
    for endpoint, action, names, status, ok in forms:
        print(
            f"  form {endpoint} {action} {status} {'planted' if ok else 'REFUSED'}: {', '.join(names)}"
        )
    print("  staff columns: " + ", ".join(staff["columns"]))
    print("  skipped: " + ", ".join(f"{label} ({why})" for label, why in staff["skipped"]))

    problems = []
    if registry.failures:
        problems.append(
            "plugins that failed (their pages/API were not crawled):\n  "
            + "\n  ".join(
                f"{name}: {_exception_line(trace)}" for name, trace in registry.failures.items()
            )
        )
    if staff["failed"]:
        problems.append(
            "models that refused planted values:\n  "
            + "\n  ".join(f"{m}: {e}" for m, e in staff["failed"].items())
        )
    if errors:
        problems.append(f"{len(errors)} server errors:\n  " + "\n  ".join(sorted(errors)[:40]))
    if strict:
        problems.append(
            f"planted numbers / known names published from {len(strict)} sources "
            "(source: value on N URLs, e.g.):\n  "
            + "\n  ".join(
                f"{label}: {value} on {len(urls)} URLs, e.g. {', '.join(sorted(urls, key=len)[:3])}"
                for label, values in sorted(strict.items())
                for value, urls in sorted(values.items())
            )
        )
    shown_unknown = {
        s.label for s in planted.sources if s.label in shown and "unknown name" in s.written
    }
    if shown_unknown:
        recall = 1 - len(unknown_leaked & shown_unknown) / len(shown_unknown)
        if recall < RECOGNISER_RECALL:
            problems.append(
                f"name recogniser masked only {recall:.0%} of {len(shown_unknown)} "
                f"names in shown text (floor {RECOGNISER_RECALL:.0%}):\n  "
                + "\n  ".join(sorted(set(recogniser))[:100])
            )
    if len(crawler.seen) < MIN_URLS:
        problems.append(f"only {len(crawler.seen)} public URLs crawled (at least {MIN_URLS})")
    if len(accepted) < MIN_FORMS:
        problems.append(
            f"only {len(accepted)} residents' forms accepted planted values "
            f"(at least {MIN_FORMS}): {forms}"
        )
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_detector_finds_every_notation_and_passes_masked_text():
    """The leak test's own search: each notation of a planted number and each planted name is
    found (also as an HTML entity and folded across an iCalendar line), and the masker's
    output of the same values is not."""
    from leak_crawler import _id_notations, _mobile_notations

    from core.publication.masker import mask_person
    from core.publication.numbers import find_numbers

    planted = Planted()
    source = planted.new_source("Model.column")
    for written in [*_mobile_notations(source.mobile), *_id_notations(source.id_number)]:
        assert planted.leaks_in(f"<p>见{written}。</p>"), written
        starred = "".join(s.masked for s in find_numbers(written)) or "*"
        assert not planted.leaks_in(f"<p>见{starred}。</p>"), (written, starred)
    assert planted.leaks_in(
        "DESCRIPTION:" + source.known_name[:1] + "\r\n " + source.known_name[1:]
    )
    assert planted.leaks_in(
        html_escaped := "&#" + str(ord(source.known_name[0])) + ";" + source.known_name[1:]
    ), html_escaped
    assert not planted.leaks_in(mask_person(source.known_name))
    assert planted.marks_in(planted.sentence(source, None)) == {"Model.column"}
    assert planted.sentence(source, 8) == source.mark  # only what fits is planted
