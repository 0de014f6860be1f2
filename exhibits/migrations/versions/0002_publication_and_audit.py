"""publication states for items and halls, staff venues, audit log

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publication', sa.String(length=16), nullable=False, server_default='draft'))
        batch_op.create_index(batch_op.f('ix_item_publication'), ['publication'], unique=False)
    op.execute("UPDATE item SET publication = CASE WHEN published THEN 'published' ELSE 'draft' END")
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_published'))
        batch_op.drop_column('published')
    with op.batch_alter_table('hall', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publication', sa.String(length=16), nullable=False, server_default='published'))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('venues', sa.JSON(), nullable=False, server_default='[]'))
    op.create_table('audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=256), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_target'), ['target'], unique=False)


def downgrade() -> None:
    op.drop_table('audit')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('venues')
    with op.batch_alter_table('hall', schema=None) as batch_op:
        batch_op.drop_column('publication')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_item_published'), ['published'], unique=False)
    op.execute("UPDATE item SET published = (publication = 'published')")
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_publication'))
        batch_op.drop_column('publication')
