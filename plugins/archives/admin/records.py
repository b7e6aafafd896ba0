"""Settings of an office's archive, and the read-only lists of loans and losses (the desk runs
the procedure)."""

from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError

from core.kit import (
    OfficeScopedModelView,
    RecordView,
    ScopedChoices,
    User,
    db,
    enum_choices,
    permissions,
)
from plugins.archives import access
from plugins.archives.admin import columns
from plugins.archives.models import MAX_LOAN_DAYS_CAP, BorrowerKind, Loan, LoanStatus


class SettingsView(OfficeScopedModelView):
    """Per office: the designated keeper and the longest loan (in working days)."""

    allowed_roles = access.SETTINGS_ROLES
    column_list = ("office", "keeper", "deputy_keeper", "max_loan_days", "reading_room")
    column_labels = {
        "office": _l("单位"),
        "keeper": _l("档案管理员"),
        "deputy_keeper": _l("代审批人（档案管理员本人借阅时）"),
        "max_loan_days": _l("最长借阅期限（工作日）"),
        "reading_room": _l("查阅地点"),
    }
    form_columns = ("office", "keeper", "deputy_keeper", "max_loan_days", "reading_room")
    form_args = {
        "max_loan_days": {"description": _l("1 至 60 个工作日，默认 10")},
        "deputy_keeper": {
            "description": _l("档案管理员本人借阅时由此人审批（本单位领导也可审批）；可不填")
        },
        "reading_room": {"description": _l("群众查阅档案的地点，如：镇政府一楼档案室")},
    }
    column_details_exclude_list = ("version",)
    allow_delete = False
    scoped_choices = {
        name: ScopedChoices(User, where=(User.active,), order_by=(User.display_name,))
        for name in ("keeper", "deputy_keeper")
    }
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
                permissions.sees_all_offices(deputy) and not permissions.is_read_only(deputy)
            ):
                raise ValidationError(_("代审批人必须是本单位的工作人员或镇级管理员。"))
            if model.deputy_keeper.id == model.keeper.id:
                raise ValidationError(_("代审批人不能是档案管理员本人。"))
        if model.max_loan_days is None or not 1 <= model.max_loan_days <= MAX_LOAN_DAYS_CAP:
            raise ValidationError(_("最长借阅期限应为 1 至 %(n)d 个工作日。", n=MAX_LOAN_DAYS_CAP))


class LoanView(RecordView):
    """Every request and loan (read-only here: the desk runs the procedure). A resident's
    phone is masked in the list and left out of exports; the detail screen shows it."""

    column_list = (
        "reference",
        "file",
        "borrower_kind",
        "borrower_id",
        "resident_phone",
        "purpose",
        "status",
        "period_days",
        "handed_out_at",
        "due_at",
        "returned_at",
    )
    column_labels = {
        "reference": _l("编号"),
        "file": _l("档案"),
        "borrower_kind": _l("类型"),
        "borrower_id": _l("借阅人"),
        "resident_phone": _l("联系电话"),
        "resident_name": _l("群众姓名"),
        "purpose": _l("目的"),
        "status": _l("状态"),
        "period_days": _l("期限（工作日）"),
        "handed_out_at": _l("借出时间"),
        "due_at": _l("应还时间"),
        "returned_at": _l("归还时间"),
        "file.catalogue_no": _l("档号"),
        "requested_at": _l("申请时间"),
    }
    column_filters = (
        sqla_filters.FilterEqual(Loan.status, _l("状态"), options=lambda: enum_choices(LoanStatus)),
        sqla_filters.FilterEqual(
            Loan.borrower_kind, _l("类型"), options=lambda: enum_choices(BorrowerKind)
        ),
        "file.catalogue_no",
        "handed_out_at",
    )
    column_searchable_list = ("reference", "purpose")
    column_default_sort = ("id", True)
    personal_data_columns = ("resident_phone", "resident_name")
    column_formatters = {
        "reference": columns.loan_link,
        "file": columns.file_link,
        "borrower_id": columns.borrower,
    }
    column_formatters_export = {
        "borrower_id": columns.borrower,
    }
    column_export_list = (
        "reference",
        "file",
        "borrower_kind",
        "borrower_id",
        "purpose",
        "status",
        "period_days",
        "handed_out_at",
        "due_at",
        "returned_at",
    )
    column_details_exclude_list = ("version",)


class LossView(RecordView):
    """Losses, each traced to the borrower and the keeper of record."""

    column_list = (
        "file",
        "reported_at",
        "borrower_name",
        "keeper_name",
        "reported_by",
        "circumstances",
    )
    column_labels = {
        "file": _l("档案"),
        "reported_at": _l("登记时间"),
        "borrower_name": _l("借阅人"),
        "keeper_name": _l("经手档案管理员"),
        "reported_by": _l("登记人"),
        "circumstances": _l("遗失经过"),
        "loan": _l("借阅记录"),
    }
    column_formatters = {"file": columns.file_link}
    column_formatters_export = {}  # plain values, no links
    column_default_sort = ("id", True)
