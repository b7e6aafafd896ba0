"""Residents' pages, mounted at /o/<office_code>/archives/ (404 where the module is off).

The public records one may ask to consult (可查询制度) with search, the consultation request
form, and a status lookup by the request's reference. Only public files appear. Every page
renders through the core's publication gate (``render_public``, fields declared in
``publication.py``): titles are masked, a requester's name reads 张某 and the phone's digits
are starred; the search matches only what residents see (number and masked title).
"""

from flask import Blueprint, abort, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from core.kit import (
    HomeSection,
    User,
    acting_as,
    db,
    form_values,
    format_local,
    local_day,
    parse_code,
    publish_many,
    render_public,
)
from plugins.archives import access
from plugins.archives.errors import ArchivesError
from plugins.archives.forms import LookupForm, ResidentRequestForm
from plugins.archives.models import ArchiveFile, ArchiveSettings, FileStatus, Loan, Security
from plugins.archives.services import catalogue, lending

bp = Blueprint("archives_public", __name__, template_folder="templates")

LIST_LIMIT = 200
SEARCH_CANDIDATES = 1000  # files read per search before matching their published fields
_LAST_REFERENCE = "archives_last_reference"


def public_files(office_ids):
    """A select of the files residents may ask to consult in these offices."""
    return select(ArchiveFile).where(
        ArchiveFile.office_id.in_(office_ids),
        ArchiveFile.security == Security.PUBLIC,
        ArchiveFile.status != FileStatus.LOST,
    )


def published_files(office_id: int, term: str | None) -> list:
    """Published views of the office's public files, newest year first; with ``term``, only
    those whose catalogue number or published (masked) title contains it, so a search tells
    nothing about the description, the location or the masked parts of a title."""
    term = (term or "").strip()[:50]
    query = public_files([office_id]).order_by(ArchiveFile.year.desc(), ArchiveFile.catalogue_no)
    if not term:
        return publish_many(db.session.scalars(query.limit(LIST_LIMIT)).all())
    candidates = db.session.scalars(catalogue.search(query, term).limit(SEARCH_CANDIDATES)).all()
    needle = term.casefold()
    found = [
        f
        for f in publish_many(candidates)
        if needle in f.catalogue_no.casefold() or needle in (f.title or "").casefold()
    ]
    return found[:LIST_LIMIT]


def _public_file(file_id: int) -> ArchiveFile:
    file = db.session.get(ArchiveFile, file_id)
    if file is None or file.office_id != g.office.id or file.status == FileStatus.LOST:
        abort(404)
    return file


@bp.route("/")
def index():
    """The office's public records, searchable by number or title."""
    term = (request.args.get("q") or "").strip()[:50]
    files = published_files(g.office.id, term)
    settings = access.settings_for(g.office.id)
    keeper = access.keeper_of(g.office.id)
    return render_public(
        "archives/public/index.html",
        office=g.office,
        files=files,
        term=term,
        settings=settings,
        keeper=keeper,
        elsewhere=None if keeper else access.archive_for_residents(g.office),
        max_days=access.max_loan_days(g.office.id),
    )


@bp.route("/<int:file_id>/request", methods=["GET", "POST"])
def request_form(file_id):
    """Ask to consult one public file: name, phone (kept private), purpose and time needed."""
    file = _public_file(file_id)
    form = ResidentRequestForm()
    if file.security != Security.PUBLIC:
        # Nothing is recorded: the file is not open to residents.
        return render_public(
            "archives/public/request.html",
            office=g.office,
            file=None,
            form=None,
            error=_("该档案不对外公开，群众不能申请查阅。可查询的档案见本单位档案查询页面。"),
            max_days=access.max_loan_days(g.office.id),
        ), 403
    if access.keeper_of(g.office.id) is None:
        # Nobody here could answer: no form, and where to ask instead.
        return render_public(
            "archives/public/request.html",
            office=g.office,
            file=None,
            form=None,
            error=_("本单位尚未指定档案管理员，暂不受理查阅申请。"),
            elsewhere=access.archive_for_residents(g.office),
            max_days=access.max_loan_days(g.office.id),
        ), 409
    error = None
    if form.validate_on_submit():
        try:
            with acting_as("resident"):
                loan = lending.request_by_resident(
                    file,
                    **form_values(form, "name phone purpose period_days"),
                )
                db.session.commit()
        except ArchivesError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            session[_LAST_REFERENCE] = loan.reference
            return redirect(url_for(".requested"))
    elif request.method == "POST":
        error = next(iter(form.errors.values()))[0]
    status = 400 if error else 200
    return render_public(
        "archives/public/request.html",
        office=g.office,
        file=file,
        form=form,
        error=error,
        max_days=access.max_loan_days(g.office.id),
    ), status


@bp.route("/requested")
def requested():
    """The receipt after a request: its reference, to look the answer up later."""
    reference = session.get(_LAST_REFERENCE)
    loan = _loan_by_reference(reference) if reference else None
    if loan is None:
        return redirect(url_for(".status"))
    return render_public(
        "archives/public/requested.html",
        office=g.office,
        loan=loan,
        settings=access.settings_for(g.office.id),
    )


def _loan_by_reference(reference: str | None) -> Loan | None:
    reference = parse_code(reference)
    if not reference:
        return None
    return db.session.scalar(
        select(Loan).where(
            Loan.reference == reference,
            Loan.office_id == g.office.id,
            Loan.resident_phone.is_not(None),
        )
    )


@bp.route("/status", methods=["GET", "POST"])
def status():
    """Look up a consultation request by its reference: its state, never personal data."""
    form = LookupForm()
    loan, error = None, None
    if form.validate_on_submit():
        loan = _loan_by_reference(form.reference.data)
        if loan is None:
            error = _("没有找到该申请编号，请核对后再试。")
    elif request.method == "POST":
        error = next(iter(form.errors.values()))[0]
    return render_public(
        "archives/public/status.html",
        office=g.office,
        form=form,
        loan=loan,
        error=error,
        due=format_local(local_day(loan.due_at)) if loan else "",
        settings=access.settings_for(g.office.id),
    )


def home_section(offices) -> HomeSection:
    """可查询档案: each office with public records, and how many."""
    counts = dict(
        db.session.execute(
            select(ArchiveFile.office_id, func.count())
            .where(
                ArchiveFile.office_id.in_([o.id for o in offices]),
                ArchiveFile.security == Security.PUBLIC,
                ArchiveFile.status != FileStatus.LOST,
            )
            .group_by(ArchiveFile.office_id)
        ).all()
    )
    with_keeper = set(
        db.session.scalars(
            select(ArchiveSettings.office_id)
            .join(User, User.id == ArchiveSettings.keeper_id)
            .where(ArchiveSettings.office_id.in_([o.id for o in offices]), User.active.is_(True))
        )
    )
    items = [
        (
            o.name,
            url_for("archives_public.index", office_code=o.code),
            ngettext("%(num)d 卷可申请查阅", "%(num)d 卷可申请查阅", counts.get(o.id, 0))
            if o.id in with_keeper
            else ngettext(
                "%(num)d 卷公开档案，暂不受理查阅申请",
                "%(num)d 卷公开档案，暂不受理查阅申请",
                counts.get(o.id, 0),
            ),
        )
        for o in offices
    ]
    return HomeSection(title=_("档案查询"), items=items, order=70)
