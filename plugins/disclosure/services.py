"""Everything that changes a disclosure: one function per action, each checking its input and
the actor's right before touching anything (a refused action raises ``DisclosureError`` with
a Chinese message and changes nothing; the caller rolls back and commits).

群众点题公开: a resident names a topic (``request_topic``); it opens a core case of category
``disclosure_topic`` — 限时服务制度 3: answered within half a month, extendable to one month
with the leader's approval — so the core's deadline engine, supervision, receipt lookup and
rating apply. Staff answer it by disclosing an item (``answer_topic``) or decline it with the
lawful reason (``decline_topic``); either closes the case with the outcome.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import (
    Case,
    Office,
    User,
    WithdrawalError,
    close_case,
    db,
    in_scope,
    normalise_phone,
    open_case,
    permissions,
    record_decisions,
    utc_now,
    withdraw,
)
from plugins.disclosure.cases import CATEGORY_CODE, SOURCE_TYPE
from plugins.disclosure.errors import DisclosureError
from plugins.disclosure.models import (
    DeclineGround,
    DisclosureItem,
    DisclosureTopic,
    ItemCategory,
    Stage,
    TopicStatus,
)

TITLE_MAX = 200
TOPIC_MIN = 4
TOPIC_MAX = 200
DETAILS_MAX = 2000
NAME_MAX = 32
BODY_MAX = 50_000
REASON_MAX = 2000
# One phone may have this many topics waiting at one office: enough for a resident, and a
# flood from one number stops there (the form needs no account).
OPEN_TOPICS_PER_PHONE = 3
PLUGIN = "disclosure"


def may_act_in(user, office_id: int | None) -> bool:
    """The office is in the user's scope with the module on (``in_scope``), and the user may
    write: staff, leaders and office admins for their own office, township admins for every
    office; auditors read everything and change nothing."""
    return (
        user is not None
        and not permissions.is_read_only(user)
        and in_scope(office_id, user, PLUGIN)
    )


# --- input -----------------------------------------------------------------------------


def clean_text(
    value: str | None, max_length: int, label: str, *, required: bool = False, min_length: int = 0
) -> str:
    """Stripped text within its length; a clear Chinese message otherwise."""
    text = (value or "").strip()
    if required and not text:
        raise DisclosureError(_("请填写%(label)s。", label=label))
    if text and len(text) < min_length:
        raise DisclosureError(_("%(label)s至少 %(n)d 个字。", label=label, n=min_length))
    if len(text) > max_length:
        raise DisclosureError(_("%(label)s不能超过 %(n)d 个字。", label=label, n=max_length))
    return text


def _category(value) -> ItemCategory:
    try:
        return ItemCategory(value)
    except ValueError:
        raise DisclosureError(_("请选择公开类别。")) from None


def _stage(value) -> Stage | None:
    if value in (None, ""):
        return None
    try:
        return Stage(value)
    except ValueError:
        raise DisclosureError(_("公开阶段只能是事前、事中或事后。")) from None


def _acting(actor_id: int | None, office_id: int) -> User | None:
    """The acting person, once they are allowed to write for the office (``actor_id`` None is
    the system: demo data, jobs)."""
    if actor_id is None:
        return None
    actor = db.session.get(User, actor_id)
    if not may_act_in(actor, office_id):
        raise DisclosureError(_("您不能办理该单位的公开事项。"))
    return actor


# --- the board -----------------------------------------------------------------------------


def validate_item(item: DisclosureItem) -> None:
    """Check an item's fields in place (category, stage, title, body); used by every screen."""
    item.category = _category(item.category)
    item.stage = _stage(item.stage)
    item.title = clean_text(item.title, TITLE_MAX, _("标题"), required=True)
    item.body = clean_text(item.body, BODY_MAX, _("公开内容"), required=True)


def create_item(
    office_id: int, *, category, title: str, body: str, stage=None, actor_id: int | None
) -> DisclosureItem:
    """A draft item of the office's board (publish it with ``publish_item``)."""
    _acting(actor_id, office_id)
    if db.session.get(Office, office_id) is None:
        raise DisclosureError(_("找不到该单位。"))
    item = DisclosureItem(
        office_id=office_id,
        category=category,
        stage=stage,
        title=title,
        body=body,
        created_by_id=actor_id,
    )
    validate_item(item)
    db.session.add(item)
    return item


def publish_item(item: DisclosureItem, *, actor_id: int | None, allowed_names=None) -> None:
    """Put a draft on the public board now. ``allowed_names``: the suspected names staff let
    stand on the review screen (recorded with the core; None from code that reviews nothing).
    A withdrawn item stays withdrawn: its notice keeps its place, a correction is a new item."""
    _acting(actor_id, item.office_id)
    if item.published_at is not None:
        if item.withdrawal is not None:
            raise DisclosureError(_("已撤回的事项不能再次公开，请新建一项更正后的公开内容。"))
        raise DisclosureError(_("该事项已经公开。"))
    validate_item(item)
    item.published_at = utc_now()
    item.published_by_id = actor_id
    if allowed_names:
        db.session.flush()
        record_decisions(DisclosureItem, item.id, set(allowed_names), actor_id)


def _withdraw(row, *, actor: User | None, reason: str) -> None:
    try:
        withdraw(row, reason=reason, actor=actor)
    except WithdrawalError as exc:
        raise DisclosureError(str(exc)) from None


def withdraw_item(item: DisclosureItem, *, actor_id: int | None, reason: str) -> None:
    """Withdraw a published item through the core (leaders of its office, the township admin):
    it leaves the board, the item page and the API at once, a dated notice stays in its place,
    and the row and its text are kept."""
    actor = _acting(actor_id, item.office_id)
    if item.published_at is None:
        raise DisclosureError(_("该事项尚未公开，无需撤回。"))
    _withdraw(item, actor=actor, reason=reason)


def withdraw_answer(topic: DisclosureTopic, *, actor_id: int | None, reason: str) -> None:
    """Withdraw a finished topic's published answer (or decline reason) through the core; the
    board keeps a dated notice in its place."""
    actor = _acting(actor_id, topic.office_id)
    if topic.status == TopicStatus.OPEN:
        raise DisclosureError(_("该点题尚未答复，无需撤回。"))
    _withdraw(topic, actor=actor, reason=reason)


# --- topics ------------------------------------------------------------------------------


def request_topic(office: Office, *, topic: str, details: str | None, name: str, phone: str) -> str:
    """A resident's 点题: record the topic and open its core case; returns the receipt number.

    The name and phone go on the case only. Raises a UserError for bad input.
    """
    topic_text = clean_text(
        topic, TOPIC_MAX, _("想了解的事项"), required=True, min_length=TOPIC_MIN
    )
    details_text = clean_text(details, DETAILS_MAX, _("具体说明"))
    name_text = clean_text(name, NAME_MAX, _("姓名"), required=True)
    phone_text = normalise_phone(phone, DisclosureError)
    if open_topics_of(office.id, phone_text) >= OPEN_TOPICS_PER_PHONE:
        raise DisclosureError(
            _(
                "该电话号码在本单位已有 %(n)d 个点题尚待答复，请收到答复后再提交新的点题。",
                n=OPEN_TOPICS_PER_PHONE,
            )
        )
    row = DisclosureTopic(
        office_id=office.id, topic=topic_text, details=details_text, status=TopicStatus.OPEN
    )
    db.session.add(row)
    db.session.flush()
    case = open_case(
        office_id=office.id,
        category=CATEGORY_CODE,
        channel="online",
        subject=_("点题公开：%(topic)s", topic=topic_text)[:200],
        content=details_text,
        applicant_name=name_text,
        applicant_phone=phone_text,
        source_type=SOURCE_TYPE,
        source_id=str(row.id),
    )
    db.session.flush()
    row.case_id = case.id
    row.receipt_no = case.receipt_no
    return case.receipt_no


def open_topics_of(office_id: int, phone: str) -> int:
    """How many topics from this (normalised) phone wait for an answer at the office."""
    return db.session.scalar(
        select(func.count())
        .select_from(DisclosureTopic)
        .join(Case, Case.id == DisclosureTopic.case_id)
        .where(
            DisclosureTopic.office_id == office_id,
            DisclosureTopic.status == TopicStatus.OPEN,
            Case.applicant_phone == phone,
        )
    )


def _require_open(topic: DisclosureTopic) -> None:
    if topic.status != TopicStatus.OPEN:
        raise DisclosureError(_("该点题已经办结。"))


def _close(topic: DisclosureTopic, outcome: str, actor_id: int | None) -> None:
    case = topic.case
    if case is None or not case.is_active:
        return
    close_case(case, outcome=outcome, actor_id=actor_id)


def answer_topic(
    topic: DisclosureTopic,
    *,
    actor_id: int | None,
    title: str | None = None,
    body: str | None = None,
    category=None,
    stage=None,
    item: DisclosureItem | None = None,
    allowed_names=None,
) -> DisclosureItem:
    """Answer a topic by disclosing: a new item (title, body, category, stage) published now,
    or an item of the office already on the board. Closes the case; returns the item.
    ``allowed_names``: suspected names staff let stand on the review screen (for the new item
    and the topic's text)."""
    _acting(actor_id, topic.office_id)
    _require_open(topic)
    if item is not None:
        if item.office_id != topic.office_id or not item.is_public:
            raise DisclosureError(_("只能引用本单位已公开的事项。"))
    else:
        item = create_item(
            topic.office_id,
            category=category,
            stage=stage,
            title=title,
            body=body,
            actor_id=actor_id,
        )
        db.session.flush()
        publish_item(item, actor_id=actor_id, allowed_names=allowed_names)
    _record(topic, allowed_names, actor_id)
    topic.status = TopicStatus.ANSWERED
    topic.answer_item = item
    topic.answered_at = utc_now()
    topic.answered_by_id = actor_id
    _close(topic, _("已在公开栏公开：%(title)s", title=item.title), actor_id)
    return item


def decline_topic(
    topic: DisclosureTopic, *, actor_id: int | None, ground, reason: str, allowed_names=None
) -> None:
    """Decline a topic with its lawful ground and a reason (for another body's duty: which
    body to ask). Closes the case with the reason as outcome. ``allowed_names``: suspected
    names staff let stand on the review screen."""
    _acting(actor_id, topic.office_id)
    _require_open(topic)
    try:
        ground = DeclineGround(ground)
    except ValueError:
        raise DisclosureError(_("请选择不予公开的依据。")) from None
    reason = clean_text(reason, REASON_MAX, _("不予公开的理由"), required=True)
    _record(topic, allowed_names, actor_id)
    topic.status = TopicStatus.DECLINED
    topic.decline_ground = ground
    topic.decline_reason = reason
    topic.answered_at = utc_now()
    topic.answered_by_id = actor_id
    _close(
        topic, _("不予公开（%(ground)s）：%(reason)s", ground=ground.label, reason=reason), actor_id
    )


def _record(topic: DisclosureTopic, allowed_names, actor_id: int | None) -> None:
    if allowed_names:
        record_decisions(DisclosureTopic, topic.id, set(allowed_names), actor_id)
