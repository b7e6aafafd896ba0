"""Staff screens of the case register: the list, a case with its timeline and actions, intake,
supervision (督办), reports, and offices' published limits.

The list is our own view rather than Flask-Admin's generic one: it pages with a keyset cursor
over indexes that match its sort, never counts the table, and sends one lean row per case
(see ``core.cases.queries``). Scoping follows ``core.cases.services.may_view``: a case's office,
the office that accepted it and its first responder (after a transfer too), notified offices.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort, current_app, flash, redirect, request, send_file
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import ValidationError

from core import permissions
from core.admin.base import ModuleView, OfficeScopedModelView
from core.audit import record_event
from core.cases import queries, receipts, services
from core.cases.categories import all_categories, category_title, get_category
from core.cases.display import channel_label, colour_label, fmt_datetime, status_label
from core.cases.forms import (
    AgencyForm,
    AppealDecisionForm,
    AppealForm,
    AttachmentForm,
    DeadlineForm,
    DecisionForm,
    DeliveryForm,
    EditForm,
    EscalateForm,
    ExtensionForm,
    FollowUpForm,
    IntakeForm,
    NoteForm,
    NotifyOfficesForm,
    PauseForm,
    RectificationForm,
    ResolveForm,
    TransferForm,
)
from core.cases.models import (
    CHANNEL_LABELS,
    STATUS_LABELS,
    AgencyRecord,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseStatus,
    Extension,
    OfficeCategoryLimit,
    RatingAppeal,
    Rectification,
)
from core.exports import export_response
from core.extensions import db
from core.input_guard import parse_db_int
from core.masking import mask_value
from core.models import Office, Role, User, utcnow
from core.modules import enabled_office_ids, enabled_plugins
from core.plugins import get_registry
from core.sla import Colour, Limit, LimitUnit, compute_due
from core.time import LOCAL_ZONE

EVENT_LABELS = {
    "opened": _l("受理"), "accepted": _l("签收"), "transferred": _l("转办"),
    "handed_back": _l("退回"), "escalated": _l("呈报领导"), "notified_office": _l("知会单位"),
    "paused": _l("暂停计时"), "resumed": _l("恢复计时"), "deadline_set": _l("领导确定时限"),
    "deadline_recalculated": _l("期限重新计算"),
    "extension_requested": _l("申请延期"), "extension_approved": _l("批准延期"),
    "extension_refused": _l("不同意延期"), "agency_started": _l("办事代理"),
    "agency_delivered": _l("上门送达"), "agency_signed_off": _l("代办签字确认"),
    "attachment_added": _l("上传附件"), "edited": _l("修改登记信息"), "note": _l("办理进展"),
    "resolved": _l("办结"), "archived": _l("归档"), "rated": _l("群众评价"),
    "rectification_opened": _l("整改"), "rectification_done": _l("整改完成"),
    "follow_up": _l("回访"), "appeal_filed": _l("评价申诉"), "appeal_decided": _l("申诉裁定"),
}
UNIT_LABELS = {LimitUnit.WORKING_DAYS.value: _l("工作日"), LimitUnit.CALENDAR_DAYS.value: _l("日"),
               LimitUnit.MONTHS.value: _l("个月")}
TABS = (("office", _l("本单位办理")), ("out", _l("本单位转出")), ("notified", _l("知会本单位")),
        ("mine", _l("我经手的")))
LIST_STYLE = """
.case-list td, .case-list th { padding: .3rem .4rem; font-size: .875rem; vertical-align: top; }
.case-list .subj { max-width: 22rem; }
.dot { display: inline-block; width: .7rem; height: .7rem; border-radius: 50%; }
.dot-green { background: #28a745; } .dot-yellow { background: #ffc107; }
.dot-red { background: #dc3545; } .dot-closed { background: #adb5bd; }
.timeline { list-style: none; padding-left: 0; } .timeline li { border-left: 3px solid #dee2e6; padding: .25rem .75rem; }
.receipt { font-family: monospace; font-size: 1.4rem; letter-spacing: .1rem; }
"""


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


def _offices_by_id() -> dict[int, Office]:
    return {o.id: o for o in db.session.scalars(select(Office))}


def _office_choices(office_ids=None) -> list[tuple[int, str]]:
    query = select(Office).order_by(Office.sort_order, Office.code)
    if office_ids is not None:
        query = query.where(Office.id.in_(office_ids))
    return [(o.id, o.name) for o in db.session.scalars(query)]


def _category_choices(office_id: int | None) -> list[tuple[str, str]]:
    switched_on = enabled_plugins(office_id) if office_id else set()
    return [(code, str(spec.title)) for code, spec in all_categories().items()
            if spec.plugin is None or spec.plugin in switched_on]


def _user_choices(query, blank=None) -> list[tuple]:
    choices = [("", blank)] if blank else []
    return choices + [(u.id, f"{u.display_name}（{u.role.label}）") for u in db.session.scalars(query)]


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
    if args.get("channel") in {c.value for c in CHANNEL_LABELS}:
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


class CaseView(OfficeScopedModelView):
    """案件登记簿: list, detail with timeline and actions, intake, corrections, export."""

    personal_data_columns = ("applicant_name", "applicant_phone", "applicant_id_number")
    allow_delete = False  # a case is history: it is resolved and archived, never deleted
    column_list = ("receipt_no", "subject", "status", "due_at")
    column_filters = ()
    # Also what the audit log calls each stored column of a case.
    column_labels = {
        "receipt_no": _l("回执号"), "office": _l("承办单位"), "first_office": _l("首接单位"),
        "category": _l("事项类别"), "channel": _l("来源渠道"), "subject": _l("事项"),
        "content": _l("内容"), "applicant_name": _l("申请人"), "applicant_phone": _l("联系电话"),
        "applicant_id_number": _l("身份证号"), "status": _l("状态"), "accepted_at": _l("受理时间"),
        "limit_amount": _l("时限"), "limit_unit": _l("时限单位"), "extra_amount": _l("延期时长"),
        "due_at": _l("截止时间"), "warn_at": _l("预警时间"), "due_warnings": _l("期限提示"),
        "due_uncovered": _l("期限超出已知日历"), "paused_since": _l("暂停计时自"),
        "step_kind": _l("当前环节"), "step_started_at": _l("环节开始时间"),
        "step_due_at": _l("环节截止时间"), "closed_at": _l("办结时间"),
        "archived_at": _l("归档时间"), "outcome": _l("办理结果"), "handler": _l("承办人"),
        "first_responder": _l("首问责任人"), "source_type": _l("来源模块"),
        "source_id": _l("来源记录"), "swept_colour": _l("督办颜色"),
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
        page = queries.list_page(current_user, filters, page=page_number,
                                 after=request.args.get("after"), page_size=self.page_size,
                                 now=now)
        handler_ids = {r.handler_id for r in page.rows if r.handler_id}
        handlers = ({u.id: u.display_name for u in db.session.scalars(
            select(User).where(User.id.in_(handler_ids)))} if handler_ids else {})
        offices = _offices_by_id()
        allowed = queries.list_office_ids(current_user)
        categories = {code: str(spec.title) for code, spec in all_categories().items()}
        # Labels resolved once per page, not once per row (lazy strings cost a lookup each).
        colour_names = {c.value: c.label for c in Colour}
        channel_names = {k.value: str(v) for k, v in CHANNEL_LABELS.items()}
        status_names = {k.value: str(v) for k, v in STATUS_LABELS.items()}
        office_names = {o.id: o.name for o in offices.values()}
        rows = [_ListRow(
            id=r.id, receipt=receipts.display(r.receipt_no), subject=r.subject,
            office=office_names.get(r.office_id, ""),
            category=categories.get(r.category, r.category),
            channel=channel_names.get(r.channel, r.channel),
            status=status_names.get(r.status, r.status),
            colour=r.colour(now), step=r.step_colour(now),
            applicant=" ".join(v for v in (mask_value("applicant_name", r.applicant_name),
                                           mask_value("applicant_phone", r.applicant_phone)) if v),
            handler=handlers.get(r.handler_id, ""),
            accepted=fmt_datetime(r.accepted_at), due=fmt_datetime(r.due_at),
            uncovered=r.due_uncovered,
        ) for r in page.rows]
        args = page.filters.as_args()
        next_url = (self.get_url(".index_view", **args, page=page.number + 1, after=page.next_cursor)
                    if page.has_next else None)
        prev_url = (self.get_url(".index_view", **args, page=page.number - 1)
                    if page.number > 1 else None)
        return self.render(
            "admin/cases/list.html", rows=rows, page=page, filters=filters, args=args,
            next_url=next_url, prev_url=prev_url, style=LIST_STYLE,
            office_choices=[(o.id, o.name) for o in sorted(offices.values(),
                                                             key=lambda o: (o.sort_order, o.code))
                            if allowed is None or o.id in allowed],
            categories=categories,
            statuses=status_names, channels=channel_names, colours=colour_names,
            tabs=TABS if allowed is not None else (), sees_all=allowed is None,
            export_args=args, colour_names=colour_names,
            detail_url=self.get_url(".details_view"), show_office=len(offices) > 1 and (
                allowed is None or len(allowed) > 1))

    # --- detail ---------------------------------------------------------------------------

    @expose("/details/")
    def details_view(self):
        """One case: registration, deadline and its explanation, timeline, action forms."""
        case = self._case_or_404(request.args.get("id"))
        events = db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
            .options(selectinload(CaseEvent.actor), selectinload(CaseEvent.from_office),
                     selectinload(CaseEvent.to_office), selectinload(CaseEvent.to_user),
                     selectinload(CaseEvent.from_user))).all()
        show_personal = permissions.may_see_personal_data(current_user)
        if show_personal and any(getattr(case, c) for c in self.personal_data_columns):
            record_event("personal_data.view", office_id=case.office_id,
                         target_type=Case.__tablename__, target_id=case.id,
                         details={"columns": list(self.personal_data_columns)})
            db.session.commit()
        try:
            due = services.explain_due(case)
        except ValueError:
            due = None
        now = utcnow()
        context = {
            "case": case, "events": events, "event_labels": EVENT_LABELS,
            "show_personal": show_personal, "due": due, "now": now,
            "colour": case.colour(now), "step_colour": case.step_colour(now),
            "category": get_category(case.category), "category_title": category_title(case.category),
            "receipt": receipts.display(case.receipt_no), "style": LIST_STYLE,
            "may_act": services.may_act(current_user, case),
            "is_leader": services.is_leader_for(current_user, case.office_id),
            "is_first_responder": current_user.id == case.first_responder_id,
            "rectification": case.rating.rectification if case.rating else None,
            "unit_label": UNIT_LABELS.get(case.limit_unit, case.limit_unit),
            "mask": mask_value,
        }
        context.update(self._action_forms(case))
        return self.render("admin/cases/detail.html", **context)

    def _action_forms(self, case: Case) -> dict:
        version = case.version
        forms = {name: cls(formdata=None, version=version) for name, cls in (
            ("note_form", NoteForm), ("transfer_form", TransferForm), ("escalate_form", EscalateForm),
            ("notify_form", NotifyOfficesForm), ("pause_form", PauseForm),
            ("extension_form", ExtensionForm), ("decision_form", DecisionForm),
            ("deadline_form", DeadlineForm), ("agency_form", AgencyForm),
            ("delivery_form", DeliveryForm), ("resolve_form", ResolveForm))}
        forms["attachment_form"] = AttachmentForm(formdata=None)
        forms["rectification_form"] = RectificationForm(formdata=None)
        forms["follow_up_form"] = FollowUpForm(formdata=None)
        forms["appeal_form"] = AppealForm(formdata=None)
        forms["appeal_decision_form"] = AppealDecisionForm(formdata=None)
        office_choices = _office_choices()
        forms["transfer_form"].to_office_id.choices = [("", _("请选择"))] + office_choices
        forms["transfer_form"].to_user_id.choices = _user_choices(
            select(User).where(User.active, User.role.in_((Role.STAFF, Role.OFFICE_ADMIN, Role.LEADER)))
            .order_by(User.office_id, User.display_name), blank=_("（由该单位签收）"))
        forms["escalate_form"].leader_id.choices = _user_choices(
            select(User).where(User.active, User.role == Role.LEADER).order_by(User.display_name))
        forms["notify_form"].office_ids.choices = [c for c in office_choices
                                                   if c[0] != case.first_office_id]
        office_people = (select(User).where(User.active, User.office_id == case.office_id,
                                            User.role != Role.AUDITOR).order_by(User.display_name))
        forms["agency_form"].agent_id.choices = _user_choices(office_people)
        forms["agency_form"].agent_id.data = current_user.id
        forms["delivery_form"].delivered_by_id.choices = _user_choices(office_people)
        forms["delivery_form"].delivered_by_id.data = current_user.id
        now = utcnow().replace(second=0, microsecond=0)  # shown in Beijing time by the field
        forms["delivery_form"].delivered_at.data = now
        forms["follow_up_form"].called_at.data = now
        return forms

    # --- actions --------------------------------------------------------------------------

    def _item(self, model, case: Case, item_id):
        try:
            item = db.session.get(model, int(item_id))
        except (TypeError, ValueError):
            item = None
        if item is None or item.case_id != case.id:
            abort(404)
        return item

    @expose("/<int:case_id>/do/<action>", methods=("POST",))
    def case_action(self, case_id, action):
        """Run one transition from the detail page; errors come back as a message, and a
        refused action changes nothing."""
        case = self._case_or_404(case_id)
        handler = getattr(self, f"_do_{action}", None)
        if handler is None:
            abort(404)
        back = self.get_url(".details_view", id=case.id)
        spec = get_category(case.category)
        if action in TIME_RULE_ACTIONS and spec is not None and spec.own_time_rules:
            module = get_registry().manifests.get(spec.plugin)
            flash(_("该类案件的期限、中止和延期由“%(module)s”模块按其规定办理，请在该模块中操作。",
                    module=module.title if module else spec.plugin), "error")
            return redirect(back, code=303)
        try:
            message = handler(case)
            db.session.commit()
        except services.CaseError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(back, code=303)
        except StaleDataError:
            db.session.rollback()
            flash(str(services.STALE_MESSAGE), "error")
            return redirect(back, code=303)
        except _FormInvalid as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(back, code=303)
        if message:
            flash(message, "success")
        return redirect(back, code=303)

    def _form(self, cls):
        form = cls()
        if not form.validate():
            errors = [e for field_errors in form.errors.values() for e in field_errors]
            raise _FormInvalid(errors[0] if errors else _("提交的内容有误，请检查后重试。"))
        return form

    def _version(self, form):
        """The version the person's form was loaded with; a post without one is refused like a
        stale one (the service treats a missing version as a system call that skips the check)."""
        if form.version.data in (None, ""):
            raise services.CaseError(services.STALE_MESSAGE)
        return form.version.data

    def _do_accept(self, case):
        form = self._form(NoteForm)
        services.accept_case(case, actor_id=current_user.id, note=form.note.data,
                            expected_version=self._version(form))
        return _("已签收。")

    def _do_transfer(self, case):
        form = self._form(TransferForm)
        services.transfer_case(case, reason=form.reason.data, actor_id=current_user.id,
                              to_office_id=form.to_office_id.data, to_user_id=form.to_user_id.data,
                              expected_version=self._version(form))
        return _("已转办。您作为首问责任人仍可查看办理进度。") if case.first_responder_id == current_user.id else _("已转办。")

    def _do_hand_back(self, case):
        form = self._form(NoteForm)
        services.hand_back(case, reason=form.note.data, actor_id=current_user.id,
                          expected_version=self._version(form))
        return _("已退回转出单位。")

    def _do_escalate(self, case):
        form = self._form(EscalateForm)
        services.escalate_to_leader(case, leader_id=form.leader_id.data, reason=form.reason.data,
                                   actor_id=current_user.id, expected_version=self._version(form))
        return _("已呈报领导。")

    def _do_notify_offices(self, case):
        form = self._form(NotifyOfficesForm)
        services.notify_offices(case, office_ids=[o for o in form.office_ids.data or [] if o],
                               note=form.note.data, actor_id=current_user.id,
                               expected_version=self._version(form))
        return _("已知会所选单位。")

    def _do_pause(self, case):
        form = self._form(PauseForm)
        services.pause_case(case, reason=form.reason.data, note=form.note.data,
                           actor_id=current_user.id, expected_version=self._version(form))
        return _("已暂停计时。")

    def _do_resume(self, case):
        form = self._form(NoteForm)
        services.resume_case(case, actor_id=current_user.id, note=form.note.data,
                            expected_version=self._version(form))
        return _("已恢复计时，期限顺延至 %(d)s。", d=fmt_datetime(case.due_at))

    def _do_deadline(self, case):
        form = self._form(DeadlineForm)
        services.set_deadline(case, last_day=form.last_day.data, reason=form.reason.data,
                             actor_id=current_user.id, expected_version=self._version(form))
        return _("办理时限已确定，截止 %(d)s。", d=fmt_datetime(case.due_at))

    def _do_extension_request(self, case):
        form = self._form(ExtensionForm)
        services.request_extension(case, amount=form.amount.data, reason=form.reason.data,
                                  actor_id=current_user.id, expected_version=self._version(form))
        return _("延期申请已提交，等待领导审批。")

    def _do_extension_approve(self, case):
        form = self._form(DecisionForm)
        services.approve_extension(self._item(Extension, case, form.item_id.data),
                                  actor_id=current_user.id, note=form.note.data,
                                  expected_version=self._version(form))
        return _("已批准延期，期限至 %(d)s。", d=fmt_datetime(case.due_at))

    def _do_extension_refuse(self, case):
        form = self._form(DecisionForm)
        services.refuse_extension(self._item(Extension, case, form.item_id.data),
                                 actor_id=current_user.id, note=form.note.data,
                                 expected_version=self._version(form))
        return _("已不同意延期。")

    def _do_agency(self, case):
        form = self._form(AgencyForm)
        services.start_agency(case, reason=form.reason.data, actor_id=current_user.id,
                             agent_id=form.agent_id.data, expected_version=self._version(form))
        return _("已登记办事代理。")

    def _do_delivery(self, case):
        form = self._form(DeliveryForm)
        services.record_delivery(self._item(AgencyRecord, case, form.item_id.data),
                                delivered_at=form.delivered_at.data, items=form.items.data,
                                actor_id=current_user.id, delivered_by_id=form.delivered_by_id.data,
                                expected_version=self._version(form))
        return _("已登记上门送达。")

    def _do_agency_sign_off(self, case):
        form = self._form(DecisionForm)
        services.sign_off_agency(self._item(AgencyRecord, case, form.item_id.data),
                                actor_id=current_user.id, note=form.note.data,
                                expected_version=self._version(form))
        return _("代办记录已签字确认。")

    def _do_resolve(self, case):
        form = self._form(ResolveForm)
        services.close_case(case, outcome=form.outcome.data, actor_id=current_user.id,
                           expected_version=self._version(form))
        return _("已办结。群众可凭回执号查询并评价。")

    def _do_archive(self, case):
        form = self._form(NoteForm)
        services.archive_case(case, actor_id=current_user.id, note=form.note.data,
                             expected_version=self._version(form))
        return _("已归档。")

    def _do_note(self, case):
        form = self._form(NoteForm)
        services.add_note(case, note=form.note.data, actor_id=current_user.id)
        return _("已记录办理进展。")

    def _do_attachment(self, case):
        form = self._form(AttachmentForm)
        upload = form.file.data
        limit = int(current_app.config.get("CASE_ATTACHMENT_MAX_BYTES",
                                           services.DEFAULT_ATTACHMENT_MAX_BYTES))
        data = upload.stream.read(limit + 1)
        services.add_attachment(case, filename=upload.filename or "", data=data,
                               actor_id=current_user.id)
        return _("附件已上传。")

    def _rectification(self, case, item_id) -> Rectification:
        return self._item(Rectification, case, item_id)

    def _do_rectification_done(self, case):
        form = self._form(RectificationForm)
        services.complete_rectification(self._rectification(case, form.item_id.data),
                                       measures=form.measures.data, actor_id=current_user.id)
        return _("已登记整改措施，请安排回访。")

    def _do_follow_up(self, case):
        form = self._form(FollowUpForm)
        services.record_follow_up(self._rectification(case, form.item_id.data),
                                 called_at=form.called_at.data,
                                 reached=form.reached.data, resident_grade=form.resident_grade.data,
                                 note=form.note.data, actor_id=current_user.id)
        return _("已登记回访。")

    def _do_appeal(self, case):
        form = self._form(AppealForm)
        if case.rating is None:
            raise services.CaseError(_("该案件尚无群众评价。"))
        services.file_appeal(case.rating, reason=form.reason.data, statement=form.statement.data,
                            actor_id=current_user.id)
        return _("申诉已提交，等待领导裁定。")

    def _do_appeal_decide(self, case):
        form = self._form(AppealDecisionForm)
        appeal = self._item(RatingAppeal, case, form.item_id.data)
        services.decide_appeal(appeal, upheld=form.upheld.data == "1", note=form.note.data,
                              actor_id=current_user.id)
        return _("已裁定。")

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
        return send_file(path, mimetype=item.content_type, as_attachment=True,
                         download_name=item.filename)

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
                    category=form.category.data, channel=form.channel.data,
                    subject=form.subject.data, content=form.content.data,
                    applicant_name=form.applicant_name.data,
                    applicant_phone=form.applicant_phone.data,
                    applicant_id_number=form.applicant_id_number.data,
                    first_responder_id=current_user.id,
                    handler_id=current_user.id if form.accept_now.data else None,
                    actor_id=current_user.id)
                db.session.commit()
            except services.CaseError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                flash(_("已受理。回执号 %(r)s，请告知群众凭此查询和评价。",
                        r=receipts.display(case.receipt_no)), "success")
                return redirect(self.get_url(".details_view", id=case.id), code=303)
        elif request.method == "POST":
            for errors in form.errors.values():
                for error in errors:
                    flash(error, "error")
        return self.render("admin/cases/form.html", form=form, title=_("统一接件"),
                           action=self.get_url(".create_view"), style=LIST_STYLE)

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
            fields = {"subject": form.subject.data, "content": form.content.data,
                      "channel": form.channel.data}
            if permissions.may_see_personal_data(current_user):
                fields.update(applicant_name=form.applicant_name.data,
                              applicant_phone=form.applicant_phone.data,
                              applicant_id_number=form.applicant_id_number.data)
            try:
                changed = services.edit_case(case, actor_id=current_user.id,
                                            expected_version=self._version(form), **fields)
                db.session.commit()
            except (services.CaseError, StaleDataError) as exc:
                db.session.rollback()
                message = str(exc) if isinstance(exc, services.CaseError) else str(services.STALE_MESSAGE)
                flash(message, "error")
                return redirect(self.get_url(".details_view", id=case.id), code=303)
            flash(_("已保存。") if changed else _("没有改动。"), "success")
            return redirect(self.get_url(".details_view", id=case.id), code=303)
        elif request.method == "POST":
            for errors in form.errors.values():
                for error in errors:
                    flash(error, "error")
        return self.render("admin/cases/form.html", form=form, title=_("修改登记信息"),
                           action=self.get_url(".edit_view", id=case.id), case=case,
                           style=LIST_STYLE)

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
        handlers = ({u.id: u.display_name for u in db.session.scalars(
            select(User).where(User.id.in_(handler_ids)))} if handler_ids else {})
        record_event("export", target_type=Case.__tablename__,
                     details={"view": self.endpoint, "format": export_type, "rows": len(rows),
                              "filters": filters.as_args()})
        db.session.commit()
        if len(rows) >= limit:
            flash(_("导出已截断为前 %(n)d 行，请加筛选条件。", n=limit), "warning")
        headers = [_("回执号"), _("承办单位"), _("事项类别"), _("受理渠道"), _("事由"), _("状态"),
                   _("督办"), _("受理时间"), _("应办结时间"), _("办结时间"), _("承办人"), _("办理结果")]
        return export_response(export_type, "cases", headers, (
            [receipts.display(r.receipt_no), offices[r.office_id].name if r.office_id in offices else "",
             category_title(r.category), channel_label(r.channel), r.subject,
             status_label(r.status), colour_label(r.colour(now)), fmt_datetime(r.accepted_at),
             fmt_datetime(r.due_at), fmt_datetime(r.closed_at), handlers.get(r.handler_id, ""),
             r.outcome or ""] for r in rows))


# Actions that change a case's clock; refused here for categories whose plugin runs its own.
TIME_RULE_ACTIONS = frozenset({"pause", "resume", "deadline", "extension_request",
                               "extension_approve", "extension_refuse"})


class _FormInvalid(Exception):
    """A posted action form failed WTForms validation; the message is for the user."""


# --- supervision ---------------------------------------------------------------------------


class SupervisionView(ModuleView):
    """督办: open cases by office, category and colour; open and overdue per office over the
    last months; the overdue list; steps past their limit; the annual service quota; what
    waits for a leader."""

    @expose("/")
    def index(self):
        """The supervision screen for the offices the user oversees."""
        now = utcnow()
        scope = queries.list_office_ids(current_user)
        offices = _offices_by_id()
        by_office, by_category = queries.colour_counts(scope, now)
        months = queries.monthly_open_overdue(scope, now, months=6, current=by_office)
        peak = max([n for series in months.values() for _m, n, _o in series] or [1]) or 1
        year = request.args.get("year", type=int)
        if year is None or not 2000 <= year <= 2100:
            year = now.astimezone(LOCAL_ZONE).year
        quota = queries.annual_quota(scope, year)
        pending = self._pending(scope)
        return self.render(
            "admin/cases/supervision.html", now=now, offices=offices,
            plugin_sections=self._plugin_sections(scope),
            by_office=sorted(by_office.items(), key=lambda kv: -sum(kv[1].values())),
            by_category=sorted(by_category.items(), key=lambda kv: -sum(kv[1].values())),
            category_title=category_title, months=months, peak=peak,
            month_labels=queries.month_starts(now.astimezone(LOCAL_ZONE).date(), 6),
            overdue=queries.overdue_cases(scope, now), steps=queries.overdue_steps(scope, now),
            quota=quota, short=[q for q in quota if q.short], year=year, pending=pending,
            colour_labels={c.value: c.label for c in Colour}, style=LIST_STYLE,
            is_past=lambda moment: moment < now)

    def _plugin_sections(self, scope) -> list:
        """Each switched-on plugin's tables (``supervision_sections`` hook) for the offices
        in this person's view."""
        registry = get_registry()
        sections = []
        for name in registry.names():
            office_ids = enabled_office_ids(name)
            if scope is not None:
                office_ids &= scope
            if office_ids:
                for _plugin, items in registry.call_for("supervision_sections", [name],
                                                        user=current_user, office_ids=office_ids):
                    sections.extend(items)
        return sections

    def _pending(self, scope) -> dict:
        def scoped(query, column):
            return query if scope is None else query.where(column.in_(scope))

        extensions = db.session.scalars(scoped(
            select(Extension).join(Case, Case.id == Extension.case_id)
            .where(Extension.status == "requested"), Case.office_id)
            .order_by(Extension.requested_at).limit(50)).all()
        agencies = db.session.scalars(scoped(
            select(AgencyRecord).join(Case, Case.id == AgencyRecord.case_id)
            .where(AgencyRecord.delivered_at.is_not(None), AgencyRecord.signed_off_at.is_(None)),
            Case.office_id).order_by(AgencyRecord.delivered_at).limit(50)).all()
        appeals = db.session.scalars(scoped(
            select(RatingAppeal).where(RatingAppeal.status == "pending"),
            RatingAppeal.office_id).order_by(RatingAppeal.filed_at).limit(50)).all()
        rectifications = db.session.scalars(scoped(
            select(Rectification).where(Rectification.status.in_(("open", "done"))),
            Rectification.office_id).order_by(Rectification.due_at).limit(50)).all()
        return {"extensions": extensions, "agencies": agencies, "appeals": appeals,
                "rectifications": rectifications}


# --- reports -------------------------------------------------------------------------------


DIMENSION_LABELS = {"category": _l("事项类别"), "channel": _l("受理渠道"), "office": _l("承办单位")}


class ReportsView(ModuleView):
    """Cases by category, channel or office for a period, with CSV/XLSX export."""

    @expose("/")
    def index(self):
        """The report table for the chosen dimension and period, or its CSV/XLSX download."""
        today = utcnow().astimezone(LOCAL_ZONE).date()
        dimension = request.args.get("by") if request.args.get("by") in DIMENSION_LABELS else "category"
        start = _parse_date(request.args.get("from"))
        end = _parse_date(request.args.get("to"))
        error = None
        unreadable = [v for v, parsed in ((request.args.get("from"), start),
                                          (request.args.get("to"), end)) if v and parsed is None]
        if unreadable:
            error = _("无法识别的日期“%(value)s”，请按 YYYY-MM-DD 填写；已按默认期间统计。",
                      value=unreadable[0][:20])
        start = start or today.replace(month=1, day=1)
        end = end or today
        if end < start:
            error = _("结束日期不能早于开始日期。")
            start, end = end, start
        if (end - start) > timedelta(days=3660):
            error = _("统计期间最长 10 年。")
            start = end - timedelta(days=3660)
        scope = queries.list_office_ids(current_user)
        rows = queries.report(dimension, scope, start, end)
        offices = _offices_by_id()

        def label(key):
            if dimension == "category":
                return category_title(key)
            if dimension == "channel":
                return channel_label(key)
            return offices[key].name if key in offices else str(key)

        export_type = request.args.get("format")
        if export_type in ("csv", "xlsx"):
            record_event("export", target_type="case_report",
                         details={"by": dimension, "from": start.isoformat(),
                                  "to": end.isoformat(), "format": export_type})
            db.session.commit()
            headers = [str(DIMENSION_LABELS[dimension]), _("受理件数"), _("已办结"), _("按期办结"),
                       _("超期办结"), _("在办"), _("在办超期")]
            body = [[label(r.key), r.total, r.resolved, r.on_time, r.late, r.active, r.overdue_open]
                    for r in rows]
            totals = [_("合计")] + [sum(r[i] for r in body) for i in range(1, 7)]
            return export_response(export_type, f"case-report-{dimension}-{start}-{end}", headers,
                                   body + [totals])
        total = sum(r.total for r in rows)
        return self.render("admin/cases/reports.html", rows=rows, label=label, total=total,
                           dimension=dimension, dimensions=DIMENSION_LABELS, start=start, end=end,
                           error=error, style=LIST_STYLE)


def _parse_date(text: str | None) -> date | None:
    """A YYYY-MM-DD date between 1900 and 2199 (reports over other years mean nothing and
    would overflow date arithmetic), else None."""
    try:
        value = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return value if value is None or 1900 <= value.year <= 2199 else None


# --- offices' published limits --------------------------------------------------------


class OfficeLimitView(OfficeScopedModelView):
    """公示时限: an office's own limit per category, never longer than the rulebook allows."""

    allowed_roles = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER, Role.AUDITOR})
    column_list = ("office", "category", "amount", "unit", "note", "updated_at")
    column_labels = {"office": _l("单位"), "category": _l("事项类别"), "amount": _l("时限"),
                     "unit": _l("单位（计时）"), "note": _l("公示说明"), "updated_at": _l("更新时间")}
    column_formatters = {
        "category": lambda v, c, m, n: category_title(m.category),
        "unit": lambda v, c, m, n: UNIT_LABELS.get(m.unit, m.unit),
    }
    form_columns = ("office", "category", "amount", "unit", "note")
    form_choices = {"unit": [(k, str(v)) for k, v in UNIT_LABELS.items()]}

    def _choices_form(self, form):
        if hasattr(form, "category"):
            form.category.choices = [(code, str(spec.title)) for code, spec in all_categories().items()]
        return form

    def create_form(self, obj=None):
        return self._choices_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._choices_form(super().edit_form(obj))

    def scaffold_form(self):
        from wtforms import SelectField

        form_class = super().scaffold_form()
        form_class.category = SelectField(_l("事项类别"), choices=[])
        return form_class

    def on_model_change(self, form, model, is_created):
        spec = get_category(model.category)
        if spec is None:
            raise ValidationError(_("未知的事项类别。"))
        try:
            own = Limit(int(model.amount or 0), LimitUnit(model.unit))
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc)) from None
        cap = spec.max_limit or spec.limit
        start = datetime.now(LOCAL_ZONE)
        if compute_due(start, own).due_at > compute_due(start, cap).due_at:
            raise ValidationError(_("本单位时限不能长于制度规定的 %(cap)s。", cap=cap.describe()))
        super().on_model_change(form, model, is_created)


def case_views() -> list:
    """The case screens, in menu order, for ``core.admin.setup``."""
    category = _l("案件")
    return [
        CaseView(Case, db, name=_l("案件登记簿"), category=category, endpoint="cases"),
        SupervisionView(name=_l("督办"), category=category, endpoint="case_supervision"),
        ReportsView(name=_l("统计报表"), category=category, endpoint="case_reports"),
        OfficeLimitView(OfficeCategoryLimit, db, name=_l("时限公示"), category=category,
                        endpoint="case_limits"),
    ]

