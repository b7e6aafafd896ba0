"""Residents' pages, mounted at /o/<office_code>/disclosure/ (404 where the module is off).

The disclosure board (公开栏): published items grouped by category, newest first, and the
topics residents asked for with their answer or the reason they were declined — never who
asked. An item's page. The 点题公开 form and its thanks page with the case receipt number.
Every record reaches the page through the publication gate (``render_public``): titles, topic
texts, answers and reasons are masked there, and a withdrawn item or answer keeps only its
notice "已撤回" with the date.
"""

from flask import Blueprint, abort, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import func, select

from core.kit import (
    HomeSection,
    UserError,
    acting_as,
    db,
    form_values,
    format_local_date,
    publish,
    publish_many,
    render_markdown,
    render_public,
    withdrawn_clause,
)
from plugins.disclosure import services
from plugins.disclosure.cases import category_spec
from plugins.disclosure.forms import TopicForm
from plugins.disclosure.models import DisclosureItem, DisclosureTopic, ItemCategory, TopicStatus

bp = Blueprint("disclosure_public", __name__, template_folder="templates")

ITEMS_LIMIT = 300
TOPICS_LIMIT = 50
_LAST_RECEIPT = "disclosure_last_receipt"


def public_items(office_ids, *, with_withdrawn: bool = False):
    """A select of the items published in these offices; withdrawn ones only when asked for
    (the board keeps a notice in their place, the API and counts leave them out)."""
    query = select(DisclosureItem).where(
        DisclosureItem.office_id.in_(list(office_ids)), DisclosureItem.published_at.is_not(None)
    )
    if not with_withdrawn:
        query = query.where(withdrawn_clause(DisclosureItem))
    return query


def finished_topics(
    office_id: int, limit: int = TOPICS_LIMIT, *, with_withdrawn: bool = True
) -> list:
    """The office's answered and declined topics, most recent first, as published views."""
    query = select(DisclosureTopic).where(
        DisclosureTopic.office_id == office_id,
        DisclosureTopic.status.in_((TopicStatus.ANSWERED, TopicStatus.DECLINED)),
    )
    if not with_withdrawn:
        query = query.where(withdrawn_clause(DisclosureTopic))
    return publish_many(
        db.session.scalars(
            query.order_by(DisclosureTopic.answered_at.desc(), DisclosureTopic.id.desc()).limit(
                limit
            )
        ).all()
    )


def answer_item_of(topic):
    """A published topic's answering item while residents may read it, else None."""
    item = topic.answer_item
    return item if item is not None and not item.withdrawn else None


@bp.route("/")
def index():
    """The office's disclosure board; a withdrawn item or answer leaves a dated notice."""
    items = publish_many(
        db.session.scalars(
            public_items([g.office.id], with_withdrawn=True)
            .order_by(DisclosureItem.published_at.desc(), DisclosureItem.id.desc())
            .limit(ITEMS_LIMIT)
        ).all()
    )
    groups = [(category, [i for i in items if i.category == category]) for category in ItemCategory]
    return render_public(
        "disclosure/public/index.html",
        office=g.office,
        groups=[(c, rows) for c, rows in groups if rows],
        topics=finished_topics(g.office.id),
        answer_item_of=answer_item_of,
        format_local_date=format_local_date,
    )


@bp.route("/item/<int:item_id>")
def item_page(item_id):
    """One published item with its body (masked, then sanitised HTML); a withdrawn item's page
    keeps only the notice with its date."""
    row = db.session.get(DisclosureItem, item_id) if item_id < 2**31 else None
    if row is None or row.office_id != g.office.id or row.published_at is None:
        abort(404)
    item = publish(row)
    body = None if item.withdrawn else Markup(render_markdown(item.body))
    return render_public(
        "disclosure/public/item.html",
        office=g.office,
        item=item,
        body=body,
        format_local_date=format_local_date,
    )


@bp.route("/topic", methods=["GET", "POST"])
def topic_form():
    """群众点题公开: name the matter you want disclosed; get a receipt number."""
    form = TopicForm()
    error = None
    if form.validate_on_submit():
        try:
            with acting_as("resident"):
                receipt = services.request_topic(
                    g.office,
                    **form_values(form, "topic details name phone"),
                )
                db.session.commit()
        except UserError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            session[_LAST_RECEIPT] = receipt
            return redirect(url_for(".thanks"))
    elif request.method == "POST":
        name, errors = next(iter(form.errors.items()))
        error = (
            _("页面已过期，请刷新后重新提交。")
            if name == "csrf_token" or not errors
            else str(errors[0])
        )
    limit = category_spec().describe()
    return render_public(
        "disclosure/public/topic.html", office=g.office, form=form, error=error, limit=limit
    ), 400 if error else 200


@bp.route("/topic/thanks")
def thanks():
    """The receipt after a topic: its number, the time limit, and where to look it up."""
    receipt = session.get(_LAST_RECEIPT)
    if not receipt:
        return redirect(url_for(".topic_form"))
    return render_public(
        "disclosure/public/thanks.html",
        office=g.office,
        receipt=receipt,
        limit=category_spec().describe(),
    )


def home_section(offices) -> HomeSection:
    """政务村务公开: each office's board, with how many items it shows."""
    counts = dict(
        db.session.execute(
            select(DisclosureItem.office_id, func.count())
            .where(
                DisclosureItem.office_id.in_([o.id for o in offices]),
                DisclosureItem.published_at.is_not(None),
                withdrawn_clause(DisclosureItem),
            )
            .group_by(DisclosureItem.office_id)
        ).all()
    )
    items = [
        (
            o.name,
            url_for("disclosure_public.index", office_code=o.code),
            ngettext("%(num)d 项公开内容", "%(num)d 项公开内容", counts.get(o.id, 0)),
        )
        for o in offices
    ]
    return HomeSection(title=_("政务村务公开"), items=items, order=30)
