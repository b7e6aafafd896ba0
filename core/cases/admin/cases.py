"""案件登记簿: the list (keyset-paged, see ``core.cases.queries``), a case with its timeline,
intake, corrections and export. The actions on a case are in ``core.cases.admin.actions``."""

from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, request, send_file
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from core import permissions
from core.admin.base import OfficeScopedModelView
from core.admin.desk import form_values
from core.audit import record_event
from core.cases import queries, receipts, services
from core.cases.admin.actions import CaseActions
from core.cases.admin.common import (
    LIST_STYLE,
    UNIT_LABELS,
    _category_choices,
    _office_choices,
    _offices_by_id,
)
from core.cases.categories import all_categories, category_title, get_category
from core.cases.display import channel_label, colour_label, fmt_datetime, status_label
from core.cases.forms import (
    EditForm,
    IntakeForm,
)
from core.cases.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseStatus,
    Channel,
)
from core.errors import STALE_MESSAGE, UserError
from core.exports import audited_export
from core.extensions import db
from core.input_guard import parse_db_int
from core.masking import mask_value
from core.models import Role, User, utcnow
from core.sla import Colour

# The registration fields of the intake and correction forms, as the case services name them.
DETAILS = "channel subject content"
APPLICANT = "applicant_name applicant_phone applicant_id_number"

EVENT_LABELS = {
    "opened": _l("受理"),
    "accepted": _l("签收"),
    "transferred": _l("转办"),
    "handed_back": _l("退回"),
    "escalated": _l("呈报领导"),
    "notified_office": _l("知会单位"),
    "paused": _l("暂停计时"),
    "resumed": _l("恢复计时"),
    "deadline_set": _l("领导确定时限"),
    "deadline_recalculated": _l("期限重新计算"),
    "extension_requested": _l("申请延期"),
    "extension_approved": _l("批准延期"),
    "extension_refused": _l("不同意延期"),
    "agency_started": _l("办事代理"),
    "agency_delivered": _l("上门送达"),
    "agency_signed_off": _l("代办签字确认"),
    "attachment_added": _l("上传附件"),
    "edited": _l("修改登记信息"),
    "note": _l("办理进展"),
    "resolved": _l("办结"),
    "archived": _l("归档"),
    "rated": _l("群众评价"),
    "rectification_opened": _l("整改"),
    "rectification_done": _l("整改完成"),
    "follow_up": _l("回访"),
    "appeal_filed": _l("评价申诉"),
    "appeal_decided": _l("申诉裁定"),
}
TABS = (
    ("office", _l("本单位办理")),
    ("out", _l("本单位转出")),
    ("notified", _l("知会本单位")),
    ("mine", _l("我经手的")),
)


@dataclass(slots=True, frozen=True)
class _ListRow:
    """One line of the case list, ready to print. An object rather than a dict: Jinja looks
    up ``r.name`` as an attribute first, and a dict fails that on every cell."""

    id: int
    receipt: str
    subject: str
    office: str
    category: str
    channel: str
    status: str
    colour: str
    step: str | None
    applicant: str
    handler: str
    accepted: str
    due: str
    uncovered: bool


def _parse_filters(args, user) -> queries.ListFilters:
    """The list's filters from the query string; unknown values are ignored."""
    filters = queries.ListFilters()
    office = args.get("office", type=int)
    allowed = queries.list_office_ids(user)
    if office is not None and (allowed is None or office in allowed):
        filters.office_id = office
    status = args.get("status")
    if status in ("active", "all") or status in {s.value for s in CaseStatus}:
        filters.status = status
    if args.get("category") in all_categories():
        filters.category = args["category"]
    if args.get("channel") in {c.value for c in Channel}:
        filters.channel = args["channel"]
    if args.get("colour") in queries.COLOURS:
        filters.colour = args["colour"]
    if args.get("tab") in {t for t, _label in TABS}:
        filters.tab = args["tab"]
    if args.get("sort") == "-accepted":
        filters.sort = "-accepted"
    text = (args.get("q") or "").strip()[:100]
    if text:
        receipt = receipts.normalise(text)
        if receipt:
            filters.receipt = receipt
        else:
            filters.q = text
    return filters


class CaseView(CaseActions, OfficeScopedModelView):
    """案件登记簿: list, detail with timeline and actions, intake, corrections, export."""

    personal_data_columns = ("applicant_name", "applicant_phone", "applicant_id_number")
    allow_delete = False  # a case is history: it is resolved and archived, never deleted
    column_list = ("receipt_no", "subject", "status", "due_at")
    column_filters = ()
    # Also what the audit log calls each stored column of a case.
    column_labels = {
        "receipt_no": _l("回执号"),
        "office": _l("承办单位"),
        "first_office": _l("首接单位"),
        "category": _l("事项类别"),
        "channel": _l("来源渠道"),
        "subject": _l("事项"),
        "content": _l("内容"),
        "applicant_name": _l("申请人"),
        "applicant_phone": _l("联系电话"),
        "applicant_id_number": _l("身份证号"),
        "status": _l("状态"),
        "accepted_at": _l("受理时间"),
        "limit_amount": _l("时限"),
        "limit_unit": _l("时限单位"),
        "extra_amount": _l("延期时长"),
        "due_at": _l("截止时间"),
        "warn_at": _l("预警时间"),
        "due_warnings": _l("期限提示"),
        "due_uncovered": _l("期限超出已知日历"),
        "paused_since": _l("暂停计时自"),
        "step_kind": _l("当前环节"),
        "step_started_at": _l("环节开始时间"),
        "step_due_at": _l("环节截止时间"),
        "closed_at": _l("办结时间"),
        "archived_at": _l("归档时间"),
        "outcome": _l("办理结果"),
        "handler": _l("承办人"),
        "first_responder": _l("首问责任人"),
        "source_type": _l("来源模块"),
        "source_id": _l("来源记录"),
        "swept_colour": _l("督办颜色"),
    }
    page_size = 100
    extra_css = ()

    # --- loading and scoping -------------------------------------------------------------

    def _case_or_404(self, case_id) -> Case:
        number = parse_db_int(case_id)
        case = db.session.get(Case, number) if number is not None else None
        if case is None or not services.may_view(current_user, case):
            abort(404)
        return case

    def get_one(self, id):
        return self._case_or_404(id)

    def scope(self, query):
        allowed = queries.list_office_ids(current_user)
        if allowed is None:
            return query
        return query.filter(Case.office_id.in_(allowed) | Case.first_office_id.in_(allowed))

    # --- list ----------------------------------------------------------------------------

    @expose("/")
    def index_view(self):
        """The case list: filters, colours, deadline order, keyset pages of 100."""
        filters = _parse_filters(request.args, current_user)
        page_number = max(min(request.args.get("page", 1, type=int), 100_000), 1)
        now = utcnow()
        page = queries.list_page(
            current_user,
            filters,
            page=page_number,
            after=request.args.get("after"),
            page_size=self.page_size,
            now=now,
        )
        handler_ids = {r.handler_id for r in page.rows if r.handler_id}
        handlers = (
            {
                u.id: u.display_name
                for u in db.session.scalars(select(User).where(User.id.in_(handler_ids)))
            }
            if handler_ids
            else {}
        )
        offices = _offices_by_id()
        allowed = queries.list_office_ids(current_user)
        categories = {code: str(spec.title) for code, spec in all_categories().items()}
        # Labels resolved once per page, not once per row (lazy strings cost a lookup each).
        colour_names = {c.value: c.label for c in Colour}
        channel_names = dict(Channel.choices())
        status_names = {s.value: s.label for s in CaseStatus}
        office_names = {o.id: o.name for o in offices.values()}
        rows = [
            _ListRow(
                id=r.id,
                receipt=receipts.display(r.receipt_no),
                subject=r.subject,
                office=office_names.get(r.office_id, ""),
                category=categories.get(r.category, r.category),
                channel=channel_names.get(r.channel, r.channel),
                status=status_names.get(r.status, r.status),
                colour=r.colour(now),
                step=r.step_colour(now),
                applicant=" ".join(
                    v
                    for v in (
                        mask_value("applicant_name", r.applicant_name),
                        mask_value("applicant_phone", r.applicant_phone),
                    )
                    if v
                ),
                handler=handlers.get(r.handler_id, ""),
                accepted=fmt_datetime(r.accepted_at),
                due=fmt_datetime(r.due_at),
                uncovered=r.due_uncovered,
            )
            for r in page.rows
        ]
        args = page.filters.as_args()
        next_url = (
            self.get_url(".index_view", **args, page=page.number + 1, after=page.next_cursor)
            if page.has_next
            else None
        )
        prev_url = (
            self.get_url(".index_view", **args, page=page.number - 1) if page.number > 1 else None
        )
        return self.render(
            "admin/cases/list.html",
            rows=rows,
            page=page,
            filters=filters,
            args=args,
            next_url=next_url,
            prev_url=prev_url,
            style=LIST_STYLE,
            office_choices=[
                (o.id, o.name)
                for o in sorted(offices.values(), key=lambda o: (o.sort_order, o.code))
                if allowed is None or o.id in allowed
            ],
            categories=categories,
            statuses=status_names,
            channels=channel_names,
            colours=colour_names,
            tabs=TABS if allowed is not None else (),
            sees_all=allowed is None,
            export_args=args,
            colour_names=colour_names,
            detail_url=self.get_url(".details_view"),
            show_office=len(offices) > 1 and (allowed is None or len(allowed) > 1),
        )

    # --- detail ---------------------------------------------------------------------------

    @expose("/details/")
    def details_view(self):
        """One case: registration, deadline and its explanation, timeline, action forms."""
        case = self._case_or_404(request.args.get("id"))
        events = db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.id)
            .options(
                selectinload(CaseEvent.actor),
                selectinload(CaseEvent.from_office),
                selectinload(CaseEvent.to_office),
                selectinload(CaseEvent.to_user),
                selectinload(CaseEvent.from_user),
            )
        ).all()
        show_personal = permissions.may_see_personal_data(current_user)
        if show_personal and any(getattr(case, c) for c in self.personal_data_columns):
            record_event(
                "personal_data.view",
                office_id=case.office_id,
                target_type=Case.__tablename__,
                target_id=case.id,
                details={"columns": list(self.personal_data_columns)},
            )
            db.session.commit()
        try:
            due = services.explain_due(case)
        except ValueError:
            due = None
        now = utcnow()
        context = {
            "case": case,
            "events": events,
            "event_labels": EVENT_LABELS,
            "show_personal": show_personal,
            "due": due,
            "now": now,
            "colour": case.colour(now),
            "step_colour": case.step_colour(now),
            "category": get_category(case.category),
            "category_title": category_title(case.category),
            "receipt": receipts.display(case.receipt_no),
            "style": LIST_STYLE,
            "may_act": services.may_act(current_user, case),
            "is_leader": services.is_leader_for(current_user, case.office_id),
            "is_first_responder": current_user.id == case.first_responder_id,
            "rectification": case.rating.rectification if case.rating else None,
            "unit_label": UNIT_LABELS.get(case.limit_unit, case.limit_unit),
            "mask": mask_value,
        }
        context.update(self._action_forms(case))
        return self.render("admin/cases/detail.html", **context)

    # --- attachments ------------------------------------------------------------------------

    @expose("/<int:case_id>/file/<int:attachment_id>")
    def attachment(self, case_id, attachment_id):
        """Download an attachment (only for those who may see the case)."""
        from core.storage import get_storage

        case = self._case_or_404(case_id)
        item = self._item(CaseAttachment, case, attachment_id)
        path = get_storage().path(item.storage_key)
        if path is None:
            abort(404)
        return send_file(
            path, mimetype=item.content_type, as_attachment=True, download_name=item.filename
        )

    # --- intake and corrections ---------------------------------------------------------

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        """统一接件: register a matter; the receipt number is shown for the resident."""
        if not self.can_create:
            abort(403)
        form = IntakeForm()
        sees_all = current_user.role == Role.TOWNSHIP_ADMIN
        form.office_id.choices = _office_choices(None if sees_all else {current_user.office_id})
        if not sees_all:
            form.office_id.data = current_user.office_id
        chosen_office = form.office_id.data or current_user.office_id
        form.category.choices = _category_choices(chosen_office)
        if form.validate_on_submit():
            try:
                case = services.open_case(
                    office_id=form.office_id.data if sees_all else current_user.office_id,
                    **form_values(form, f"category {DETAILS} {APPLICANT}"),
                    first_responder_id=current_user.id,
                    handler_id=current_user.id if form.accept_now.data else None,
                    actor_id=current_user.id,
                )
                db.session.commit()
            except services.CaseError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                flash(
                    _(
                        "已受理。回执号 %(r)s，请告知群众凭此查询和评价。",
                        r=receipts.display(case.receipt_no),
                    ),
                    "success",
                )
                return redirect(self.get_url(".details_view", id=case.id), code=303)
        return self._form_page(form, _("统一接件"), self.get_url(".create_view"))

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        """Correct the registration details; a stale form is refused, never merged."""
        case = self._case_or_404(request.args.get("id"))
        if not self.can_edit or not services.may_act(current_user, case):
            abort(403)
        form = EditForm(obj=None if request.method == "POST" else case)
        if request.method == "GET":
            form.version.data = case.version
            form.channel.data = case.channel.value
        if form.validate_on_submit():
            sees_applicant = permissions.may_see_personal_data(current_user)
            fields = form_values(form, f"{DETAILS} {APPLICANT}" if sees_applicant else DETAILS)
            try:
                changed = services.edit_case(
                    case, actor_id=current_user.id, expected_version=self._version(form), **fields
                )
                db.session.commit()
            except (services.CaseError, StaleDataError) as exc:
                db.session.rollback()
                flash(str(exc if isinstance(exc, UserError) else STALE_MESSAGE), "error")
                return redirect(self.get_url(".details_view", id=case.id), code=303)
            flash(_("已保存。") if changed else _("没有改动。"), "success")
            return redirect(self.get_url(".details_view", id=case.id), code=303)
        return self._form_page(
            form, _("修改登记信息"), self.get_url(".edit_view", id=case.id), case
        )

    def _form_page(self, form, title, action, case=None):
        """The intake or correction form, with a refused post's messages flashed."""
        if request.method == "POST":
            for errors in form.errors.values():
                for error in errors:
                    flash(error, "error")
        return self.render(
            "admin/cases/form.html",
            form=form,
            title=title,
            action=action,
            case=case,
            style=LIST_STYLE,
        )

    # --- export --------------------------------------------------------------------------

    @expose("/export/<export_type>/")
    def export(self, export_type):
        """The filtered list as CSV/XLSX, without applicants' personal data."""
        if export_type not in self.export_types:
            abort(404)
        filters = _parse_filters(request.args, current_user)
        limit = int(current_app.config["EXPORT_MAX_ROWS"])
        now = utcnow()
        rows = queries.export_rows(current_user, filters, limit, now)
        offices = _offices_by_id()
        handler_ids = {r.handler_id for r in rows if r.handler_id}
        handlers = (
            {
                u.id: u.display_name
                for u in db.session.scalars(select(User).where(User.id.in_(handler_ids)))
            }
            if handler_ids
            else {}
        )
        headers = [
            _("回执号"),
            _("承办单位"),
            _("事项类别"),
            _("受理渠道"),
            _("事由"),
            _("状态"),
            _("督办"),
            _("受理时间"),
            _("应办结时间"),
            _("办结时间"),
            _("承办人"),
            _("办理结果"),
        ]
        return audited_export(
            export_type,
            "cases",
            headers,
            (
                [
                    receipts.display(r.receipt_no),
                    offices[r.office_id].name if r.office_id in offices else "",
                    category_title(r.category),
                    channel_label(r.channel),
                    r.subject,
                    status_label(r.status),
                    colour_label(r.colour(now)),
                    fmt_datetime(r.accepted_at),
                    fmt_datetime(r.due_at),
                    fmt_datetime(r.closed_at),
                    handlers.get(r.handler_id, ""),
                    r.outcome or "",
                ]
                for r in rows
            ),
            target_type=Case.__tablename__,
            limit=limit,
            view=self.endpoint,
            filters=filters.as_args(),
        )
