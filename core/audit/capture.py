"""Automatic capture: every insert, update and delete of every mapped model, in its transaction.

Listeners on SQLAlchemy's ``Session`` class (so every session, core or plugin, present or
future) turn the unit of work of each flush into audit rows. The rows wait on the session and
are appended to the hash chain in the same transaction just before it commits: the chain lock
is taken last and held only for the commit, so writers never deadlock on it and queue for the
shortest time. A rollback (of the transaction or of a savepoint) drops its rows. ORM bulk statements
(``session.execute(update(Model)…)``, ``delete(…)``, ``insert(…)``) are captured too. Raw SQL
text and statements run on a bare ``Connection`` bypass the ORM and are not captured: the
application does not write that way.
"""

from dataclasses import dataclass

from sqlalchemy import event, select, tuple_
from sqlalchemy.orm import Mapper, Session, UOWTransaction, make_transient_to_detached
from sqlalchemy.orm.attributes import NO_VALUE, instance_state
from sqlalchemy.sql import ClauseElement

from core.audit import chain
from core.audit.context import (
    archive_deletion_allowed,
    capture_suspended,
    current_actor,
    request_origin,
)
from core.audit.models import AuditArchive, AuditEntry
from core.models.base import utcnow

# Tables whose changes are not row-audited, and why:
EXCLUDED_TABLES = frozenset(
    {
        "audit_entry",  # the log itself (written only through the chain)
        "audit_chain_head",  # the chain's own pointer, rewritten by every append
        # Touched on every request (last_seen_at); logins and logouts are recorded as events.
        "user_session",
        # Derived: names copied from audited rows for the publication gate's masker.
        "private_name",
        # Login throttling counters; every failed login is recorded as an event with its name.
        "login_failure",
        # Receipt-lookup miss counters (anti-enumeration), the same kind of bookkeeping.
        "case_lookup_counter",
        # The job runner's own bookkeeping: which schedule tick ran, which job key was claimed.
        "schedule_state",
        "job_run",
    }
)
# Rewritten by the ORM on every update; the entry's own time already says when.
IGNORED_UPDATE_COLUMNS = frozenset({"updated_at", "version"})
# The audit tables the application may never update or delete through the ORM.
APPEND_ONLY_TABLES = frozenset({"audit_entry", "audit_archive"})
SECRET_MASK = "******"

_PREFETCH = "audit_prefetch"
_BUFFER = "audit_buffer"  # rows waiting for the commit, in order
_EVENTS = "audit_events"  # (AuditEntry, row) pairs to attach once written
_MARKS = "audit_savepoints"  # savepoint -> buffer length when it began
_WRITTEN = "audit_written"  # set once the commit has appended: later flushes append at once


class AuditLogImmutableError(RuntimeError):
    """Raised on any attempt to change or delete audit rows through the application."""


class AuditCaptureError(RuntimeError):
    """Raised for a statement whose changes cannot be captured; rewrite it (see message)."""


def is_secret_column(name: str) -> bool:
    """Columns whose values never enter the log (password hashes, tokens, secrets)."""
    name = name.lower()
    return "password" in name or "secret" in name or "token" in name


@dataclass
class _ModelInfo:
    table: str | None
    excluded: bool
    columns: dict[str, tuple[str, bool]]  # attribute key -> (column name, secret)
    pk_keys: tuple[str, ...]
    pk_columns: tuple
    office_key: str | None  # attribute holding the office id; the pk for the office table


_infos: dict[Mapper, _ModelInfo] = {}


def model_info(mapper: Mapper) -> _ModelInfo:
    """What the capture needs to know about a mapped class (cached)."""
    info = _infos.get(mapper)
    if info is None:
        table = getattr(mapper.local_table, "name", None)
        columns = {}
        office_key = None
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if getattr(column, "table", None) is None:
                continue  # a column_property over an expression, not stored
            columns[prop.key] = (column.name, is_secret_column(column.name))
            if column.name == "office_id":
                office_key = prop.key
        pk_keys = tuple(mapper.get_property_by_column(c).key for c in mapper.primary_key)
        if table == "office" and len(pk_keys) == 1:
            office_key = pk_keys[0]  # an office's own changes belong to that office
        info = _ModelInfo(
            table,
            table is None or table in EXCLUDED_TABLES,
            columns,
            pk_keys,
            tuple(mapper.primary_key),
            office_key,
        )
        _infos[mapper] = info
    return info


def _value(value, secret: bool):
    if value is None:
        return None
    return SECRET_MASK if secret else chain.jsonable(value)


def _row_id(values) -> str:
    return "/".join(str(v) for v in values)[:64]


@dataclass
class _Stamp:
    at: object
    actor_id: int | None
    actor_name: str | None
    ip: str | None
    request_id: str | None


def _stamp() -> _Stamp:
    actor = current_actor()
    ip, request_id = request_origin()
    return _Stamp(utcnow(), actor.id, actor.name, ip, request_id)


def _row(stamp: _Stamp, action: str, info: _ModelInfo, row_id: str, office_id, changes) -> dict:
    return {
        "at": stamp.at,
        "action": action,
        "actor_id": stamp.actor_id,
        "actor_name": stamp.actor_name,
        "office_id": office_id if isinstance(office_id, int) else None,
        "ip_address": stamp.ip,
        "request_id": stamp.request_id,
        "target_type": info.table,
        "target_id": row_id,
        "changes": chain.canonical_json(changes),
        "details": None,
    }


# --- flush: the unit of work -------------------------------------------------------------------


def _before_flush(session: Session, flush_context: UOWTransaction, instances) -> None:
    _refuse_changes_to_the_log(session)
    _write_pending_events(session)
    if capture_suspended():
        return
    # Old values the identity map does not hold (attributes expired before they were set, or
    # rows deleted without being loaded) must be read before the flush overwrites them.
    prefetch = {}
    for obj in session.dirty:
        state = instance_state(obj)
        info = model_info(state.mapper)
        if info.excluded or not state.committed_state:
            continue
        keys = [
            k for k, old in state.committed_state.items() if old is NO_VALUE and k in info.columns
        ]
        if info.office_key and info.office_key not in state.dict:
            keys.append(info.office_key)
        if keys:
            prefetch[state] = _read_columns(session, state, info, keys)
    for obj in session.deleted:
        state = instance_state(obj)
        info = model_info(state.mapper)
        if info.excluded:
            continue
        keys = [k for k in info.columns if k not in state.dict]
        if keys:
            prefetch[state] = _read_columns(session, state, info, keys)
    flush_context.attributes[_PREFETCH] = prefetch


def _read_columns(session: Session, state, info: _ModelInfo, keys: list[str]) -> dict:
    mapper = state.mapper
    columns = [mapper.get_property(k).columns[0] for k in keys]
    pk = state.key[1] if state.key else tuple(state.dict.get(k) for k in info.pk_keys)
    where = [c == v for c, v in zip(info.pk_columns, pk, strict=True)]
    row = session.connection().execute(select(*columns).where(*where)).first()
    return dict(zip(keys, row, strict=True)) if row is not None else {}


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    if capture_suspended():
        return
    prefetch = flush_context.attributes.get(_PREFETCH, {})
    stamp = None
    rows = []
    for state, (isdelete, listonly) in flush_context.states.items():
        if listonly:
            continue
        info = model_info(state.mapper)
        if info.excluded:
            continue
        known = prefetch.get(state, {})
        if isdelete:
            row = _deleted(state, info, known)
        elif state.key is None:
            row = _inserted(state, info)
        else:
            row = _updated(session, state, info, known)
        if row is not None:
            stamp = stamp or _stamp()
            rows.append(_row(stamp, *row))
    _queue(session, rows)


def _inserted(state, info: _ModelInfo):
    values = state.dict
    changes = {}
    for key, (column, secret) in info.columns.items():
        value = values.get(key)
        if value is not None and not isinstance(value, ClauseElement):
            changes[column] = [None, _value(value, secret)]
    office = values.get(info.office_key) if info.office_key else None
    return "insert", info, _row_id(values.get(k) for k in info.pk_keys), office, changes


def _updated(session: Session, state, info: _ModelInfo, known: dict):
    values = state.dict
    changed = []
    for key, old in state.committed_state.items():
        spec = info.columns.get(key)
        if spec is None or spec[0] in IGNORED_UPDATE_COLUMNS:
            continue
        if old is NO_VALUE:
            old = known.get(key)
        changed.append((key, spec, old))
    if not changed:
        return None
    # Values computed by SQL (``x = Model.x + 1``, server defaults) were expired by the flush.
    unloaded = [key for key, _spec, _old in changed if key not in values]
    reloaded = _read_columns(session, state, info, unloaded) if unloaded else {}
    changes = {}
    for key, (column, secret), old in changed:
        new = values[key] if key in values else reloaded.get(key)
        if old != new:
            changes[column] = [_value(old, secret), _value(new, secret)]
    if not changes:
        return None
    office = None
    if info.office_key:
        office = (
            values[info.office_key] if info.office_key in values else known.get(info.office_key)
        )
    return "update", info, _row_id(state.key[1]), office, changes


def _deleted(state, info: _ModelInfo, known: dict):
    values = {**state.dict, **known}
    changes = {}
    for key, (column, secret) in info.columns.items():
        value = values.get(key)
        if value is not None:
            changes[column] = [_value(value, secret), None]
    office = values.get(info.office_key) if info.office_key else None
    pk = state.key[1] if state.key else tuple(values.get(k) for k in info.pk_keys)
    return "delete", info, _row_id(pk), office, changes


# --- explicit events and the append-only rule -----------------------------------------------


def _refuse_changes_to_the_log(session: Session) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEntry | AuditArchive):
            raise AuditLogImmutableError("审计日志只能追加，不能删除。")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry | AuditArchive) and session.is_modified(obj):
            raise AuditLogImmutableError("审计日志只能追加，不能修改。")


def _write_pending_events(session: Session) -> None:
    """Queue the AuditEntry objects added to the session (record_event) for the chain.

    They are taken out of the unit of work, so they get their id and hash under the chain
    lock like every captured row; once written they are attached again as ordinary
    persistent (and immutable) objects.
    """
    entries = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if not entries:
        return
    entries.sort(key=lambda e: instance_state(e).insert_order or 0)
    now = utcnow()
    rows = []
    for entry in entries:
        session.expunge(entry)
        if entry.actor_id is None and entry.actor_name is None:
            actor = current_actor()
            entry.actor_id, entry.actor_name = actor.id, actor.name
        entry.at = entry.at or now
        entry.changes = chain.jsonable(entry.changes) if entry.changes is not None else None
        entry.details = chain.jsonable(entry.details) if entry.details is not None else None
        row = {column: getattr(entry, column) for column in chain.CONTENT_COLUMNS[1:]}
        for column in ("changes", "details"):
            if row[column] is not None:
                row[column] = chain.canonical_json(row[column])
        rows.append(row)
        session.info.setdefault(_EVENTS, []).append((entry, row))
    _queue(session, rows)


def _queue(session: Session, rows: list[dict]) -> None:
    if not rows:
        return
    session.info.setdefault(_BUFFER, []).extend(rows)
    if session.info.get(_WRITTEN):
        _write(session)


def _write(session: Session) -> None:
    """Append the queued rows to the chain (in this transaction) and attach event objects."""
    rows = session.info.pop(_BUFFER, None)
    if rows:
        chain.append(session, rows)
    for entry, row in session.info.pop(_EVENTS, ()):
        entry.id, entry.prev_hash, entry.entry_hash = row["id"], row["prev_hash"], row["entry_hash"]
        make_transient_to_detached(entry)
        session.add(entry)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer transaction may still roll back
    session.flush()
    _write(session)
    session.info[_WRITTEN] = True


def _transaction_created(session: Session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[transaction] = len(session.info.get(_BUFFER, ()))


def _rolled_back(session: Session, transaction) -> None:
    mark = session.info.get(_MARKS, {}).get(transaction)
    if mark is None:
        return
    del session.info.get(_BUFFER, [])[mark:]
    events = session.info.get(_EVENTS, [])
    kept = {id(row) for row in session.info.get(_BUFFER, [])}
    session.info[_EVENTS] = [(e, row) for e, row in events if id(row) in kept]


def _transaction_ended(session: Session, transaction) -> None:
    if transaction.nested:
        # Its mark stays until the root ends: after_soft_rollback comes after this event.
        chain.forget_head(session)  # a lock taken inside a rolled-back savepoint is gone
        return
    if transaction.parent is None:
        for key in (_BUFFER, _EVENTS, _MARKS, _WRITTEN):
            session.info.pop(key, None)
        chain.forget_head(session)


def _refuse_mapper_write(mapper, connection, target) -> None:
    raise AuditLogImmutableError("审计日志只能追加，不能修改或删除。")


# --- ORM bulk statements -------------------------------------------------------------------


_mappers_by_table: dict[str, Mapper] = {}


def _mapper_for_table(table_name: str) -> Mapper | None:
    mapper = _mappers_by_table.get(table_name)
    if mapper is None:
        from core.extensions import db

        for candidate in db.Model.registry.mappers:
            name = getattr(candidate.local_table, "name", None)
            if name is not None:
                _mappers_by_table.setdefault(name, candidate)
        mapper = _mappers_by_table.get(table_name)
    return mapper


def _do_orm_execute(orm_state) -> object:
    if not (orm_state.is_update or orm_state.is_delete or orm_state.is_insert):
        return None
    statement = orm_state.statement
    table = getattr(statement, "table", None)
    name = getattr(table, "name", None)
    if name in APPEND_ONLY_TABLES and not orm_state.is_insert:
        if name == "audit_entry" and orm_state.is_delete and archive_deletion_allowed():
            return None
        raise AuditLogImmutableError("审计日志只能追加，不能修改或删除。")
    if name is None or name in EXCLUDED_TABLES or capture_suspended():
        return None
    mapper = _mapper_for_table(name)
    if mapper is None:
        return None
    info = model_info(mapper)
    if orm_state.is_insert:
        return _bulk_insert(orm_state, info, mapper.local_table)
    return _bulk_update_or_delete(orm_state, info, mapper.local_table)


def _bulk_update_or_delete(orm_state, info: _ModelInfo, table):  # noqa: C901
    session = orm_state.session
    conn = session.connection()
    pk_cols = list(info.pk_columns)
    params = orm_state.parameters
    if isinstance(params, list | tuple) and params and orm_state.is_update:
        # ORM bulk UPDATE by primary key: one parameter set per row.
        keys = [tuple(p[k] for k in info.pk_keys) for p in params]
        query = select(table).where(tuple_(*pk_cols).in_(keys))
    else:
        query = select(table)
        if orm_state.statement.whereclause is not None:
            query = query.where(orm_state.statement.whereclause)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    bound = params if isinstance(params, dict) else None
    before = {tuple(r._mapping[c] for c in pk_cols): r._mapping for r in conn.execute(query, bound)}
    result = orm_state.invoke_statement()
    if not before:
        return result
    stamp = _stamp()
    by_column = {column: (key, secret) for key, (column, secret) in info.columns.items()}
    office_column = info.columns[info.office_key][0] if info.office_key else None
    rows = []
    if orm_state.is_delete:
        for pk, old in before.items():
            changes = {
                c.name: [_value(old[c], by_column.get(c.name, ("", False))[1]), None]
                for c in table.c
                if old[c] is not None
            }
            office = old[table.c[office_column]] if office_column else None
            rows.append(_row(stamp, "delete", info, _row_id(pk), office, changes))
    else:
        after = conn.execute(select(table).where(tuple_(*pk_cols).in_(list(before))))
        for r in after:
            new = r._mapping
            pk = tuple(new[c] for c in pk_cols)
            old = before[pk]
            changes = {}
            for c in table.c:
                if c.name in IGNORED_UPDATE_COLUMNS or old[c] == new[c]:
                    continue
                secret = by_column.get(c.name, ("", is_secret_column(c.name)))[1]
                changes[c.name] = [_value(old[c], secret), _value(new[c], secret)]
            if changes:
                office = new[table.c[office_column]] if office_column else None
                rows.append(_row(stamp, "update", info, _row_id(pk), office, changes))
    _queue(session, rows)
    return result


def _bulk_insert(orm_state, info: _ModelInfo, table):
    statement = orm_state.statement
    if getattr(statement, "_returning", ()):
        raise AuditCaptureError(
            f"ORM INSERT … RETURNING into {info.table} cannot be audited; add the objects "
            "with session.add()/add_all(), or drop RETURNING."
        )
    if getattr(statement, "_post_values_clause", None) is not None:
        action = "upsert"
    else:
        action = "insert"
    result = orm_state.invoke_statement(statement=statement.returning(*table.c))
    frozen = result.freeze()
    keys = list(frozen.metadata.keys)
    secret = {c.name: is_secret_column(c.name) for c in table.c}
    pk_names = [c.name for c in info.pk_columns]
    office_column = info.columns[info.office_key][0] if info.office_key else None
    stamp = _stamp()
    rows = []
    for data in frozen.data:
        values = dict(zip(keys, data, strict=True))
        changes = {
            k: [None, _value(v, secret.get(k, False))] for k, v in values.items() if v is not None
        }
        office = values.get(office_column) if office_column else None
        rows.append(
            _row(stamp, action, info, _row_id(values[k] for k in pk_names), office, changes)
        )
    _queue(orm_state.session, rows)
    return frozen()


# --- wiring ------------------------------------------------------------------------------


def install() -> None:
    """Attach the listeners once per process (every Session, every app)."""
    if event.contains(Session, "before_flush", _before_flush):
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _do_orm_execute)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_transaction_create", _transaction_created)
    event.listen(Session, "after_soft_rollback", _rolled_back)
    event.listen(Session, "after_transaction_end", _transaction_ended)
    for model in (AuditEntry, AuditArchive):
        event.listen(model, "before_update", _refuse_mapper_write)
        event.listen(model, "before_delete", _refuse_mapper_write)
