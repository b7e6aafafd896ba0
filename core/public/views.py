"""Core public pages: home, an office's page, its staff directory, the language switch."""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    request,
    send_file,
    session,
)
from sqlalchemy import select

from core import storage
from core.extensions import db
from core.models import Office, User
from core.modules import enabled_office_ids, enabled_plugins
from core.plugins import get_registry
from core.publication import TEXT, apply_class, render_public
from core.urls import safe_next

bp = Blueprint("public", __name__)


def office_or_404(code: str) -> Office:
    """The office with this code, or 404."""
    office = db.session.scalar(select(Office).where(Office.code == code))
    if office is None:
        abort(404)
    return office


def public_staff(office: Office) -> list[User]:
    """Active staff of the office who appear in the public directory."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.office_id == office.id, User.active, User.in_public_directory)
            .order_by(User.staff_number, User.display_name)
        )
    )


def plugin_links(office: Office) -> list[tuple[str, str]]:
    """(title, url) of the public pages of the modules switched on for the office."""
    from flask import url_for

    registry = get_registry()
    mounted = current_app.extensions["township_public_blueprints"]
    links = []
    for blueprint, plugin in sorted(mounted.items(), key=lambda kv: kv[1]):
        if (
            plugin in enabled_plugins(office.id)
            and f"{blueprint}.index" in current_app.view_functions
        ):
            links.append(
                (
                    registry.manifests[plugin].title,
                    url_for(f"{blueprint}.index", office_code=office.code),
                )
            )
    return links


@bp.route("/")
def home():
    """The township's offices and what each enabled module publishes."""
    offices = db.session.scalars(select(Office).order_by(Office.sort_order, Office.code)).all()
    registry = get_registry()
    by_id = {o.id: o for o in offices}
    sections = []
    for name in registry.names():
        with_module = [by_id[i] for i in sorted(enabled_office_ids(name)) if i in by_id]
        if with_module:
            for _plugin, items in registry.call_for(
                "public_home_sections", [name], offices=with_module
            ):
                sections.extend(items)
    sections.sort(key=lambda s: s.order)
    for section in sections:  # a plugin's lines are free text: through the gate like any other
        section.items = [
            (apply_class(text, TEXT), url, apply_class(note, TEXT) if note else note)
            for text, url, note in section.items
        ]
    # The tree is built from the one query above, not by lazy-loading each office's children.
    children: dict[int | None, list[Office]] = {}
    for o in offices:
        parent = o.parent_id if o.parent_id in by_id else None
        children.setdefault(parent, []).append(o)
    return render_public(
        "public/home.html",
        roots=children.get(None, []),
        children=children,
        offices=offices,
        sections=sections,
    )


@bp.route("/o/<office_code>/")
def office(office_code):
    """One office: contact details, published modules, link to its staff."""
    office = office_or_404(office_code)
    return render_public("public/office.html", office=office, links=plugin_links(office))


@bp.route("/o/<office_code>/staff")
def staff_directory(office_code):
    """The office's public staff directory (佩证上岗): name, post, number, work phone."""
    office = office_or_404(office_code)
    return render_public("public/staff.html", office=office, staff=public_staff(office))


@bp.route("/staff/<int:user_id>/photo")
def staff_photo(user_id):
    """A badge photo, only for staff shown in the public directory."""
    user = db.session.get(User, user_id)
    if user is None or not user.photo_key or not (user.active and user.in_public_directory):
        abort(404)
    path = storage.get_storage().path(user.photo_key)
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=3600)


@bp.route("/lang/<code>")
def set_language(code):
    """Switch the interface language and go back where the visitor was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    referrer = request.referrer or ""
    from urllib.parse import urlsplit

    path = urlsplit(referrer).path if urlsplit(referrer).netloc == request.host else None
    return redirect(safe_next(path, "/"))
