"""Database-side SQL of the audit log: PostgreSQL's append-only guard, SQLite's head trigger.

``APPEND_ONLY_TRIGGER_SQL`` is executed by ``db.create_all()`` (an ``after_create`` DDL event on
the table, see ``core.audit.models``) and by the core's Alembic migration
(``op.execute(APPEND_ONLY_TRIGGER_SQL)``; downgrade: ``op.execute(DROP_APPEND_ONLY_TRIGGER_SQL)``).
It contains no ``%`` and no ``:name`` so it runs unchanged through ``DDL``, ``text()`` and a
plain driver call.

The guard refuses every UPDATE, every DELETE and TRUNCATE, with two deliberate, narrow exits,
each needing a transaction-local setting that the application sets in exactly one place:

- ``township.audit_maintenance = 'archive'`` (set by ``core.audit.archive``): DELETE of rows
  whose id is covered by a recorded archive (``audit_archive.last_id``). The archive row is
  written, and the file checked, in the same transaction before the delete, so rows can only
  leave the table once a verifiable copy of them exists. UPDATE is never allowed.
- ``township.audit_maintenance = 'reset'``: TRUNCATE; used only by the test suite to empty
  the database between tests.

``ARCHIVE_APPEND_ONLY_TRIGGER_SQL`` guards ``audit_archive`` the same way (installed alike, on
that table's ``after_create`` and by the core's migration ``core_0003``): its rows are never
updated or deleted (TRUNCATE only with 'reset'), so a recorded archive — its range, its end
hashes, its file's digest — cannot be rewritten to match a replaced file or removed to hide
an archive. A new row is accepted only with the 'archive' setting, only when it continues the
recorded archives (its first id follows the last archived id, its first prev-hash is that
archive's last hash) and only over entries still in the table whose end hashes it repeats.
The database cannot see the archive file, so SQL that passes these checks (a forged row
covering real entries, then their deletion) still succeeds here; ``flask audit verify``
reports it: every recorded archive must have its file, matching its digest, announced by the
chain's own ``audit.archive`` entry (``core.audit.verify``).
"""

SETTING = "township.audit_maintenance"

APPEND_ONLY_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    maintenance text := coalesce(current_setting('township.audit_maintenance', true), '');
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF maintenance = 'archive'
           AND OLD.id <= (SELECT coalesce(max(last_id), 0) FROM audit_archive) THEN
            RETURN OLD;
        END IF;
    ELSIF TG_OP = 'TRUNCATE' THEN
        IF maintenance = 'reset' THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'insufficient_privilege',
        MESSAGE = 'audit_entry is append-only: ' || TG_OP || ' refused';
END
$$;
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry;
CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry;
CREATE TRIGGER audit_entry_no_truncate
    BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
"""

DROP_APPEND_ONLY_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry;
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""

ARCHIVE_APPEND_ONLY_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION audit_archive_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    maintenance text := coalesce(current_setting('township.audit_maintenance', true), '');
    previous_last_id bigint;
    previous_hash text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF maintenance <> 'archive' THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                MESSAGE = 'audit_archive is append-only: INSERT only by the archive command';
        END IF;
        SELECT last_id, last_hash INTO previous_last_id, previous_hash
            FROM audit_archive ORDER BY last_id DESC LIMIT 1;
        IF NEW.first_id <> coalesce(previous_last_id, 0) + 1
           OR NEW.first_prev_hash <> coalesce(previous_hash, repeat('0', 64))
           OR NEW.last_id < NEW.first_id
           OR NEW.entry_count <> NEW.last_id - NEW.first_id + 1 THEN
            RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                MESSAGE = 'audit_archive is append-only: the new archive does not continue the last one';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM audit_entry
                       WHERE id = NEW.first_id AND prev_hash = NEW.first_prev_hash)
           OR NOT EXISTS (SELECT 1 FROM audit_entry
                          WHERE id = NEW.last_id AND entry_hash = NEW.last_hash)
           OR (SELECT count(*) FROM audit_entry
               WHERE id BETWEEN NEW.first_id AND NEW.last_id) <> NEW.entry_count THEN
            RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                MESSAGE = 'audit_archive is append-only: the archived entries are not in the log';
        END IF;
        RETURN NEW;
    ELSIF TG_OP = 'TRUNCATE' AND maintenance = 'reset' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'insufficient_privilege',
        MESSAGE = 'audit_archive is append-only: ' || TG_OP || ' refused';
END
$$;
DROP TRIGGER IF EXISTS audit_archive_append_only ON audit_archive;
CREATE TRIGGER audit_archive_append_only
    BEFORE INSERT OR UPDATE OR DELETE ON audit_archive
    FOR EACH ROW EXECUTE FUNCTION audit_archive_append_only();
DROP TRIGGER IF EXISTS audit_archive_no_truncate ON audit_archive;
CREATE TRIGGER audit_archive_no_truncate
    BEFORE TRUNCATE ON audit_archive
    FOR EACH STATEMENT EXECUTE FUNCTION audit_archive_append_only();
"""

DROP_ARCHIVE_APPEND_ONLY_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS audit_archive_no_truncate ON audit_archive;
DROP TRIGGER IF EXISTS audit_archive_append_only ON audit_archive;
DROP FUNCTION IF EXISTS audit_archive_append_only();
"""

# SQLite: the chain head follows each entry the application appends, inside the database, so an
# append is one INSERT instead of an INSERT and an UPDATE (the second trip through the driver
# was a fifth of the audit's cost per save). A TEMP trigger belongs to the one connection that
# created it: the application's own connections install it on their first append
# (``core.audit.chain``), while rows inserted by any other connection leave the head where it
# is, so verify still reports them as lying beyond the head. Rows of one INSERT fire it in
# order, so the head ends on the last one.
SQLITE_HEAD_TRIGGER_SQL = """
CREATE TEMP TRIGGER IF NOT EXISTS audit_entry_moves_head AFTER INSERT ON main.audit_entry
BEGIN
    UPDATE audit_chain_head SET last_id = NEW.id, last_hash = NEW.entry_hash WHERE id = 1;
END
"""
