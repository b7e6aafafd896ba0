"""Staff screens: the catalogue (全宗, 类别, 案卷, 件), loans and losses, settings, and the
lending desk.

The desk (``DeskView``) is where the lending procedure is run: requests, approvals, hand-out
and return with the file's condition, a file's history, what is out now with its colour, the
printable lending register and its CSV/XLSX export. Every change goes through ``lending`` or
``catalogue`` so the rules hold whatever the screen.
"""

from flask import abort, flash, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import inspect, select
from wtforms import SelectField, ValidationError

from core.kit import (
    ModuleView,
    Office,
    OfficeScopedModelView,
    ScopedChoices,
    User,
    db,
    enum_choices,
    enum_label,
    export_response,
    format_local,
    get_scoped_or_404,
    local_day,
    local_today,
    permissions,
    record_event,
    scoped_office_ids,
    submit,
    working_days_between,
)
from plugins.archives import access
from plugins.archives.errors import ArchivesError
from plugins.archives.forms import (
    ConditionForm,
    ConfirmForm,
    LossForm,
    ReasonForm,
    RequestForm,
)
from plugins.archives.models import (
    MAX_LOAN_DAYS_CAP,
    ArchiveFile,
    ArchiveItem,
    ArchiveSettings,
    BorrowerKind,
    FileStatus,
    Fonds,
    Loan,
    LoanStatus,
    LossReport,
    Retention,
    Security,
    Series,
)
from plugins.archives.services import catalogue, lending
from plugins.archives.services import register as lending_register

BADGES = {"green": "badge-success", "yellow": "badge-warning", "red": "badge-danger"}


def badge_class(colour: str | None) -> str:
    """The Bootstrap badge class of a supervision colour."""
    return BADGES.get(colour or "", "badge-secondary")


def _time(view, context, model, name):
    return format_local(getattr(model, name))


def _file_link(view, context, model, name):
    file = model if isinstance(model, ArchiveFile) else model.file
    return Markup('<a href="{}">{}</a>').format(
        url_for("archives_desk.file_page", file_id=file.id),
        file.catalogue_no if name == "catalogue_no" else str(file))


def _loan_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(
        url_for("archives_desk.loan_page", loan_id=model.id), model.reference)


def _borrower(view, context, model, name):
    return model.borrower_label


def _changed(model, attr) -> bool:
    """True when the form changed the column ``attr`` of a loaded row (call before any query:
    an autoflush clears the history)."""
    history = inspect(model).attrs[attr].history
    return bool(history.deleted) and history.deleted[0] != (history.added or [None])[0]


def _moved(model, relation: str) -> bool:
    """True when the form pointed the many-to-one ``relation`` at another row (its foreign
    key still holds the stored value until the session flushes)."""
    target = getattr(model, relation)
    stored = getattr(model, f"{relation}_id")
    return target is not None and stored is not None and stored != target.id


def _code_taken(model_class, model, scope) -> bool:
    """True when another row of ``model_class`` within ``scope`` already has ``model.code``.

    Call it under ``no_autoflush``: a flush would insert the new row first, and the new row
    would then find itself (issue 14, item 20)."""
    query = select(model_class.id).where(scope, model_class.code == model.code)
    if model.id is not None:
        query = query.where(model_class.id != model.id)
    return db.session.scalar(query.limit(1)) is not None


class CatalogueMixin:
    """Catalogue screens: only the keeper and admins of the office write; others read."""

    def _require_manager(self, office_id: int | None) -> None:
        if office_id is None or not access.may_manage_catalogue(current_user, office_id):
            raise ValidationError(_("只有本单位的档案管理员或管理员可以编目。"))

    def _may_manage_any(self) -> bool:
        return any(access.may_manage_catalogue(current_user, o)
                   for o in scoped_office_ids(current_user, access.PLUGIN))

    @property
    def can_create(self):
        """Only where the user may catalogue in some office."""
        return self.allow_create and self._may_manage_any()

    @property
    def can_edit(self):
        """Only where the user may catalogue in some office."""
        return self.allow_edit and self._may_manage_any()


class SettingsView(OfficeScopedModelView):
    """Per office: the designated keeper and the longest loan (in working days)."""

    allowed_roles = access.SETTINGS_ROLES
    column_list = ("office", "keeper", "deputy_keeper", "max_loan_days", "reading_room")
    column_labels = {"office": _l("单位"), "keeper": _l("档案管理员"),
                     "deputy_keeper": _l("代审批人（档案管理员本人借阅时）"),
                     "max_loan_days": _l("最长借阅期限（工作日）"), "reading_room": _l("查阅地点")}
    form_columns = ("office", "keeper", "deputy_keeper", "max_loan_days", "reading_room")
    form_args = {"max_loan_days": {"description": _l("1 至 60 个工作日，默认 10")},
                 "deputy_keeper": {"description": _l(
                     "档案管理员本人借阅时由此人审批（本单位领导也可审批）；可不填")},
                 "reading_room": {"description": _l("群众查阅档案的地点，如：镇政府一楼档案室")}}
    column_details_exclude_list = ("version",)
    allow_delete = False
    scoped_choices = {name: ScopedChoices(User, where=(User.active,), order_by=(User.display_name,))
                      for name in ("keeper", "deputy_keeper")}
    allow_export = False

    def on_model_change(self, form, model, is_created):
        """One row per office; the keeper works in that office; a sensible maximum."""
        super().on_model_change(form, model, is_created)
        office_id = self.office_id_of(model)  # a choice in the form is not on office_id yet
        with db.session.no_autoflush:  # a flush would hit the one-row-per-office constraint
            existing = access.settings_for(office_id)
        if existing is not None and existing is not model:
            raise ValidationError(_("该单位已有档案设置，请直接修改。"))
        if model.keeper is None:
            raise ValidationError(_("请指定本单位的档案管理员。"))
        if model.keeper.office_id != office_id:
            raise ValidationError(_("档案管理员必须是本单位的工作人员。"))
        if model.deputy_keeper is not None:
            deputy = model.deputy_keeper
            # Someone who can act in the office: its own staff, or a township administrator.
            if deputy.office_id != office_id and not (
                    permissions.sees_all_offices(deputy) and not permissions.is_read_only(deputy)):
                raise ValidationError(_("代审批人必须是本单位的工作人员或镇级管理员。"))
            if model.deputy_keeper.id == model.keeper.id:
                raise ValidationError(_("代审批人不能是档案管理员本人。"))
        if model.max_loan_days is None or not 1 <= model.max_loan_days <= MAX_LOAN_DAYS_CAP:
            raise ValidationError(_("最长借阅期限应为 1 至 %(n)d 个工作日。", n=MAX_LOAN_DAYS_CAP))


class FondsView(CatalogueMixin, OfficeScopedModelView):
    """全宗: usually one per office."""

    column_list = ("code", "title", "office")
    column_labels = {"code": _l("全宗号"), "title": _l("全宗名称"), "office": _l("单位"),
                     "note": _l("说明")}
    column_searchable_list = ("code", "title")
    form_columns = ("office", "code", "title", "note")
    form_args = {"code": {"description": _l("英文字母和数字，1 至 12 位，如 A1")}}
    allow_delete = False

    def on_model_change(self, form, model, is_created):
        """A clean, unused code that never changes once used in catalogue numbers."""
        # Read the changes before any query: an autoflush would clear their history.
        if not is_created and _changed(model, "code"):
            raise ValidationError(_("全宗号已用于档号，不能修改。"))
        # No flush until every check has passed: a flushed new row would find itself (or
        # hit the unique constraint) instead of getting the Chinese message.
        with db.session.no_autoflush:
            super().on_model_change(form, model, is_created)
            office_id = self.office_id_of(model)  # a choice in the form is not on office_id yet
            self._require_manager(office_id)
            try:
                model.code = catalogue.clean_code(model.code)
            except ArchivesError as exc:
                raise ValidationError(str(exc)) from None
            if _code_taken(Fonds, model, Fonds.office_id == office_id):
                raise ValidationError(_("本单位已有全宗号 %(code)s。", code=model.code))


class SeriesView(CatalogueMixin, OfficeScopedModelView):
    """类别: one per activity or kind of record, inside a fonds."""

    column_list = ("fonds", "code", "title", "source_type", "office")
    column_labels = {"fonds": _l("全宗"), "code": _l("类别号"), "title": _l("类别名称"),
                     "source_type": _l("来源模块"), "office": _l("单位")}
    column_searchable_list = ("code", "title")
    form_columns = ("fonds", "code", "title")
    form_args = {"code": {"description": _l("英文字母和数字，1 至 12 位，如 WS（文书）、TZ（听证）")}}
    scoped_choices = {"fonds": ScopedChoices(Fonds, order_by=(Fonds.office_id, Fonds.code))}
    allow_delete = False

    def on_model_change(self, form, model, is_created):
        """The series belongs to its fonds' office; its code is clean, unused and fixed."""
        # Read the changes before any query: an autoflush would clear their history.
        if not is_created and (_changed(model, "code") or _moved(model, "fonds")):
            raise ValidationError(_("类别号已用于档号，不能修改。"))
        if model.fonds is None:
            raise ValidationError(_("请选择全宗。"))
        model.office_id = model.fonds.office_id
        with db.session.no_autoflush:  # as in FondsView: no flush before the checks pass
            super().on_model_change(form, model, is_created)
            self._require_manager(model.office_id)
            try:
                model.code = catalogue.clean_code(model.code)
            except ArchivesError as exc:
                raise ValidationError(str(exc)) from None
            if _code_taken(Series, model, Series.fonds_id == model.fonds.id):
                raise ValidationError(_("该全宗下已有类别号 %(code)s。", code=model.code))


class FileView(CatalogueMixin, OfficeScopedModelView):
    """案卷目录: the catalogue with search; the number links to the file's history."""

    column_list = ("catalogue_no", "title", "year", "series", "retention", "security", "status",
                   "location", "office")
    column_labels = {"catalogue_no": _l("档号"), "title": _l("题名"), "year": _l("年度"),
                     "series": _l("档案类别"), "retention": _l("保管期限"), "security": _l("密级"),
                     "status": _l("状态"), "location": _l("存放位置"), "office": _l("单位"),
                     "description": _l("内容摘要"), "series.title": _l("档案类别"),
                     "source_type": _l("来源模块"), "source_url": _l("来源链接")}
    column_searchable_list = ("catalogue_no", "title", "location", "description")
    column_filters = (
        "year",
        sqla_filters.FilterEqual(ArchiveFile.security, _l("密级"), options=lambda: enum_choices(Security)),
        sqla_filters.FilterEqual(ArchiveFile.retention, _l("保管期限"), options=lambda: enum_choices(Retention)),
        sqla_filters.FilterEqual(ArchiveFile.status, _l("状态"), options=lambda: enum_choices(FileStatus)),
        "series.title",
    )
    column_default_sort = ("catalogue_no", False)
    column_formatters = {"catalogue_no": _file_link, "retention": enum_label, "security": enum_label,
                         "status": enum_label}
    column_formatters_export = {"retention": enum_label, "security": enum_label, "status": enum_label}
    column_export_list = ("catalogue_no", "title", "year", "series", "retention", "security",
                          "status", "location", "office")
    column_details_exclude_list = ("version", "seq")
    form_columns = ("series", "title", "year", "retention", "security", "location", "description")
    form_overrides = {"retention": SelectField, "security": SelectField}
    form_args = {
        "retention": {"label": _l("保管期限"), "choices": lambda: enum_choices(Retention), "coerce": str,
                      "default": Retention.YEARS_30.value},
        "security": {"label": _l("密级"), "choices": lambda: enum_choices(Security), "coerce": str,
                     "default": Security.INTERNAL.value,
                     "description": _l("公开：群众可申请查阅；内部：档案管理员批准；限制：档案管理员和领导双重批准")},
        "year": {"label": _l("年度")},
    }
    scoped_choices = {"series": ScopedChoices(Series, order_by=(Series.office_id, Series.code))}
    allow_delete = False  # files are never deleted: a lost one stays, marked lost

    def create_model(self, form):
        """Numbered by the catalogue service (under a lock of the series)."""
        try:
            series = form.series.data
            if series is None:
                raise ArchivesError(_("请选择类别。"))
            if not access.may_manage_catalogue(current_user, series.office_id):
                raise ArchivesError(_("只有本单位的档案管理员或管理员可以编目。"))
            file = catalogue.create_file(
                series=series, title=form.title.data, year=form.year.data,
                retention=form.retention.data, security=form.security.data,
                location=form.location.data, description=form.description.data,
                actor=current_user)
            db.session.commit()
        except ArchivesError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return False
        flash(_("已编目，档号 %(no)s。", no=file.catalogue_no), "success")
        return file

    def on_model_change(self, form, model, is_created):
        """Edits keep the number: series and year are fixed once catalogued."""
        # Read the changes before any query: an autoflush would clear their history.
        if _moved(model, "series") or _changed(model, "year"):
            raise ValidationError(_("已编目案卷的类别和年度不能修改（档号不变）。"))
        self._require_manager(model.office_id)
        try:
            model.title = catalogue.check_title(model.title)
        except ArchivesError as exc:
            raise ValidationError(str(exc)) from None
        super().on_model_change(form, model, is_created)


class ItemView(CatalogueMixin, OfficeScopedModelView):
    """件: the documents inside each file."""

    column_list = ("file", "item_no", "title", "author", "doc_ref", "doc_date", "pages")
    column_labels = {"file": _l("案卷"), "item_no": _l("件号"), "title": _l("题名"),
                     "author": _l("责任者"), "doc_ref": _l("发文字号"), "doc_date": _l("日期"),
                     "pages": _l("页数"), "file.catalogue_no": _l("档号")}
    column_searchable_list = ("title", "doc_ref", "author")
    column_filters = ("file.catalogue_no",)
    form_columns = ("file", "title", "author", "doc_ref", "doc_date", "pages")
    scoped_choices = {"file": ScopedChoices(ArchiveFile, order_by=(ArchiveFile.catalogue_no,))}
    allow_delete = False

    def create_model(self, form):
        """Numbered after the last item of its file."""
        try:
            file = form.file.data
            if file is None:
                raise ArchivesError(_("请选择案卷。"))
            if not access.may_manage_catalogue(current_user, file.office_id):
                raise ArchivesError(_("只有本单位的档案管理员或管理员可以编目。"))
            item = catalogue.add_item(file, title=form.title.data, author=form.author.data,
                                      doc_ref=form.doc_ref.data, doc_date=form.doc_date.data,
                                      pages=form.pages.data)
            db.session.commit()
        except ArchivesError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return False
        return item

    def on_model_change(self, form, model, is_created):
        """An item stays in its file; only the keeper and admins edit it."""
        if _moved(model, "file"):
            raise ValidationError(_("件不能移到其他案卷。"))
        self._require_manager(model.office_id)
        if model.pages is not None and model.pages < 1:
            raise ValidationError(_("页数至少为 1。"))
        super().on_model_change(form, model, is_created)


class LoanView(OfficeScopedModelView):
    """Every request and loan (read-only here: the desk runs the procedure). A resident's
    phone is masked in the list and left out of exports; the detail screen shows it."""

    column_list = ("reference", "file", "borrower_kind", "borrower_id", "resident_phone",
                   "purpose", "status", "period_days", "handed_out_at", "due_at", "returned_at")
    column_labels = {"reference": _l("编号"), "file": _l("档案"), "borrower_kind": _l("类型"),
                     "borrower_id": _l("借阅人"), "resident_phone": _l("联系电话"),
                     "resident_name": _l("群众姓名"), "purpose": _l("目的"), "status": _l("状态"),
                     "period_days": _l("期限（工作日）"), "handed_out_at": _l("借出时间"),
                     "due_at": _l("应还时间"), "returned_at": _l("归还时间"),
                     "file.catalogue_no": _l("档号"), "requested_at": _l("申请时间")}
    column_filters = (
        sqla_filters.FilterEqual(Loan.status, _l("状态"), options=lambda: enum_choices(LoanStatus)),
        sqla_filters.FilterEqual(Loan.borrower_kind, _l("类型"), options=lambda: enum_choices(BorrowerKind)),
        "file.catalogue_no", "handed_out_at",
    )
    column_searchable_list = ("reference", "purpose")
    column_default_sort = ("id", True)
    personal_data_columns = ("resident_phone", "resident_name")
    column_formatters = {"reference": _loan_link, "file": _file_link, "borrower_kind": enum_label,
                         "borrower_id": _borrower, "status": enum_label, "handed_out_at": _time,
                         "due_at": _time, "returned_at": _time}
    column_formatters_export = {"borrower_kind": enum_label, "borrower_id": _borrower,
                                "status": enum_label, "handed_out_at": _time, "due_at": _time,
                                "returned_at": _time}
    column_export_list = ("reference", "file", "borrower_kind", "borrower_id", "purpose",
                          "status", "period_days", "handed_out_at", "due_at", "returned_at")
    column_details_exclude_list = ("version",)
    allow_create = False
    allow_edit = False
    allow_delete = False


class LossView(OfficeScopedModelView):
    """Losses, each traced to the borrower and the keeper of record."""

    column_list = ("file", "reported_at", "borrower_name", "keeper_name", "reported_by",
                   "circumstances")
    column_labels = {"file": _l("档案"), "reported_at": _l("登记时间"),
                     "borrower_name": _l("借阅人"), "keeper_name": _l("经手档案管理员"),
                     "reported_by": _l("登记人"), "circumstances": _l("遗失经过"),
                     "loan": _l("借阅记录")}
    column_formatters = {"file": _file_link, "reported_at": _time}
    column_formatters_export = {"reported_at": _time}
    column_default_sort = ("id", True)
    allow_create = False
    allow_edit = False
    allow_delete = False


class DeskView(ModuleView):
    """The lending desk: requests, approvals, hand-out and return, history, register."""

    def _offices(self) -> set[int]:
        return scoped_office_ids(current_user, access.PLUGIN)

    # --- pages --------------------------------------------------------------------------

    @expose("/")
    def index(self):
        """Requests waiting for approval or hand-out, the user's own loans, a request form."""
        offices = self._offices()
        pending = db.session.scalars(select(Loan).where(
            Loan.office_id.in_(offices), Loan.status == LoanStatus.REQUESTED)
            .order_by(Loan.requested_at)).all()
        approved = db.session.scalars(select(Loan).where(
            Loan.office_id.in_(offices), Loan.status == LoanStatus.APPROVED)
            .order_by(Loan.requested_at)).all()
        mine = db.session.scalars(select(Loan).where(Loan.borrower_id == current_user.id)
                                  .order_by(Loan.id.desc()).limit(20)).all()
        return self.render(
            "archives/admin/desk_index.html", pending=pending, approved=approved, mine=mine,
            form=RequestForm(), confirm_form=ConfirmForm(), may_request=self._may_request(),
            awaits_me=lambda loan: self._awaits(loan), local_time=format_local,
            keeper_here=access.is_keeper(current_user, current_user.office_id))

    def _may_request(self) -> bool:
        return access.may_act_in(current_user, current_user.office_id)

    def _awaits(self, loan: Loan) -> bool:
        """True when the current user's approval is the one the request is waiting for."""
        if loan.borrower_id == current_user.id:
            return False
        if loan.keeper_approved_by_id is None and access.approves_for_keeper(current_user, loan):
            return True
        return (lending.needs_leader(loan) and loan.leader_approved_by_id is None
                and loan.keeper_approved_by_id != current_user.id
                and access.is_leader_of(current_user, loan.office_id))

    @expose("/out")
    def out_now(self):
        """What is out now, soonest due first, with its supervision colour."""
        loans = db.session.scalars(select(Loan).where(
            Loan.office_id.in_(self._offices()), Loan.status == LoanStatus.OUT)
            .order_by(Loan.due_at)).all()
        today = local_today()
        rows = []
        for loan in loans:
            tone = lending.loan_colour(loan)
            due_day = local_day(loan.due_at)
            rows.append({"loan": loan, "colour": tone, "label": lending.colour_label(tone),
                         "badge": badge_class(tone),
                         "days": working_days_between(today, due_day)})
        return self.render("archives/admin/out_now.html", rows=rows, local_time=format_local)

    @expose("/file/<int:file_id>")
    def file_page(self, file_id):
        """A file: facts, items, current loan, history (loans, approvals, conditions, loss)."""
        file = get_scoped_or_404(ArchiveFile, file_id, access.PLUGIN)
        out = lending.out_loan_of(file)
        return self.render(
            "archives/admin/file.html", file=file, out=out,
            out_colour=lending.loan_colour(out) if out else None, badge_class=badge_class,
            colour_label=lending.colour_label, local_time=format_local,
            request_form=RequestForm(), condition_form=ConditionForm(), loss_form=LossForm(),
            may_request=(self._may_request() and current_user.office_id == file.office_id
                         and file.status != FileStatus.LOST),
            is_keeper=access.is_keeper(current_user, file.office_id),
            may_report_loss=(access.may_report_loss(current_user, file.office_id)
                             and file.status != FileStatus.LOST),
            max_days=access.max_loan_days(file.office_id),
            keeper=access.keeper_of(file.office_id))

    @expose("/loan/<int:loan_id>")
    def loan_page(self, loan_id):
        """One loan: the borrower (a resident's phone in full for roles allowed it, logged),
        approvals, hand-out and return, and the actions the user may take."""
        loan = get_scoped_or_404(Loan, loan_id, access.PLUGIN)
        show_phone = (loan.borrower_kind == BorrowerKind.RESIDENT
                      and permissions.may_see_personal_data(current_user))
        if show_phone:
            record_event("personal_data.view", office_id=loan.office_id,
                         target_type="archive_loan", target_id=loan.id,
                         details={"columns": ["resident_name", "resident_phone"]})
            db.session.commit()
        tone = lending.loan_colour(loan)
        is_keeper = access.is_keeper(current_user, loan.office_id)
        writable = access.may_act_in(current_user, loan.office_id)
        return self.render(
            "archives/admin/loan.html", loan=loan, show_phone=show_phone, colour=tone,
            colour_label=lending.colour_label(tone), badge=badge_class(tone),
            local_time=format_local, awaits_me=writable and self._awaits(loan),
            is_keeper=writable and is_keeper,
            may_reject=writable and loan.borrower_id != current_user.id and (
                access.approves_for_keeper(current_user, loan) or (lending.needs_leader(loan)
                              and access.is_leader_of(current_user, loan.office_id))),
            may_cancel=writable and (loan.borrower_id == current_user.id or is_keeper),
            needs_leader=lending.needs_leader(loan), confirm_form=ConfirmForm(),
            reason_form=ReasonForm(), condition_form=ConditionForm(), LoanStatus=LoanStatus)

    # --- requests and decisions ---------------------------------------------------------

    def _request(self, file: ArchiveFile, form: RequestForm):
        return lending.request_by_staff(file, current_user, purpose=form.purpose.data,
                                        period_days=form.period_days.data)

    @expose("/request", methods=["POST"])
    def request_by_number(self):
        """A request typed on the desk with the file's catalogue number."""

        def action(form):
            """Find the file among the user's office's, then request it."""
            number = (form.catalogue_no.data or "").strip().upper()
            file = db.session.scalar(select(ArchiveFile).where(
                ArchiveFile.office_id == current_user.office_id,
                ArchiveFile.catalogue_no == number))
            if file is None or file.office_id not in self._offices():
                raise ArchivesError(_("本单位没有档号为“%(no)s”的档案。", no=number))
            return self._request(file, form)

        return submit(RequestForm(), action, success=_("借阅申请已提交，等待档案管理员审批。"),
                      back=url_for(".index"))

    @expose("/file/<int:file_id>/request", methods=["POST"])
    def request_file(self, file_id):
        """A staff member asks to borrow the file shown."""
        file = get_scoped_or_404(ArchiveFile, file_id, access.PLUGIN)
        return submit(RequestForm(), lambda form: self._request(file, form),
                      success=_("借阅申请已提交，等待档案管理员审批。"),
                      back=url_for(".file_page", file_id=file.id))

    @expose("/loan/<int:loan_id>/approve", methods=["POST"])
    def approve(self, loan_id):
        """The keeper's or (restricted files) a leader's approval."""
        loan = get_scoped_or_404(Loan, loan_id, access.PLUGIN)

        def still_needed(role):
            """After a commit: say whose approval the request still waits for."""
            if loan.status == LoanStatus.REQUESTED:
                flash(_("还需本单位领导批准（限制级档案）。") if role == "keeper"
                      else _("还需档案管理员批准。"), "info")

        return submit(ConfirmForm(), lambda form: lending.approve(loan, current_user),
                      success=_("已批准。"), back=url_for(".loan_page", loan_id=loan.id), row=loan,
                      after_commit=still_needed)

    @expose("/loan/<int:loan_id>/reject", methods=["POST"])
    def reject(self, loan_id):
        """Refuse a request, with a reason the borrower is told."""
        loan = get_scoped_or_404(Loan, loan_id, access.PLUGIN)
        return submit(ReasonForm(), lambda form: lending.reject(
            loan, current_user, reason=form.reason.data),
            success=_("已不予批准，申请人会收到通知。"), back=url_for(".loan_page", loan_id=loan.id), row=loan)

    @expose("/loan/<int:loan_id>/cancel", methods=["POST"])
    def cancel(self, loan_id):
        """Withdraw a request not yet handed out."""
        loan = get_scoped_or_404(Loan, loan_id, access.PLUGIN)
        return submit(ConfirmForm(), lambda form: lending.cancel(loan, current_user),
                      success=_("申请已撤回。"), back=url_for(".loan_page", loan_id=loan.id), row=loan)

    # --- hand-out, return, loss ---------------------------------------------------------

    @expose("/loan/<int:loan_id>/hand-out", methods=["POST"])
    def hand_out(self, loan_id):
        """The keeper hands the file out, noting its condition."""
        loan = get_scoped_or_404(Loan, loan_id, access.PLUGIN)
        return submit(ConditionForm(), lambda form: lending.hand_out(
            loan, current_user, condition=form.condition.data),
            success=_("已借出，应还时间已按工作日计算。"), back=url_for(".loan_page", loan_id=loan.id), row=loan)

    @expose("/loan/<int:loan_id>/return", methods=["POST"])
    def return_loan(self, loan_id):
        """The keeper takes the file of this loan back, noting its condition."""
        loan = get_scoped_or_404(Loan, loan_id, access.PLUGIN)
        return submit(ConditionForm(), lambda form: lending.return_file(
            loan, current_user, condition=form.condition.data),
            success=_("已登记归还。"), back=url_for(".loan_page", loan_id=loan.id), row=loan)

    @expose("/file/<int:file_id>/return", methods=["POST"])
    def return_file(self, file_id):
        """The keeper takes the file back from its page (refused when it is not out)."""
        file = get_scoped_or_404(ArchiveFile, file_id, access.PLUGIN)
        return submit(ConditionForm(), lambda form: lending.return_by_file(
            file, current_user, condition=form.condition.data),
            success=_("已登记归还。"), back=url_for(".file_page", file_id=file.id), row=file)

    @expose("/file/<int:file_id>/loss", methods=["POST"])
    def report_loss(self, file_id):
        """Report the file lost, traced to its borrower and keeper of record."""
        file = get_scoped_or_404(ArchiveFile, file_id, access.PLUGIN)
        return submit(LossForm(), lambda form: lending.report_loss(
            file, current_user, circumstances=form.circumstances.data),
            success=_("已登记遗失，并通知经手档案管理员和本单位领导。"),
            back=url_for(".file_page", file_id=file.id), row=file)

    # --- the lending register -----------------------------------------------------------

    def _register_year(self) -> int:
        raw = request.args.get("year", "")
        year = int(raw) if raw.isdigit() else local_today().year
        return year if 1900 <= year <= 2100 else local_today().year

    def _register_offices(self) -> list[int]:
        offices = self._offices()
        raw = request.args.get("office", "")
        if raw.isdigit() and int(raw) in offices:
            return [int(raw)]
        return sorted(offices)

    @expose("/register")
    def register(self):
        """The printable lending register of a year (借阅登记簿)."""
        year = self._register_year()
        office_ids = self._register_offices()
        loans = lending_register.register_loans(office_ids, year)
        offices = db.session.scalars(select(Office).where(Office.id.in_(office_ids))
                                     .order_by(Office.sort_order, Office.code)).all()
        return self.render("archives/admin/register.html", year=year, offices=offices,
                           headers=lending_register.headers(),
                           rows=lending_register.rows(loans),
                           printed=local_today())

    @expose("/register/export/<export_type>")
    def register_export(self, export_type):
        """The register as CSV or XLSX (no phone numbers; recorded in the audit log)."""
        if export_type not in ("csv", "xlsx"):
            abort(404)
        year = self._register_year()
        office_ids = self._register_offices()
        loans = lending_register.register_loans(office_ids, year)
        record_event("export", office_id=office_ids[0] if len(office_ids) == 1 else None,
                     target_type="archive_loan",
                     details={"view": "archives_desk.register", "format": export_type,
                              "rows": len(loans), "year": year, "offices": office_ids})
        db.session.commit()
        return export_response(export_type, _("借阅登记簿-%(year)d", year=year),
                               lending_register.headers(), lending_register.rows(loans))


def admin_views() -> list:
    """The module's staff screens, in menu order."""
    return [
        DeskView(name=_l("借阅工作台"), endpoint="desk", url=access.DESK_URL),
        FileView(ArchiveFile, db, name=_l("案卷目录"), endpoint="files"),
        ItemView(ArchiveItem, db, name=_l("卷内文件（件）"), endpoint="items"),
        SeriesView(Series, db, name=_l("档案类别"), endpoint="series"),
        FondsView(Fonds, db, name=_l("全宗"), endpoint="fonds"),
        LoanView(Loan, db, name=_l("借阅记录"), endpoint="loans"),
        LossView(LossReport, db, name=_l("遗失登记"), endpoint="losses"),
        SettingsView(ArchiveSettings, db, name=_l("档案设置"), endpoint="settings"),
    ]
