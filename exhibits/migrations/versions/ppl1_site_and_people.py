"""the site's own name and legal footer; the ICH hall's people (inheritors)

Revision ID: ppl1
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = 'ppl1'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'site',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.JSON(), nullable=False),
        sa.Column('tagline', sa.JSON(), nullable=False),
        sa.Column('footer', sa.JSON(), nullable=False),
        sa.Column('contact', sa.JSON(), nullable=False),
        sa.Column('about', sa.JSON(), nullable=False),
        sa.Column('icp', sa.String(length=64), nullable=False),
        sa.Column('police', sa.String(length=64), nullable=False),
        sa.Column('logo', sa.LargeBinary(), nullable=True),
        sa.Column('logo_type', sa.String(length=32), nullable=False),
        sa.Column('logo_sha256', sa.String(length=64), nullable=False),
        sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'person',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=64), nullable=False),
        sa.Column('name', sa.JSON(), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.Column('ich', sa.JSON(), nullable=False),
        sa.Column('region', sa.JSON(), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('portrait', sa.String(length=128), nullable=False),
        sa.Column('master_id', sa.Integer(), nullable=True),
        sa.Column('born', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['master_id'], ['person.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('slug'),
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_master_id'), ['master_id'], unique=False)


def downgrade() -> None:
    op.drop_table('person')
    op.drop_table('site')
