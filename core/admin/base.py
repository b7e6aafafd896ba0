"""Base admin views: every staff screen, core or plugin, derives from these.

They enforce, in one place: login, roles, the module being switched on for the user's office,
office scoping of rows (list, detail, create, edit, delete, bulk actions, export), read-only
auditors, masked personal data and safe exports.
"""

import logging
from dataclasses import dataclass
from datetime import date
from enum import Enum
from urllib.parse import urlencode

from flask import abort, current_app, flash, g, has_request_context, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from sqlalchemy import Integer
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, ValidationError

from core import permissions
from core.admin.converters import CoreFilterConverter, CoreModelConverter
from core.admin.fields import harden_form
from core.audit import record_event
from core.exports import audited_export
from core.extensions import db
from core.masking import mask_value
from core.models import Role
from core.modules import ACCESS_MEMO, enabled_office_ids, is_enabled
from core.time import format_local
from core.urls import safe_next

log = logging.getLogger(__name__)


def _time_formatter(view, value, name):
    """Dates and times in lists and exports: Beijing time to the minute, one format."""
    return format_local(value)


def _enum_formatter(view, value, name):
    """An enum member by its translated label (its value when it has none)."""
    label = getattr(value, "label", None)
    return str(label) if label is not None else str(getattr(value, "value", value))


def _type_formatters(base: dict) -> dict:
    return {**base, Enum: _enum_formatter, date: _time_formatter}


def _masked_formatter(view, context, model, name):
    return mask_value(name, getattr(model, name))


def _free_text_value(value):
    """Free text as a reader without access to personal data sees it: numbers starred."""
    from markupsafe import Markup

    from core.publication.masker import mask_numbers

    if isinstance(value, Markup):
        return Markup(mask_numbers(str(value)))
    return mask_numbers(value) if isinstance(value, str) else value


def _refuse_foreign_return_url():
    """Flask-Admin redirects to its ``url`` parameter after a save; accept only local paths.

    Flask-Admin itself accepts any absolute URL on the request's host, which a forged Host
    header turns into an open redirect. A GET carrying another URL is sent to the same page
    without it; a POST is refused.
    """
    target = request.values.get("url")
    if target is None or safe_next(target, "") == target.strip().replace("\\", "/"):
        return None
    if request.method != "GET":
        abort(400)
    args = request.args.to_dict(flat=False)
    args.pop("url", None)
    return redirect(request.path + ("?" + urlencode(args, doseq=True) if args else ""))


def _access_memo(user) -> dict | None:
    """This request's {endpoint: accessible} answers for ``user``; None outside a request.

    Keyed by the user's identity, role and office, so a login, logout or role change within
    the request starts afresh. Lives on ``flask.g``: never shared between requests.
    """
    if not has_request_context():
        return None
    key = (user.id, user.role, user.office_id)
    memo = g.get(ACCESS_MEMO)
    if memo is None or memo[0] != key:
        memo = (key, {})
        setattr(g, ACCESS_MEMO, memo)
    return memo[1]


def _is_versioned(model) -> bool:
    """Whether rows of ``model`` carry an optimistic-locking version (``VersionedMixin``)."""
    mapper = getattr(model, "__mapper__", None)
    return mapper is not None and mapper.version_id_col is not None


class SecureViewMixin:
    """Access rules shared by model and non-model views.

    ``plugin_name`` is set by the core on views a plugin registered; ``allowed_roles`` limits
    a screen to some roles (None: every staff role).
    """

    plugin_name: str | None = None
    allowed_roles: frozenset | None = None
    # Model screens: the core's column types (UTCDateTime) edited and filtered like their base.
    model_form_converter = CoreModelConverter
    filter_converter = CoreFilterConverter()
    # Model screens: times in Beijing time to the minute, enums by their labels.
    column_type_formatters = _type_formatters(typefmt.BASE_FORMATTERS)
    column_type_formatters_detail = _type_formatters(typefmt.DETAIL_FORMATTERS)
    column_type_formatters_export = _type_formatters(typefmt.EXPORT_FORMATTERS)

    def get_create_form(self):
        """The create form, with the core's date fields and number bounds (see fields.py)."""
        return harden_form(super().get_create_form(), getattr(self, "model", None))

    def get_edit_form(self):
        """The edit form, with the core's date fields and number bounds (see fields.py); a
        versioned row's form carries the version it was loaded with (see ``update_model``)."""
        model = getattr(self, "model", None)
        form_class = harden_form(super().get_edit_form(), model)
        if _is_versioned(model):
            form_class = type(form_class.__name__, (form_class,), {"version": HiddenField()})
        return form_class

    def update_model(self, form, model):
        """Save an edit, refusing it with the core's one stale-save message when the row
        changed since the form was loaded (or the post carries no version at all): two clerks
        editing the same hearing must not silently overwrite each other."""
        if _is_versioned(getattr(self, "model", None)) and hasattr(form, "version"):
            from core.errors import STALE_MESSAGE
            from core.input_guard import parse_db_int

            # What was posted, not the row's own version (which WTForms falls back to when the
            # post has no such field at all).
            raw = form.version.raw_data
            posted = parse_db_int(raw[0]) if raw else None
            del form.version  # never copied onto the row: the database keeps counting
            if posted is None or posted != model.version:
                flash(str(STALE_MESSAGE), "error")
                return False
        return super().update_model(form, model)

    def handle_view_exception(self, exc) -> bool:
        """A failed save, create or delete shows one Chinese message, never the database's
        text (which names tables and SQL); the detail goes to the log."""
        if isinstance(exc, ValidationError):
            flash(str(exc), "error")
            return True
        if isinstance(exc, StaleDataError):
            from core.errors import STALE_MESSAGE

            flash(str(STALE_MESSAGE), "error")
            return True
        if current_app.config.get("FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION"):
            raise exc
        log.exception("admin view %s: saving failed", getattr(self, "endpoint", "?"))
        flash(
            _(
                "保存未成功：数据库未能接受这条记录。请检查填写的内容（如数字是否过大、是否与已有记录重复）后重试；问题持续请联系系统管理员。"
            ),
            "error",
        )
        return True

    def is_accessible(self) -> bool:
        # The menu asks every view on every page (about fifty calls a request), so the answer
        # is kept for the rest of the request: it depends only on the user and the enablement,
        # and forget_cached_enablement() drops it with the enablement after a change.
        user = current_user._get_current_object()
        if not user.is_authenticated:
            return False
        memo = _access_memo(user)
        if memo is None:
            return self._decide_access(user)
        answer = memo.get(self.endpoint)
        if answer is None:
            answer = memo[self.endpoint] = self._decide_access(user)
        return answer

    def _decide_access(self, user) -> bool:
        if self.allowed_roles is not None and user.role not in self.allowed_roles:
            return False
        if self.plugin_name is None:
            return True
        if permissions.sees_all_offices(user):
            return bool(enabled_office_ids(self.plugin_name))
        return is_enabled(self.plugin_name, user.office_id)

    def get_one(self, id):
        """A model screen's row by its id; a malformed id (``1,2``, out of range) is a 404."""
        from core.input_guard import parse_db_int

        pk_columns = self.model.__mapper__.primary_key
        if (
            len(pk_columns) == 1
            and isinstance(pk_columns[0].type, Integer)
            and parse_db_int(id) is None
        ):
            abort(404)
        return super().get_one(id)

    def _get_list_extra_args(self):
        """The list's paging and sorting from the query string, clamped to what a list can
        mean (a page number beyond any database integer would overflow the OFFSET)."""
        args = super()._get_list_extra_args()
        args.page = min(max(args.page or 0, 0), 100_000)
        args.page_size = min(max(args.page_size or 0, 0), 1000)
        if args.sort is not None and not 0 <= args.sort < 1000:
            args.sort = None
        return args

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            abort(403)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    def _handle_view(self, name, **kwargs):
        denied = super()._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        if request.method == "POST" and permissions.is_read_only(current_user):
            abort(403)
        return _refuse_foreign_return_url()


class TownshipAdminEdits:
    """For a screen every reader may see but only township admins change: mixed in before
    ``SecureViewMixin``; set ``township_admin_deletes = False`` where rows are never deleted."""

    township_admin_deletes = True

    def _is_township_admin(self) -> bool:
        return current_user.is_authenticated and current_user.role == Role.TOWNSHIP_ADMIN

    @property
    def can_create(self):
        return self._is_township_admin()

    @property
    def can_edit(self):
        return self._is_township_admin()

    @property
    def can_delete(self):
        return self.township_admin_deletes and self._is_township_admin()

    def _handle_view(self, name, **kwargs):
        denied = super()._handle_view(name, **kwargs)
        changing = ("create_view", "edit_view", "delete_view", "action_view", "bulk_view")
        if denied is None and name in changing and not self._is_township_admin():
            abort(403)
        return denied


class ModuleView(SecureViewMixin, BaseView):
    """A non-model staff screen (dashboards, printable sheets, wizards)."""


@dataclass(frozen=True)
class ScopedChoices:
    """The choices of a relation field limited to rows of the offices in the user's scope.

    ``model`` is the related model and ``office_column`` its office column; ``where`` adds
    criteria (``User.role == Role.LEADER``), ``order_by`` the order; ``parent_offices`` also
    offers rows of the offices above those in scope (a township leader for a village's rule).
    Declared on a view: ``scoped_choices = {"leader": ScopedChoices(User, where=(...))}``.
    """

    model: type
    office_column: str = "office_id"
    where: tuple = ()
    order_by: tuple = ()
    parent_offices: bool = False

    def query(self, allowed: set[int] | None):
        """The rows to offer, given the office ids in scope (None: every office)."""
        from core.models import Office

        query = db.session.query(self.model)
        for criterion in self.where:
            query = query.filter(criterion)
        if allowed is not None:
            ids = set(allowed)
            if self.parent_offices:
                for office in db.session.query(Office).filter(Office.id.in_(allowed)):
                    ids.update(o.id for o in office.ancestors())
            query = query.filter(getattr(self.model, self.office_column).in_(ids))
        return query.order_by(*self.order_by) if self.order_by else query


class OfficeScopedModelView(SecureViewMixin, ModelView):
    """A CRUD screen over a model with an ``office_id`` column.

    Subclasses set the usual Flask-Admin attributes, plus:
    - ``allow_create`` / ``allow_edit`` / ``allow_delete`` / ``allow_export`` (not ``can_*``,
      which are computed per user: auditors never write);
    - ``personal_data_columns``: columns holding private persons' data (masked in lists,
      left out of exports unless the role may see them, logged when shown in full);
    - ``office_column``: the column naming the office (default ``office_id``);
    - ``scoped_choices``: relation fields whose choices are limited to the offices in scope
      (``{"fonds": ScopedChoices(Fonds)}``, see ``ScopedChoices``);
    - ``office_kinds``: where the rows belong to some kinds of office only (villages, say),
      the office field offers only those.
    """

    office_column = "office_id"
    office_kinds: tuple = ()
    scoped_choices: dict = {}
    personal_data_columns: tuple[str, ...] = ()
    allow_create = True
    allow_edit = True
    allow_delete = True
    allow_export = True
    export_types = ["csv", "xlsx"]
    can_view_details = True
    details_template = "admin/scoped_details.html"  # adds the record's audit-history link
    simple_list_pager = True  # never count the whole table on a list page
    page_size = 50

    def __init_subclass__(cls, **kwargs):
        # Subclasses written the usual Flask-Admin way (can_delete = False) keep working.
        super().__init_subclass__(**kwargs)
        for verb in ("create", "edit", "delete", "export"):
            if f"can_{verb}" in cls.__dict__ and not isinstance(
                cls.__dict__[f"can_{verb}"], property
            ):
                setattr(cls, f"allow_{verb}", cls.__dict__[f"can_{verb}"])
                delattr(cls, f"can_{verb}")

    @property
    def can_create(self):
        return self.allow_create and not permissions.is_read_only(current_user)

    @property
    def can_edit(self):
        return self.allow_edit and not permissions.is_read_only(current_user)

    @property
    def can_delete(self):
        return self.allow_delete and not permissions.is_read_only(current_user)

    @property
    def can_export(self):
        return self.allow_export

    # --- scoping -----------------------------------------------------------------------

    def scoped_office_ids(self) -> set[int] | None:
        """Office ids whose rows the current user may see here; None: all."""
        allowed = permissions.visible_office_ids(current_user)
        if self.plugin_name is not None:
            on = enabled_office_ids(self.plugin_name)
            allowed = on if allowed is None else allowed & on
        return allowed

    def scope(self, query):
        """Limit ``query`` to the rows of offices the user may see."""
        allowed = self.scoped_office_ids()
        if allowed is None:
            return query
        return query.filter(getattr(self.model, self.office_column).in_(allowed))

    def get_query(self):
        return self.scope(super().get_query())

    def get_count_query(self):
        return self.scope(super().get_count_query())

    def get_one(self, id):
        """The row with this id, or 404 when it is outside the user's scope."""
        model = db.session.get(self.model, self._decode_pk(id))
        if model is None or not self._in_scope(model):
            abort(404)
        return model

    def _decode_pk(self, id):
        """The primary key from the URL; a malformed one (``1,2``, text for an integer key,
        out of range) is a 404, never a database error."""
        from flask_admin.contrib.sqla import tools

        from core.input_guard import parse_db_int

        pk_columns = self.model.__mapper__.primary_key
        if len(pk_columns) == 1 and isinstance(pk_columns[0].type, Integer):
            number = parse_db_int(id)
            if number is None:
                abort(404)
            return number
        return tools.iterdecode(id)

    def _in_scope(self, model) -> bool:
        allowed = self.scoped_office_ids()
        return allowed is None or getattr(model, self.office_column) in allowed

    # --- forms ------------------------------------------------------------------------------

    def _limit_office_field(self, form):
        field = getattr(form, "office", None)
        if field is None:
            return form
        if permissions.sees_all_offices(current_user) and not (
            self.plugin_name or self.office_kinds
        ):
            return form
        allowed = self.scoped_office_ids()
        if allowed is None or len(allowed) > 1:
            field.query_factory = lambda: self._office_choices(allowed)
        else:
            del form.office  # staff always create in their own office
        return form

    def _office_choices(self, allowed):
        from core.models import Office

        query = db.session.query(Office).order_by(Office.sort_order, Office.code)
        if self.office_kinds:
            query = query.filter(Office.kind.in_(self.office_kinds))
        return query if allowed is None else query.filter(Office.id.in_(allowed))

    def _limit_choices(self, form):
        """Limit the office field and the ``scoped_choices`` fields to the user's scope."""
        form = self._limit_office_field(form)
        allowed = self.scoped_office_ids() if self.scoped_choices else None
        for name, choices in self.scoped_choices.items():
            field = getattr(form, name, None)
            if field is not None:
                field.query_factory = lambda choices=choices: choices.query(allowed)
        return form

    def create_form(self, obj=None):
        return self._limit_choices(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._limit_choices(super().edit_form(obj))

    def office_id_of(self, model) -> int | None:
        """The office a row is being saved under. Until the flush, a choice made in the form
        lives on the ``office`` relationship, not yet on ``office_id``."""
        related = getattr(model, "office", None) if self.office_column == "office_id" else None
        return related.id if related is not None else getattr(model, self.office_column)

    def on_model_change(self, form, model, is_created):
        """Keep every saved row inside the user's scope (and a switched-on office)."""
        if getattr(form, "office", None) is None:  # no office field (deleted fields stay as None)
            allowed = self.scoped_office_ids()
            if not permissions.sees_all_offices(current_user):
                setattr(model, self.office_column, current_user.office_id)
            elif self.office_id_of(model) is None and allowed is not None and len(allowed) == 1:
                setattr(model, self.office_column, next(iter(allowed)))
        office_id = self.office_id_of(model)
        if office_id is None:
            raise ValidationError(_("请选择单位。"))
        allowed = self.scoped_office_ids()
        if allowed is not None and office_id not in allowed:
            raise ValidationError(_("您不能在该单位下保存记录。"))
        super().on_model_change(form, model, is_created)

    # --- personal data ------------------------------------------------------------------

    def may_see_personal_data(self) -> bool:
        return permissions.may_see_personal_data(current_user)

    def __init__(self, *args, **kwargs):
        # Lists always show personal data masked; the full value only on the detail screen.
        masked = {name: _masked_formatter for name in self.personal_data_columns}
        self.column_formatters = {**masked, **dict(self.column_formatters or {})}
        if self.column_formatters_export is None:
            # Exports carry full values; export_columns() leaves personal data out instead
            # for roles that may not see it (Flask-Admin would reuse the masking formatters).
            self.column_formatters_export = {
                k: v for k, v in self.column_formatters.items() if v is not _masked_formatter
            }
        super().__init__(*args, **kwargs)

    @pass_context  # the details template calls get_value(model, name)
    def get_detail_value(self, context, model, name):
        if name in self.personal_data_columns and not self.may_see_personal_data():
            return mask_value(name, getattr(model, name))
        value = super().get_detail_value(context, model, name)
        return value if self.may_see_personal_data() else _free_text_value(value)

    @pass_context
    def get_list_value(self, context, model, name):
        """A list cell; free text shows its phone and ID numbers starred to auditors."""
        value = super().get_list_value(context, model, name)
        return value if self.may_see_personal_data() else _free_text_value(value)

    @expose("/details/")
    def details_view(self):
        response = super().details_view()
        if self.personal_data_columns and self.may_see_personal_data():
            pk = request.args.get("id")
            row = db.session.get(self.model, self._decode_pk(pk)) if pk else None
            record_event(
                "personal_data.view",
                target_type=self.model.__tablename__,
                target_id=pk,
                office_id=self.office_id_of(row) if row else None,
                details={"columns": list(self.personal_data_columns)},
            )
            db.session.commit()
        return response

    # --- bulk actions --------------------------------------------------------------------

    @action(
        "delete",
        admin_lazy_gettext("Delete"),
        admin_lazy_gettext("Are you sure you want to delete selected records?"),
    )
    def action_delete(self, ids):
        """Flask-Admin's bulk delete, with the posted ids typed like the primary key: they
        arrive as text, which PostgreSQL will not compare with an integer key."""
        return super().action_delete(self._typed_ids(ids))

    def _typed_ids(self, ids) -> list:
        pk_columns = self.model.__mapper__.primary_key
        if len(pk_columns) != 1 or not isinstance(pk_columns[0].type, Integer):
            return list(ids)  # text keys compare as text already
        typed = []
        for value in ids:
            try:
                typed.append(int(value))
            except (TypeError, ValueError):
                continue  # a malformed id matches no row
        return typed

    # --- export ------------------------------------------------------------------------

    def export_columns(self) -> list[tuple[str, str]]:
        """(column, label) pairs exported for the current user."""
        columns = list(self._export_columns)
        if not self.may_see_personal_data():
            columns = [(c, label) for c, label in columns if c not in self.personal_data_columns]
        return columns

    @expose("/export/<export_type>/")
    def export(self, export_type):
        """CSV or XLSX of the filtered list, formula-safe, recorded in the audit log.

        Up to EXPORT_MAX_ROWS rows download at once; a larger list becomes the person's own
        background job (``core.admin.export_jobs``) with progress and a download when done.
        """
        if not self.can_export or export_type not in self.export_types:
            abort(404)
        from core.admin.export_jobs import export_rows, start_background_export
        from core.jobs.user_jobs import status_path

        limit = int(current_app.config["EXPORT_MAX_ROWS"])
        rows = export_rows(self, limit + 1)
        if len(rows) > limit:
            record = start_background_export(self, export_type)
            flash(_("数据超过 %(n)d 行，已转为后台导出；完成后可在此页下载。", n=limit), "info")
            return redirect(status_path(record.id))
        columns = self.export_columns()
        return audited_export(
            export_type,
            self.get_export_name(export_type).rsplit(".", 1)[0],
            [label for _c, label in columns],
            ([self.get_export_value(row, c) for c, _l in columns] for row in rows),
            target_type=self.model.__tablename__,
            view=self.endpoint,
            filters=dict(request.args.items()),
            columns=[c for c, _ in columns],
        )


class RecordView(OfficeScopedModelView):
    """A list of rows a desk or a service records (loans, messages, bookings…): searched,
    shown and exported here, never created, edited or deleted by hand."""

    allow_create = False
    allow_edit = False
    allow_delete = False
