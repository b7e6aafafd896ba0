"""Staff badge (佩证上岗): photo upload checks, the printable badge, and who may see it."""

import io
from pathlib import Path

import pytest
from PIL import Image
from support import post, staff_form, text_of

from core.admin.badge import BadgePhotoError, process_badge_photo
from core.extensions import db
from core.models import User


def image_bytes(fmt="PNG", size=(300, 400), colour="red", **save_args) -> bytes:
    """A small real image in ``fmt``."""
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, fmt, **save_args)
    return buf.getvalue()


def noisy_png(size=(600, 800)) -> bytes:
    """A PNG that does not compress well, to exceed a small size limit with a real image."""
    import os

    raw = os.urandom(size[0] * size[1] * 3)
    buf = io.BytesIO()
    Image.frombytes("RGB", size, raw).save(buf, "PNG")
    return buf.getvalue()


def upload(client, app, user_id, content: bytes, filename: str, **changes):
    data = staff_form(app, user_id, **changes)
    data["photo"] = (io.BytesIO(content), filename)
    return post(client, f"/admin/staff/edit/?id={user_id}", data)


def stored_photo(app, user_id) -> Path | None:
    from core.storage import get_storage

    with app.app_context():
        user = db.session.get(User, user_id)
        return get_storage().path(user.photo_key) if user.photo_key else None


def snapshot(app, user_id) -> dict:
    with app.app_context():
        user = db.session.get(User, user_id)
        return {"photo_key": user.photo_key, "post": user.post, "display_name": user.display_name}


# --- the photo itself ------------------------------------------------------------------------


def test_photo_is_reencoded_as_jpeg_without_exif_and_upright(app, client, users, login_as):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    content = image_bytes("JPEG", size=(400, 300), exif=exif.tobytes())
    login_as("admin")
    response = upload(client, app, users["staff_a"], content, "portrait.jpg", post="综合窗口")
    assert response.status_code == 302
    path = stored_photo(app, users["staff_a"])
    assert path is not None and path.suffix == ".jpg"
    data = path.read_bytes()
    assert b"SecretCam" not in data and b"Exif" not in data
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (300, 400)  # turned upright before EXIF was dropped
        assert not stored.getexif()
    assert snapshot(app, users["staff_a"])["post"] == "综合窗口"


def test_large_photo_is_scaled_down(app_ctx):
    out = process_badge_photo(image_bytes("PNG", size=(1500, 2000)), 10 * 1024 * 1024)
    with Image.open(io.BytesIO(out)) as image:
        assert image.format == "JPEG" and image.size == (600, 800)


def test_transparent_png_and_webp_are_accepted(app_ctx):
    buf = io.BytesIO()
    Image.new("RGBA", (200, 260), (0, 0, 0, 0)).save(buf, "PNG")
    for content in (buf.getvalue(), image_bytes("WEBP")):
        with Image.open(io.BytesIO(process_badge_photo(content, 2 * 1024 * 1024))) as image:
            assert image.format == "JPEG" and image.mode == "RGB"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "请选择照片文件"),
        (b"<html><script>alert(1)</script></html>", "不是有效的图片"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "不是有效的图片"),  # a JPEG header and nothing else
        (image_bytes("GIF"), "只支持 JPEG、PNG 或 WebP"),
        (image_bytes("BMP"), "只支持 JPEG、PNG 或 WebP"),
        (image_bytes("PNG", size=(40, 50)), "照片尺寸不合适"),
        (image_bytes("PNG", size=(2000, 120)), "照片尺寸不合适"),
    ],
)
def test_bad_photos_get_a_clear_message(app_ctx, content, message):
    with pytest.raises(BadgePhotoError) as caught:
        process_badge_photo(content, 2 * 1024 * 1024)
    assert message in str(caught.value)


def test_size_limit_is_checked_before_decoding(app_ctx):
    with pytest.raises(BadgePhotoError) as caught:
        process_badge_photo(b"\x89PNG" + b"\x00" * 5000, 4096)
    assert "照片文件过大" in str(caught.value) and "4 KB" in str(caught.value)


# --- through the staff form: bad input changes nothing --------------------------------------


def _assert_refused(app, client, users, response, message, before):
    assert response.status_code == 200  # the form comes back with the error beside the field
    assert message in text_of(response)
    assert snapshot(app, users["staff_a"]) == before


def test_oversized_photo_is_refused_and_nothing_changes(app, client, users, login_as, monkeypatch):
    login_as("admin")
    upload(client, app, users["staff_a"], image_bytes(), "ok.png")
    before = snapshot(app, users["staff_a"])
    assert before["photo_key"]
    big = noisy_png()
    monkeypatch.setitem(app.config, "BADGE_PHOTO_MAX_BYTES", len(big) - 1)
    response = upload(client, app, users["staff_a"], big, "big.png", post="改了职务")
    _assert_refused(app, client, users, response, "照片文件过大", before)


def test_default_limit_refuses_a_file_over_two_megabytes(app, client, users, login_as):
    login_as("admin")
    before = snapshot(app, users["staff_a"])
    content = image_bytes("JPEG") + b"\x00" * (2 * 1024 * 1024)
    response = upload(client, app, users["staff_a"], content, "padded.jpg")
    _assert_refused(app, client, users, response, "不能超过 2.0 MB", before)


def test_non_image_is_refused_and_nothing_changes(app, client, users, login_as):
    login_as("admin")
    before = snapshot(app, users["staff_a"])
    response = upload(
        client,
        app,
        users["staff_a"],
        b"MZ\x90\x00 this is not a photo",
        "photo.jpg",
        display_name="改名",
    )
    _assert_refused(app, client, users, response, "不是有效的图片", before)


def test_image_with_wrong_extension_is_judged_by_content(app, client, users, login_as):
    login_as("admin")
    before = snapshot(app, users["staff_a"])
    # A GIF disguised as .jpg is refused: the name is never trusted.
    response = upload(client, app, users["staff_a"], image_bytes("GIF"), "photo.jpg")
    _assert_refused(app, client, users, response, "只支持 JPEG、PNG 或 WebP", before)
    # A real PNG named .gif is a valid photo; it is stored as a JPEG whatever its name said.
    response = upload(client, app, users["staff_a"], image_bytes("PNG"), "photo.gif")
    assert response.status_code == 302
    with Image.open(stored_photo(app, users["staff_a"])) as stored:
        assert stored.format == "JPEG"


def test_replacing_and_removing_a_photo_cleans_up_the_old_file(app, client, users, login_as):
    login_as("admin")
    upload(client, app, users["staff_a"], image_bytes(colour="red"), "a.png")
    first = stored_photo(app, users["staff_a"])
    upload(client, app, users["staff_a"], image_bytes(colour="blue"), "b.png")
    second = stored_photo(app, users["staff_a"])
    assert second is not None and second != first and not first.exists()
    response = post(
        client,
        f"/admin/staff/edit/?id={users['staff_a']}",
        staff_form(app, users["staff_a"], remove_photo="y"),
    )
    assert response.status_code == 302
    assert snapshot(app, users["staff_a"])["photo_key"] is None and not second.exists()


def test_saving_without_a_new_photo_keeps_the_old_one(app, client, users, login_as):
    login_as("admin")
    upload(client, app, users["staff_a"], image_bytes(), "a.png")
    key = snapshot(app, users["staff_a"])["photo_key"]
    response = post(
        client,
        f"/admin/staff/edit/?id={users['staff_a']}",
        staff_form(app, users["staff_a"], post="新职务"),
    )
    assert response.status_code == 302
    assert snapshot(app, users["staff_a"]) == {
        "photo_key": key,
        "post": "新职务",
        "display_name": "staff_a",
    }


def test_office_admin_cannot_upload_for_another_office(app, client, users, login_as):
    login_as("officeadmin")
    before = snapshot(app, users["staff_b"])
    response = upload(client, app, users["staff_b"], image_bytes(), "x.png")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(User, users["staff_b"]).photo_key == before["photo_key"]


# --- the printable badge ----------------------------------------------------------------


@pytest.fixture
def badged(app, users, offices):
    """staff_a with full badge details and a photo; staff_b hidden from the public directory."""
    from core.storage import get_storage

    with app.app_context():
        a = db.session.get(User, users["staff_a"])
        a.display_name, a.post, a.staff_number, a.contact_phone = (
            "李干事",
            "综合窗口",
            "A-0007",
            "0471-5550102",
        )
        a.photo_key = get_storage().save(
            process_badge_photo(image_bytes(), 2 * 1024 * 1024), ".jpg"
        )
        b = db.session.get(User, users["staff_b"])
        b.display_name, b.in_public_directory = "王村干", False
        db.session.commit()
    return users


def test_staff_prints_own_badge(app, client, badged, login_as):
    login_as("staff_a")
    page = client.get("/admin/badge/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    body = text_of(page)
    for expected in ("工作证", "李干事", "综合窗口", "A-0007", "0471-5550102", "甲单位"):
        assert expected in body
    assert f"/admin/badge/photo/{badged['staff_a']}" in html
    assert "@media print" in html and 'class="segno"' in html  # print layout and QR code
    assert f"/o/A/staff#staff-{badged['staff_a']}" in html
    photo = client.get(f"/admin/badge/photo/{badged['staff_a']}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"


def test_badge_of_someone_off_the_public_directory_has_no_qr(app, client, badged, login_as):
    login_as("staff_b")
    html = client.get("/admin/badge/").get_data(as_text=True)
    assert "王村干" in html and 'class="segno"' not in html


def test_badge_visibility_follows_roles_and_offices(app, client, badged, login_as):
    a, b = badged["staff_a"], badged["staff_b"]
    login_as("staff_a")
    assert client.get(f"/admin/badge/?id={b}").status_code == 404
    assert client.get(f"/admin/badge/?id={badged['leader']}").status_code == 404
    assert client.get(f"/admin/badge/photo/{a}").status_code == 200
    post(client, "/logout")
    login_as("officeadmin")
    assert client.get(f"/admin/badge/?id={a}").status_code == 200
    assert client.get(f"/admin/badge/?id={b}").status_code == 404
    assert client.get(f"/admin/badge/photo/{a}").status_code == 200
    post(client, "/logout")
    for role in ("admin", "auditor"):
        login_as(role)
        assert client.get(f"/admin/badge/?id={b}").status_code == 200
        assert client.get(f"/admin/badge/photo/{a}").status_code == 200
        post(client, "/logout")
    assert client.get(f"/admin/badge/?id={a}").status_code == 302  # not signed in
    assert client.get(f"/admin/badge/photo/{a}").status_code == 302


def test_staff_list_and_detail_link_to_the_badge(app, client, badged, login_as):
    login_as("admin")
    a = badged["staff_a"]
    assert f"/admin/badge/?id={a}" in client.get("/admin/staff/").get_data(as_text=True)
    details = client.get(f"/admin/staff/details/?id={a}")
    assert details.status_code == 200
    assert f"/admin/badge/?id={a}" in details.get_data(as_text=True)
    assert "查看并打印工作证" in text_of(details)


def test_staff_form_offers_photo_upload(app, client, users, login_as):
    login_as("admin")
    page = client.get(f"/admin/staff/edit/?id={users['staff_a']}").get_data(as_text=True)
    assert 'type="file"' in page and 'accept="image/jpeg,image/png,image/webp"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "不要填写私人手机" in page


# --- the public directory shows only what is meant to be public ------------------------------


def test_public_directory_shows_badge_details_and_nothing_internal(
    app, client, badged, make_user, offices
):
    from core.models import Role

    make_user("retired", Role.STAFF, offices["A"], display_name="已离职", active=False)
    page = client.get("/o/A/staff")
    assert page.status_code == 200
    body = text_of(page)
    html = page.get_data(as_text=True)
    for shown in ("李干事", "综合窗口", "A-0007", "0471-5550102"):
        assert shown in body
    assert f'id="staff-{badged["staff_a"]}"' in html
    # No account names, no roles, no staff of other offices, no one who left or opted out.
    for hidden in ("staff_a", "科室管理员", "乡镇管理员", "王村干", "已离职", "password", "argon2"):
        assert hidden not in body, hidden
    assert client.get(f"/staff/{badged['staff_a']}/photo").status_code == 200
    assert "王村干" not in text_of(client.get("/o/B/staff"))
    assert client.get(f"/staff/{badged['staff_b']}/photo").status_code == 404
    assert client.get("/o/NOPE/staff").status_code == 404


def test_public_photo_of_hidden_staff_is_not_served(app, client, badged):
    with app.app_context():
        a = db.session.get(User, badged["staff_a"])
        a.in_public_directory = False
        db.session.commit()
    assert client.get(f"/staff/{badged['staff_a']}/photo").status_code == 404
    assert "李干事" not in text_of(client.get("/o/A/staff"))


def test_photo_upload_needs_login_csrf(app, client, users, login_as):
    login_as("admin")
    data = staff_form(app, users["staff_a"])
    data["photo"] = (io.BytesIO(image_bytes()), "x.png")
    response = client.post(f"/admin/staff/edit/?id={users['staff_a']}", data=data)
    assert response.status_code == 400
    assert snapshot(app, users["staff_a"])["photo_key"] is None


def test_upload_over_the_request_limit_comes_back_with_a_message(
    app, client, users, login_as, monkeypatch
):
    login_as("admin")
    before = snapshot(app, users["staff_a"])
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50_000)
    response = upload(
        client, app, users["staff_a"], noisy_png((200, 200)), "huge.png", post="不该保存"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/staff/edit/?id={users['staff_a']}"
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 16 * 1024 * 1024)
    page = client.get(response.headers["Location"])
    assert "上传的内容过大" in text_of(page) and "未保存任何更改" in text_of(page)
    assert snapshot(app, users["staff_a"]) == before


def test_public_photo_url_changes_with_the_photo(app, client, badged):
    html = client.get("/o/A/staff").get_data(as_text=True)
    with app.app_context():
        key = db.session.get(User, badged["staff_a"]).photo_key
    assert f"/staff/{badged['staff_a']}/photo?v={key[-12:-4]}" in html
