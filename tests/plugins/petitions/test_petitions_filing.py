"""A petition's file goes to the office's archive through the ``file_record`` hook when the
matter ends: one restricted archive file per petition (a retry or a second closing keeps its
number), nothing filed before the end or for a merged repeat, nothing filed and nothing broken
where the archive is off or not installed, and the plugin never imports the archive module."""

import ast
import sys
import types
from pathlib import Path

import pytest
from flask import url_for
from petitions_helpers import (
    accepted,
    at,
    register,
    replied_and_delivered,
)
from sqlalchemy import func, select
from support import make_test_app, post, text_of

from core import hookimpl
from core.cases import close_case
from core.extensions import db
from core.models import Office, OfficeKind
from core.modules import set_module
from core.plugins import get_registry
from plugins.archives.models import ArchiveFile, Retention, Security
from plugins.petitions import filing, services
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import Petition, Stage


def _archives(office_id: int, on: bool) -> None:
    set_module("archives", db.session.get(Office, office_id), on)
    db.session.commit()


def _filed() -> list[ArchiveFile]:
    return list(
        db.session.scalars(
            select(ArchiveFile)
            .where(ArchiveFile.source_type == filing.SOURCE_TYPE)
            .order_by(ArchiveFile.id)
        )
    )


def _not_accepted(office_id: int, **fields) -> Petition:
    petition = register(office_id, received_at=at(2025, 3, 3), **fields)
    services.decide_acceptance(
        petition,
        accepted=False,
        decided_at=at(2025, 3, 5),
        note="属于司法程序处理的事项",
        actor_id=None,
    )
    return petition


def test_closing_a_petition_files_one_restricted_archive_file(app, petitions_on):
    with app.app_context():
        _archives(petitions_on["A"], True)
        petition = _not_accepted(petitions_on["A"])
        db.session.commit()
        [file] = _filed()
        assert file.office_id == petitions_on["A"] and file.source_id == str(petition.id)
        assert file.title == f"信访事项 {petition.receipt_no}：王家村修路占用我家承包地未给补偿"
        assert (file.year, file.security, file.retention) == (
            2025,
            Security.RESTRICTED,
            Retention.YEARS_30,
        )
        assert file.source_url == f"/admin/petitions_petitions/details/?id={petition.id}"
        assert file.series.title == "信访"
        assert not file.open_to_residents
        # A retry offers the same record: the same number, nothing new.
        assert filing.file_petition(petition, at(2025, 3, 5)) == file.catalogue_no
        db.session.commit()
        assert len(_filed()) == 1


def test_the_link_is_the_staff_detail_screen(app, petitions_on):
    with app.test_request_context():
        assert filing.DETAIL_URL.format(id=7) == url_for("petitions_petitions.details_view", id=7)


def test_nothing_is_filed_before_the_matter_ends_then_the_rereview_files_it(app, petitions_on):
    with app.app_context():
        _archives(petitions_on["A"], True)
        petition = replied_and_delivered(petitions_on["A"], delivered=at(2025, 4, 1))
        services.request_review(petition, requested_at=at(2025, 4, 10), actor_id=None)
        notice = services.decide_review(
            petition, opinion="维持原处理意见", decided_at=at(2025, 4, 30), actor_id=None
        )
        services.record_delivery(notice, method="post", delivered_at=at(2025, 5, 8), actor_id=None)
        services.request_rereview(petition, requested_at=at(2025, 6, 3), actor_id=None)
        db.session.commit()
        # The reply and the review closed core cases, but the petition goes on.
        assert _filed() == []
        services.decide_rereview(
            petition, opinion="维持复查意见", decided_at=at(2025, 7, 1), actor_id=None
        )
        db.session.commit()
        assert petition.stage == Stage.TERMINATED
        assert [f.source_id for f in _filed()] == [str(petition.id)]


def test_a_rereview_closed_from_the_case_screen_files_it(app, petitions_on):
    with app.app_context():
        _archives(petitions_on["A"], True)
        petition = replied_and_delivered(petitions_on["A"], delivered=at(2025, 4, 1))
        services.request_review(petition, requested_at=at(2025, 4, 10), actor_id=None)
        notice = services.decide_review(
            petition, opinion="维持", decided_at=at(2025, 4, 30), actor_id=None
        )
        services.record_delivery(notice, method="post", delivered_at=at(2025, 5, 8), actor_id=None)
        services.request_rereview(petition, requested_at=at(2025, 6, 3), actor_id=None)
        db.session.commit()
        close_case(petition.rereview_case, outcome="维持复查意见", actor_id=None)
        db.session.commit()
        assert petition.stage == Stage.TERMINATED
        assert [f.source_id for f in _filed()] == [str(petition.id)]


def test_a_reopened_petition_closed_again_keeps_its_number(app, petitions_on):
    with app.app_context():
        _archives(petitions_on["A"], True)
        petition = replied_and_delivered(petitions_on["A"], delivered=at(2025, 4, 1))
        assert services.close_lapsed_windows(office_ids={petitions_on["A"]}) == 1
        db.session.commit()
        [first] = _filed()
        # A review asked in time but recorded after the window was closed reopens it.
        services.request_review(petition, requested_at=at(2025, 4, 20), actor_id=None)
        notice = services.decide_review(
            petition, opinion="维持", decided_at=at(2025, 5, 10), actor_id=None
        )
        services.record_delivery(notice, method="post", delivered_at=at(2025, 5, 12), actor_id=None)
        assert services.close_lapsed_windows(office_ids={petitions_on["A"]}) == 1
        db.session.commit()
        assert petition.stage == Stage.CLOSED
        assert [f.catalogue_no for f in _filed()] == [first.catalogue_no]


def test_a_merged_repeat_is_not_filed_on_its_own(app, petitions_on):
    with app.app_context():
        _archives(petitions_on["A"], True)
        original = accepted(petitions_on["A"])
        repeat = register(petitions_on["A"], subject="王家村修路补偿", repeat_of_id=original.id)
        db.session.commit()
        assert repeat.stage == Stage.MERGED
        assert _filed() == []
        assert filing.file_petition(repeat, at(2025, 3, 3)) is None


def test_phones_and_id_numbers_in_the_subject_are_starred_in_the_title(app, petitions_on):
    with app.app_context():
        _archives(petitions_on["A"], True)
        _not_accepted(petitions_on["A"], subject="王大山（13812345678）反映修路占地补偿")
        db.session.commit()
        [file] = _filed()
        assert "13812345678" not in file.title and "王大山" in file.title


def test_archive_off_for_the_office_files_nothing_and_closes(app, petitions_on):
    with app.app_context():
        _archives(petitions_on["A"], True)
        _archives(petitions_on["B"], False)
        petition = _not_accepted(petitions_on["B"])
        db.session.commit()
        assert petition.stage == Stage.NOT_ACCEPTED and petition.closed_at is not None
        assert filing.file_petition(petition, at(2025, 3, 5)) is None
        assert db.session.scalar(select(func.count()).select_from(ArchiveFile)) == 0


@pytest.fixture
def app_without_archives(tmp_path):
    """A second app whose only plugin besides the example is petitions (the archive module is
    not installed), on its own SQLite database, with office A and the module on there."""
    application = make_test_app(tmp_path, None, TOWNSHIP_PLUGINS="petitions")
    with application.app_context():
        db.create_all()
        office = Office(code="A", name="西河村", kind=OfficeKind.VILLAGE)
        db.session.add(office)
        db.session.flush()
        set_module("petitions", office, True)
        db.session.commit()
        office_id = office.id
    yield application, office_id
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_archive_not_installed_closing_still_works(app_without_archives):
    application, office_id = app_without_archives
    assert "archives" not in get_registry(application).manifests
    with application.app_context():
        petition = _not_accepted(office_id)
        db.session.commit()
        assert petition.stage == Stage.NOT_ACCEPTED and petition.closed_at is not None
        assert filing.file_petition(petition, at(2025, 3, 5)) is None
        petition = replied_and_delivered(office_id, delivered=at(2025, 4, 1))
        assert services.close_lapsed_windows(office_ids={office_id}) == 1
        db.session.commit()
        assert petition.stage == Stage.CLOSED


def test_an_archive_refusing_the_record_refuses_the_closing_step(app, petitions_on):
    refusing = types.ModuleType("refusing_archive")

    @hookimpl
    def file_record(record):
        raise ValueError("题名不能超过 200 个字。")

    refusing.file_record = file_record
    registry = get_registry(app)
    registry.pm.register(refusing, name="refusing_archive")
    try:
        with app.app_context():
            petition = register(petitions_on["A"], received_at=at(2025, 3, 3))
            db.session.commit()
            petition_id = petition.id
            with pytest.raises(PetitionError, match="信访事项未能归档：题名不能超过"):
                services.decide_acceptance(
                    petition,
                    accepted=False,
                    decided_at=at(2025, 3, 5),
                    note="不属于信访事项",
                    actor_id=None,
                )
            db.session.rollback()
            assert db.session.get(Petition, petition_id).stage == Stage.REGISTRATION
    finally:
        registry.pm.unregister(name="refusing_archive")


def test_closing_from_the_detail_screen_files_it_and_the_file_links_back(
    app, client, petitions_on, users, login_as
):
    with app.app_context():
        _archives(petitions_on["A"], True)
        petition = register(
            petitions_on["A"], received_at=at(2025, 3, 3), actor_id=users["staff_a"]
        )
        db.session.commit()
        pid, version = petition.id, petition.version
    login_as("staff_a")
    post(
        client,
        "/admin/petitions_petitions/act/decide/",
        {
            "id": pid,
            "version": version,
            "accepted": "no",
            "decided_at": "2025-03-05",
            "note": "属于司法程序处理的事项",
        },
    )
    with app.app_context():
        assert db.session.get(Petition, pid).stage == Stage.NOT_ACCEPTED
        [file] = _filed()
        file_id, url = file.id, file.source_url
    page = client.get(f"/admin/archives-desk/file/{file_id}")
    assert page.status_code == 200 and "限制" in text_of(page)
    assert f'href="{url}"'.replace("&", "&amp;") in page.get_data(as_text=True)
    assert client.get(url).status_code == 200


def test_the_plugin_never_imports_the_archive_module():
    folder = Path(sys.modules["plugins.petitions"].__file__).parent
    imported = set()
    for source in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    assert "plugins.petitions.filing" in imported  # the walk sees the plugin's own imports
    assert not {name for name in imported if name.split(".")[:2] == ["plugins", "archives"]}
