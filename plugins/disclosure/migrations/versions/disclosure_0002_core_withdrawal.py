"""disclosure items withdrawn through the core: copy old withdrawals, drop the plugin's columns

The core's ``publication_withdrawal`` row is now the one record that an item is withdrawn (its
date, reason and who). Items the plugin withdrew itself are copied there first, so nothing
withdrawn comes back on the board.

Revision ID: disclosure_0002
Revises: disclosure_0001
Create Date: 2026-12-03 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "disclosure_0002"
down_revision = "disclosure_0001"
branch_labels = None
depends_on = "core_0002"


def upgrade():
    op.execute(
        sa.text(
            "INSERT INTO publication_withdrawal "
            "(record_type, record_id, office_id, reason, withdrawn_at, withdrawn_by_id) "
            "SELECT 'disclosure_item', id, office_id, COALESCE(withdraw_reason, ''), withdrawn_at, "
            "withdrawn_by_id FROM disclosure_item WHERE withdrawn_at IS NOT NULL"
        )
    )
    with op.batch_alter_table("disclosure_item", schema=None) as batch_op:
        batch_op.drop_constraint("fk_disclosure_item_withdrawn_by_id_user", type_="foreignkey")
        batch_op.drop_column("withdraw_reason")
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")


def downgrade():
    with op.batch_alter_table("disclosure_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdraw_reason", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(
            "fk_disclosure_item_withdrawn_by_id_user", "user", ["withdrawn_by_id"], ["id"]
        )
    op.execute(
        sa.text(
            "UPDATE disclosure_item SET withdrawn_at = (SELECT w.withdrawn_at FROM "
            "publication_withdrawal w WHERE w.record_type = 'disclosure_item' AND w.record_id = "
            "disclosure_item.id), withdrawn_by_id = (SELECT w.withdrawn_by_id FROM "
            "publication_withdrawal w WHERE w.record_type = 'disclosure_item' AND w.record_id = "
            "disclosure_item.id), withdraw_reason = (SELECT substr(w.reason, 1, 500) FROM "
            "publication_withdrawal w WHERE w.record_type = 'disclosure_item' AND w.record_id = "
            "disclosure_item.id)"
        )
    )
    op.execute(sa.text("DELETE FROM publication_withdrawal WHERE record_type = 'disclosure_item'"))
