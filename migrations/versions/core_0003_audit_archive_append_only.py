"""audit_archive append-only on PostgreSQL: no UPDATE or DELETE, an archive only continues the last

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-12-10 10:00:00

"""
from alembic import op

revision = 'core_0003'
down_revision = 'core_0002'
branch_labels = None
depends_on = None

# A copy of core/audit/sql.py as it was when this revision was written: migrations stay frozen.
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


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ARCHIVE_APPEND_ONLY_TRIGGER_SQL)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DROP_ARCHIVE_APPEND_ONLY_TRIGGER_SQL)
