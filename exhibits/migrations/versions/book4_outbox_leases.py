"""bookings: outbox mails are claimed by one deliverer at a time

Every booking with a mail address set off a delivery of the whole outbox, and SQLite has no ``SKIP LOCKED``: a
burst of twenty bookings sent 96 mails. A deliverer now claims a few mails (``lease_until``) in a short write
transaction, sends them with no transaction open, and records the outcome; a failed mail waits before its next
attempt.

Revision ID: book4
Revises: book3
"""
import sqlalchemy as sa
from alembic import op


revision = 'book4'
down_revision = 'book3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mail_outbox') as batch:
        batch.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('mail_outbox') as batch:
        batch.drop_column('lease_until')
