"""iCalendar (RFC 5545) for one ticket and for every bookable session (``/activities.ics``), with icalendar."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from icalendar import Calendar, Event

from exhibits.bookings.models import Booking, Session
from exhibits.bookings.tickets import display_code, ics_datetime


def _pick(value: dict, lang: str) -> str:
    for code in (lang, "zh" if lang.startswith("zh") else "en", "zh", "en", "none", *value):
        if value.get(code):
            return "; ".join(value[code]) if isinstance(value[code], list) else str(value[code])
    return ""


def _calendar() -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Jinshi//Culture cloud bookings//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    return cal


def _event(target: Session, lang: str, uid: str, url: str) -> Event:
    activity = target.activity
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(timezone.utc))
    event.add("dtstart", ics_datetime(target.starts))
    event.add("dtend", ics_datetime(target.ends))
    event.add("summary", _pick(activity.title, lang))
    event.add("location", _pick(activity.venue.address, lang) or _pick(activity.venue.title, lang))
    if url:
        event.add("url", url)
    if target.state != "open":
        event.add("status", "CANCELLED")
    return event


def ticket_ics(booking: Booking, ticket_url: str, lang: str = "zh") -> bytes:
    """The ticket as a calendar entry: when, where, the code (no ID number, no phone)."""
    cal = _calendar()
    cal.add("method", "PUBLISH")
    event = _event(booking.session, lang, f"ticket-{booking.code}@jinshi", ticket_url)
    event.add("description", f"{display_code(booking.code)}\n{ticket_url}")
    if booking.status == "cancelled":
        event["status"] = "CANCELLED"
    cal.add_component(event)
    return cal.to_ical()


def sessions_ics(sessions: Iterable[Session], base_url: str, lang: str = "zh") -> bytes:
    cal = _calendar()
    cal.add("x-wr-calname", "文化云活动" if lang.startswith("zh") else "Culture cloud activities")
    for target in sessions:
        url = f"{base_url}/activities/{target.activity.slug}"
        cal.add_component(_event(target, lang, f"session-{target.id}@jinshi", url))
    return cal.to_ical()
