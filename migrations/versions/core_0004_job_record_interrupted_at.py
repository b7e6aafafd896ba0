"""job_record.interrupted_at: a person's job whose worker died is shown as interrupted

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-12-10 11:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'core_0004'
down_revision = 'core_0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interrupted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('job_record', schema=None) as batch_op:
        batch_op.drop_column('interrupted_at')
