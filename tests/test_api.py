"""The public JSON API: published data only, and an OpenAPI 3.1 document generated from code."""

import pytest
from example_plugin.models import ExampleNote
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from core.extensions import db
from core.models import Office, Role
from core.modules import set_module


@pytest.fixture
def published(app, offices, make_user):
    """Example module on for A; public and non-public staff; a note carrying a phone."""
    with app.app_context():
        set_module("example", db.session.get(Office, offices["A"]), True)
        db.session.add(ExampleNote(office_id=offices["A"], title="公开笔记", phone="13812345678"))
        db.session.commit()
    make_user(
        "clerk",
        Role.STAFF,
        offices["A"],
        display_name="王窗口",
        post="窗口",
        staff_number="A-01",
        contact_phone="0471-5550101",
    )
    make_user("hidden", Role.STAFF, offices["A"], display_name="不公开", in_public_directory=False)
    make_user("gone", Role.STAFF, offices["A"], display_name="已离职", active=False)
    return offices


def test_offices(client, published):
    data = client.get("/api/v1/offices").get_json()
    by_code = {o["code"]: o for o in data}
    assert set(by_code) == {"T", "A", "B"}
    assert by_code["A"]["parent_code"] == "T" and by_code["A"]["kind"] == "government"
    assert by_code["A"]["modules"] == ["example"] and by_code["B"]["modules"] == []
    one = client.get("/api/v1/offices/A")
    assert one.status_code == 200 and one.get_json()["name"] == "甲单位"


def test_unknown_office_is_a_json_404(client, published):
    response = client.get("/api/v1/offices/NOPE")
    assert response.status_code == 404
    body = response.get_json()
    assert (body["title"], body["status"]) == ("Not Found", 404) and body["detail"]
    assert response.mimetype == "application/problem+json"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nope",
        "/api/v1/offices/A/nope",
        "/api/nope",
        "/api/v1/offices/%00",
        "/api/v1/offices?x=%00",
    ],
)
def test_every_api_error_is_json_problem_details(client, published, url):
    """Issue 14 (7): unknown API paths and bad input answered with JSON, never the HTML page."""
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == response.status_code
    assert response.headers["Cache-Control"] == "no-store"


def test_api_405_is_json_and_says_allow(client, published):
    response = client.post("/api/v1/offices")
    assert response.status_code == 405 and response.get_json()["status"] == 405
    assert "GET" in response.headers["Allow"]


def test_staff_directory_has_only_public_fields(client, published):
    staff = client.get("/api/v1/offices/A/staff").get_json()
    assert staff == [
        {"name": "王窗口", "post": "窗口", "staff_number": "A-01", "contact_phone": "0471-5550101"}
    ]
    raw = client.get("/api/v1/offices/A/staff").get_data(as_text=True)
    for hidden in ("clerk", "password", "role", "不公开", "已离职"):
        assert hidden not in raw


def test_plugin_endpoint_leaves_personal_data_out(client, published):
    response = client.get("/api/v1/example/A/notes")
    assert response.get_json() == [{"title": "公开笔记"}]
    assert "13812345678" not in response.get_data(as_text=True)


def test_api_is_public_read_only_and_cacheable(client, published):
    response = client.get("/api/v1/offices")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in response.headers["Cache-Control"]
    assert client.post("/api/v1/offices").status_code == 405
    assert client.get("/api/v1/offices", headers={"Cookie": ""}).status_code == 200  # no login


def test_openapi_document_is_valid_openapi_3_1(client, published):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    validate(doc, cls=OpenAPIV31SpecValidator)  # raises on any violation


def test_openapi_lists_every_api_route_including_plugins(app, client, published):
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = set(doc["paths"])
    routed = {
        rule.rule.replace("<", "{").replace(">", "}").replace("int:", "")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document"
    }
    assert routed == documented, "every API route must come from PublicApi.route"
    assert "/api/v1/example/{office_code}/notes" in documented
    assert {
        "/api/v1/offices",
        "/api/v1/offices/{code}",
        "/api/v1/offices/{code}/staff",
    } <= documented
    operation_ids = [op["operationId"] for path in doc["paths"].values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids))
    assert {t["name"] for t in doc["tags"]} >= {"core", "example"}


@pytest.mark.parametrize(
    "path",
    ["/api/v1/offices", "/api/v1/offices/A", "/api/v1/offices/A/staff", "/api/v1/example/A/notes"],
)
def test_responses_match_their_documented_schema(client, published, path):
    doc = client.get("/api/v1/openapi.json").get_json()
    template = next(
        p for p in doc["paths"] if p.replace("{code}", "A").replace("{office_code}", "A") == path
    )
    schema = doc["paths"][template]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    resolver_root = {**schema, "components": doc["components"]}
    Draft202012Validator(resolver_root).validate(client.get(path).get_json())


def test_plugin_api_404_when_module_is_off(client, published):
    assert client.get("/api/v1/example/B/notes").status_code == 404
    assert client.get("/api/v1/example/NOPE/notes").get_json()["status"] == 404
