"""resumable uploads (tus) and the job columns the queue needs

Revision ID: upl1
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = 'upl1'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=128), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('files', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('worker', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('finished', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_job_owner'), ['owner'], unique=False)
    op.create_table(
        'upload',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('owner', sa.String(length=128), nullable=False),
        sa.Column('filename', sa.String(length=1024), nullable=False),
        sa.Column('length', sa.BigInteger(), nullable=False),
        sa.Column('offset', sa.BigInteger(), nullable=False),
        sa.Column('meta', sa.JSON(), nullable=False),
        sa.Column('created', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['job_id'], ['job.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_upload_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_upload_updated'), ['updated'], unique=False)


def downgrade() -> None:
    op.drop_table('upload')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_owner'))
        for column in ('finished', 'attempts', 'lease_until', 'worker', 'files', 'owner'):
            batch_op.drop_column(column)
