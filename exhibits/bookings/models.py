"""Tables of the bookings capability (migrations ``book1`` to ``book4``).

Every time here is China's wall-clock time (naive ``datetime`` in Asia/Shanghai, :func:`local_now`): a session
"starts at 09:00 on 2027-03-02" whatever the server's zone, the day a booking counts for (one booking per person per
activity per day) is that date, and "already checked in at 10:02" reads as the door's clock.

Personal data: ``Attendee.id_hash`` is an HMAC of the document number (never the number), ``id_masked`` its masked
form; the booker's phone likewise. Names and e-mail addresses are kept until the retention period ends
(``jinshi bookings purge`` anonymises them).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zoneinfo import ZoneInfo

from exhibits.models import Base, LangMap

ZONE = ZoneInfo("Asia/Shanghai")


def local_now() -> datetime:
    """Now, as China's wall-clock time (naive), to the second."""
    return datetime.now(ZONE).replace(tzinfo=None, microsecond=0)


class Venue(Base):
    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[LangMap] = mapped_column(JSON, default=dict)
    summary: Mapped[LangMap] = mapped_column(JSON, default=dict)
    address: Mapped[LangMap] = mapped_column(JSON, default=dict)
    #: No-show policy: this many no-shows ...
    noshow_limit: Mapped[int] = mapped_column(Integer, default=3)
    #: ... within this many days suspend booking at the venue for ``suspend_days``.
    noshow_window_days: Mapped[int] = mapped_column(Integer, default=180)
    suspend_days: Mapped[int] = mapped_column(Integer, default=30)
    position: Mapped[int] = mapped_column(Integer, default=0)

    activities: Mapped[list["Activity"]] = relationship(back_populates="venue", order_by="Activity.position")


class Activity(Base):
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: timed-entry | lecture | workshop | performance
    kind: Mapped[str] = mapped_column(String(32), default="timed-entry")
    title: Mapped[LangMap] = mapped_column(JSON, default=dict)
    summary: Mapped[LangMap] = mapped_column(JSON, default=dict)
    image: Mapped[str] = mapped_column(String(512), default="")
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    per_booking: Mapped[int] = mapped_column(Integer, default=1)
    min_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    opens_days_before: Mapped[int] = mapped_column(Integer, default=7)
    #: Wall-clock time ("HH:MM") booking opens on its first day.
    opens_at: Mapped[str] = mapped_column(String(5), default="00:00")
    closes_hours_before: Mapped[int] = mapped_column(Integer, default=0)
    cancel_hours_before: Mapped[int] = mapped_column(Integer, default=2)
    waitlist: Mapped[bool] = mapped_column(Boolean, default=True)
    #: How long a place offered to the first in the waiting line is held for them.
    offer_hours: Mapped[int] = mapped_column(Integer, default=12)
    position: Mapped[int] = mapped_column(Integer, default=0)

    venue: Mapped[Venue] = relationship(back_populates="activities")
    sessions: Mapped[list["Session"]] = relationship(back_populates="activity", order_by="Session.starts")


class Session(Base):
    """One bookable occurrence. ``remaining`` is the capacity guard: only a conditional UPDATE changes it."""

    __tablename__ = "activity_session"
    __table_args__ = (UniqueConstraint("activity_id", "starts"), CheckConstraint("remaining >= 0", name="ck_session_remaining"))

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    starts: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends: Mapped[datetime] = mapped_column(DateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer)
    #: open | cancelled
    state: Mapped[str] = mapped_column(String(16), default="open")
    #: Set once unchecked bookings were counted as no-shows.
    closed_out: Mapped[bool] = mapped_column(Boolean, default=False)

    activity: Mapped[Activity] = relationship(back_populates="sessions")


class Booking(Base):
    __tablename__ = "booking"
    #: a session's bookings of one status (its offers past their time, its waiting list) without walking them all
    __table_args__ = (Index("ix_booking_session_status", "session_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The ticket code: 80 random bits in Crockford base32 (typed at the door, in the ticket URL).
    code: Mapped[str] = mapped_column(String(32), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("activity_session.id", ondelete="CASCADE"))  # ix_booking_session_status leads with it
    #: confirmed | waitlisted | offered | cancelled | expired
    status: Mapped[str] = mapped_column(String(16), index=True)
    size: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(128), default="")
    phone_hash: Mapped[str] = mapped_column(String(64), default="")
    phone_masked: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    lang: Mapped[str] = mapped_column(String(16), default="zh")
    #: A form's one-time key: a double submit finds the booking it already made.
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    offer_expires: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)

    session: Mapped[Session] = relationship()
    attendees: Mapped[list["Attendee"]] = relationship(
        back_populates="booking", order_by="Attendee.position", cascade="all, delete-orphan"
    )


class Attendee(Base):
    """One person of a booking (position 0 is the booker)."""

    __tablename__ = "booking_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(128), default="")
    id_type: Mapped[str] = mapped_column(String(16))
    id_hash: Mapped[str] = mapped_column(String(64), index=True)
    id_masked: Mapped[str] = mapped_column(String(32))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    checked_in_by: Mapped[str] = mapped_column(String(128), default="")
    noshow: Mapped[bool] = mapped_column(Boolean, default=False)

    booking: Mapped[Booking] = relationship(back_populates="attendees")


class Claim(Base):
    """"One booking per person per activity per day", enforced by the database's unique index."""

    __tablename__ = "booking_claim"
    __table_args__ = (UniqueConstraint("activity_id", "day", "id_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    id_hash: Mapped[str] = mapped_column(String(64))


class Suspension(Base):
    __tablename__ = "booking_suspension"
    __table_args__ = (Index("ix_booking_suspension_venue_person", "venue_id", "id_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"), index=True)
    id_hash: Mapped[str] = mapped_column(String(64), index=True)
    starts: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    until: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(256), default="")


class OutboxMail(Base):
    """A mail waiting for (or done with) delivery through JINSHI_SMTP_URL."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(256))
    body: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(512), default="")
    #: Until when a deliverer (a web worker, ``jinshi bookings send-mail``) holds the mail: others leave it alone
    #: meanwhile. After a failed attempt, the time before the next one.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
