"""Issue 15 (2): two people open the same record's edit form; the first save wins, the second
— made from the old form — is refused with the core's one message and changes nothing. Every
admin view over a versioned model is found from the admin itself, so a new plugin's versioned
screen is covered without editing this test."""

import pytest
from edit_forms import STALE, form_values, versioned_views
from support import csrf_token, post

from core.cli.demo import DEMO_PASSWORD, load_demo
from core.extensions import db


def _login(client, username):
    response = post(client, "/login", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def _form_values(page_html: str) -> tuple[dict, str | None]:
    """The edit form's values and the first text field a clerk could change (or None)."""
    values, editable = form_values(page_html)
    return values, (editable[0] if editable else None)


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo()
        db.session.commit()
    return app


def _first_save(first, url, values) -> bool:
    return first.post(url, data={**values, "csrf_token": csrf_token(first)}).status_code in (
        302,
        303,
    )


def test_a_stale_edit_of_every_versioned_record_is_refused(demo):
    first, second = demo.test_client(), demo.test_client()
    _login(first, "admin")
    _login(second, "admin")
    checked, unchecked = [], []
    for view in versioned_views(demo):
        with demo.app_context():
            ids = db.session.scalars(
                db.select(view.model.id).order_by(view.model.id).limit(5)
            ).all()
        for row_id in ids:  # a record whose first edit is refused on its merits is skipped
            url = f"{view.url}/edit/?id={row_id}"
            page_a, page_b = first.get(url), second.get(url)
            if page_a.status_code != 200:
                continue
            values_a, editable = _form_values(page_a.get_data(as_text=True))
            values_b, _ = _form_values(page_b.get_data(as_text=True))
            assert values_a, f"{view.endpoint}: the edit form carries no version"
            if editable is None:
                break
            values_a[editable] = (values_a.get(editable) or "") + "（甲改）"
            values_b[editable] = (values_b.get(editable) or "") + "（乙改）"
            if not _first_save(first, url, values_a):
                continue
            with demo.app_context():
                after_first = db.session.get(view.model, row_id).version
            refused = second.post(
                url, data={**values_b, "csrf_token": csrf_token(second)}, follow_redirects=True
            )
            assert STALE in refused.get_data(as_text=True), f"{view.endpoint}: stale save accepted"
            missing = {k: v for k, v in values_b.items() if k != "version"}
            no_version = second.post(
                url, data={**missing, "csrf_token": csrf_token(second)}, follow_redirects=True
            )
            assert STALE in no_version.get_data(as_text=True), (
                f"{view.endpoint}: saved without version"
            )
            with demo.app_context():
                assert db.session.get(view.model, row_id).version == after_first
            checked.append(view.endpoint)
            break
        else:
            unchecked.append(view.endpoint)
    print(
        f"\nversioned edit forms: {len(checked)} checked ({', '.join(checked)}); "
        f"no editable demo record: {', '.join(unchecked) or 'none'}"
    )
    assert len(checked) >= 5
