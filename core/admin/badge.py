"""Staff badge (佩证上岗): photo checks and the printable badge page.

The photo is judged by its content, never by its file name: Pillow must recognise it as JPEG,
PNG or WebP with sane dimensions. It is then re-encoded as a JPEG of bounded size, which
drops EXIF (camera, GPS position) and anything else riding along in the upload.
"""

import io

from flask import abort, current_app, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms import FileField, ValidationError

from core import permissions, storage
from core.admin.base import ModuleView
from core.extensions import db
from core.models import User

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MIN_SIDE = 100  # pixels; smaller cannot show a recognisable face on a badge
MAX_SIDE = 8000
MAX_ASPECT = 3.0  # a portrait photo, not a banner
OUTPUT_BOX = (600, 800)  # enough for a printed badge at 300 dpi, small on disk


class BadgePhotoError(ValueError):
    """An uploaded photo that cannot be used; the message is for the user."""


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def process_badge_photo(data: bytes, max_bytes: int) -> bytes:
    """Check an uploaded badge photo and return it re-encoded as a JPEG without metadata.

    Raises BadgePhotoError with a Chinese message when the file is empty, larger than
    ``max_bytes``, not a JPEG/PNG/WebP image (whatever its name says), or of odd dimensions.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError  # only when a photo is uploaded

    if not data:
        raise BadgePhotoError(_("请选择照片文件。"))
    if len(data) > max_bytes:
        raise BadgePhotoError(
            _(
                "照片文件过大（%(size)s），不能超过 %(limit)s。",
                size=_megabytes(len(data)),
                limit=_megabytes(max_bytes),
            )
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise BadgePhotoError(
            _("上传的文件不是有效的图片，请上传 JPEG、PNG 或 WebP 格式的照片。")
        ) from None
    if kind not in ALLOWED_FORMATS:
        raise BadgePhotoError(
            _("只支持 JPEG、PNG 或 WebP 格式的照片（上传的是 %(kind)s）。", kind=kind or "?")
        )
    if (
        min(width, height) < MIN_SIDE
        or max(width, height) > MAX_SIDE
        or max(width, height) / min(width, height) > MAX_ASPECT
    ):
        raise BadgePhotoError(
            _(
                "照片尺寸不合适（%(w)d×%(h)d 像素）：边长应在 %(min)d 到 %(max)d 像素之间，且为证件照比例。",
                w=width,
                h=height,
                min=MIN_SIDE,
                max=MAX_SIDE,
            )
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("RGBA", "LA", "P"):
                rgba = upright.convert("RGBA")
                upright = Image.new("RGB", rgba.size, "white")
                upright.paste(rgba, mask=rgba.getchannel("A"))
            else:
                upright = upright.convert("RGB")
            upright.thumbnail(OUTPUT_BOX, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            upright.save(out, "JPEG", quality=85, optimize=True)  # no exif= → metadata dropped
    except (OSError, SyntaxError, ValueError):
        raise BadgePhotoError(_("照片文件已损坏，无法读取，请重新上传。")) from None
    return out.getvalue()


class BadgePhotoField(FileField):
    """A file input whose validation re-encodes the photo; ``processed`` holds the result.

    It never writes to the model itself: the view stores ``processed`` through core.storage.
    """

    processed: bytes | None = None

    def pre_validate(self, form):
        self.processed = None
        upload = self.data
        if upload is None or not getattr(upload, "filename", None):
            return  # no new photo chosen: keep the current one
        limit = int(current_app.config["BADGE_PHOTO_MAX_BYTES"])
        data = upload.stream.read(limit + 1)
        try:
            self.processed = process_badge_photo(data, limit)
        except BadgePhotoError as exc:
            raise ValidationError(str(exc)) from None

    def populate_obj(self, obj, name):
        """The photo is stored by the view, not copied onto the model."""


def may_see_badge(user: User, staff: User) -> bool:
    """Anyone sees their own badge; staff managers and auditors those in their scope."""
    if staff.id == user.id:
        return True
    if user.role not in permissions.STAFF_MANAGER_ROLES and not permissions.is_read_only(user):
        return False
    return permissions.may_see_office(user, staff.office_id)


def directory_url(staff: User) -> str | None:
    """Absolute URL of the staff member's entry in the public directory, if they are listed."""
    if not (staff.active and staff.in_public_directory):
        return None
    return url_for(
        "public.staff_directory",
        office_code=staff.office.code,
        _external=True,
        _anchor=f"staff-{staff.id}",
    )


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code of ``url`` (no script, no external request)."""
    import segno

    return Markup(
        segno.make(url, error="m").svg_inline(scale=3, border=2, dark="#000", omitsize=True)
    )


class BadgeView(ModuleView):
    """The printable badge (工作证) of one staff member; one's own by default."""

    def _staff(self, user_id: int | None) -> User:
        staff = current_user if user_id is None else db.session.get(User, user_id)
        if staff is None or not may_see_badge(current_user, staff):
            abort(404)
        return staff

    @expose("/")
    def index(self):
        staff = self._staff(request.args.get("id", type=int))
        url = directory_url(staff)
        return self.render(
            "admin/badge.html", staff=staff, directory_url=url, qr=qr_svg(url) if url else None
        )

    @expose("/photo/<int:user_id>")
    def photo(self, user_id):
        staff = self._staff(user_id)
        path = storage.get_storage().path(staff.photo_key) if staff.photo_key else None
        if path is None:
            abort(404)
        response = send_file(path, mimetype="image/jpeg", max_age=0)
        response.headers["Cache-Control"] = "private, no-store"
        return response
