"""The plugin contract: every hook documented and tested (Datasette's rule), each hook proven
end to end through the example plugin in tests/plugins/example_plugin."""

import inspect
import re
import types
from pathlib import Path

import pytest
from example_plugin.models import ExampleNote
from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect
from support import login, text_of

from core import Manifest, hookimpl, hookspecs
from core.extensions import db
from core.models import Office
from core.modules import set_module
from core.plugins import get_registry

TESTS = Path(__file__).resolve().parent


def hook_names() -> list[str]:
    """Every hook declared in core/hookspecs.py."""
    return sorted(
        name
        for name, obj in vars(hookspecs).items()
        if inspect.isfunction(obj) and hasattr(obj, "township_spec")
    )


def test_hookspecs_are_found():
    assert {"register_models", "register_admin_views", "register_api"} <= set(hook_names())


@pytest.mark.parametrize("name", hook_names())
def test_every_hookspec_has_a_docstring(name):
    doc = inspect.getdoc(getattr(hookspecs, name))
    assert doc and len(doc) > 20, (
        f"hook {name} needs a docstring: when it is called, what it returns"
    )


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_has_a_test(name):
    pattern = re.compile(rf"^\s*def test_hook_{name}\b", re.MULTILINE)
    found = [p for p in TESTS.rglob("test_*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert found, f"hook {name} has no test_hook_{name} test anywhere in tests/"


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture
def example_on(app, offices):
    """The example module on for office A only, with one note in A and one in B."""
    with app.app_context():
        set_module("example", db.session.get(Office, offices["A"]), True)
        db.session.add_all(
            [
                ExampleNote(office_id=offices["A"], title="甲的笔记", phone="13812345678"),
                ExampleNote(office_id=offices["B"], title="乙的笔记", phone="13987654321"),
            ]
        )
        db.session.commit()
    return offices


def one_off_plugin(name: str, **hooks) -> types.ModuleType:
    """A throwaway plugin module with a manifest and the given hook implementations."""
    module = types.ModuleType(f"one_off_{name}")
    module.manifest = Manifest(name=name, title=name, version="0")
    for hook_name, function in hooks.items():
        function.__name__ = hook_name
        setattr(module, hook_name, hookimpl(function))
    return module


# --- one test per hook ----------------------------------------------------------------------


def test_hook_register_models(app):
    with app.app_context():
        contributed = dict(get_registry().call_each("register_models"))
        assert ExampleNote in contributed["example"]
        assert "example_note" in sa_inspect(db.engine).get_table_names()


def test_hook_register_migrations(app, tmp_path):
    from core.schema import get_migrate, plugin_version_paths

    migrate = get_migrate()

    versions = tmp_path / "versions"
    versions.mkdir()
    registry = get_registry(app)
    registry.pm.register(
        one_off_plugin("oneoff", register_migrations=lambda: str(versions)), name="oneoff"
    )
    try:
        with app.app_context():
            assert plugin_version_paths()["oneoff"] == str(versions)
            locations = migrate.get_config().get_main_option("version_locations")
            assert str(versions) in locations.split(" ")
    finally:
        registry.pm.unregister(name="oneoff")


def test_hook_register_admin_views(app, client, users, example_on, login_as):
    admin = app.extensions["township_admin"]
    view = next(v for v in admin._views if getattr(v, "plugin_name", None) == "example")
    assert view.endpoint == "example_notes"  # prefixed with the plugin name by the core
    assert str(view.category) == "示例模块"  # the manifest title when the plugin gave none
    login_as("staff_a")
    listing = client.get("/admin/example_notes/")
    assert listing.status_code == 200 and "甲的笔记" in text_of(listing)
    assert "/admin/example_notes/" in client.get("/admin/").get_data(as_text=True)


def test_hook_dashboard_widgets(app, client, users, example_on, login_as):
    login_as("staff_a")
    page = text_of(client.get("/admin/"))
    assert "示例笔记" in page  # the widget's title
    assert re.search(r"示例笔记\s+1\b", page)  # counts A's note only, not B's
    other = app.test_client()
    login(other, "staff_b")
    assert "示例笔记" not in text_of(other.get("/admin/"))  # module off for B


def test_hook_register_public_blueprint(app, client, example_on):
    page = client.get("/o/A/example/")
    assert page.status_code == 200
    assert "甲单位" in text_of(page) and "甲的笔记" in text_of(page)  # g.office resolved
    assert "乙的笔记" not in text_of(page)
    assert client.get("/o/B/example/").status_code == 404  # module off for B
    assert client.get("/o/NOPE/example/").status_code == 404


def test_hook_public_home_sections(app, client, example_on):
    home = client.get("/")
    html = home.get_data(as_text=True)
    assert "示例" in text_of(home)
    assert "/o/A/example/" in html and "/o/B/example/" not in html


def test_hook_register_api(app, client, example_on):
    response = client.get("/api/v1/example/A/notes")
    assert response.status_code == 200
    assert response.get_json() == [{"title": "甲的笔记"}]
    assert client.get("/api/v1/example/B/notes").status_code == 404  # module off for B
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    operation = paths["/api/v1/example/{office_code}/notes"]["get"]
    assert operation["tags"] == ["example"]


def test_hook_load_demo_data(app, runner):
    for _ in range(2):
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        government = db.session.scalar(select(Office).where(Office.code == "SFZ-ZF"))
        notes = db.session.scalar(
            select(func.count())
            .select_from(ExampleNote)
            .where(ExampleNote.office_id == government.id)
        )
        assert notes == 1  # created once, not again on the second run


# --- hooks that misbehave ------------------------------------------------------------------


def test_a_hook_that_raises_is_reported_and_the_page_still_renders(app, client, example_on):
    def broken_sections(offices):
        raise RuntimeError("section exploded")

    registry = get_registry(app)
    registry.pm.register(
        one_off_plugin("flaky", public_home_sections=broken_sections), name="flaky"
    )
    registry.manifests["flaky"] = Manifest(name="flaky", title="flaky", version="0")
    try:
        with app.app_context():
            set_module("flaky", db.session.get(Office, example_on["A"]), True)
            db.session.commit()
        home = client.get("/")
        assert home.status_code == 200 and "/o/A/example/" in home.get_data(as_text=True)
        assert "section exploded" in registry.failures["flaky"]
    finally:
        registry.pm.unregister(name="flaky")
        registry.manifests.pop("flaky", None)
        registry.failures.pop("flaky", None)
