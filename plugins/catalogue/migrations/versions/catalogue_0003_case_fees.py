"""catalogue fees on cases

Revision ID: catalogue_0003
Revises: catalogue_0002
Create Date: 2026-12-03 17:25:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "catalogue_0003"
down_revision = "catalogue_0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "catalogue_case_fee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("unrecorded", sa.Boolean(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["user.id"], name=op.f("fk_catalogue_case_fee_approved_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_record.id"], name=op.f("fk_catalogue_case_fee_case_id_case_record")
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["catalogue_matter.id"],
            name=op.f("fk_catalogue_case_fee_matter_id_catalogue_matter"),
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_catalogue_case_fee_office_id_office")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_catalogue_case_fee_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_case_fee")),
        sa.UniqueConstraint("case_id", name=op.f("uq_catalogue_case_fee_case_id")),
    )
    with op.batch_alter_table("catalogue_case_fee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalogue_case_fee_office_id"), ["office_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_catalogue_case_fee_matter_id"), ["matter_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("catalogue_case_fee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_case_fee_matter_id"))
        batch_op.drop_index(batch_op.f("ix_catalogue_case_fee_office_id"))
    op.drop_table("catalogue_case_fee")
