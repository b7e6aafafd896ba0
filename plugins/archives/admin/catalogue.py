"""Catalogue screens: 全宗 (fonds), 类别 (series), 案卷 (files) and 件 (items).

Only the keeper and admins of the office write; everyone in scope reads. Numbers (档号) are
assigned by ``services.catalogue`` and never change, so codes, series and years are fixed
once used.
"""

from flask import flash
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import inspect, select
from wtforms import SelectField, ValidationError

from core.kit import (
    OfficeScopedModelView,
    ScopedChoices,
    db,
    enum_choices,
    form_values,
    scoped_office_ids,
)
from plugins.archives import access
from plugins.archives.admin import columns
from plugins.archives.errors import ArchivesError
from plugins.archives.models import (
    ArchiveFile,
    FileStatus,
    Fonds,
    Retention,
    Security,
    Series,
)
from plugins.archives.services import catalogue


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
        return any(
            access.may_manage_catalogue(current_user, o)
            for o in scoped_office_ids(current_user, access.PLUGIN)
        )

    def _checked(self, check, value):
        """``check(value)``, its ArchivesError shown as the form's error."""
        try:
            return check(value)
        except ArchivesError as exc:
            raise ValidationError(str(exc)) from None

    def _create(self, parent, missing: str, build):
        """Create through the catalogue service: ``build(parent)`` where the user may catalogue
        in ``parent``'s office, then commit; a refusal is flashed and nothing changes."""
        try:
            if parent is None:
                raise ArchivesError(missing)
            if not access.may_manage_catalogue(current_user, parent.office_id):
                raise ArchivesError(_("只有本单位的档案管理员或管理员可以编目。"))
            row = build(parent)
            db.session.commit()
        except ArchivesError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return False
        return row

    @property
    def can_create(self):
        """Only where the user may catalogue in some office."""
        return self.allow_create and self._may_manage_any()

    @property
    def can_edit(self):
        """Only where the user may catalogue in some office."""
        return self.allow_edit and self._may_manage_any()


class FondsView(CatalogueMixin, OfficeScopedModelView):
    """全宗: usually one per office."""

    column_list = ("code", "title", "office")
    column_labels = {
        "code": _l("全宗号"),
        "title": _l("全宗名称"),
        "office": _l("单位"),
        "note": _l("说明"),
    }
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
            model.code = self._checked(catalogue.clean_code, model.code)
            if _code_taken(Fonds, model, Fonds.office_id == office_id):
                raise ValidationError(_("本单位已有全宗号 %(code)s。", code=model.code))


class SeriesView(CatalogueMixin, OfficeScopedModelView):
    """类别: one per activity or kind of record, inside a fonds."""

    column_list = ("fonds", "code", "title", "source_type", "office")
    column_labels = {
        "fonds": _l("全宗"),
        "code": _l("类别号"),
        "title": _l("类别名称"),
        "source_type": _l("来源模块"),
        "office": _l("单位"),
    }
    column_searchable_list = ("code", "title")
    form_columns = ("fonds", "code", "title")
    form_args = {
        "code": {"description": _l("英文字母和数字，1 至 12 位，如 WS（文书）、TZ（听证）")}
    }
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
            model.code = self._checked(catalogue.clean_code, model.code)
            if _code_taken(Series, model, Series.fonds_id == model.fonds.id):
                raise ValidationError(_("该全宗下已有类别号 %(code)s。", code=model.code))


class FileView(CatalogueMixin, OfficeScopedModelView):
    """案卷目录: the catalogue with search; the number links to the file's history."""

    column_list = (
        "catalogue_no",
        "title",
        "year",
        "series",
        "retention",
        "security",
        "status",
        "location",
        "office",
    )
    column_labels = {
        "catalogue_no": _l("档号"),
        "title": _l("题名"),
        "year": _l("年度"),
        "series": _l("档案类别"),
        "retention": _l("保管期限"),
        "security": _l("密级"),
        "status": _l("状态"),
        "location": _l("存放位置"),
        "office": _l("单位"),
        "description": _l("内容摘要"),
        "series.title": _l("档案类别"),
        "source_type": _l("来源模块"),
        "source_url": _l("来源链接"),
    }
    column_searchable_list = ("catalogue_no", "title", "location", "description")
    column_filters = (
        "year",
        sqla_filters.FilterEqual(
            ArchiveFile.security, _l("密级"), options=lambda: enum_choices(Security)
        ),
        sqla_filters.FilterEqual(
            ArchiveFile.retention, _l("保管期限"), options=lambda: enum_choices(Retention)
        ),
        sqla_filters.FilterEqual(
            ArchiveFile.status, _l("状态"), options=lambda: enum_choices(FileStatus)
        ),
        "series.title",
    )
    column_default_sort = ("catalogue_no", False)
    column_formatters = {
        "catalogue_no": columns.file_link,
    }
    column_formatters_export = {}  # plain values, no links
    column_export_list = column_list
    column_details_exclude_list = ("version", "seq")
    form_columns = ("series", "title", "year", "retention", "security", "location", "description")
    form_overrides = {"retention": SelectField, "security": SelectField}
    form_args = {
        "retention": {
            "label": _l("保管期限"),
            "choices": lambda: enum_choices(Retention),
            "coerce": str,
            "default": Retention.YEARS_30.value,
        },
        "security": {
            "label": _l("密级"),
            "choices": lambda: enum_choices(Security),
            "coerce": str,
            "default": Security.INTERNAL.value,
            "description": _l(
                "公开：群众可申请查阅；内部：档案管理员批准；限制：档案管理员和领导双重批准"
            ),
        },
        "year": {"label": _l("年度")},
    }
    scoped_choices = {"series": ScopedChoices(Series, order_by=(Series.office_id, Series.code))}
    allow_delete = False  # files are never deleted: a lost one stays, marked lost

    def create_model(self, form):
        """Numbered by the catalogue service (under a lock of the series)."""
        file = self._create(
            form.series.data,
            _("请选择类别。"),
            lambda series: catalogue.create_file(
                series=series,
                **form_values(form, "title year retention security location description"),
                actor_id=current_user.id,
            ),
        )
        if file:
            flash(_("已编目，档号 %(no)s。", no=file.catalogue_no), "success")
        return file

    def on_model_change(self, form, model, is_created):
        """Edits keep the number: series and year are fixed once catalogued."""
        # Read the changes before any query: an autoflush would clear their history.
        if _moved(model, "series") or _changed(model, "year"):
            raise ValidationError(_("已编目案卷的类别和年度不能修改（档号不变）。"))
        self._require_manager(model.office_id)
        model.title = self._checked(catalogue.check_title, model.title)
        super().on_model_change(form, model, is_created)


class ItemView(CatalogueMixin, OfficeScopedModelView):
    """件: the documents inside each file."""

    column_list = ("file", "item_no", "title", "author", "doc_ref", "doc_date", "pages")
    column_labels = {
        "file": _l("案卷"),
        "item_no": _l("件号"),
        "title": _l("题名"),
        "author": _l("责任者"),
        "doc_ref": _l("发文字号"),
        "doc_date": _l("日期"),
        "pages": _l("页数"),
        "file.catalogue_no": _l("档号"),
    }
    column_searchable_list = ("title", "doc_ref", "author")
    column_filters = ("file.catalogue_no",)
    form_columns = ("file", "title", "author", "doc_ref", "doc_date", "pages")
    scoped_choices = {"file": ScopedChoices(ArchiveFile, order_by=(ArchiveFile.catalogue_no,))}
    allow_delete = False

    def create_model(self, form):
        """Numbered after the last item of its file."""
        return self._create(
            form.file.data,
            _("请选择案卷。"),
            lambda file: catalogue.add_item(
                file,
                **form_values(form, "title author doc_ref doc_date pages"),
            ),
        )

    def on_model_change(self, form, model, is_created):
        """An item stays in its file; only the keeper and admins edit it."""
        if _moved(model, "file"):
            raise ValidationError(_("件不能移到其他案卷。"))
        self._require_manager(model.office_id)
        if model.pages is not None and model.pages < 1:
            raise ValidationError(_("页数至少为 1。"))
        super().on_model_change(form, model, is_created)
