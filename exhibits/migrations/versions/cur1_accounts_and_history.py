"""curator workspace: login state on users, personal API tokens, item revisions, hall covers

Revision ID: cur1
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = 'cur1'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('created', sa.DateTime(timezone=True), nullable=False,
                                      server_default=sa.text('CURRENT_TIMESTAMP')))
    with op.batch_alter_table('hall', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cover_item', sa.String(length=128), nullable=True))
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('label', sa.String(length=128), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)
    op.create_table('item_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=128), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('item_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_revision_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_revision_item_id'), ['item_id'], unique=False)


def downgrade() -> None:
    op.drop_table('item_revision')
    op.drop_table('api_token')
    with op.batch_alter_table('hall', schema=None) as batch_op:
        batch_op.drop_column('cover_item')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('created')
        batch_op.drop_column('session_generation')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
