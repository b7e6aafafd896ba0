"""publication gate: known private names, withdrawals, names allowed to stand

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-12-03 14:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'core_0002'
down_revision = 'core_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'private_name',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_private_name')),
        sa.UniqueConstraint('name', name=op.f('uq_private_name_name')),
    )
    op.create_table(
        'publication_withdrawal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('record_type', sa.String(length=64), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['office_id'], ['office.id'],
                                name=op.f('fk_publication_withdrawal_office_id_office')),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user.id'],
                                name=op.f('fk_publication_withdrawal_withdrawn_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_withdrawal')),
        sa.UniqueConstraint('record_type', 'record_id',
                            name=op.f('uq_publication_withdrawal_record_type')),
    )
    op.create_index(op.f('ix_publication_withdrawal_office_id'), 'publication_withdrawal',
                    ['office_id'], unique=False)
    op.create_table(
        'publication_allowed_name',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('record_type', sa.String(length=64), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'],
                                name=op.f('fk_publication_allowed_name_confirmed_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_allowed_name')),
        sa.UniqueConstraint('record_type', 'record_id', 'name',
                            name=op.f('uq_publication_allowed_name_record_type')),
    )
    op.create_index(op.f('ix_publication_allowed_name_record_id'), 'publication_allowed_name',
                    ['record_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_publication_allowed_name_record_id'), table_name='publication_allowed_name')
    op.drop_table('publication_allowed_name')
    op.drop_index(op.f('ix_publication_withdrawal_office_id'), table_name='publication_withdrawal')
    op.drop_table('publication_withdrawal')
    op.drop_table('private_name')
