"""case channel: the hearing-only 'hearing' becomes the core's generic 'meeting'

Revision ID: core_0005
Revises: core_0004
Create Date: 2026-12-03 16:30:00

"""
from alembic import op

revision = 'core_0005'
down_revision = 'core_0004'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE case_record SET channel = 'meeting' WHERE channel = 'hearing'")


def downgrade():
    op.execute("UPDATE case_record SET channel = 'hearing' WHERE channel = 'meeting'")
