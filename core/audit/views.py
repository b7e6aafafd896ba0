"""Reading the audit log: the log screen for auditors and township admins, and a record's history.

Both screens are read-only for everyone. Personal data in old/new values is masked for roles
that may not see it (``core.permissions.may_see_personal_data``); staff see the history of
their own office's records only.
"""

from datetime import UTC, datetime

from flask import abort, current_app, g, redirect, request, url_for
from flask_admin import Admin, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import Date, DateTime, select
from sqlalchemy import inspect as sa_inspect

from core import permissions
from core.admin.base import SecureViewMixin
from core.audit import record_event
from core.audit.capture import EXCLUDED_TABLES, SECRET_MASK, model_info
from core.audit.models import AuditEntry
from core.exports import audited_export
from core.extensions import db
from core.masking import mask_text, mask_value
from core.models import Office, Role, User
from core.models.types import UTCDateTime
from core.modules import enabled_office_ids
from core.plugins import get_registry
from core.publication.masker import mask_numbers
from core.time import LOCAL_ZONE, format_local

READER_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.AUDITOR})

ACTION_LABELS = {
    "insert": _l("新增"),
    "update": _l("修改"),
    "delete": _l("删除"),
    "upsert": _l("新增或修改"),
    "auth.login": _l("登录"),
    "auth.login_failed": _l("登录失败"),
    "auth.logout": _l("退出登录"),
    "module.enable": _l("启用模块"),
    "module.disable": _l("停用模块"),
    "module.delete_data": _l("删除模块数据"),
    "export": _l("导出"),
    "personal_data.view": _l("查看个人信息"),
    "auth.login_throttled": _l("登录被限制"),
    "access.refused": _l("访问被拒绝（汇总）"),
    "auth.password_changed": _l("修改密码"),
    "audit.archive": _l("归档审计日志"),
}


# Tables without a screen of their own (a model may also say ``__table__.info["label"]``).
TABLE_LABELS = {
    "case_event": _l("案件办理记录"),
    "case_office": _l("案件知会单位"),
    "case_extension": _l("案件延期"),
    "case_pause": _l("案件暂停计时"),
    "case_agency": _l("办事代理"),
    "case_rating": _l("群众评价"),
    "case_rectification": _l("评价整改"),
    "case_follow_up_call": _l("整改回访"),
    "case_rating_appeal": _l("评价申诉"),
    "case_attachment": _l("案件附件"),
    "office_module": _l("模块开关"),
    "audit_archive": _l("审计归档"),
    "audit_chain_head": _l("审计链头"),
    "case_lookup_counter": _l("回执查询计数"),
    "case_month_stat": _l("案件月度统计"),
    "job_failure": _l("失败的后台任务"),
    "job_record": _l("后台任务"),
    "job_run": _l("定时任务运行"),
    "login_failure": _l("登录失败计数"),
    "notification": _l("通知"),
    "notification_setting": _l("通知设置"),
    "private_name": _l("群众姓名（隐去用）"),
    "publication_allowed_name": _l("可公开的姓名"),
    "publication_withdrawal": _l("撤回记录"),
    "schedule_state": _l("定时任务状态"),
    "user_session": _l("登录会话"),
}
# Columns most tables share, for tables whose screen does not label them.
COMMON_COLUMN_LABELS = {
    "id": _l("编号"),
    "office_id": _l("单位"),
    "created_at": _l("创建时间"),
    "updated_at": _l("修改时间"),
    "version": _l("版本"),
    "status": _l("状态"),
    "note": _l("备注"),
    "kind": _l("类型"),
    "at": _l("时间"),
    "case_id": _l("案件"),
    "actor_id": _l("操作人"),
    "actor_name": _l("操作人"),
    "data": _l("数据"),
    "user_id": _l("工作人员"),
    "title": _l("标题"),
    "name": _l("名称"),
    "overdue": _l("已超期"),
    "enabled": _l("开启"),
    "plugin_name": _l("模块"),
}
DETAIL_LABELS = {
    "columns": _l("字段"),
    "view": _l("页面"),
    "format": _l("格式"),
    "rows": _l("行数"),
    "filters": _l("筛选条件"),
    "via": _l("途径"),
    "username": _l("用户名"),
    "reason": _l("原因"),
}


def action_label(action: str) -> str:
    """The Chinese name of an action (the raw name for actions added later)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def local_time(moment: datetime | None) -> str:
    """A stored UTC time in the township's zone, to the second."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment, "yyyy-MM-dd HH:mm:ss")


# --- what the admin views declare about each table ---------------------------------------------


def _add_column_facts(entry: dict, column) -> None:
    info = getattr(column, "info", {})
    if info.get("personal_data"):
        entry["personal"].add(column.name)
    if info.get("label"):
        entry["labels"][column.name] = info["label"]
    enum_class = getattr(column.type, "enum_class", None)
    if enum_class is not None:
        entry["enums"][column.name] = enum_class
    if isinstance(column.type, Date | DateTime | UTCDateTime):
        entry["times"].add(column.name)
    for key in column.foreign_keys:
        entry["links"][column.name] = key.column.table.name


def _facts_from_models() -> tuple[dict[str, dict], dict[str, type]]:
    """What the mapped tables say of themselves (labels, personal data, enums, times, links)."""
    facts: dict[str, dict] = {}
    models = {}
    for mapper in db.Model.registry.mappers:
        table = getattr(mapper.local_table, "name", None)
        if table is None:
            continue
        models[table] = mapper.class_
        entry = facts.setdefault(
            table,
            {
                "name": table,
                "labels": {},
                "personal": set(),
                "enums": {},
                "links": {},
                "times": set(),
            },
        )
        label = getattr(mapper.local_table, "info", {}).get("label") or TABLE_LABELS.get(table)
        if label:
            entry["name"] = label
        for prop in mapper.column_attrs:
            _add_column_facts(entry, prop.columns[0])
    return facts, models


def _add_view_facts(facts: dict[str, dict]) -> None:
    """What the staff screens over each table add: its menu name, column labels, personal data."""
    admin = current_app.extensions.get("township_admin")
    for view in getattr(admin, "_views", []):
        model = getattr(view, "model", None)
        table = getattr(model, "__tablename__", None)
        if table not in facts:
            continue
        entry = facts[table]
        if entry["name"] == table and view.name:
            entry["name"] = view.name
        for key, label in dict(getattr(view, "column_labels", None) or {}).items():
            for name in _column_names(model, key):
                entry["labels"].setdefault(name, label)
        for key in getattr(view, "personal_data_columns", ()) or ():
            entry["personal"].add(_column_name(model, key))


def _table_facts() -> dict[str, dict]:
    """Per table: its screen's name, column labels and personal-data columns (cached per app).

    Personal-data columns come from every ``OfficeScopedModelView.personal_data_columns`` over
    the table, and from columns a model marks with ``info={"personal_data": True}``.
    """
    facts = current_app.extensions.get("audit_table_facts")
    if facts is not None:
        return facts
    facts, models = _facts_from_models()
    _add_view_facts(facts)
    for entry in facts.values():
        for name, label in COMMON_COLUMN_LABELS.items():
            entry["labels"].setdefault(name, label)
    current_app.extensions["audit_table_facts"] = facts
    current_app.extensions["audit_table_models"] = models
    return facts


def _column_names(model, key: str) -> list[str]:
    """The stored columns a view's label names: a column, or a relationship's foreign keys
    (a label for ``office`` also names ``office_id``)."""
    prop = sa_inspect(model).attrs.get(key)
    if prop is None:
        return [key]
    columns = getattr(prop, "columns", None)
    if columns:
        return [columns[0].name]
    local = getattr(prop, "local_columns", None) or ()
    return [c.name for c in local if c.foreign_keys] or [key]


def _column_name(model, key: str) -> str:
    prop = sa_inspect(model).attrs.get(key)
    columns = getattr(prop, "columns", None)
    return columns[0].name if columns else key


def table_label(table: str | None) -> str:
    """The name of a table's screen (its table name when it has none)."""
    if not table:
        return ""
    facts = _table_facts().get(table)
    return str(facts["name"]) if facts else table


def _masks_personal_data() -> bool:
    return not permissions.may_see_personal_data(current_user)


def shown_value(table: str | None, column: str, value, masked: bool) -> str:
    """A stored old/new value as the current reader may see it: enum labels, the linked row's
    name instead of its id, Beijing time, 是/否; personal data masked for roles that may not
    see it."""
    if value is None:
        return "—"
    if value == SECRET_MASK:
        return SECRET_MASK
    facts = _table_facts().get(table or "", {})
    if masked and column in facts.get("personal", ()):
        return mask_value(column, value)
    text = _readable(facts, column, value)
    if masked:  # free text may hold a phone or ID number too
        return mask_numbers(text)
    return text


def _readable(facts: dict, column: str, value) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    enum_class = facts.get("enums", {}).get(column)
    if enum_class is not None:
        try:
            member = enum_class(value)
        except ValueError:
            return str(value)
        return str(getattr(member, "label", member.value))
    linked = facts.get("links", {}).get(column)
    if linked is not None:
        return _linked_name(linked, value)
    if column in facts.get("times", ()) and isinstance(value, str):
        try:
            return format_local(datetime.fromisoformat(value), seconds="T" in value or " " in value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return (
            "; ".join(f"{_key_label(facts, k)}: {_readable({}, k, v)}" for k, v in value.items())
            or "—"
        )
    if isinstance(value, list):
        return ", ".join(_readable({}, column, v) for v in value) or "—"
    return str(value)


def _key_label(facts: dict, key) -> str:
    label = facts.get("labels", {}).get(key) or COMMON_COLUMN_LABELS.get(key)
    return str(label) if label else str(key)


NAME_ATTRIBUTES = ("display_name", "name", "title", "receipt_no", "subject", "code")


def _linked_name(table: str, value) -> str:
    """The name of the row ``value`` of ``table`` points at (cached for the request); the id
    when the row is gone or has nothing like a name."""
    cache = g.setdefault("_audit_linked_names", {})
    key = (table, str(value))
    if key not in cache:
        model = current_app.extensions.get("audit_table_models", {}).get(table)
        row = None
        if model is not None:
            try:
                row = db.session.get(model, int(value))
            except (TypeError, ValueError):
                row = None
        name = next(
            (getattr(row, a) for a in NAME_ATTRIBUTES if row is not None and getattr(row, a, None)),
            None,
        )
        cache[key] = f"{name}（{value}）" if name else str(value)
    return cache[key]


def changes_rows(entry: AuditEntry, masked: bool) -> list[tuple[str, str, str]]:
    """(column label, old, new) for each changed column of a row-change entry."""
    facts = _table_facts().get(entry.target_type or "", {})
    labels = facts.get("labels", {})
    rows = []
    for column, (old, new) in sorted((entry.changes or {}).items()):
        rows.append(
            (
                str(labels.get(column, column)),
                shown_value(entry.target_type, column, old, masked),
                shown_value(entry.target_type, column, new, masked),
            )
        )
    return rows


def details_text(entry: AuditEntry, masked: bool) -> str:
    """An event's details as one line (phones and ID numbers starred when masked)."""
    if not entry.details:
        return ""
    parts = []
    for key, value in sorted(entry.details.items()):
        text = value if isinstance(value, str) else _readable({}, key, value)
        label = DETAIL_LABELS.get(key)
        parts.append(f"{label or key}: {mask_text(text) if masked else text}")
    return "; ".join(parts)


def changes_text(entry: AuditEntry, masked: bool) -> str:
    """Changes (or details) as plain text, for exports."""
    if entry.changes:
        return "; ".join(
            f"{label}: {old} → {new}" for label, old, new in changes_rows(entry, masked)
        )
    return details_text(entry, masked)


def _changes_markup(entry: AuditEntry, masked: bool) -> Markup:
    if not entry.changes:
        return escape(details_text(entry, masked))
    items = Markup("").join(
        Markup("<li><b>{}</b>: <del>{}</del> → <ins>{}</ins></li>").format(label, old, new)
        for label, old, new in changes_rows(entry, masked)
    )
    return Markup('<ul class="list-unstyled mb-0 small">{}</ul>').format(items)


# --- filters -------------------------------------------------------------------------------


class _LiveOptions:
    """Filter choices read when the page is rendered: users, offices and tables change while
    the application runs, and Flask-Admin would otherwise freeze them at start-up."""

    def __init__(self, load):
        self.load = load

    def __bool__(self) -> bool:
        return True

    def __iter__(self):
        return iter(self.load())


def _user_options():
    users = db.session.execute(
        select(User.id, User.display_name, User.username).order_by(User.username)
    ).all()
    return [(str(i), f"{name}（{username}）") for i, name, username in users]


def _office_options():
    offices = db.session.execute(
        select(Office.id, Office.name).order_by(Office.sort_order, Office.code)
    ).all()
    return [(str(i), name) for i, name in offices]


def _table_options():
    tables = sorted(t for t in _table_facts() if t not in EXCLUDED_TABLES)
    return [(t, f"{table_label(t)}（{t}）" if table_label(t) != t else t) for t in tables]


def _action_options():
    return [(key, str(label)) for key, label in ACTION_LABELS.items()]


def _to_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=LOCAL_ZONE).astimezone(UTC)


class _LocalBetween(sqla_filters.DateTimeBetweenFilter):
    """Times typed in Beijing time, compared with the stored UTC."""

    def clean(self, value):
        return [_to_utc(v) for v in super().clean(value)]


class _LocalAfter(sqla_filters.DateTimeGreaterFilter):
    def clean(self, value):
        return _to_utc(super().clean(value))


class _LocalBefore(sqla_filters.DateTimeSmallerFilter):
    def clean(self, value):
        return _to_utc(super().clean(value))


_FILTER_TABLE = sqla_filters.FilterEqual(
    AuditEntry.target_type, _l("数据表"), options=_LiveOptions(_table_options)
)
_FILTER_ROW = sqla_filters.FilterEqual(AuditEntry.target_id, _l("记录编号"))


# --- the log screen ------------------------------------------------------------------------


class AuditEntryView(SecureViewMixin, ModelView):
    """The audit log: browse, filter and export; nobody can change anything here."""

    allowed_roles = READER_ROLES
    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = True
    can_export = True
    export_types = ["csv", "xlsx"]
    simple_list_pager = True  # never count a table of millions of rows on a list page
    page_size = 50
    column_default_sort = ("id", True)
    column_sortable_list = ("id", "at")
    column_list = (
        "id",
        "at",
        "actor_name",
        "office_id",
        "action",
        "target_type",
        "target_id",
        "changes",
    )
    column_details_list = (
        "id",
        "at",
        "actor_name",
        "actor_id",
        "office_id",
        "ip_address",
        "request_id",
        "action",
        "target_type",
        "target_id",
        "changes",
        "details",
        "prev_hash",
        "entry_hash",
    )
    column_labels = {
        "id": _l("序号"),
        "at": _l("时间"),
        "actor_name": _l("操作人"),
        "actor_id": _l("操作人账号编号"),
        "office_id": _l("单位"),
        "ip_address": _l("IP 地址"),
        "request_id": _l("请求编号"),
        "action": _l("操作"),
        "target_type": _l("数据表"),
        "target_id": _l("记录编号"),
        "changes": _l("变更（原值 → 新值）"),
        "details": _l("详情"),
        "prev_hash": _l("前一条哈希"),
        "entry_hash": _l("本条哈希"),
    }
    column_filters = [
        sqla_filters.IntEqualFilter(
            AuditEntry.actor_id, _l("操作人"), options=_LiveOptions(_user_options)
        ),
        sqla_filters.FilterLike(AuditEntry.actor_name, _l("操作人名称")),
        sqla_filters.IntEqualFilter(
            AuditEntry.office_id, _l("单位"), options=_LiveOptions(_office_options)
        ),
        _FILTER_TABLE,
        _FILTER_ROW,
        sqla_filters.FilterEqual(AuditEntry.action, _l("操作"), options=_action_options),
        _LocalBetween(AuditEntry.at, _l("时间（北京时间）")),
        _LocalAfter(AuditEntry.at, _l("时间（北京时间）")),
        _LocalBefore(AuditEntry.at, _l("时间（北京时间）")),
    ]
    column_formatters = {
        "at": lambda v, c, m, n: local_time(m.at),
        "office_id": lambda v, c, m, n: v._office_name(m.office_id),
        "action": lambda v, c, m, n: action_label(m.action),
        "target_type": lambda v, c, m, n: v._target_link(m),
        "changes": lambda v, c, m, n: _changes_markup(m, _masks_personal_data()),
        "details": lambda v, c, m, n: details_text(m, _masks_personal_data()),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("name", _l("审计日志"))
        kwargs.setdefault("endpoint", "audit")
        kwargs.setdefault("url", "/admin/audit")
        super().__init__(AuditEntry, db, *args, **kwargs)

    def _office_name(self, office_id) -> str:
        if office_id is None:
            return ""
        names = getattr(g, "_audit_office_names", None)
        if names is None:
            names = g._audit_office_names = dict(
                db.session.execute(select(Office.id, Office.name)).all()
            )
        return names.get(office_id, str(office_id))

    def _target_link(self, entry: AuditEntry):
        if not entry.target_type or entry.target_type not in _table_facts():
            return entry.target_type or ""
        if not entry.target_id:
            return table_label(entry.target_type)
        url = url_for("audit_history.record", table=entry.target_type, row_id=entry.target_id)
        return Markup('<a href="{}" title="{}">{}</a>').format(
            url, _("查看该记录的修改历史"), table_label(entry.target_type)
        )

    @expose("/export/<export_type>/")
    def export(self, export_type):
        """CSV or XLSX of the filtered log, masked as on screen, itself recorded in the log."""
        if export_type not in self.export_types:
            abort(404)
        limit = int(current_app.config["EXPORT_MAX_ROWS"])
        self.export_max_rows = limit
        _count, entries = self._export_data()
        masked = _masks_personal_data()
        headers = [
            _("序号"),
            _("时间"),
            _("操作人"),
            _("单位"),
            _("操作"),
            _("数据表"),
            _("记录编号"),
            _("变更或详情"),
            _("IP 地址"),
            _("请求编号"),
            _("本条哈希"),
        ]
        rows = (
            [
                e.id,
                local_time(e.at),
                e.actor_name or "",
                self._office_name(e.office_id),
                action_label(e.action),
                e.target_type or "",
                e.target_id or "",
                changes_text(e, masked),
                e.ip_address or "",
                e.request_id or "",
                e.entry_hash,
            ]
            for e in entries
        )
        return audited_export(
            export_type,
            "audit-log",
            headers,
            rows,
            target_type="audit_entry",
            limit=limit,
            view=self.endpoint,
            filters=dict(request.args.items()),
        )


# --- one record's history ------------------------------------------------------------------


def history_url(model) -> str | None:
    """The history page of a mapped object (for links on detail screens)."""
    state = sa_inspect(model, raiseerr=False)
    if state is None or state.key is None:
        return None
    info = model_info(state.mapper)
    if info.table is None or info.excluded:
        return None
    row_id = "/".join(str(v) for v in state.key[1])
    return url_for("audit_history.record", table=info.table, row_id=row_id)


class AuditHistoryView(SecureViewMixin, BaseView):
    """Every recorded change of one record, oldest first; staff see their office's records."""

    def __init__(self):
        super().__init__(name=_l("修改历史"), endpoint="audit_history", url="/admin/audit/history")

    def is_visible(self) -> bool:
        return False  # reached from a record's detail screen, not from the menu

    @expose("/")
    def index(self):
        """No record named: readers of the log go to the log, others have nothing here."""
        if current_user.role in READER_ROLES:
            return redirect(url_for("audit.index_view"))
        abort(404)

    @expose("/<table>/<path:row_id>")
    def record(self, table: str, row_id: str):
        """The history of row ``row_id`` of ``table``."""
        if table not in _table_facts() or table in EXCLUDED_TABLES:
            abort(404)
        query = (
            select(AuditEntry)
            .where(AuditEntry.target_type == table, AuditEntry.target_id == row_id)
            .order_by(AuditEntry.id)
        )
        allowed = permissions.visible_office_ids(current_user)
        plugin = _owning_plugin(table)
        if plugin is not None:  # a module's rows are closed where the module is off
            on = enabled_office_ids(plugin)
            allowed = on if allowed is None else allowed & on
        if allowed is not None:
            query = query.where(AuditEntry.office_id.in_(allowed))
        entries = list(db.session.scalars(query))
        if allowed is not None and not entries:
            abort(404)  # not one of the user's office's records (or nothing recorded)
        masked = _masks_personal_data()
        personal = _table_facts()[table]["personal"]
        shown = sorted({c for e in entries for c in (e.changes or {}) if c in personal})
        if shown and not masked:
            record_event(
                "personal_data.view",
                target_type=table,
                target_id=row_id,
                office_id=next((e.office_id for e in reversed(entries) if e.office_id), None),
                details={"columns": shown, "via": "audit_history"},
            )
            db.session.commit()
        rows = [
            {
                "entry": e,
                "at": local_time(e.at),
                "action": action_label(e.action),
                "changes": changes_rows(e, masked) if e.changes else [],
                "details": details_text(e, masked),
            }
            for e in entries
        ]
        return self.render(
            "admin/audit/history.html",
            rows=rows,
            table=table,
            row_id=row_id,
            table_label=table_label(table),
            log_url=(_log_url_for(table, row_id) if current_user.role in READER_ROLES else None),
        )


def _owning_plugin(table: str) -> str | None:
    """The plugin whose model is stored in ``table`` (None for the core's tables)."""
    owners = current_app.extensions.get("audit_table_plugins")
    if owners is None:
        owners = {}
        for name, models in get_registry().call_each("register_models"):
            for model in models or ():
                owners[model.__tablename__] = name
        current_app.extensions["audit_table_plugins"] = owners
    return owners.get(table)


def _log_url_for(table: str, row_id: str) -> str:
    """The log screen filtered to one record (Flask-Admin names filters by position)."""
    positions = {id(f): i for i, f in enumerate(AuditEntryView.column_filters)}
    by_table = positions[id(_FILTER_TABLE)]
    by_row = positions[id(_FILTER_ROW)]
    return url_for("audit.index_view", **{f"flt0_{by_table}": table, f"flt1_{by_row}": row_id})


def add_audit_views(admin: Admin, category=None) -> None:
    """Register the log screen (menu) and the history screen (linked from detail screens)."""
    admin.add_view(AuditEntryView(category=category))
    admin.add_view(AuditHistoryView())
