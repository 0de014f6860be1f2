"""items remember the CSV and row they came from; jobs keep a report (items a CSV no longer lists)

Revision ID: rest1
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = 'rest1'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('source_row', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_item_source'), ['source'], unique=False)
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('report')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_source'))
        batch_op.drop_column('source_row')
        batch_op.drop_column('source')
