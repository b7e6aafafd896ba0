"""catalogue matters

Revision ID: catalogue_0001
Revises:
Create Date: 2026-12-03 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "catalogue_0001"
down_revision = None
branch_labels = ("catalogue",)
depends_on = "core_0001"


def upgrade():
    op.create_table(
        "catalogue_matter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column(
            "place",
            sa.Enum(
                "home", "village", "hall", "county", name="place", native_enum=False, length=12
            ),
            nullable=False,
        ),
        sa.Column("handled_by", sa.String(length=100), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("fee", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("fee_basis", sa.Text(), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_catalogue_matter_office_id_office")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_matter")),
    )
    with op.batch_alter_table("catalogue_matter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalogue_matter_office_id"), ["office_id"], unique=False
        )
        batch_op.create_index(
            "ix_catalogue_matter_office_listed", ["office_id", "listed"], unique=False
        )


def downgrade():
    with op.batch_alter_table("catalogue_matter", schema=None) as batch_op:
        batch_op.drop_index("ix_catalogue_matter_office_listed")
        batch_op.drop_index(batch_op.f("ix_catalogue_matter_office_id"))
    op.drop_table("catalogue_matter")
