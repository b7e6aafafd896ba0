"""archive settings: a named deputy keeper, who approves the keeper's own loan requests

Revision ID: archives_0002
Revises: archives_0001
Create Date: 2026-12-10 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "archives_0002"
down_revision = "archives_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("archive_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deputy_keeper_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_archive_settings_deputy_keeper_id"), ["deputy_keeper_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_archive_settings_deputy_keeper_id_user"),
            "user",
            ["deputy_keeper_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("archive_settings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_archive_settings_deputy_keeper_id_user"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_archive_settings_deputy_keeper_id"))
        batch_op.drop_column("deputy_keeper_id")
