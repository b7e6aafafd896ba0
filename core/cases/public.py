"""Residents' pages: look a case up by receipt number, rate it once, read an office's limits.

A receipt shows the status and dates, the subject and the outcome (masked as free text by the
publication gate), the responsible office and — when they appear in the public staff directory —
the staff member handling it, so a resident knows what they rate. Never the applicant, their
contact details or the content; a confidential category (a petition) shows no subject or
outcome either. Lookups and ratings are throttled per address against enumeration of receipt numbers.
"""

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from sqlalchemy import select

from core.audit.context import acting_as
from core.cases import receipts, throttle
from core.cases.categories import all_categories, category_title, get_category, office_limit
from core.cases.forms import LookupForm, RatingForm
from core.cases.models import FINISHED_STATUSES, Case
from core.cases.services import CaseError, rate_case
from core.extensions import db
from core.models import Office, User
from core.modules import enabled_plugins
from core.publication import apply_class, office_text, render_public

bp = Blueprint("cases_public", __name__)


def _throttled_response(form, seconds: int):
    minutes = max(1, (seconds + 59) // 60)
    message = _("查询过于频繁，为保护群众信息，请 %(m)d 分钟后再试。", m=minutes)
    return render_public("public/cases/lookup.html", form=form, error=message), 429


def _find(receipt_text: str) -> tuple[Case | None, str | None]:
    """The case of a typed receipt number, or None with the message to show."""
    receipt = receipts.normalise(receipt_text)
    if receipt is None:
        return None, _("回执号格式不正确：回执号为 10 位字母和数字，请核对后重新输入。")
    case = db.session.scalar(select(Case).where(Case.receipt_no == receipt))
    if case is None:
        return None, _("未找到该回执号对应的事项，请核对后重新输入。")
    return case, None


def listed_handler(case: Case) -> User | None:
    """The case's handler when residents may see who they are: an active account shown in the
    public staff directory (佩证上岗). Otherwise None, and the page names only the office."""
    handler = case.handler
    if handler is None or not (handler.active and handler.in_public_directory):
        return None
    return handler


def _result(case: Case, rating_form=None, **extra):
    office = db.session.get(Office, case.office_id)
    spec = get_category(case.category)
    return render_public(
        "public/cases/receipt.html",
        case=case,
        office=office,
        handler=listed_handler(case),
        confidential=bool(spec and spec.confidential),
        category=category_title(case.category),
        receipt=receipts.display(case.receipt_no),
        rating_form=rating_form if rating_form is not None else _rating_form(case),
        may_rate=case.status in FINISHED_STATUSES and case.rating is None,
        **extra,
    )


def _rating_form(case: Case) -> RatingForm:
    form = RatingForm(formdata=None)
    form.receipt.data = case.receipt_no
    return form


@bp.route("/cases/", methods=["GET", "POST"])
def lookup():
    """Type a receipt number, see the matter's status and dates."""
    form = LookupForm()
    if request.method == "GET":
        return render_public("public/cases/lookup.html", form=form)
    blocked = throttle.seconds_blocked(request.remote_addr)
    if blocked:
        return _throttled_response(form, blocked)
    if not form.validate_on_submit():
        return render_public("public/cases/lookup.html", form=form), 400
    case, error = _find(form.receipt.data)
    if case is None:
        throttle.record_failure(request.remote_addr)
        return render_public("public/cases/lookup.html", form=form, error=error), 404
    return _result(case)


@bp.route("/cases/rate", methods=["POST"])
def rate():
    """Rate a resolved matter once, on the five national grades."""
    form = RatingForm()
    blocked = throttle.seconds_blocked(request.remote_addr)
    if blocked:
        return _throttled_response(LookupForm(formdata=None), blocked)
    case, error = _find(form.receipt.data or "")
    if case is None:
        throttle.record_failure(request.remote_addr)
        return render_public(
            "public/cases/lookup.html", form=LookupForm(formdata=None), error=error
        ), 404
    if not form.validate_on_submit():
        return _result(case, rating_form=form), 400
    try:
        with acting_as("resident"):  # the audit log names no one: residents rate anonymously
            rate_case(case, grade=form.grade.data, comment=form.comment.data)
            db.session.commit()
    except CaseError as exc:
        db.session.rollback()
        return _result(db.session.get(Case, case.id), error=str(exc)), 409
    return _result(case, thanks=True)


@bp.route("/o/<office_code>/limits")
def office_limits(office_code):
    """公示: the time limits an office works to — its own where it published them, else the
    rulebook's."""
    office = db.session.scalar(select(Office).where(Office.code == office_code))
    if office is None:
        abort(404)
    switched_on = enabled_plugins(office.id)
    rows = []
    for spec in all_categories().values():
        if spec.plugin is not None and spec.plugin not in switched_on:
            continue
        own = office_limit(office.id, spec.code)
        rows.append(
            {
                "title": spec.title,
                "limit": own.limit.describe() if own else spec.limit.describe(),
                "own": own is not None,
                "standard": spec.describe(),
                "max": spec.max_limit.describe() if spec.max_limit else None,
                "note": apply_class(own.note, office_text()) if own else None,
            }
        )
    return render_public("public/cases/limits.html", office=office, rows=rows)
