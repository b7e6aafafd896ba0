"""The publication gate: field classes, published views, the lock on residents' templates and
API models, the masker's use of known and official names, withdrawal and review decisions."""

import pytest
from example_plugin import CHANGED
from example_plugin.models import ExampleNote
from flask import render_template_string
from pydantic import BaseModel
from sqlalchemy import select
from support import post, text_of

from core.extensions import db
from core.modules import set_module
from core.publication import (
    PublicationError,
    mask_html,
    mask_text,
    publish,
    withdraw,
    withdrawn_ids,
)
from core.publication.names import PrivateName, rebuild
from core.publication.review import decisions_from, highlighted, suspects_in
from core.publication.schema import PersonName, Text, unclassified_fields
from core.publication.withdrawal import WithdrawalError


@pytest.fixture
def note(app, offices, users):
    """An example note at office A, with the module on there."""
    with app.app_context():
        from core.models import Office

        set_module("example", db.session.get(Office, offices["A"]), True)
        row = ExampleNote(
            office_id=offices["A"],
            title="通知：联系 13912345678",
            author="郗沐阳",
            phone="13800001111",
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def test_hook_publication_fields(app, note):
    with app.app_context():
        view = publish(db.session.get(ExampleNote, note))
        assert view.title == "通知：联系 139****5678"
        assert view.author == "郗某"
        with pytest.raises(PublicationError, match="withheld"):
            _ = view.phone
        with pytest.raises(PublicationError, match="no privacy class"):
            _ = view.office_id  # declared nowhere: refused, not silently empty


def test_hook_private_person_fields(app, note, offices):
    """A name saved into a person column is masked in every office's published text."""
    with app.app_context():
        assert db.session.scalar(select(PrivateName).where(PrivateName.name == "郗沐阳"))
        assert mask_text("乙村村民郗沐阳反映道路问题") == "乙村村民郗某反映道路问题"
        db.session.execute(PrivateName.__table__.delete())
        db.session.commit()
        assert rebuild() == 1  # the command after an upgrade finds it again in the records


def test_hook_published_record_changed(app, note, users):
    with app.app_context():
        from core.models import User

        row = db.session.get(ExampleNote, note)
        withdraw(row, reason="误发", actor=db.session.get(User, users["leader"]))
        db.session.commit()
        assert note in CHANGED


def test_officials_stand_and_allowed_names_stand(app, users, make_user, offices):
    with app.app_context():
        make_user("liming", office_id=offices["A"], display_name="李明")
        text = "镇长李明主持会议，王建国发言。"
        assert "李明" in mask_text(text) and "王某" in mask_text(text)
        assert "王建国" in mask_text(text, allowed={"王建国"})
        assert suspects_in(text) == ["李明", "王建国"]


def test_masked_stars_survive_markdown_and_html(app):
    from markdown_it import MarkdownIt

    with app.app_context():
        md = mask_text("请联系 13912345678 或 13812345678", markdown=True)
        html = MarkdownIt().render(md)
        assert "139****5678" in html and "138****5678" in html and "<em>" not in html
        assert (
            mask_html('<p>电话 <a href="tel:13912345678">13912345678</a></p>')
            == '<p>电话 <a href="tel:139****5678">139****5678</a></p>'
        )


def test_residents_templates_refuse_raw_rows(app, note):
    with app.test_request_context("/o/A/example/"):
        row = db.session.get(ExampleNote, note)
        with pytest.raises(PublicationError, match="model row"):
            render_template_string("{{ n.title }}", n=row)
    with app.test_request_context("/admin/"):  # staff screens are not residents' pages
        assert render_template_string("{{ n.title }}", n=db.session.get(ExampleNote, note))


def test_api_models_need_a_class_on_every_string():
    class Bad(BaseModel):
        title: str
        tags: list[str]

    class Good(BaseModel):
        title: Text
        who: PersonName | None
        count: int

    assert unclassified_fields(Bad) == ["Bad.title", "Bad.tags[]"]
    assert unclassified_fields(list[Good]) == []
    raw = Good(title="电话 13912345678", who="张三丰", count=1)
    assert (raw.title, raw.who) == ("电话 139****5678", "张某")


def test_withdrawal_screen_leader_only(app, client, note, login_as):
    url = f"/admin/publication/withdraw/example_note/{note}?next=/admin/"
    login_as("staff_a")
    page = client.get(url)
    assert "只有本单位领导或全镇管理员" in text_of(page)
    post(client, url, {"reason": "想撤"})
    with app.app_context():
        assert not withdrawn_ids(ExampleNote, [note])
    post(client, "/logout")
    login_as("leader")
    refused = post(client, url, {"reason": ""}, follow_redirects=True)
    assert "请填写撤回原因" in text_of(refused)
    done = post(client, url, {"reason": "含有不应公开的信息"})
    assert done.status_code == 302
    public = text_of(client.get("/o/A/example/"))
    assert "已撤回" in public and "通知" not in public
    assert client.get("/api/v1/example/A/notes").get_json() == []
    again = post(client, url, {"reason": "再撤一次"}, follow_redirects=True)
    assert "已于" in text_of(again)
    with app.app_context():
        row = db.session.get(ExampleNote, note)
        from core.models import User

        with pytest.raises(WithdrawalError):
            withdraw(row, reason="x", actor=db.session.get(User, 1))


def test_withdrawal_of_another_office_is_not_found(client, note, make_user, offices):
    from support import login

    from core.models import Role

    make_user("leader_b", Role.LEADER, offices["B"])
    login(client, "leader_b")
    assert client.get(f"/admin/publication/withdraw/example_note/{note}").status_code == 404
    assert client.get("/admin/publication/withdraw/example_note/99999999999").status_code == 404


def test_review_panel_decisions(app):
    with app.app_context():
        text = "村民王建国和赵铁柱提出意见。"
        suspects = suspects_in(text)
        assert suspects
        form = {}
        for i, name in enumerate(suspects):
            form[f"review_name_{i}"] = name
            form[f"review_{i}"] = "allow" if i == 0 else "mask"
        allowed, undecided = decisions_from(form, suspects)
        assert allowed == {suspects[0]} and undecided == []
        assert decisions_from({}, suspects) == (set(), suspects)
        pieces = highlighted(text, allowed)
        assert any(p["kind"] == "official" for p in pieces)
