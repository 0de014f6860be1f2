"""The culture cloud for visitors: the activities calendar, booking, tickets (pages and the public API).

Thin views: they parse the request, call one function of :mod:`exhibits.bookings`, and answer; the services
check every rule and word nothing (:mod:`viewer.booking_messages` does, in the visitor's language).
"""
from __future__ import annotations

import io
import logging
import threading
from datetime import date

import segno
from flask import Blueprint, Response, abort, jsonify, request

from exhibits.bookings import calendar, catalogue, mail, service
from exhibits.bookings.errors import BookingError, InvalidInput
from exhibits.bookings.service import Keys
from exhibits.bookings.tickets import display_code
from viewer.booking_messages import describe
from viewer.context import base_url, db_session, runtime
from viewer.i18n import current_language

bp = Blueprint("bookings", __name__)
log = logging.getLogger(__name__)


def keys() -> Keys:
    return Keys.from_secret(runtime().settings.secret_key, base_url())


def error_response(error: BookingError):
    body = {"error": error.code, "message": describe(error)}
    if isinstance(error, InvalidInput):
        body = {"error": "invalid", "field": error.field, "problem": error.code, "message": describe(error)}
    response = jsonify(body)
    response.status_code = error.status
    return response


def send_outbox_soon() -> None:
    """Deliver queued mails in the background when JINSHI_SMTP_URL is set (cron runs send-mail otherwise)."""
    settings = runtime().settings
    if not settings.smtp_url:
        return
    db = runtime().db
    threading.Thread(target=_deliver_quietly, args=(db, settings.smtp_url), daemon=True).start()


def _deliver_quietly(db, smtp_url: str) -> None:
    try:
        mail.deliver(db, smtp_url)
    except Exception:  # noqa: BLE001 - a mail server being down must not reach the visitor; rows keep the error
        log.exception("mail delivery failed (the mails stay in the outbox)")


def _day(name: str) -> date | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, f"{name} must be a date (YYYY-MM-DD)")


# ---------------------------------------------------------------- JSON API

@bp.get("/api/activities")
def api_activities():
    lang = current_language()
    rows = catalogue.activities(db_session(), venue=request.args.get("venue"), kind=request.args.get("kind"))
    return jsonify([{
        "slug": a.slug, "kind": a.kind, "title": a.title, "summary": a.summary, "venue": a.venue.slug,
        "venue_title": a.venue.title, "capacity": a.capacity, "per_booking": a.per_booking,
        "min_age": a.min_age, "max_age": a.max_age, "waitlist": a.waitlist,
        "url": f"{base_url()}/activities/{a.slug}?lang={lang}",
        "sessions_url": f"{base_url()}/api/activities/{a.slug}/sessions",
    } for a in rows])


@bp.get("/api/activities/<slug>/sessions")
def api_sessions(slug: str):
    activity = catalogue.activity(db_session(), slug) or abort(404)
    views = catalogue.sessions(db_session(), [activity.id], _day("from"), _day("to"))
    return jsonify([v.to_json() for v in views])


@bp.post("/api/bookings")
def api_book():
    data = request.get_json(silent=True)
    if data is None:
        return error_response(InvalidInput("body", "json"))
    try:
        booked = service.book(runtime().db, keys(), service.parse_request(data, current_language()))
    except BookingError as error:
        return error_response(error)
    send_outbox_soon()
    booking = booked.booking
    response = jsonify({
        "code": booking.code, "ticket_url": f"{base_url()}/tickets/{booking.code}",
        "manage_token": booked.manage_token, "status": booking.status,
    })
    response.status_code = 200 if booked.repeated else 201
    return response


@bp.delete("/api/bookings/<code>")
def api_cancel(code: str):
    try:
        booking = service.cancel(runtime().db, keys(), code, request.headers.get("X-Manage-Token"))
    except BookingError as error:
        return error_response(error)
    send_outbox_soon()
    return jsonify({"code": booking.code, "status": booking.status})


# ---------------------------------------------------------------- tickets

@bp.get("/tickets/<code>/qr.<any(svg, png):kind>")
def ticket_qr(code: str, kind: str):
    """The QR code of a ticket: the signed token (code + HMAC), never personal data."""
    booking = service.get_booking(db_session(), code) or abort(404)
    qr = segno.make(keys().signer.token(booking.code), error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        qr.save(buffer, kind="svg", scale=6, border=4, title=display_code(booking.code))
    else:
        qr.save(buffer, kind="png", scale=8, border=4)
    return Response(buffer.getvalue(), mimetype=f"image/{'svg+xml' if kind == 'svg' else 'png'}",
                    headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"})


@bp.get("/tickets/<code>.ics")
def ticket_ics(code: str):
    booking = service.get_booking(db_session(), code) or abort(404)
    body = calendar.ticket_ics(booking, f"{base_url()}/tickets/{booking.code}", current_language())
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="ticket-{booking.code}.ics"', "Cache-Control": "private, no-store"})


@bp.get("/activities.ics")
def activities_ics():
    views = catalogue.sessions(db_session())
    body = calendar.sessions_ics([v.session for v in views], base_url(), current_language())
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "public, max-age=300"})
