"""hall.layout: the plan of a hall's walk-through room (gallery, corridor or ring)

Revision ID: walk1
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = 'walk1'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('hall', schema=None) as batch_op:
        batch_op.add_column(sa.Column('layout', sa.String(length=16), nullable=False, server_default='gallery'))


def downgrade() -> None:
    with op.batch_alter_table('hall', schema=None) as batch_op:
        batch_op.drop_column('layout')
