"""The door: checking tickets in (QR token, typed code, or the ID number of a visitor without a phone), and
turning unchecked bookings into no-shows once a session is over (the venue's suspension policy).

A check-in is refused with its reason: a forged or edited QR token (``forged``), a booking that is not confirmed
(``not_confirmed``), another day (``wrong_day``), another venue (``wrong_venue``), a cancelled session, or a second
scan (``already_checked_in`` with the time of the first). Only staff of the ticket's venue may check it in.

A party need not arrive together: the QR code names the booking, and staff may check in only the people who are
at the door (``people``: their positions in the booking, 0 being the booker), the others on a later scan.
``already_checked_in`` is the answer only when nobody chosen is still outside.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from exhibits import audit
from exhibits.bookings import documents
from exhibits.bookings.documents import DocumentError
from exhibits.bookings.errors import InvalidInput, NotFound, Refused
from exhibits.bookings.models import Activity, Attendee, Booking, Session, Suspension, Venue, local_now
from exhibits.bookings.service import Keys, get_booking
from exhibits.bookings.tickets import normalise_code
from exhibits.db import Database
from exhibits.identity import Identity, PermissionDenied, require_venue

#: Doors open this long before a session starts.
EARLY = timedelta(minutes=60)


@dataclass
class CheckedIn:
    booking: Booking
    #: Attendees marked in by this request.
    admitted: list[Attendee]


def resolve_code(keys: Keys, text: str) -> str:
    """A scanned QR token (``CODE.signature``) or a typed code → the ticket code; ``forged`` when it does not verify."""
    text = str(text or "").strip()
    if not text or len(text) > 200:
        raise InvalidInput("code", "required" if not text else "format")
    if "." in text:
        code = keys.signer.code_of(text)
        if code is None:
            raise Refused("forged")
        return code
    return normalise_code(text)


def _check_door(identity: Identity, booking: Booking, venue: str | None, now: datetime) -> None:
    target = booking.session
    venue_slug = target.activity.venue.slug
    if not identity.can_staff(venue_slug):
        if venue is not None and identity.can_staff(venue):
            raise Refused("wrong_venue", venue=target.activity.venue.title)
        raise PermissionDenied(f"{identity.name} may not check in at venue {venue_slug!r}")
    if venue is not None and venue != venue_slug:
        raise Refused("wrong_venue", venue=target.activity.venue.title)
    if target.state != "open":
        raise Refused("session_cancelled")
    if booking.status != "confirmed":
        raise Refused("not_confirmed", status=booking.status)
    if target.starts.date() != now.date():
        raise Refused("wrong_day", day=target.starts.date().isoformat(), starts=target.starts)
    if now < target.starts - EARLY:
        raise Refused("too_early", starts=target.starts)
    if now > target.ends:
        raise Refused("session_over", ends=target.ends)


def parse_people(value: object) -> list[int] | None:
    """The ``people`` of a check-in request: ``None`` (everyone still outside) or a list of positions."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or len(value) > 100:
        raise InvalidInput("people", "format")
    positions = []
    for item in value:
        if isinstance(item, bool):
            raise InvalidInput("people", "format")
        if isinstance(item, str) and item.strip().isdigit():
            item = int(item.strip())
        if not isinstance(item, int) or item < 0:
            raise InvalidInput("people", "format")
        positions.append(item)
    if not positions:
        raise InvalidInput("people", "required")
    return sorted(set(positions))


def look_up(db: Database, identity: Identity, keys: Keys, text: str, venue: str | None = None,
            now: datetime | None = None) -> Booking:
    """The booking a ticket names, with who is in already, after the same door checks as a check-in (no change)."""
    now = now or local_now()
    code = resolve_code(keys, text)
    with db.session() as session:
        booking = get_booking(session, code)
        if booking is None:
            raise NotFound("ticket")
        _check_door(identity, booking, venue, now)
        session.expunge_all()
        return booking


def check_in(db: Database, identity: Identity, keys: Keys, text: str, venue: str | None = None,
             now: datetime | None = None, people: Sequence[int] | None = None) -> CheckedIn:
    """Check in the people of the ticket that ``text`` names (scanned token or typed code).

    ``people``: positions in the booking (0 is the booker) of those at the door; ``None`` means everyone still
    outside. Chosen people already in are left as they were; ``already_checked_in`` only when none is left.
    """
    now = now or local_now()
    code = resolve_code(keys, text)
    with db.write_session() as session:
        booking = get_booking(session, code)
        if booking is None:
            raise NotFound("ticket")
        _check_door(identity, booking, venue, now)
        chosen = list(booking.attendees)
        if people is not None:
            by_position = {a.position: a for a in booking.attendees}
            unknown = [p for p in people if p not in by_position]
            if unknown:
                raise InvalidInput("people", "unknown", positions=unknown, size=len(by_position))
            chosen = [by_position[p] for p in people]
        waiting = [a for a in chosen if a.checked_in_at is None]
        if not waiting:
            raise Refused("already_checked_in", at=min(a.checked_in_at for a in chosen))
        for attendee in waiting:
            attendee.checked_in_at = now
            attendee.checked_in_by = identity.name
        still_out = sum(1 for a in booking.attendees if a.checked_in_at is None)
        audit.record(session, identity, "booking.checkin", booking.code, people=len(waiting), outside=still_out)
        return CheckedIn(booking, waiting)


def check_in_by_document(db: Database, identity: Identity, keys: Keys, venue: str, id_type: str, id_number: str,
                         now: datetime | None = None) -> CheckedIn:
    """For a visitor without a phone: their document number is hashed and matched against today's bookings."""
    now = now or local_now()
    require_venue(identity, venue)
    try:
        document = documents.parse_document(id_type, id_number, now.date())
    except DocumentError as exc:
        raise InvalidInput("id_number", exc.code) from None
    id_hash = keys.hasher.document(document.id_type, document.number)
    day = datetime.combine(now.date(), datetime.min.time())
    with db.write_session() as session:
        rows = session.execute(
            select(Attendee, Booking).join(Booking).join(Session, Session.id == Booking.session_id)
            .join(Activity).join(Venue)
            .where(Attendee.id_hash == id_hash, Venue.slug == venue, Booking.status == "confirmed",
                   Session.starts >= day, Session.starts < day + timedelta(days=1))
            .order_by(Session.starts)).all()
        if not rows:
            raise NotFound("booking")
        # the session running now, else the next one today
        attendee, booking = next(((a, b) for a, b in rows if b.session.ends >= now), rows[-1])
        booking = get_booking(session, booking.code)
        _check_door(identity, booking, venue, now)
        attendee = next(a for a in booking.attendees if a.id_hash == id_hash)
        if attendee.checked_in_at is not None:
            raise Refused("already_checked_in", at=attendee.checked_in_at)
        attendee.checked_in_at = now
        attendee.checked_in_by = identity.name
        audit.record(session, identity, "booking.checkin", booking.code, people=1, by="document")
        return CheckedIn(booking, [attendee])


def close_out(db: Database, now: datetime | None = None) -> dict:
    """After sessions end: unchecked people of confirmed bookings are no-shows; enough of them within the venue's
    window suspend the person at that venue (default: 3 in 180 days → 30 days)."""
    now = now or local_now()
    counts = {"sessions": 0, "noshows": 0, "suspended": 0}
    with db.write_session() as session:
        ended = session.scalars(select(Session).where(Session.ends < now, Session.closed_out.is_(False))
                                .options(selectinload(Session.activity).selectinload(Activity.venue))).all()
        touched: dict[int, set[str]] = {}
        for target in ended:
            target.closed_out = True
            counts["sessions"] += 1
            if target.state != "open":
                continue
            missing = session.scalars(select(Attendee).join(Booking).where(
                Booking.session_id == target.id, Booking.status == "confirmed", Attendee.checked_in_at.is_(None),
                Attendee.id_hash != "")).all()
            for attendee in missing:
                attendee.noshow = True
                counts["noshows"] += 1
                touched.setdefault(target.activity.venue_id, set()).add(attendee.id_hash)
        session.flush()
        for venue_id, hashes in touched.items():
            venue = session.get(Venue, venue_id)
            if venue.noshow_limit <= 0 or venue.suspend_days <= 0:
                continue
            since = now - timedelta(days=venue.noshow_window_days)
            for id_hash in hashes:
                last = session.scalar(select(func.max(Suspension.starts)).where(
                    Suspension.venue_id == venue_id, Suspension.id_hash == id_hash))
                start = max(since, last) if last else since
                noshows = session.scalar(
                    select(func.count()).select_from(Attendee).join(Booking).join(Session, Session.id == Booking.session_id)
                    .join(Activity).where(Activity.venue_id == venue_id, Attendee.id_hash == id_hash,
                                          Attendee.noshow.is_(True), Session.starts >= start))
                if noshows >= venue.noshow_limit:
                    session.add(Suspension(venue_id=venue_id, id_hash=id_hash, starts=now,
                                           until=now + timedelta(days=venue.suspend_days),
                                           reason=f"{noshows} no-shows"))
                    counts["suspended"] += 1
        if counts["sessions"]:
            audit.record(session, None, "bookings.close_out", "", **counts)
    return counts
