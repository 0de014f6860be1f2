"""bookings: indexes for the rules every booking reads

A booking's one read (exhibits/bookings/service.py, ``_TARGET``) asks whether offers of its session are past
their time and whether its people are suspended at the venue. With only single-column indexes, SQLite walked
every booking of the session for the first (a popular session's 500 rows, 0.3 ms of each booking at 3,000)
and every suspension of the venue for the second.

Revision ID: book2
Revises: book1
"""
from alembic import op


revision = 'book2'
down_revision = 'book1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_booking_session_status', 'booking', ['session_id', 'status'])
    op.create_index('ix_booking_suspension_venue_person', 'booking_suspension', ['venue_id', 'id_hash'])


def downgrade() -> None:
    op.drop_index('ix_booking_suspension_venue_person', 'booking_suspension')
    op.drop_index('ix_booking_session_status', 'booking')
