"""catalogue places and liaison officers

Revision ID: catalogue_0002
Revises: catalogue_0001
Create Date: 2026-12-03 17:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "catalogue_0002"
down_revision = "catalogue_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "catalogue_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "home", "village", "hall", "county", name="place", native_enum=False, length=12
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("opening_hours", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_catalogue_place_office_id_office")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_place")),
    )
    with op.batch_alter_table("catalogue_place", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalogue_place_office_id"), ["office_id"], unique=False
        )

    op.create_table(
        "catalogue_liaison",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "women_director",
                "bookkeeper",
                "other",
                name="liaisonrole",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_catalogue_liaison_office_id_office")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_catalogue_liaison_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_liaison")),
    )
    with op.batch_alter_table("catalogue_liaison", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalogue_liaison_office_id"), ["office_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_catalogue_liaison_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("catalogue_liaison", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_liaison_user_id"))
        batch_op.drop_index(batch_op.f("ix_catalogue_liaison_office_id"))
    op.drop_table("catalogue_liaison")
    with op.batch_alter_table("catalogue_place", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_place_office_id"))
    op.drop_table("catalogue_place")
