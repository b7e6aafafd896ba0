"""Published minutes are filed in the office's archive through the ``file_record`` hook: one
archive file per hearing (a correction keeps its number), nothing filed and nothing broken
where the archive is off or not installed, and the plugin never imports the archive module."""

import ast
import sys
import types
from pathlib import Path

import pytest
from hearings_helpers import (
    hold,
    mask_every_suspect,
    new_hearing,
    versioned,
)
from sqlalchemy import func, select
from support import make_test_app, post, text_of

from core import hookimpl
from core.extensions import db
from core.models import Office, OfficeKind
from core.modules import set_module
from core.plugins import get_registry
from plugins.archives.models import ArchiveEvent, ArchiveFile, EventKind, Retention, Security
from plugins.hearings import filing, services
from plugins.hearings.errors import HearingError
from plugins.hearings.models import MinutesVersion

MINUTES = "# 村道硬化听证会纪要\n\n人大代表王建国建议公开招标，镇政府采纳。\n"


def _archives(office_id: int, on: bool) -> None:
    set_module("archives", db.session.get(Office, office_id), on)
    db.session.commit()


def _held_with_draft(office_id: int, title: str = "西河村村道硬化听证会"):
    hearing = hold(new_hearing(office_id, title=title))
    services.save_minutes_draft(hearing, MINUTES)
    db.session.commit()
    return hearing


def _filed() -> list[ArchiveFile]:
    return list(
        db.session.scalars(
            select(ArchiveFile)
            .where(ArchiveFile.source_type == filing.SOURCE_TYPE)
            .order_by(ArchiveFile.id)
        )
    )


def test_publishing_minutes_files_one_public_archive_file(app, hearings_on):
    with app.app_context():
        _archives(hearings_on["A"], True)
        hearing = _held_with_draft(hearings_on["A"])
        result = services.publish_minutes(hearing)
        db.session.commit()
        [file] = _filed()
        assert result["catalogue_no"] == file.catalogue_no
        assert file.office_id == hearings_on["A"] and file.source_id == str(hearing.id)
        assert file.title == "西河村村道硬化听证会（会议纪要）"
        assert file.year == filing.minutes_year(hearing)
        assert (file.security, file.retention) == (Security.PUBLIC, Retention.PERMANENT)
        assert file.source_url == f"/o/A/hearings/{hearing.id}"
        assert file.series.title == "群众听证质询"
        assert (
            db.session.scalar(select(ArchiveEvent.kind).where(ArchiveEvent.file_id == file.id))
            == EventKind.FILED
        )
        # A retry (the same record offered again) gives the same number and files nothing.
        assert filing.file_minutes(hearing) == file.catalogue_no
        db.session.commit()
        assert len(_filed()) == 1


def test_a_correction_keeps_the_archive_file_and_its_number(app, hearings_on):
    with app.app_context():
        _archives(hearings_on["A"], True)
        hearing = _held_with_draft(hearings_on["A"])
        first = services.publish_minutes(hearing)["catalogue_no"]
        db.session.commit()
        services.save_minutes_draft(hearing, MINUTES + "\n补充：工期为 60 天。\n")
        second = services.publish_minutes(hearing, correction_note="补充工期")["catalogue_no"]
        db.session.commit()
        assert second == first
        assert db.session.scalar(select(func.count()).select_from(MinutesVersion)) == 2
        [file] = _filed()
        assert file.catalogue_no == first
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(ArchiveEvent)
                .where(ArchiveEvent.file_id == file.id)
            )
            == 1
        )


def test_each_hearing_gets_its_own_file_in_the_activity_series(app, hearings_on):
    with app.app_context():
        _archives(hearings_on["A"], True)
        numbers = []
        for title in ("村道硬化听证会", "土地流转质询会"):
            hearing = _held_with_draft(hearings_on["A"], title=title)
            numbers.append(services.publish_minutes(hearing)["catalogue_no"])
            db.session.commit()
        files = _filed()
        assert [f.catalogue_no for f in files] == numbers and numbers[0] != numbers[1]
        assert len({f.series_id for f in files}) == 1


def test_archive_off_for_the_office_files_nothing_and_publishes(app, client, hearings_on):
    with app.app_context():
        _archives(hearings_on["A"], False)
        hearing = _held_with_draft(hearings_on["A"])
        result = services.publish_minutes(hearing)
        db.session.commit()
        hearing_id = hearing.id
        assert result["catalogue_no"] is None
        assert _filed() == []
        assert db.session.scalar(select(func.count()).select_from(ArchiveFile)) == 0
    assert "公开招标" in text_of(client.get(f"/o/A/hearings/{hearing_id}"))


def test_minutes_published_before_the_archive_was_on_are_filed_by_the_correction(app, hearings_on):
    with app.app_context():
        hearing = _held_with_draft(hearings_on["A"])
        assert services.publish_minutes(hearing)["catalogue_no"] is None
        db.session.commit()
        _archives(hearings_on["A"], True)
        services.save_minutes_draft(hearing, MINUTES + "\n更正：会议地点为村委会。\n")
        number = services.publish_minutes(hearing, correction_note="更正地点")["catalogue_no"]
        db.session.commit()
        assert [f.catalogue_no for f in _filed()] == [number]


@pytest.fixture
def app_without_archives(tmp_path):
    """A second app whose only plugin besides the example is hearings (the archive module is
    not installed), on its own SQLite database, with office A and the module on there."""
    application = make_test_app(tmp_path, None, TOWNSHIP_PLUGINS="hearings")
    with application.app_context():
        db.create_all()
        office = Office(code="A", name="西河村", kind=OfficeKind.VILLAGE)
        db.session.add(office)
        db.session.flush()
        set_module("hearings", office, True)
        db.session.commit()
        office_id = office.id
    yield application, office_id
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_archive_not_installed_publishing_still_works(app_without_archives):
    application, office_id = app_without_archives
    assert "archives" not in get_registry(application).manifests
    with application.app_context():
        hearing = _held_with_draft(office_id)
        result = services.publish_minutes(hearing)
        db.session.commit()
        assert result["catalogue_no"] is None
        assert hearing.latest_minutes.number == 1
        hearing_id = hearing.id
    page = application.test_client().get(f"/o/A/hearings/{hearing_id}")
    assert "公开招标" in text_of(page)


def test_an_archive_refusing_the_record_refuses_the_publication(app, hearings_on):
    refusing = types.ModuleType("refusing_archive")

    @hookimpl
    def file_record(record):
        raise ValueError("密级只能是 public（公开）、internal（内部）或 restricted（限制）。")

    refusing.file_record = file_record
    registry = get_registry(app)
    registry.pm.register(refusing, name="refusing_archive")
    try:
        with app.app_context():
            hearing = _held_with_draft(hearings_on["A"])
            with pytest.raises(HearingError, match="纪要未能归档：密级只能是"):
                services.publish_minutes(hearing)
            db.session.rollback()
            assert db.session.scalar(select(func.count()).select_from(MinutesVersion)) == 0
    finally:
        registry.pm.unregister(name="refusing_archive")


def test_publishing_from_the_editor_files_the_minutes_and_the_file_links_back(
    app, client, hearings_on, login_as
):
    with app.app_context():
        _archives(hearings_on["A"], True)
        hearing = _held_with_draft(hearings_on["A"])
        hearing_id = hearing.id
    login_as("staff_a")
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/minutes",
        versioned(
            app,
            hearing_id,
            {"text": MINUTES, "publish": "1", **mask_every_suspect(app, hearing_id, MINUTES)},
        ),
        follow_redirects=True,
    )
    assert "纪要已发布" in text_of(response)
    with app.app_context():
        [file] = _filed()
        file_id = file.id
    page = client.get(f"/admin/archives-desk/file/{file_id}")
    assert page.status_code == 200
    assert f'href="/o/A/hearings/{hearing_id}"' in page.get_data(as_text=True)


def test_the_plugin_never_imports_the_archive_module():
    folder = Path(sys.modules["plugins.hearings"].__file__).parent
    imported = set()
    for source in folder.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    assert "plugins.hearings.filing" in imported  # the walk sees the plugin's own imports
    assert not {name for name in imported if name.split(".")[:2] == ["plugins", "archives"]}
