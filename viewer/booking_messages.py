"""The visitor's words for what the booking services answer (error codes → sentences in the page's language)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext

from exhibits.bookings.errors import BookingError, InvalidInput


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else str(value or "")


def field_label(field: str) -> str:
    base = field.split(".")[-1] if "." in field else field
    labels = {
        "name": gettext("Name"), "phone": gettext("Mobile number"), "id_number": gettext("Document number"),
        "id_type": gettext("Document type"), "email": gettext("E-mail"), "party": gettext("Companions"),
        "session": gettext("Session"), "consent": gettext("Consent"), "request_key": gettext("Form"),
        "body": gettext("Request"), "people": gettext("People"),
    }
    label = labels.get(base, base)
    if field.startswith("party[") and "." in field:
        number = int(field[6:field.index("]")]) + 1
        return gettext("Companion %(number)s: %(field)s", number=number, field=label)
    return label


def describe(error: BookingError) -> str:
    """One sentence for a refused or invalid booking request."""
    code, p = error.code, error.params
    if isinstance(error, InvalidInput):
        problems = {
            "required": gettext("is required."),
            "name": gettext("must be a name of at most 64 characters, without < > \" or \\."),
            "phone": gettext("must be a mobile number: 11 digits starting with 1, or + and a country code."),
            "id_type": gettext("must be a resident ID card, passport or travel permit."),
            "resident_format": gettext("must have 18 characters: 17 digits and a digit or X."),
            "resident_region": gettext("starts with a region code that does not exist."),
            "resident_birth": gettext("contains a birth date that is impossible."),
            "resident_check": gettext("has a wrong check digit (the last character): please check the number."),
            "passport_format": gettext("is not a passport number."),
            "hk_macao_format": gettext("is not a Mainland Travel Permit number for Hong Kong and Macao residents (H or M and 8 or 10 digits)."),
            "taiwan_format": gettext("is not a Mainland Travel Permit number for Taiwan residents (8 digits)."),
            "exit_permit_format": gettext("is not an Exit-Entry Permit number (C and 8 characters)."),
            "same_person": gettext("appears twice in one booking."),
            "party_size": gettext("A booking takes at most %(limit)s people, the booker included.", limit=p.get("limit")),
            "email": gettext("is not an e-mail address."),
            "unknown": gettext("does not exist."),
            "not_object": gettext("must be a JSON object."),
            "not_list": gettext("must be a list."),
            "format": gettext("is malformed."),
            "consent": gettext("Please agree to the privacy notice to book."),
            "json": gettext("must be JSON."),
        }
        sentence = problems.get(code, gettext("is not valid."))
        if code in ("party_size", "consent"):
            return sentence
        return f"{field_label(error.field)} {sentence}" if current_lang_is_english() else f"{field_label(error.field)}{sentence}"
    state = p.get("state")
    refusals = {
        "full": gettext("This session is full."),
        "duplicate": gettext("One of these people already has a booking for this activity on that day."),
        "overlap": gettext("One of these people already has a booking at the same time."),
        "banned": gettext("Booking is suspended until %(until)s after repeated no-shows.", until=_when(p.get("until"))),
        "age": gettext("Person %(number)s is outside the age range of this activity.", number=(p.get("person") or 0) + 1),
        "not_active": gettext("This booking is no longer active."),
        "cancel_closed": gettext("This booking can no longer be cancelled (until %(until)s).", until=_when(p.get("until"))),
        "already_checked_in": gettext("Already checked in."),
        "no_offer": gettext("No place is held for this booking."),
        "offer_expired": gettext("The place held for you has expired."),
    }
    if code == "closed":
        if state == "not_yet":
            return gettext("Booking opens at %(opens)s.", opens=_when(p.get("opens")))
        if state == "cancelled":
            return gettext("This session is cancelled.")
        return gettext("Booking for this session closed at %(closes)s.", closes=_when(p.get("closes")))
    return refusals.get(code, gettext("This cannot be done now."))


def current_lang_is_english() -> bool:
    from viewer.i18n import current_language

    return current_language() == "en"


def describe_staff(error: BookingError | None) -> str:
    """Check-in and session answers for staff ("already checked in at 10:02", "this ticket is for 12-03")."""
    if error is None:
        return ""
    p = error.params
    staff_words = {
        "forged": gettext("This QR code was not issued by us or was altered: refuse it."),
        "already_checked_in": gettext("Already checked in at %(at)s.", at=p["at"].strftime("%H:%M") if p.get("at") else ""),
        "wrong_day": gettext("This ticket is for another day: %(day)s.", day=p.get("day", "")),
        "wrong_venue": gettext("This ticket is for another venue: %(venue)s.", venue=_pick(p.get("venue"))),
        "not_confirmed": gettext("This booking is not confirmed (%(status)s).", status=p.get("status", "")),
        "session_cancelled": gettext("This session is cancelled."),
        "too_early": gettext("Too early: the session starts at %(starts)s.", starts=_when(p.get("starts"))),
        "session_over": gettext("The session ended at %(ends)s.", ends=_when(p.get("ends"))),
        "below_booked": gettext("%(held)s places are already booked: the capacity cannot be lower.", held=p.get("held")),
        "ticket": gettext("No ticket has this code."),
        "booking": gettext("No booking today at this venue for this document."),
        "session": gettext("No such session."),
        "capacity": gettext("Capacity must be a whole number from 0 to 100000."),
    }
    if error.code in staff_words:
        return staff_words[error.code]
    if isinstance(error, InvalidInput) and error.field == "people":
        if error.code == "required":
            return gettext("Tick at least one person.")
        return gettext("Choose people of this booking by their position (0 is the booker).")
    if isinstance(error, InvalidInput) and error.field == "code":
        return gettext("Type or scan a ticket code.")
    return describe(error)


def _pick(value) -> str:
    if not value:
        return ""
    from viewer.i18n import pick

    return pick(value)
