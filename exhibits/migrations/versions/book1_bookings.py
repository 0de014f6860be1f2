"""bookings: venues, activities, sessions, bookings, attendees, claims, suspensions, mail outbox

Revision ID: book1
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = 'book1'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'venue',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('slug', sa.String(64), nullable=False, unique=True),
        sa.Column('title', sa.JSON(), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('address', sa.JSON(), nullable=False),
        sa.Column('noshow_limit', sa.Integer(), nullable=False),
        sa.Column('noshow_window_days', sa.Integer(), nullable=False),
        sa.Column('suspend_days', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
    )
    op.create_table(
        'activity',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('venue_id', sa.Integer(), sa.ForeignKey('venue.id', ondelete='CASCADE'), nullable=False, index=True),
        sa.Column('slug', sa.String(64), nullable=False, unique=True),
        sa.Column('kind', sa.String(32), nullable=False),
        sa.Column('title', sa.JSON(), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('image', sa.String(512), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('per_booking', sa.Integer(), nullable=False),
        sa.Column('min_age', sa.Integer(), nullable=True),
        sa.Column('max_age', sa.Integer(), nullable=True),
        sa.Column('opens_days_before', sa.Integer(), nullable=False),
        sa.Column('opens_at', sa.String(5), nullable=False),
        sa.Column('closes_hours_before', sa.Integer(), nullable=False),
        sa.Column('cancel_hours_before', sa.Integer(), nullable=False),
        sa.Column('waitlist', sa.Boolean(), nullable=False),
        sa.Column('offer_hours', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
    )
    op.create_table(
        'activity_session',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('activity_id', sa.Integer(), sa.ForeignKey('activity.id', ondelete='CASCADE'), nullable=False, index=True),
        sa.Column('starts', sa.DateTime(), nullable=False, index=True),
        sa.Column('ends', sa.DateTime(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('remaining', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(16), nullable=False),
        sa.Column('closed_out', sa.Boolean(), nullable=False),
        sa.UniqueConstraint('activity_id', 'starts'),
        sa.CheckConstraint('remaining >= 0', name='ck_session_remaining'),
    )
    op.create_table(
        'booking',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('code', sa.String(32), nullable=False, unique=True),
        sa.Column('session_id', sa.Integer(), sa.ForeignKey('activity_session.id', ondelete='CASCADE'), nullable=False, index=True),
        sa.Column('status', sa.String(16), nullable=False, index=True),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(128), nullable=False),
        sa.Column('phone_hash', sa.String(64), nullable=False),
        sa.Column('phone_masked', sa.String(32), nullable=False),
        sa.Column('email', sa.String(254), nullable=False),
        sa.Column('lang', sa.String(16), nullable=False),
        sa.Column('request_key', sa.String(64), nullable=True, unique=True),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.Column('offer_expires', sa.DateTime(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(), nullable=True),
        sa.Column('anonymised', sa.Boolean(), nullable=False),
    )
    op.create_table(
        'booking_attendee',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('booking_id', sa.Integer(), sa.ForeignKey('booking.id', ondelete='CASCADE'), nullable=False, index=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(128), nullable=False),
        sa.Column('id_type', sa.String(16), nullable=False),
        sa.Column('id_hash', sa.String(64), nullable=False, index=True),
        sa.Column('id_masked', sa.String(32), nullable=False),
        sa.Column('checked_in_at', sa.DateTime(), nullable=True),
        sa.Column('checked_in_by', sa.String(128), nullable=False),
        sa.Column('noshow', sa.Boolean(), nullable=False),
    )
    op.create_table(
        'booking_claim',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('booking_id', sa.Integer(), sa.ForeignKey('booking.id', ondelete='CASCADE'), nullable=False, index=True),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('id_hash', sa.String(64), nullable=False),
        sa.UniqueConstraint('activity_id', 'day', 'id_hash'),
    )
    op.create_table(
        'booking_suspension',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('venue_id', sa.Integer(), sa.ForeignKey('venue.id', ondelete='CASCADE'), nullable=False, index=True),
        sa.Column('id_hash', sa.String(64), nullable=False, index=True),
        sa.Column('starts', sa.DateTime(), nullable=False),
        sa.Column('until', sa.DateTime(), nullable=False),
        sa.Column('reason', sa.String(256), nullable=False),
    )
    op.create_table(
        'mail_outbox',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.Column('recipient', sa.String(254), nullable=False),
        sa.Column('subject', sa.String(256), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('attachments', sa.JSON(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True, index=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(512), nullable=False),
    )


def downgrade() -> None:
    for table in ('mail_outbox', 'booking_suspension', 'booking_claim', 'booking_attendee', 'booking',
                  'activity_session', 'activity', 'venue'):
        op.drop_table(table)
