"""Booking, cancelling and the waiting list: the one place that changes a session's places.

The capacity guarantee: a booking takes its places with one conditional statement,
``UPDATE activity_session SET remaining = remaining - n WHERE id = :id AND remaining >= n AND state = 'open'``,
and is confirmed only when that changed a row. PostgreSQL locks the row for the transaction and re-checks the
condition after a concurrent writer commits; SQLite's booking transactions start with ``BEGIN IMMEDIATE``, so they
run one at a time. Everything else of a booking (attendees, claims, outbox mail, audit) is written in that same
transaction, so a refused or failed request leaves nothing behind.

Waiting list (pretix's model): a full session takes waiting-list entries; places that come free (cancellation,
capacity increase, an expired offer) are held for the first entries in line, each for the activity's
``offer_hours``; the visitor confirms from their ticket link, or the offer expires and goes to the next in line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from exhibits import audit
from exhibits.bookings import documents, mail, writes
from exhibits.bookings.documents import Document, DocumentError
from exhibits.bookings.errors import InvalidInput, NotFound, Refused
from exhibits.bookings.models import (
    Activity, Attendee, Booking, Claim, OutboxMail, Session, Suspension, local_now,
)
from exhibits.bookings.privacy import Hasher, mask, mask_phone
from exhibits.bookings.tickets import TicketSigner, new_code, normalise_code
from exhibits.db import Database
from exhibits.models import utcnow
from exhibits.sqlite_statements import Direct, Query

#: Statuses that hold places.
HOLDING = ("confirmed", "offered")
ACTIVE = ("confirmed", "offered", "waitlisted")
MAX_NAME = 64
EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$")


@dataclass
class Person:
    name: str
    document: Document


@dataclass
class BookingRequest:
    session_id: int
    name: str
    phone: str
    people: list[Person]
    email: str = ""
    lang: str = "zh"
    request_key: str | None = None
    #: Join the waiting list when the session is full (the API's default; the form asks).
    waitlist: bool = True


@dataclass(frozen=True)
class WrittenBooking:
    """A booking as :func:`book` just wrote it: a plain object, since building an ORM instance for the answer
    cost more than writing the rows."""

    id: int
    code: str
    session_id: int
    status: str
    size: int
    name: str
    phone_hash: str
    phone_masked: str
    email: str
    lang: str
    request_key: str | None
    created: datetime
    anonymised: bool


@dataclass
class Booked:
    booking: Booking | WrittenBooking
    manage_token: str
    #: True when this answer repeats an earlier submit of the same form.
    repeated: bool = False


@dataclass
class Keys:
    """The two keyed functions bookings need, both derived from JINSHI_SECRET_KEY."""

    hasher: Hasher
    signer: TicketSigner
    #: Public base URL for links in mails (JINSHI_BASE_URL, or the host the request came to).
    base_url: str = ""

    @classmethod
    def from_secret(cls, secret_key: str, base_url: str = "") -> "Keys":
        return cls(Hasher(secret_key), TicketSigner(secret_key), base_url.rstrip("/"))


# ---------------------------------------------------------------- input

def parse_request(data: Mapping[str, Any], lang: str = "zh") -> BookingRequest:
    """Validate the booking API's JSON object (or the form's fields in that shape); 400 names the field."""
    if not isinstance(data, Mapping):
        raise InvalidInput("body", "not_object")
    session_id = data.get("session")
    if isinstance(session_id, str) and session_id.isdigit():
        session_id = int(session_id)
    if not isinstance(session_id, int) or isinstance(session_id, bool) or session_id <= 0:
        raise InvalidInput("session", "required")
    name = _name(data.get("name"), "name")
    phone_raw = data.get("phone")
    if not isinstance(phone_raw, str) or not phone_raw.strip():
        raise InvalidInput("phone", "required")
    try:
        phone = documents.normalise_phone(phone_raw)
    except DocumentError:
        raise InvalidInput("phone", "phone") from None
    people = [Person(name, _document(data.get("id_type", "resident"), data.get("id_number"), "id_number"))]
    party = data.get("party") or []
    if not isinstance(party, list):
        raise InvalidInput("party", "not_list")
    if len(party) > 49:
        raise InvalidInput("party", "party_size", limit=49)
    for index, companion in enumerate(party):
        if not isinstance(companion, Mapping):
            raise InvalidInput(f"party[{index}]", "not_object")
        people.append(Person(
            _name(companion.get("name"), f"party[{index}].name"),
            _document(companion.get("id_type", "resident"), companion.get("id_number"), f"party[{index}].id_number"),
        ))
    seen: dict[tuple[str, str], int] = {}
    for index, person in enumerate(people):
        key = (person.document.id_type, person.document.number)
        if key in seen:
            raise InvalidInput("id_number" if index == 0 else f"party[{index - 1}].id_number", "same_person")
        seen[key] = index
    email = data.get("email") or ""
    if not isinstance(email, str) or (email and (len(email) > 254 or not EMAIL.match(email.strip()))):
        raise InvalidInput("email", "email")
    key = data.get("request_key")
    if key is not None and (not isinstance(key, str) or not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key)):
        raise InvalidInput("request_key", "format")
    waitlist = data.get("waitlist", True)
    return BookingRequest(session_id, name, phone, people, email.strip(), lang, key, bool(waitlist))


def _name(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field_name, "required")
    text = " ".join(value.split())
    if len(text) > MAX_NAME or any(ord(c) < 32 or c in "<>\"\\" for c in text):
        raise InvalidInput(field_name, "name")
    return text


def _document(id_type: Any, number: Any, field_name: str) -> Document:
    if id_type not in documents.ID_TYPES:
        raise InvalidInput(field_name.replace("id_number", "id_type"), "id_type")
    if not isinstance(number, str) or not number.strip():
        raise InvalidInput(field_name, "required")
    try:
        return documents.parse_document(id_type, number, local_now().date())
    except DocumentError as exc:
        raise InvalidInput(field_name, exc.code) from None


# ---------------------------------------------------------------- transactions

def _take(session: OrmSession, session_id: int, places: int) -> bool:
    result = session.execute(
        update(Session).where(Session.id == session_id, Session.remaining >= places, Session.state == "open")
        .values(remaining=Session.remaining - places).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _give_back(session: OrmSession, session_id: int, places: int) -> None:
    session.execute(update(Session).where(Session.id == session_id)
                    .values(remaining=Session.remaining + places).execution_options(synchronize_session=False))


# ---------------------------------------------------------------- windows

def opens_at(activity: Activity, session: Session) -> datetime:
    hour, minute = map(int, activity.opens_at.split(":"))
    day = session.starts.date() - timedelta(days=activity.opens_days_before)
    return datetime(day.year, day.month, day.day, hour, minute)


def closes_at(activity: Activity, session: Session) -> datetime:
    return session.starts - timedelta(hours=activity.closes_hours_before)


def cancel_until(activity: Activity, session: Session) -> datetime:
    return session.starts - timedelta(hours=activity.cancel_hours_before)


def bookable_state(activity: Activity, session: Session, now: datetime) -> str:
    """'open', 'not_yet', 'closed' or 'cancelled' for a session at ``now``."""
    if session.state != "open":
        return "cancelled"
    if now < opens_at(activity, session):
        return "not_yet"
    if now >= closes_at(activity, session):
        return "closed"
    return "open"


# ---------------------------------------------------------------- booking

#: The statements of a booking, built once (a booking is the hot path of a release-time rush: building and
#: compiling statements, and the ORM's unit of work, were most of its 9-11 ms of CPU).
_SUSPENDED = select(func.max(Suspension.until)).where(
    Suspension.venue_id == Activity.venue_id, Suspension.id_hash.in_(bindparam("hashes", expanding=True)),
    Suspension.until > bindparam("now")).scalar_subquery()
_CLAIMED = select(func.count()).select_from(Claim).where(
    Claim.activity_id == Activity.id, Claim.day == func.date(Session.starts),
    Claim.id_hash.in_(bindparam("hashes", expanding=True))).scalar_subquery()
_HELD = Session.__table__.alias("held")
_OVERLAPPING = (
    select(func.count()).select_from(Attendee).join(Booking, Booking.id == Attendee.booking_id)
    .join(_HELD, _HELD.c.id == Booking.session_id)
    .where(Attendee.id_hash.in_(bindparam("hashes", expanding=True)), Booking.status.in_(HOLDING),
           _HELD.c.state == "open", _HELD.c.starts < Session.ends, _HELD.c.ends > Session.starts)
).scalar_subquery()
_STALE_OFFERS = select(func.count()).select_from(Booking).where(
    Booking.session_id == Session.id, Booking.status == "offered",
    Booking.offer_expires <= bindparam("now")).scalar_subquery()
#: Everything the rules need, in one round trip: the session with its activity, and for the people of the request
#: their suspension at the venue, their claims on the activity that day (one booking per person per activity per
#: day), their places in sessions overlapping this one, and whether offers of this session are past their time.
_TARGET = (
    select(Session.id, Session.starts, Session.ends, Session.state, Session.remaining, Activity.id.label("activity_id"),
           Activity.venue_id, Activity.opens_days_before, Activity.opens_at, Activity.closes_hours_before,
           Activity.per_booking, Activity.min_age, Activity.max_age, Activity.waitlist,
           _SUSPENDED.label("suspended_until"), _CLAIMED.label("claimed"), _OVERLAPPING.label("overlapping"),
           _STALE_OFFERS.label("stale_offers"))
    .join(Activity, Activity.id == Session.activity_id).where(Session.id == bindparam("sid"))
)


#: _TARGET compiled for SQLite, once a process (exhibits/sqlite_statements.py).
_TARGET_ON_SQLITE: list[Query] = []


def _read_target(connection: Any, values: Mapping[str, Any]) -> Any:
    """The row of _TARGET: on SQLite's cursor directly, on PostgreSQL through SQLAlchemy."""
    if connection.dialect.name != "sqlite":
        return connection.execute(_TARGET, values).first()
    if not _TARGET_ON_SQLITE:
        _TARGET_ON_SQLITE.append(Query(_TARGET, connection.dialect, "hashes"))
    direct = Direct(connection)
    try:
        return direct.first(_TARGET_ON_SQLITE[0], values)
    finally:
        direct.close()


def book(db: Database, keys: Keys, request: BookingRequest, now: datetime | None = None) -> Booked:
    """Book ``request`` or raise InvalidInput / Refused; nothing is written unless the booking is taken.

    The rules are checked first with plain reads; the write transaction (the only part that holds SQLite's write
    lock, shared with the other bookings waiting in this process) then takes the places with the conditional
    UPDATE and inserts the rows (booking, attendees, claims, audit) with Core statements. A person booking twice
    at the same instant is stopped there by the claims' unique index.
    """
    now = now or local_now()
    hashes = [keys.hasher.document(p.document.id_type, p.document.number) for p in request.people]
    if request.request_key:
        with db.sessions() as session:
            earlier = _by_request_key(session, request.request_key)
            if earlier is not None:
                return Booked(earlier, keys.signer.manage_token(earlier.code), repeated=True)
    with db.engine.connect() as connection:
        target = _read_target(connection, {"sid": request.session_id, "hashes": hashes, "now": now})
        if target is None:
            raise InvalidInput("session", "unknown")
        state = bookable_state(target, target, now)
        if state != "open":
            raise Refused("closed", state=state, opens=opens_at(target, target), closes=closes_at(target, target))
        if len(request.people) > target.per_booking:
            raise InvalidInput("party", "party_size", limit=target.per_booking)
        _check_ages(target, target, request.people)
        if target.suspended_until is not None:
            raise Refused("banned", until=target.suspended_until)
        if target.claimed:
            raise Refused("duplicate")
        if target.overlapping:
            raise Refused("overlap")
        if db.is_sqlite:  # its write begins anew (BEGIN IMMEDIATE); PostgreSQL's goes on in this transaction
            connection.rollback()
        if target.remaining < len(request.people) and not target.stale_offers \
                and not (target.waitlist and request.waitlist):
            # Sold out when read, and places only come back through an expired offer (none is due), a
            # cancellation or more capacity: answering "full" now is what the write would say an instant
            # earlier, and the release-time rush's refusals do not queue for the write lock.
            raise Refused("full")
        try:
            return _write_booking(db, connection, keys, request, target, hashes, now)
        except (IntegrityError, *writes.duplicate_errors()):
            connection.rollback()
            # Another request with the same person (or the same form key) committed first.
            if request.request_key:
                with db.sessions() as session:
                    earlier = _by_request_key(session, request.request_key)
                    if earlier is not None:
                        return Booked(earlier, keys.signer.manage_token(earlier.code), repeated=True)
            raise Refused("duplicate") from None


def _write_booking(db: Database, connection: Any, keys: Keys, request: BookingRequest, target: Any,
                   hashes: list[str], now: datetime) -> Booked:
    """The write of :func:`book`: on SQLite together with the other bookings waiting in this process
    (exhibits/bookings/writes.py), on PostgreSQL on the connection its reads used.

    Everything a row needs is computed before the write lock is taken, so the lock is held for the statements
    alone."""
    size, day = len(request.people), target.starts.date()
    values = dict(
        code=new_code(), session_id=target.id, size=size, name=request.name,
        phone_hash=keys.hasher.phone(request.phone), phone_masked=mask_phone(request.phone),
        email=request.email, lang=request.lang, request_key=request.request_key, created=now,
        anonymised=False,
    )
    pending = writes.PendingBooking(
        session_id=target.id, size=size, values=values,
        attendees=[{"position": i, "name": p.name, "id_type": p.document.id_type, "id_hash": h,
                    "id_masked": mask(p.document.number), "checked_in_by": "", "noshow": False}
                   for i, (p, h) in enumerate(zip(request.people, hashes))],
        claims=[{"activity_id": target.activity_id, "day": day, "id_hash": h} for h in hashes],
        audit={"at": utcnow(), "actor": "", "target": values["code"], "details": {"session_id": target.id, "size": size}},
        waitlist=bool(target.waitlist and request.waitlist),
        after_insert=(lambda conn, booking_id, status: _queue_booking_mail(conn, keys, booking_id, status))
        if request.email else None,
    )
    if target.stale_offers:  # places held past their time go to the next in line first
        with db.write_transaction(connection), OrmSession(bind=connection, expire_on_commit=False) as session:
            _expire_offers(session, keys, session.get(Session, target.id), now)
            session.flush()
    if connection.dialect.name == "sqlite":
        writes.group_commit(db).write(pending, connection)
    else:
        with db.write_transaction(connection):
            writes.write_one(connection, pending)
    values.update(id=pending.booking_id, status=pending.status)
    return Booked(WrittenBooking(**values), keys.signer.manage_token(values["code"]))


def _queue_booking_mail(connection: Any, keys: Keys, booking_id: int, status: str) -> None:
    with OrmSession(bind=connection, expire_on_commit=False) as session:
        stored = session.get(Booking, booking_id)
        mail.queue_booking_mail(session, keys, stored, "confirmed" if status == "confirmed" else "waitlisted")
        session.flush()


def _by_request_key(session: OrmSession, key: str) -> Booking | None:
    return session.scalar(select(Booking).where(Booking.request_key == key))


def _check_ages(activity: Activity, target: Session, people: list[Person]) -> None:
    if activity.min_age is None and activity.max_age is None:
        return
    for index, person in enumerate(people):
        birth = person.document.birth
        if birth is None:
            continue
        age = documents.age_on(birth, target.starts.date())
        if (activity.min_age is not None and age < activity.min_age) or (activity.max_age is not None and age > activity.max_age):
            raise Refused("age", person=index, min_age=activity.min_age, max_age=activity.max_age)


# ---------------------------------------------------------------- reading

def get_booking(session: OrmSession, code: str) -> Booking | None:
    code = normalise_code(code)
    if not code:
        return None
    return session.scalar(select(Booking).where(Booking.code == code).options(
        selectinload(Booking.attendees),
        selectinload(Booking.session).selectinload(Session.activity).selectinload(Activity.venue)))


def waiting_counts(session: OrmSession, session_ids: list[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    return dict(session.execute(
        select(Booking.session_id, func.coalesce(func.sum(Booking.size), 0))
        .where(Booking.session_id.in_(session_ids), Booking.status == "waitlisted")
        .group_by(Booking.session_id)).all())


# ---------------------------------------------------------------- cancelling and the waiting list

def _manage(session: OrmSession, keys: Keys, code: str, token: str | None) -> Booking:
    booking = get_booking(session, code)
    if booking is None or not keys.signer.manage_ok(booking.code, token):
        raise NotFound("booking")
    return booking


def cancel(db: Database, keys: Keys, code: str, token: str | None, now: datetime | None = None) -> Booking:
    """The visitor cancels (manage token); held places go to the waiting list or back on sale."""
    now = now or local_now()
    with db.write_session() as session:
        booking = _manage(session, keys, code, token)
        if booking.status not in ACTIVE:
            raise Refused("not_active", status=booking.status)
        target = booking.session
        if booking.status in HOLDING and now >= cancel_until(target.activity, target) and target.state == "open":
            raise Refused("cancel_closed", until=cancel_until(target.activity, target))
        if any(a.checked_in_at for a in booking.attendees):
            raise Refused("already_checked_in")
        release(session, keys, booking, "cancelled", now)
        audit.record(session, None, "booking.cancel", booking.code, session_id=target.id)
        return booking


def release(session: OrmSession, keys: Keys, booking: Booking, status: str, now: datetime) -> None:
    """End ``booking`` (cancelled/expired): free its claims and places, offer them to the waiting list."""
    held = booking.status in HOLDING
    booking.status = status
    booking.cancelled_at = now
    booking.offer_expires = None
    session.execute(delete(Claim).where(Claim.booking_id == booking.id))
    if held and booking.session.state == "open":
        _give_back(session, booking.session_id, booking.size)
        session.flush()
        offer_places(session, keys, booking.session, now)


def offer_places(session: OrmSession, keys: Keys, target: Session, now: datetime) -> list[Booking]:
    """Hold free places for the first waiting-list entries that fit (each for ``offer_hours``)."""
    activity = target.activity
    if target.state != "open" or now >= closes_at(activity, target):
        return []
    offered = []
    waiting = session.scalars(select(Booking).where(Booking.session_id == target.id, Booking.status == "waitlisted")
                              .order_by(Booking.created, Booking.id)).all()
    for entry in waiting:
        if not _take(session, target.id, entry.size):
            break  # strict order: the first in line is not skipped for a smaller party behind them
        entry.status = "offered"
        entry.offer_expires = min(now + timedelta(hours=activity.offer_hours), closes_at(activity, target))
        audit.record(session, None, "booking.offer", entry.code, session_id=target.id, until=entry.offer_expires.isoformat())
        if entry.email:
            mail.queue_booking_mail(session, keys, entry, "offered")
        offered.append(entry)
    return offered


def _expire_offers(session: OrmSession, keys: Keys, target: Session, now: datetime) -> None:
    expired = session.scalars(select(Booking).where(
        Booking.session_id == target.id, Booking.status == "offered", Booking.offer_expires <= now)).all()
    for booking in expired:
        release(session, keys, booking, "expired", now)
        audit.record(session, None, "booking.offer_expired", booking.code, session_id=target.id)


def expire_offers(db: Database, keys: Keys, now: datetime | None = None) -> int:
    """Expire every offer past its time (run by ``jinshi bookings purge`` and before each booking)."""
    now = now or local_now()
    with db.write_session() as session:
        ids = session.scalars(select(Booking.session_id).where(
            Booking.status == "offered", Booking.offer_expires <= now).distinct()).all()
        count = 0
        for session_id in ids:
            target = session.get(Session, session_id)
            before = session.scalar(select(func.count()).select_from(Booking).where(
                Booking.session_id == session_id, Booking.status == "offered", Booking.offer_expires <= now))
            _expire_offers(session, keys, target, now)
            count += before or 0
        return count


def accept_offer(db: Database, keys: Keys, code: str, token: str | None, now: datetime | None = None) -> Booking:
    """The visitor takes the place held for them."""
    now = now or local_now()
    with db.write_session() as session:
        booking = _manage(session, keys, code, token)
        if booking.status == "offered" and booking.offer_expires is not None and booking.offer_expires <= now:
            release(session, keys, booking, "expired", now)
            audit.record(session, None, "booking.offer_expired", booking.code, session_id=booking.session_id)
    if booking.status != "offered":
        raise Refused("offer_expired" if booking.status == "expired" else "no_offer", status=booking.status)
    with db.write_session() as session:
        booking = _manage(session, keys, code, token)
        if booking.status != "offered":
            raise Refused("no_offer", status=booking.status)
        booking.status = "confirmed"
        booking.offer_expires = None
        audit.record(session, None, "booking.accept", booking.code, session_id=booking.session_id)
        if booking.email:
            mail.queue_booking_mail(session, keys, booking, "confirmed")
        return booking


# ---------------------------------------------------------------- personal data

def anonymise(session: OrmSession, booking: Booking) -> None:
    """Remove every personal datum of a booking; the counts (size, status, check-in times) stay for statistics."""
    booking.name = ""
    booking.phone_hash = booking.phone_masked = ""
    if booking.email:
        session.execute(delete(OutboxMail).where(OutboxMail.recipient == booking.email, OutboxMail.sent_at.is_(None)))
    booking.email = ""
    booking.request_key = None
    booking.anonymised = True
    for attendee in booking.attendees:
        attendee.name = ""
        attendee.id_hash = ""
        attendee.id_masked = ""
    session.execute(delete(Claim).where(Claim.booking_id == booking.id))


def erase(db: Database, keys: Keys, code: str, token: str | None, now: datetime | None = None) -> Booking:
    """The visitor's right to delete: an active booking is cancelled first, then its personal data removed."""
    now = now or local_now()
    booking = None
    with db.write_session() as session:
        booking = _manage(session, keys, code, token)
        if booking.status in ACTIVE and booking.session.ends > now:
            if booking.status in HOLDING and now >= cancel_until(booking.session.activity, booking.session) \
                    and booking.session.state == "open":
                raise Refused("cancel_closed", until=cancel_until(booking.session.activity, booking.session))
            release(session, keys, booking, "cancelled", now)
        anonymise(session, booking)
        audit.record(session, None, "booking.erase", booking.code, session_id=booking.session_id)
    return booking


def purge(db: Database, retention_days: int, now: datetime | None = None) -> int:
    """Anonymise the bookings of sessions that ended more than ``retention_days`` ago (``jinshi bookings purge``)."""
    now = now or local_now()
    cutoff = now - timedelta(days=retention_days)
    count = 0
    with db.write_session() as session:
        old = session.scalars(select(Booking).join(Session, Session.id == Booking.session_id)
                              .where(Session.ends < cutoff, Booking.anonymised.is_(False))
                              .options(selectinload(Booking.attendees))).all()
        for booking in old:
            anonymise(session, booking)
            count += 1
        # suspensions that ended are no longer needed either
        session.execute(delete(Suspension).where(Suspension.until < cutoff))
        session.execute(delete(OutboxMail).where(OutboxMail.created < cutoff))
        if count:
            audit.record(session, None, "bookings.purge", "", bookings=count, retention_days=retention_days)
    return count
