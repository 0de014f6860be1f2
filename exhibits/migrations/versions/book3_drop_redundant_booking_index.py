"""bookings: drop the single-column index on booking.session_id

``ix_booking_session_status`` (session_id, status), added in book2, answers every lookup by session (and the
cascade from a deleted session) as well. The single-column index only cost each booking one more B-tree to
update inside the write lock.

Revision ID: book3
Revises: book2
"""
from alembic import op


revision = 'book3'
down_revision = 'book2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_booking_session_id', 'booking')


def downgrade() -> None:
    op.create_index('ix_booking_session_id', 'booking', ['session_id'])
