"""Staff screens: the board's items, the residents' topics, and the disclosure desk.

The desk (``DeskView``) is where topics are answered or declined and items published or
withdrawn; every change goes through ``services`` so the rules hold whatever the screen. The
item list creates and edits drafts; nothing here deletes a row.

Before anything goes out, the desk shows the exact text residents will get (masked by the
publication gate, suspected names highlighted) and asks staff to decide each suspected name;
publishing, answering and declining are refused until every one is decided. Withdrawal is the
core's (leaders of the office and the township admin), with the row kept.
"""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, TextAreaField, ValidationError

from core.kit import (
    ModuleView,
    OfficeScopedModelView,
    RecordView,
    allowed_names_for,
    can_withdraw,
    db,
    decisions_from,
    enum_choices,
    form_values,
    format_local,
    get_scoped_or_404,
    highlighted,
    mask_numbers,
    render_markdown,
    scoped_office_ids,
    submit,
    suspects_in,
    withdrawn_clause,
)
from plugins.disclosure import services
from plugins.disclosure.errors import DisclosureError
from plugins.disclosure.forms import AnswerForm, ConfirmForm, DeclineForm, WithdrawForm
from plugins.disclosure.models import (
    DisclosureItem,
    DisclosureTopic,
    ItemCategory,
    Stage,
    TopicStatus,
)
from plugins.disclosure.publication import masked_body
from plugins.disclosure.services import PLUGIN, may_act_in

DESK_URL = "/admin/disclosure-desk"


def review_of(*texts: str, allowed=frozenset()) -> dict:
    """What the core's review panel shows before a submission goes out: the masked segments
    (texts joined by a blank line, as residents read them one after the other) and the
    suspected names staff must decide (mask, or let stand as a public figure's)."""
    joined = "\n\n".join(t for t in texts if t)
    return {"segments": highlighted(joined, allowed), "suspects": suspects_in(*texts)}


def _item_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(
        url_for("disclosure_desk.item_page", item_id=model.id), model.title
    )


def _topic_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(
        url_for("disclosure_desk.topic_page", topic_id=model.id), mask_numbers(model.topic)
    )


def colour_of(topic: DisclosureTopic) -> str:
    """The supervision colour of the topic's case: green, yellow, red or closed."""
    case = topic.case
    return case.colour() if case is not None else "closed"


def _colour(view, context, model, name):
    from core.kit import colour_label

    tone = colour_of(model)
    return Markup('<span class="tone-{}">{}</span>').format(tone, colour_label(tone))


def _due(view, context, model, name):
    case = model.case
    return format_local(case.due_at) if case is not None else ""


class ItemView(OfficeScopedModelView):
    """The board's items: drafts are written here, published and withdrawn on the desk."""

    column_list = ("title", "category", "stage", "state", "published_at", "office")
    column_labels = {
        "title": _l("标题"),
        "category": _l("公开类别"),
        "stage": _l("公开阶段"),
        "state": _l("状态"),
        "published_at": _l("公开时间"),
        "office": _l("单位"),
        "body": _l("公开内容"),
    }
    column_formatters = {
        "title": _item_link,
        "state": lambda v, c, m, n: m.state_label,
    }
    column_formatters_export = {
        "state": lambda v, c, m, n: m.state_label,
    }
    column_searchable_list = ("title", "body")
    column_filters = (
        sqla_filters.FilterEqual(
            DisclosureItem.category, _l("公开类别"), options=lambda: enum_choices(ItemCategory)
        ),
        "published_at",
    )
    column_default_sort = ("id", True)
    column_details_exclude_list = ("version",)
    form_columns = ("office", "category", "stage", "title", "body")
    form_overrides = {"category": SelectField, "stage": SelectField, "body": TextAreaField}
    form_args = {
        "category": {"label": _l("公开类别"), "choices": enum_choices(ItemCategory)},
        "stage": {"label": _l("公开阶段"), "choices": enum_choices(Stage, _l("不区分"))},
        "title": {"label": _l("标题")},
        "body": {
            "label": _l("公开内容"),
            "description": _l("可用纯文本或 Markdown。保存后为草稿，在公开工作台公开。"),
        },
        "office": {"label": _l("单位")},
    }
    form_widget_args = {"body": {"rows": 14}}
    allow_delete = False

    def on_model_change(self, form, model, is_created):
        """Within the user's offices; clean fields; who wrote it."""
        super().on_model_change(form, model, is_created)
        if not may_act_in(current_user, self.office_id_of(model)):
            raise ValidationError(_("您不能办理该单位的公开事项。"))
        if not is_created and model.published_at is not None:
            # What residents read was reviewed before it went out; a change is a new item.
            raise ValidationError(_("已公开的事项不能修改；如需更正，请撤回后新建一项。"))
        try:
            services.validate_item(model)
        except DisclosureError as exc:
            raise ValidationError(str(exc)) from None
        if is_created:
            model.created_by_id = current_user.id


class TopicView(RecordView):
    """Residents' topics with their case's deadline colour (answered on the desk). Who asked
    is on the case, not here."""

    column_list = (
        "receipt_no",
        "topic",
        "status",
        "colour",
        "due",
        "created_at",
        "answered_at",
        "office",
    )
    column_labels = {
        "receipt_no": _l("回执号"),
        "topic": _l("点题内容"),
        "status": _l("状态"),
        "colour": _l("时限"),
        "due": _l("答复期限"),
        "created_at": _l("点题时间"),
        "answered_at": _l("办结时间"),
        "office": _l("单位"),
        "details": _l("具体说明"),
        "answer_item": _l("答复事项"),
        "answer_note": _l("答复"),
        "decline_ground": _l("不予公开的依据"),
        "decline_reason": _l("不予公开的理由"),
    }
    column_formatters = {
        "topic": _topic_link,
        "colour": _colour,
        "due": _due,
    }
    # A phone or ID number a resident typed into the topic stays starred in exports too.
    column_formatters_export = {
        "topic": lambda v, c, m, n: mask_numbers(m.topic),
    }
    column_export_list = (
        "receipt_no",
        "topic",
        "status",
        "created_at",
        "answered_at",
        "decline_ground",
        "decline_reason",
    )
    column_filters = (
        sqla_filters.FilterEqual(
            DisclosureTopic.status, _l("状态"), options=lambda: enum_choices(TopicStatus)
        ),
        "created_at",
    )
    column_searchable_list = ("receipt_no", "topic")
    column_default_sort = ("id", True)
    column_select_related_list = (DisclosureTopic.case,)  # the colour and deadline columns read it
    column_details_exclude_list = ("version", "case_id", "case")
    personal_data_columns = ("details",)


class DeskView(ModuleView):
    """The disclosure desk: open topics soonest due first, drafts, and each topic's and
    item's page with the actions the user may take."""

    def _topic(self, topic_id) -> DisclosureTopic:
        return get_scoped_or_404(DisclosureTopic, topic_id, PLUGIN)

    def _item(self, item_id) -> DisclosureItem:
        return get_scoped_or_404(DisclosureItem, item_id, PLUGIN)

    @expose("/")
    def index(self):
        """Open topics (with the case's colour and due date), drafts, recent items."""
        offices = scoped_office_ids(current_user, PLUGIN)
        topics = db.session.scalars(
            select(DisclosureTopic)
            .where(
                DisclosureTopic.office_id.in_(offices), DisclosureTopic.status == TopicStatus.OPEN
            )
            .options(selectinload(DisclosureTopic.case))
            .order_by(DisclosureTopic.id)
        ).all()
        rows = sorted(
            ({"topic": t, "case": t.case, "colour": colour_of(t)} for t in topics),
            key=lambda r: r["case"].due_at if r["case"] else r["topic"].created_at,
        )
        drafts = db.session.scalars(
            select(DisclosureItem)
            .where(DisclosureItem.office_id.in_(offices), DisclosureItem.published_at.is_(None))
            .order_by(DisclosureItem.id.desc())
            .limit(50)
        ).all()
        recent = db.session.scalars(
            select(DisclosureItem)
            .where(DisclosureItem.office_id.in_(offices), DisclosureItem.published_at.is_not(None))
            .order_by(DisclosureItem.published_at.desc())
            .limit(20)
        ).all()
        return self.render(
            "disclosure/admin/desk_index.html",
            rows=rows,
            drafts=drafts,
            recent=recent,
            mask_numbers=mask_numbers,
        )

    def _topic_screen(
        self,
        topic: DisclosureTopic,
        *,
        answer_form=None,
        decline_form=None,
        review=None,
        status: int = 200,
    ):
        """A topic: what was asked, its case, the answer and decline forms (with the review
        panel when a submission needs decisions), the withdrawal of its answer."""
        answer_form = answer_form or AnswerForm()
        answer_form.existing_item.choices = [("", _("不引用，新写一条公开内容"))] + [
            (str(i.id), i.title)
            for i in db.session.scalars(
                select(DisclosureItem)
                .where(
                    DisclosureItem.office_id == topic.office_id,
                    DisclosureItem.published_at.is_not(None),
                    withdrawn_clause(DisclosureItem),
                )
                .order_by(DisclosureItem.published_at.desc())
                .limit(100)
            )
        ]
        finished = topic.status != TopicStatus.OPEN
        allowed = allowed_names_for(DisclosureTopic, [topic]).get(topic.id, frozenset())
        shown = (
            review_of(topic.topic, topic.decline_reason or topic.answer_note or "", allowed=allowed)
            if finished
            else None
        )
        withdrawal = topic.withdrawal if finished else None
        return self.render(
            "disclosure/admin/topic.html",
            topic=topic,
            case=topic.case,
            colour=colour_of(topic),
            may_act=may_act_in(current_user, topic.office_id),
            answer_form=answer_form,
            decline_form=decline_form or DeclineForm(),
            review=review,
            shown=shown,
            withdrawal=withdrawal,
            may_withdraw=(
                finished and withdrawal is None and can_withdraw(current_user, topic.office_id)
            ),
            withdraw_form=WithdrawForm(),
        ), status

    @expose("/topic/<int:topic_id>")
    def topic_page(self, topic_id):
        """A topic: what was asked, its case, and the answer and decline forms."""
        return self._topic_screen(self._topic(topic_id))

    def _reviewed(self, topic, form, which: str, texts) -> set[str] | tuple:
        """The names staff let stand, or a response showing the review panel when a
        suspected name is undecided (the first submission of a text with suspects)."""
        review = review_of(*texts)
        allowed, undecided = decisions_from(request.form, review["suspects"])
        if not undecided:
            return allowed
        if request.form.get("reviewed"):
            flash(_("请逐一确认疑似人名（隐去或可以公开）后再提交。"), "error")
        kwargs = {"answer_form": form} if which == "answer" else {"decline_form": form}
        return self._topic_screen(topic, review={"which": which, **review}, status=400, **kwargs)

    @expose("/topic/<int:topic_id>/answer", methods=["POST"])
    def answer(self, topic_id):
        """Disclose the answer (a new item or one on the board) and close the case, once every
        suspected name in the topic and the new item is decided."""
        topic = self._topic(topic_id)
        back = url_for(".topic_page", topic_id=topic.id)
        form = AnswerForm()
        existing = None
        if (form.existing_item.data or "").isdigit():
            existing = db.session.get(DisclosureItem, int(form.existing_item.data))
        texts = (
            [topic.topic]
            if existing is not None
            else [topic.topic, form.title.data or "", form.body.data or ""]
        )
        if form.validate_on_submit() and may_act_in(current_user, topic.office_id):
            allowed = self._reviewed(topic, form, "answer", texts)
            if not isinstance(allowed, set):
                return allowed
        else:
            allowed = set()

        def action(form):
            if (form.existing_item.data or "").isdigit() and existing is None:
                raise DisclosureError(_("只能引用本单位已公开的事项。"))
            services.answer_topic(
                topic,
                actor_id=current_user.id,
                item=existing,
                **form_values(form, "title body category stage"),
                allowed_names=allowed,
            )

        return submit(form, action, success=_("已公开并办结。"), back=back, row=topic)

    @expose("/topic/<int:topic_id>/decline", methods=["POST"])
    def decline(self, topic_id):
        """Decline the topic with its ground and reason, and close the case, once every
        suspected name in the topic and the reason is decided."""
        topic = self._topic(topic_id)
        back = url_for(".topic_page", topic_id=topic.id)
        form = DeclineForm()
        allowed = set()
        if form.validate_on_submit() and may_act_in(current_user, topic.office_id):
            allowed = self._reviewed(topic, form, "decline", [topic.topic, form.reason.data])
            if not isinstance(allowed, set):
                return allowed
        return submit(
            form,
            lambda form: services.decline_topic(
                topic,
                actor_id=current_user.id,
                ground=form.ground.data,
                reason=form.reason.data,
                allowed_names=allowed,
            ),
            success=_("已答复不予公开并办结。"),
            back=back,
            row=topic,
        )

    @expose("/topic/<int:topic_id>/withdraw", methods=["POST"])
    def withdraw_answer(self, topic_id):
        """Withdraw the topic's published answer through the core; the row stays."""
        topic = self._topic(topic_id)
        return submit(
            WithdrawForm(),
            lambda form: services.withdraw_answer(
                topic, actor_id=current_user.id, reason=form.reason.data
            ),
            success=_("已撤回，记录仍保留。"),
            back=url_for(".topic_page", topic_id=topic.id),
            row=topic,
        )

    @expose("/item/<int:item_id>")
    def item_page(self, item_id):
        """An item exactly as residents will read it (masked, suspected names highlighted),
        with publish (each suspected name decided) or withdraw."""
        item = self._item(item_id)
        allowed = allowed_names_for(DisclosureItem, [item]).get(item.id, frozenset())
        withdrawal = item.withdrawal
        return self.render(
            "disclosure/admin/item.html",
            item=item,
            body=Markup(render_markdown(masked_body(item, allowed))),
            review=review_of(item.title, item.body, allowed=allowed),
            withdrawal=withdrawal,
            may_act=may_act_in(current_user, item.office_id),
            may_withdraw=(
                item.published_at is not None
                and withdrawal is None
                and can_withdraw(current_user, item.office_id)
            ),
            confirm_form=ConfirmForm(),
            withdraw_form=WithdrawForm(),
            edit_url=url_for("disclosure_items.edit_view", id=item.id, url=request.path),
        )

    @expose("/item/<int:item_id>/publish", methods=["POST"])
    def publish(self, item_id):
        """Put the item on the public board once every suspected name is decided."""
        item = self._item(item_id)
        back = url_for(".item_page", item_id=item.id)
        allowed, undecided = decisions_from(
            request.form, review_of(item.title, item.body)["suspects"]
        )
        if undecided:
            flash(_("请逐一确认疑似人名（隐去或可以公开）后再提交。"), "error")
            return redirect(back)
        return submit(
            ConfirmForm(),
            lambda form: services.publish_item(
                item, actor_id=current_user.id, allowed_names=allowed
            ),
            success=_("已在公开栏公开。"),
            back=back,
            row=item,
        )

    @expose("/item/<int:item_id>/withdraw", methods=["POST"])
    def withdraw(self, item_id):
        """Withdraw the item through the core; the record stays."""
        item = self._item(item_id)
        return submit(
            WithdrawForm(),
            lambda form: services.withdraw_item(
                item, actor_id=current_user.id, reason=form.reason.data
            ),
            success=_("已撤回，记录仍保留。"),
            back=url_for(".item_page", item_id=item.id),
            row=item,
        )


def admin_views() -> list:
    """The module's staff screens, in menu order."""
    return [
        DeskView(name=_l("公开工作台"), endpoint="desk", url=DESK_URL),
        ItemView(DisclosureItem, db, name=_l("公开事项"), endpoint="items"),
        TopicView(DisclosureTopic, db, name=_l("群众点题"), endpoint="topics"),
    ]
