"""petitions: one deadline per stage, carried by the core case; the petition's copy goes

The current stage's deadline is read from the stage's core case (``case_record.due_at``) or,
in the petitioner's windows, from the delivery date, so ``petition.stage_due_at`` and
``stage_last_day`` are dropped. Nothing is lost: the case carries the deadline, and the
steps keep theirs as a snapshot.

Revision ID: petitions_0002
Revises: petitions_0001
Create Date: 2026-12-03 16:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "petitions_0002"
down_revision = "petitions_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.drop_index("ix_petition_office_stage_due")
        batch_op.create_index("ix_petition_office_stage", ["office_id", "stage"], unique=False)
        batch_op.drop_column("stage_last_day")
        batch_op.drop_column("stage_due_at")


def downgrade():
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("stage_last_day", sa.Date(), nullable=True))
        batch_op.drop_index("ix_petition_office_stage")
        batch_op.create_index(
            "ix_petition_office_stage_due", ["office_id", "stage", "stage_due_at"], unique=False
        )
