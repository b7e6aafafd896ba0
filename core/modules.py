"""Per-office enablement of plugins: the one place that answers "is module X on for office Y?"."""

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import record_event
from core.extensions import db
from core.models import Office, OfficeModule, User, utcnow
from core.plugins import get_registry
from core.rows import count_rows


class ModuleError(ValueError):
    """A module change that cannot be made; the message is for the user."""


# Name on flask.g of the admin views' per-request access answers (core.admin.base), which
# derive from the enablement and so are dropped with it.
ACCESS_MEMO = "_view_access"


def _enabled_pairs() -> set[tuple[int, str]]:
    """All (office_id, plugin) pairs switched on; cached for the current request."""
    in_request = has_request_context()
    if in_request:
        cached = g.get("_enabled_pairs")
        if cached is not None:
            return cached
    rows = db.session.execute(
        select(OfficeModule.office_id, OfficeModule.plugin_name).where(OfficeModule.enabled)
    ).all()
    loaded = get_registry().manifests
    pairs = {(o, p) for o, p in rows if p in loaded}
    if in_request:
        g._enabled_pairs = pairs
    return pairs


def forget_cached_enablement() -> None:
    """Drop the per-request cache (and the access answers made from it) after a change."""
    if has_request_context():
        g.pop("_enabled_pairs", None)
        g.pop(ACCESS_MEMO, None)


def is_enabled(plugin_name: str, office_id: int | None) -> bool:
    """True when ``plugin_name`` is switched on for the office."""
    return (office_id, plugin_name) in _enabled_pairs()


def enabled_plugins(office_id: int) -> set[str]:
    """Names of the plugins switched on for one office."""
    return {p for o, p in _enabled_pairs() if o == office_id}


def enabled_office_ids(plugin_name: str) -> set[int]:
    """Ids of the offices that have ``plugin_name`` switched on."""
    return {o for o, p in _enabled_pairs() if p == plugin_name}


def set_module(plugin_name: str, office: Office, enabled: bool, actor: User | None = None):
    """Switch a plugin on or off for one office, recording it in the audit log.

    Raises ModuleError (with a message for the user) for an unknown plugin or a missing
    requirement. Switching off never deletes data. The caller commits.
    """
    registry = get_registry()
    manifest = registry.manifests.get(plugin_name)
    if manifest is None:
        raise ModuleError(_("没有名为“%(name)s”的模块。", name=plugin_name))
    if enabled:
        missing = [r for r in manifest.requires if not is_enabled(r, office.id)]
        if missing:
            raise ModuleError(_("请先为该单位启用所需模块：%(names)s", names="、".join(missing)))
    else:
        dependants = [
            n
            for n, m in registry.manifests.items()
            if plugin_name in m.requires and is_enabled(n, office.id)
        ]
        if dependants:
            raise ModuleError(_("以下模块依赖它，请先停用：%(names)s", names="、".join(dependants)))
    row = db.session.get(OfficeModule, (office.id, plugin_name))
    if row is None:
        row = OfficeModule(office_id=office.id, plugin_name=plugin_name, enabled=enabled)
        db.session.add(row)
    elif row.enabled == enabled:
        return row
    row.enabled = enabled
    row.changed_at = utcnow()
    row.changed_by_id = actor.id if actor else None
    record_event(
        "module.enable" if enabled else "module.disable",
        office_id=office.id,
        target_type="plugin",
        target_id=plugin_name,
        details={"plugin": plugin_name, "office": office.code},
    )
    forget_cached_enablement()
    return row


def plugin_models(plugin_name: str) -> list[type]:
    """The model classes a plugin registered."""
    for name, models in get_registry().call_each("register_models"):
        if name == plugin_name:
            return list(models)
    return []


def office_data_counts(plugin_name: str, office_id: int) -> list[tuple[type, int]]:
    """(model, row count) of the plugin's office data for one office, for the confirm page."""
    counts = []
    for model in plugin_models(plugin_name):
        if "office_id" in model.__table__.c:
            counts.append((model, count_rows(model, model.office_id == office_id)))
    return counts


def delete_office_data(plugin_name: str, office: Office) -> int:
    """Delete every row of the plugin's office data for ``office``; returns how many.

    Rows are deleted through the ORM so relationship cascades remove their children and the
    audit log records each deletion. Only called after the admin confirmed the counts.
    """
    deleted = 0
    for model in reversed(plugin_models(plugin_name)):
        if "office_id" not in model.__table__.c:
            continue
        for row in db.session.scalars(select(model).where(model.office_id == office.id)):
            db.session.delete(row)
            deleted += 1
    record_event(
        "module.delete_data",
        office_id=office.id,
        target_type="plugin",
        target_id=plugin_name,
        details={"plugin": plugin_name, "office": office.code, "rows": deleted},
    )
    return deleted
