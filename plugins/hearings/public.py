"""Residents' pages, mounted at /o/<office_code>/hearings/ (404 where the module is off).

Upcoming hearings with registration, a hearing's page (facts, attendees, Q&A with follow-up
progress, minutes and their versions), published minutes with search, the resident's own
registration by confirmation code, and the calendar and Atom feeds. Every record reaches
these pages, feeds and PDFs only through the core's publication gate (``render_public``,
``publish``; the fields' classes are in ``plugins.hearings.publication``), and absolute URLs
come from the configured public base URL (``public_url``), never the request's Host header.
"""

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from core.kit import (
    db,
    first_error,
    form_values,
    format_local_date,
    format_local_datetime,
    get_storage,
    mentions_names_added_since,
    public_url,
    publish,
    publish_many,
    render_public,
    utc_now,
    withdrawn_clause,
)
from plugins.hearings import feeds, public_lists
from plugins.hearings.errors import HearingError
from plugins.hearings.followups import case_states
from plugins.hearings.forms import CodeForm, RegistrationForm, WithdrawForm
from plugins.hearings.models import (
    HELD_STATUSES,
    AttendeeStatus,
    Hearing,
    HearingStatus,
    MinutesVersion,
    ParticipantMessage,
    Question,
)
from plugins.hearings.registration import (
    Registration,
    category_counts,
    confirmed_counts,
    find_by_code,
    format_code,
    places_left,
    register,
    registration_closed_reason,
    waiting_position,
    withdraw,
)

bp = Blueprint("hearings_public", __name__, template_folder="templates")
bp.add_app_template_filter(format_local_datetime, "hearing_time")
bp.add_app_template_filter(format_local_date, "hearing_date")

SEARCH_MAX = 50
LIST_LIMIT = 50


def public_hearing(hearing_id: int) -> Hearing:
    """The office's hearing with this id, or 404 (drafts are not public)."""
    hearing = db.session.scalar(
        select(Hearing)
        .where(Hearing.id == hearing_id)
        .options(
            selectinload(Hearing.attendees),
            selectinload(Hearing.minutes),
            selectinload(Hearing.questions).joinedload(Question.responsible),
        )
    )
    if hearing is None or hearing.office_id != g.office.id or not hearing.is_public:
        abort(404)
    return hearing


def upcoming_hearings(office_ids, limit: int = LIST_LIMIT) -> list[Hearing]:
    """Announced or postponed hearings that have not started, soonest first."""
    from datetime import timedelta

    since = utc_now() - timedelta(hours=12)
    return list(
        db.session.scalars(
            select(Hearing)
            .where(
                Hearing.office_id.in_(office_ids),
                Hearing.announced_at.is_not(None),
                Hearing.status.in_(
                    (HearingStatus.ANNOUNCED, HearingStatus.POSTPONED, HearingStatus.CANCELLED)
                ),
                Hearing.starts_at >= since,
            )
            .order_by(Hearing.starts_at)
            .limit(limit)
        )
    )


def latest_minutes_query(office_ids):
    """(MinutesVersion, Hearing) rows: each hearing's latest published version that was not
    withdrawn."""
    latest = (
        select(MinutesVersion.hearing_id, func.max(MinutesVersion.number).label("n"))
        .where(withdrawn_clause(MinutesVersion))
        .group_by(MinutesVersion.hearing_id)
        .subquery()
    )
    return (
        select(MinutesVersion, Hearing)
        .join(
            latest,
            (latest.c.hearing_id == MinutesVersion.hearing_id)
            & (latest.c.n == MinutesVersion.number),
        )
        .join(Hearing, Hearing.id == MinutesVersion.hearing_id)
        .where(Hearing.office_id.in_(office_ids))
    )


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@bp.route("/")
def index():
    """Upcoming hearings with registration, and the latest published minutes."""
    upcoming = upcoming_hearings([g.office.id])
    recent = db.session.execute(
        latest_minutes_query([g.office.id]).order_by(MinutesVersion.published_at.desc()).limit(10)
    ).all()
    taken = confirmed_counts(h.id for h in upcoming)
    places = {h.id: max(h.capacity - taken[h.id], 0) for h in upcoming}
    return render_public(
        "hearings/public/index.html",
        office=g.office,
        upcoming=upcoming,
        recent=recent,
        places=places,
        closed_reason=registration_closed_reason,
    )


@bp.route("/minutes")
def minutes_list():
    """Published minutes, newest first, searchable by words of the title or the text."""
    term = (request.args.get("q") or "").strip()[:SEARCH_MAX]
    query = latest_minutes_query([g.office.id])
    if term:
        pattern = _like(term)
        query = query.where(
            or_(
                Hearing.title.like(pattern, escape="\\"),
                MinutesVersion.search_text.like(pattern, escape="\\"),
            )
        )
    rows = db.session.execute(
        query.order_by(MinutesVersion.published_at.desc()).limit(LIST_LIMIT)
    ).all()
    return render_public("hearings/public/minutes_list.html", office=g.office, rows=rows, term=term)


def current_minutes(versions: list):
    """The version residents read first: the latest one not withdrawn (when every version was
    withdrawn, the latest, which shows its notice)."""
    standing = [v for v in versions if not v.withdrawn]
    return standing[-1] if standing else (versions[-1] if versions else None)


def _hearing_page(
    hearing: Hearing,
    form: RegistrationForm | None = None,
    error: str | None = None,
    status: int = 200,
):
    from plugins.hearings.minutes import published_html

    version_no = request.view_args.get("number") if request.view_args else None
    versions = publish_many(hearing.minutes)
    latest = current_minutes(versions)
    shown = latest
    if version_no is not None:
        shown = next((m for m in versions if m.number == version_no), None)
        if shown is None:
            abort(404)
    shown_html = published_html(shown.body_md) if shown is not None and not shown.withdrawn else ""
    held = hearing.status in HELD_STATUSES
    attendees, unnamed = public_lists.public_attendees(hearing) if held else ([], 0)
    questions = public_lists.public_questions(
        hearing, case_states(q.case_id for q in hearing.questions)
    )
    closed = registration_closed_reason(hearing)
    if error == closed:
        error = None  # the closed notice already says it: one message, not two
    taken = held and any(a.checked_in_at for a in hearing.attendees)
    published = publish(hearing)
    return render_public(
        "hearings/public/hearing.html",
        office=g.office,
        hearing=published,
        held=held,
        shown=shown,
        shown_html=shown_html,
        latest=latest,
        versions=versions,
        attendees=attendees,
        unnamed=unnamed,
        questions=questions,
        counts=category_counts(hearing, checked_in=taken),
        attendance_taken=taken,
        places=places_left(hearing),
        closed_reason=closed,
        form=(form or RegistrationForm()) if closed is None else None,
        error=error,
        reason=published.status_reason or "",
        issue=published.issue or "",
    ), status


@bp.route("/<int:hearing_id>")
def hearing_page(hearing_id):
    """One hearing: facts, registration, attendees, Q&A and follow-ups, minutes."""
    return _hearing_page(public_hearing(hearing_id))


@bp.route("/<int:hearing_id>/minutes/v<int:number>")
def minutes_version(hearing_id, number):
    """One earlier (or the current) version of the minutes, with its correction note."""
    return _hearing_page(public_hearing(hearing_id))


@bp.route("/<int:hearing_id>/register", methods=["POST"])
def register_view(hearing_id):
    """Register; the confirmation page shows the code and its QR code."""
    hearing = public_hearing(hearing_id)
    form = RegistrationForm()
    if not form.validate_on_submit():
        return _hearing_page(hearing, form, first_error(form), 400)
    try:
        attendee = register(
            hearing.id,
            Registration(
                **form_values(form, "name phone category village consent_public_name"),
            ),
        )
        db.session.commit()
    except HearingError as exc:
        db.session.rollback()
        db.session.refresh(hearing)
        return _hearing_page(hearing, form, str(exc), 409)
    return render_public(
        "hearings/public/registered.html",
        office=g.office,
        hearing=hearing,
        attendee=attendee,
        code=format_code(attendee.code),
        qr=_qr_data_uri(hearing, attendee),
        position=waiting_position(attendee),
        withdraw_form=WithdrawForm(code=attendee.code),
    ), 201


def _qr_data_uri(hearing: Hearing, attendee) -> str:
    """A QR code (SVG data URI, drawn on the server) that opens the staff check-in screen."""
    import segno

    target = public_url("hearings_desk.checkin", hearing_id=hearing.id, code=attendee.code)
    return segno.make(target, error="m").svg_data_uri(scale=4, border=2)


@bp.route("/registration", methods=["GET", "POST"])
def registration_lookup():
    """A resident checks a registration by confirmation code (POST keeps it out of URLs)."""
    form = CodeForm()
    attendee, error = None, None
    if form.validate_on_submit():
        attendee = find_by_code(form.code.data)
        if attendee is None or attendee.office_id != g.office.id or not attendee.hearing.is_public:
            attendee, error = None, _("没有找到该确认码对应的报名，请核对后重试。")
    elif request.method == "POST":
        error = _("请填写确认码。")
    return _registration_page(form, attendee, error)


def _registration_page(form, attendee, error, status=200, notice=None):
    messages = []
    if attendee is not None:
        messages = db.session.scalars(
            select(ParticipantMessage)
            .where(ParticipantMessage.attendee_id == attendee.id)
            .order_by(ParticipantMessage.id.desc())
            .limit(20)
        ).all()
    return render_public(
        "hearings/public/registration.html",
        office=g.office,
        form=form,
        attendee=attendee,
        error=error,
        notice=notice,
        code=format_code(attendee.code) if attendee else "",
        qr=_qr_data_uri(attendee.hearing, attendee)
        if attendee and attendee.status == AttendeeStatus.CONFIRMED
        else None,
        position=waiting_position(attendee) if attendee else None,
        messages=messages,
        withdraw_form=WithdrawForm(code=attendee.code) if attendee else None,
        masked_name=publish(attendee).name if attendee else "",
    ), status


@bp.route("/registration/withdraw", methods=["POST"])
def withdraw_view():
    """Withdraw by confirmation code; the next on the waiting list moves up."""
    form = WithdrawForm()
    attendee = find_by_code(form.code.data) if form.validate_on_submit() else None
    if attendee is None or attendee.office_id != g.office.id:
        return _registration_page(
            CodeForm(), None, _("没有找到该确认码对应的报名，请核对后重试。"), 404
        )
    try:
        withdraw(attendee)
        db.session.commit()
    except HearingError as exc:
        db.session.rollback()
        return _registration_page(CodeForm(), attendee, str(exc), 409)
    from plugins.hearings.services import after_commit

    after_commit({"hearing_id": attendee.hearing_id, "deliver": True})
    return _registration_page(
        CodeForm(), attendee, None, notice=_("您已退出报名。如需参加，可在报名截止前重新报名。")
    )


def _pdf_response(hearing: Hearing, version: MinutesVersion | None):
    if version is None or publish(version).withdrawn:
        abort(404)
    if version.pdf_key and mentions_names_added_since(
        version.pdf_rendered_at,
        version.body_md,
        version.correction_note,
        hearing.venue,
        hearing.title,
    ):
        version.pdf_key = None  # rendered before a name in it was known to be private
        db.session.commit()
    path = get_storage().path(version.pdf_key) if version.pdf_key else None
    if path is None:
        from core.kit import enqueue

        enqueue("plugins.hearings.jobs:render_minutes_pdf", version.id)
        db.session.refresh(version)
        path = get_storage().path(version.pdf_key) if version.pdf_key else None
    if path is None:
        return (
            render_public("hearings/public/pdf_pending.html", office=g.office, hearing=hearing),
            503,
            {"Retry-After": "30"},
        )
    return send_file(
        path,
        mimetype="application/pdf",
        max_age=3600,
        download_name=f"hearing-{hearing.id}-minutes-v{version.number}.pdf",
    )


@bp.route("/<int:hearing_id>/minutes.pdf")
def minutes_pdf(hearing_id):
    """The latest version of the minutes as PDF."""
    hearing = public_hearing(hearing_id)
    latest = current_minutes(publish_many(hearing.minutes))
    return _pdf_response(
        hearing,
        next(
            (m for m in hearing.minutes if latest is not None and m.number == latest.number), None
        ),
    )


@bp.route("/<int:hearing_id>/minutes/v<int:number>.pdf")
def minutes_version_pdf(hearing_id, number):
    """One version of the minutes as PDF."""
    hearing = public_hearing(hearing_id)
    return _pdf_response(hearing, next((m for m in hearing.minutes if m.number == number), None))


@bp.route("/<int:hearing_id>/minutes/v<int:number>/audio")
def minutes_version_audio(hearing_id, number):
    """One version of the minutes read aloud (``?download=1`` to keep it); 404 once withdrawn."""
    from plugins.hearings.audio import audio_response

    hearing = public_hearing(hearing_id)
    return audio_response(hearing, next((m for m in hearing.minutes if m.number == number), None))


@bp.route("/calendar.ics")
def calendar():
    """iCalendar feed of the office's upcoming (and cancelled/postponed) hearings."""
    hearings = db.session.scalars(
        select(Hearing)
        .where(
            Hearing.office_id == g.office.id,
            Hearing.announced_at.is_not(None),
            Hearing.starts_at.is_not(None),
        )
        .order_by(Hearing.starts_at.desc())
        .limit(200)
    ).all()
    body = feeds.ical(
        publish(g.office),
        publish_many(hearings),
        lambda h: public_url(".hearing_page", hearing_id=h.id),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'inline; filename="hearings-{g.office.code}.ics"',
            "Cache-Control": "public, max-age=300",
        },
    )


@bp.route("/minutes.atom")
def atom():
    """Atom feed of published minutes (each version, corrections included)."""
    rows = db.session.execute(
        select(MinutesVersion, Hearing)
        .join(Hearing, Hearing.id == MinutesVersion.hearing_id)
        .where(Hearing.office_id == g.office.id)
        .order_by(MinutesVersion.published_at.desc())
        .limit(50)
    ).all()
    rows = [(publish(v), publish(h)) for v, h in rows]
    body = feeds.atom(
        publish(g.office),
        rows,
        public_url(".atom"),
        public_url(".minutes_list"),
        lambda h, v: public_url(".minutes_version", hearing_id=h.id, number=v.number),
    )
    return Response(
        body, mimetype="application/atom+xml", headers={"Cache-Control": "public, max-age=300"}
    )


def home_section(offices):
    """The residents' home-page block: upcoming hearings first, then the latest minutes."""
    from core.kit import HomeSection

    by_id = {o.id: o for o in offices}
    items = []
    for h in publish_many(upcoming_hearings(list(by_id), limit=6)):
        note = f"{format_local_datetime(h.starts_at)} · {by_id[h.office_id].name}"
        if h.status != HearingStatus.ANNOUNCED:
            note += f" · {h.status.label}"
        items.append(
            (
                f"{h.kind.label}：{h.title}",
                url_for(
                    "hearings_public.hearing_page",
                    office_code=by_id[h.office_id].code,
                    hearing_id=h.id,
                ),
                note,
            )
        )
    recent = db.session.execute(
        latest_minutes_query(list(by_id)).order_by(MinutesVersion.published_at.desc()).limit(4)
    ).all()
    for _version, h in recent:
        h = publish(h)
        items.append(
            (
                _("纪要：%(title)s", title=h.title),
                url_for(
                    "hearings_public.hearing_page",
                    office_code=by_id[h.office_id].code,
                    hearing_id=h.id,
                ),
                by_id[h.office_id].name,
            )
        )
    more = (
        url_for("hearings_public.index", office_code=offices[0].code) if len(offices) == 1 else None
    )
    return HomeSection(title=_("群众听证质询"), items=items, more_url=more, order=10)
