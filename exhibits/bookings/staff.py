"""Staff views of a session: who booked, who came, who did not, who waits; capacity changes and cancellation
(booked visitors are told by mail); attendee lists as CSV and printable PDF with masked ID numbers only."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from exhibits import audit
from exhibits.bookings import mail
from exhibits.bookings.errors import InvalidInput, NotFound, Refused
from exhibits.bookings.models import Activity, Booking, Claim, Session, Venue, local_now
from exhibits.bookings.service import ACTIVE, Keys, offer_places
from exhibits.bookings.tickets import display_code
from exhibits.db import Database
from exhibits.identity import Identity, require_venue

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


@dataclass
class SessionReport:
    session: Session
    bookings: list[Booking] = field(default_factory=list)

    def of(self, *statuses: str) -> list[Booking]:
        return [b for b in self.bookings if b.status in statuses]

    @property
    def counts(self) -> dict[str, int]:
        confirmed = self.of("confirmed")
        people = [a for b in confirmed for a in b.attendees]
        return {
            "capacity": self.session.capacity, "remaining": max(self.session.remaining, 0),
            "booked": sum(b.size for b in confirmed), "offered": sum(b.size for b in self.of("offered")),
            "checked_in": sum(1 for a in people if a.checked_in_at), "noshows": sum(1 for a in people if a.noshow),
            "waitlisted": sum(b.size for b in self.of("waitlisted")),
            "cancelled": sum(b.size for b in self.of("cancelled", "expired")),
        }


def venue_sessions(session: OrmSession, identity: Identity, day: datetime | None = None) -> list[Session]:
    """Sessions of the venues ``identity`` staffs on ``day`` (today by default)."""
    day = (day or local_now()).replace(hour=0, minute=0, second=0, microsecond=0)
    query = (select(Session).join(Activity).join(Venue).options(selectinload(Session.activity).selectinload(Activity.venue))
             .where(Session.starts >= day, Session.starts < day.replace(hour=23, minute=59, second=59))
             .order_by(Session.starts))
    if not identity.is_admin:
        query = query.where(Venue.slug.in_(sorted(identity.venues) or [""]))
    return list(session.scalars(query))


def report(session: OrmSession, identity: Identity, session_id: int) -> SessionReport:
    target = session.get(Session, session_id, options=[selectinload(Session.activity).selectinload(Activity.venue)])
    if target is None:
        raise NotFound("session")
    require_venue(identity, target.activity.venue.slug)
    bookings = session.scalars(select(Booking).where(Booking.session_id == session_id)
                               .options(selectinload(Booking.attendees)).order_by(Booking.created, Booking.id)).all()
    return SessionReport(target, list(bookings))


def change_capacity(db: Database, identity: Identity, keys: Keys, session_id: int, capacity: int,
                    now: datetime | None = None) -> Session:
    """New capacity (never below the places already held); more places go to the waiting list first."""
    now = now or local_now()
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not 0 <= capacity <= 100_000:
        raise InvalidInput("capacity", "capacity")
    with db.write_session() as session:
        target = session.get(Session, session_id, options=[selectinload(Session.activity).selectinload(Activity.venue)])
        if target is None:
            raise NotFound("session")
        require_venue(identity, target.activity.venue.slug)
        held = target.capacity - target.remaining
        if capacity < held:
            raise Refused("below_booked", held=held)
        before = target.capacity
        target.remaining += capacity - target.capacity
        target.capacity = capacity
        session.flush()
        if capacity > before:
            offer_places(session, keys, target, now)
        session.refresh(target)
        audit.record(session, identity, "session.capacity", str(target.id), before=before, after=capacity)
        for booking in session.scalars(select(Booking).where(Booking.session_id == target.id, Booking.status.in_(ACTIVE),
                                                             Booking.email != "")):
            mail.queue_booking_mail(session, keys, booking, "capacity_changed")
        return target


def cancel_session(db: Database, identity: Identity, keys: Keys, session_id: int, now: datetime | None = None) -> int:
    """Cancel a session: every active booking is cancelled and its visitor told. Returns the bookings cancelled."""
    now = now or local_now()
    with db.write_session() as session:
        target = session.get(Session, session_id, options=[selectinload(Session.activity).selectinload(Activity.venue)])
        if target is None:
            raise NotFound("session")
        require_venue(identity, target.activity.venue.slug)
        if target.state == "cancelled":
            raise Refused("session_cancelled")
        target.state = "cancelled"
        active = session.scalars(select(Booking).where(Booking.session_id == target.id, Booking.status.in_(ACTIVE))
                                 .options(selectinload(Booking.attendees))).all()
        for booking in active:
            booking.status = "cancelled"
            booking.cancelled_at = now
            booking.offer_expires = None
            session.query(Claim).filter(Claim.booking_id == booking.id).delete()
            mail.queue_booking_mail(session, keys, booking, "session_cancelled")
        target.remaining = target.capacity
        audit.record(session, identity, "session.cancel", str(target.id), bookings=len(active))
        return len(active)


# ---------------------------------------------------------------- exports

STATUS_ZH = {"confirmed": "已确认", "waitlisted": "候补", "offered": "保留中", "cancelled": "已取消", "expired": "已过期"}
HEADER = ["ticket", "status", "person", "name", "document_type", "document", "checked_in", "no_show"]


def _rows(data: SessionReport):
    for booking in data.bookings:
        for attendee in booking.attendees:
            yield [display_code(booking.code), booking.status, attendee.position + 1, attendee.name, attendee.id_type,
                   attendee.id_masked, attendee.checked_in_at.strftime("%H:%M") if attendee.checked_in_at else "",
                   "yes" if attendee.noshow else ""]


def attendees_csv(data: SessionReport) -> str:
    """UTF-8 CSV with a BOM (Excel on Chinese Windows reads it right); masked document numbers only."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in _rows(data):
        writer.writerow(row)
    return out.getvalue()


def _font() -> str:
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return path
    raise RuntimeError("no CJK font for the PDF attendee list: install Debian's fonts-noto-cjk")


def attendees_pdf(data: SessionReport) -> bytes:
    """A printable A4 attendee list (fpdf2, Noto Sans CJK subset), with a tick column for the door."""
    from fpdf import FPDF

    target = data.session
    pdf = FPDF(format="A4")
    pdf.set_title(f"{target.activity.slug} {target.starts:%Y-%m-%d %H:%M}")
    pdf.add_font("cjk", fname=_font(), collection_font_number=2 if _font().endswith("CJK-Regular.ttc") else 0)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    pdf.set_font("cjk", size=15)
    title = (target.activity.title.get("zh") or target.activity.title.get("en") or [target.activity.slug])[0]
    venue = (target.activity.venue.title.get("zh") or target.activity.venue.title.get("en") or [""])[0]
    pdf.cell(0, 9, f"{title} · {venue}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    counts = data.counts
    pdf.cell(0, 6, f"{target.starts:%Y-%m-%d %H:%M}–{target.ends:%H:%M}   名额 {counts['capacity']}   已约 {counts['booked']}   "
                   f"已入场 {counts['checked_in']}   候补 {counts['waitlisted']}   打印于 {local_now():%Y-%m-%d %H:%M}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = (38, 16, 34, 44, 22, 18, 18)
    from fpdf.fonts import FontFace

    headings = FontFace(emphasis="", fill_color=(234, 224, 210))
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=6.5, first_row_as_headings=True,
                   headings_style=headings) as table:
        table.row(["票号 Ticket", "状态", "姓名 Name", "证件 Document", "入场 In", "未到", "签到"])
        for row in _rows(data):
            code, status, _pos, name, _kind, masked, checked, noshow = row
            table.row([code, STATUS_ZH.get(status, status), name, masked, checked, "是" if noshow else "", ""])
    return bytes(pdf.output())
