"""Reading venues, activities and sessions for the public calendar, the API and the iCalendar feed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from exhibits.bookings.models import Activity, Session, Venue, local_now
from exhibits.bookings.service import bookable_state, opens_at, waiting_counts

#: How far ahead the calendar and the feed look.
HORIZON_DAYS = 60


@dataclass
class SessionView:
    session: Session
    state: str  # open | not_yet | closed | cancelled
    waiting: int
    opens: datetime

    @property
    def full(self) -> bool:
        return self.session.remaining <= 0

    def to_json(self) -> dict:
        s = self.session
        return {
            "id": s.id, "starts": s.starts.isoformat(timespec="minutes"), "ends": s.ends.isoformat(timespec="minutes"),
            "capacity": s.capacity, "remaining": max(s.remaining, 0), "waitlist": self.waiting,
            "waitlist_open": s.activity.waitlist, "state": self.state,
            "opens": self.opens.isoformat(timespec="minutes"),
        }


def venues(session: OrmSession) -> list[Venue]:
    return list(session.scalars(select(Venue).order_by(Venue.position, Venue.id)))


def activities(session: OrmSession, venue: str | None = None, kind: str | None = None) -> list[Activity]:
    query = select(Activity).join(Venue).options(selectinload(Activity.venue)).order_by(Venue.position, Activity.position)
    if venue:
        query = query.where(Venue.slug == venue)
    if kind:
        query = query.where(Activity.kind == kind)
    return list(session.scalars(query))


def activity(session: OrmSession, slug: str) -> Activity | None:
    return session.scalar(select(Activity).where(Activity.slug == slug).options(selectinload(Activity.venue)))


def session_by_id(session: OrmSession, session_id: int) -> Session | None:
    return session.get(Session, session_id, options=[selectinload(Session.activity).selectinload(Activity.venue)])


def sessions(session: OrmSession, activity_ids: list[int] | None = None, start: date | None = None,
             end: date | None = None, now: datetime | None = None, include_past: bool = False) -> list[SessionView]:
    """Sessions from ``start`` to ``end`` (inclusive days; default today + HORIZON_DAYS), with live places."""
    now = now or local_now()
    start = start or now.date()
    end = end or start + timedelta(days=HORIZON_DAYS)
    query = (select(Session).options(selectinload(Session.activity).selectinload(Activity.venue))
             .where(Session.starts >= datetime.combine(start, datetime.min.time()),
                    Session.starts < datetime.combine(end + timedelta(days=1), datetime.min.time()))
             .order_by(Session.starts, Session.id))
    if activity_ids is not None:
        query = query.where(Session.activity_id.in_(activity_ids))
    if not include_past:
        query = query.where(Session.ends > now)
    rows = list(session.scalars(query))
    waiting = waiting_counts(session, [s.id for s in rows])
    return [SessionView(s, bookable_state(s.activity, s, now), waiting.get(s.id, 0), opens_at(s.activity, s))
            for s in rows]
