"""hearings: minutes read aloud (the audio file of a published version, its type and length)

Revision ID: hearings_0002
Revises: hearings_0001
Create Date: 2026-12-03 20:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "hearings_0002"
down_revision = "hearings_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hearing_minutes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audio_key", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("audio_mimetype", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("audio_seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("audio_made_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("hearing_minutes", schema=None) as batch_op:
        batch_op.drop_column("audio_made_at")
        batch_op.drop_column("audio_seconds")
        batch_op.drop_column("audio_mimetype")
        batch_op.drop_column("audio_key")
