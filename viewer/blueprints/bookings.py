"""The culture cloud for visitors: the activities calendar, booking, tickets (pages and the public API).

Thin views: they parse the request, call one function of :mod:`exhibits.bookings`, and answer; the services
check every rule and word nothing (:mod:`viewer.booking_messages` does, in the visitor's language).
"""
from __future__ import annotations

import functools
import io
from datetime import date

import segno
from flask_limiter.errors import RateLimitExceeded
from flask_babel import gettext
from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from exhibits.bookings import calendar, catalogue, mail, service
from exhibits.bookings.documents import ID_TYPES
from exhibits.bookings.errors import BookingError, InvalidInput
from exhibits.bookings.service import Keys
from exhibits.bookings.tickets import display_code
from viewer.booking_messages import describe
from viewer.i18n import current_language as language
from viewer.limits import limit
from viewer.context import base_url, db_session, runtime

bp = Blueprint("bookings", __name__)


def keys() -> Keys:
    return _keys(runtime().settings.secret_key, base_url())


@functools.lru_cache(maxsize=32)
def _keys(secret_key: str, base: str) -> Keys:
    # deriving the keys is two HMACs and a signer a request; a few base URLs (trusted hosts) reach here at most
    return Keys.from_secret(secret_key, base)


def error_response(error: BookingError):
    body = {"error": error.code, "message": describe(error)}
    if isinstance(error, InvalidInput):
        body = {"error": "invalid", "field": error.field, "problem": error.code, "message": describe(error)}
    response = jsonify(body)
    response.status_code = error.status
    return response


def send_outbox_soon() -> None:
    """Have this process's courier deliver queued mails in the background when JINSHI_SMTP_URL is set (cron runs
    send-mail otherwise)."""
    settings = runtime().settings
    if settings.smtp_url:
        mail.courier(runtime().db, settings.smtp_url).poke()


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
    lang = language()
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
    start, end = _day("from"), _day("to")
    if start and end and (end - start).days > 400:
        abort(400, "from and to may be at most 400 days apart")
    views = catalogue.sessions(db_session(), [activity.id], start, end)
    return jsonify([v.to_json() for v in views])


@bp.post("/api/bookings")
@limit("booking")
def api_book():
    data = request.get_json(silent=True)
    if data is None:
        return error_response(InvalidInput("body", "json"))
    try:
        booked = service.book(runtime().db, keys(), service.parse_request(data, language()))
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
    body = calendar.ticket_ics(booking, f"{base_url()}/tickets/{booking.code}", language())
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="ticket-{booking.code}.ics"', "Cache-Control": "private, no-store"})


@bp.get("/activities.ics")
def activities_ics():
    views = catalogue.sessions(db_session())
    body = calendar.sessions_ics([v.session for v in views], base_url(), language())
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "public, max-age=300"})


# ---------------------------------------------------------------- pages

KINDS = ("timed-entry", "lecture", "workshop", "performance")
CALENDAR_DAYS = 14


def _form_request(form, session_id: int, per_booking: int) -> dict:
    """The booking form's fields in the API's shape (companions: rows with any field filled)."""
    party = []
    for index in range(max(per_booking - 1, 0)):
        name = form.get(f"party-{index}-name", "").strip()
        number = form.get(f"party-{index}-id_number", "").strip()
        if name or number:
            party.append({"name": name, "id_type": form.get(f"party-{index}-id_type", "resident"), "id_number": number})
    return {
        "session": session_id, "name": form.get("name", ""), "phone": form.get("phone", ""),
        "id_type": form.get("id_type", "resident"), "id_number": form.get("id_number", ""), "party": party,
        "email": form.get("email", "").strip(), "request_key": form.get("request_key") or None,
        "waitlist": form.get("waitlist") == "yes",
    }


@bp.get("/activities")
def calendar_page():
    from datetime import timedelta

    from exhibits.bookings.models import local_now

    session = db_session()
    today = local_now().date()
    day = _day("day")
    if day is not None and not (today <= day <= today + timedelta(days=catalogue.HORIZON_DAYS)):
        day = None
    venue = request.args.get("venue") or None
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    acts = catalogue.activities(session, venue=venue, kind=kind)
    views = catalogue.sessions(session, [a.id for a in acts], day or today, (day or today) + timedelta(days=CALENDAR_DAYS - 1) if not day else day)
    days = []
    for view in views:
        if not days or days[-1][0] != view.session.starts.date():
            days.append((view.session.starts.date(), []))
        days[-1][1].append(view)
    return render_template(
        "bookings/calendar.html", days=days, venues=catalogue.venues(session), kinds=KINDS, venue=venue, kind=kind,
        day=day, date_tabs=[today + timedelta(days=n) for n in range(CALENDAR_DAYS)], today=today,
    )


@bp.get("/activities/<slug>")
def activity_page(slug: str):
    session = db_session()
    activity = catalogue.activity(session, slug) or abort(404)
    views = catalogue.sessions(session, [activity.id])
    return render_template("bookings/activity.html", activity=activity, views=views)


@bp.get("/activities/<slug>/sessions/<int:session_id>/book")
def book_page(slug: str, session_id: int):
    return _book_form(slug, session_id, {}, None)


@bp.post("/activities/<slug>/sessions/<int:session_id>/book")
@limit("booking")
def book_post(slug: str, session_id: int):
    form = request.form
    target = _session_or_404(slug, session_id)
    if form.get("consent") != "yes":
        return _book_form(slug, session_id, form, InvalidInput("consent", "consent"))
    try:
        data = _form_request(form, target.id, target.activity.per_booking)
        booked = service.book(runtime().db, keys(), service.parse_request(data, language()))
    except BookingError as error:
        return _book_form(slug, session_id, form, error)
    send_outbox_soon()
    return redirect(url_for("bookings.ticket_page", code=booked.booking.code, token=booked.manage_token,
                            lang=request.args.get("lang")), code=303)


def _session_or_404(slug: str, session_id: int):
    target = catalogue.session_by_id(db_session(), session_id)
    if target is None or target.activity.slug != slug:
        abort(404)
    return target


def _book_form(slug: str, session_id: int, form, error: BookingError | None):
    import secrets

    target = _session_or_404(slug, session_id)
    day = target.starts.date()
    view = next((v for v in catalogue.sessions(db_session(), [target.activity_id], day, day, include_past=True)
                 if v.session.id == target.id), None)
    return render_template(
        "bookings/book.html", activity=target.activity, target=target, view=view, form=form, error=error,
        message=describe(error) if error else "", error_field=getattr(error, "field", None),
        request_key=form.get("request_key") or secrets.token_urlsafe(18), id_types=ID_TYPES,
    ), (200 if error is None else error.status)


@bp.errorhandler(RateLimitExceeded)
def _too_many(_error):
    message = gettext("Too many booking requests from your connection. Please wait a minute and try again.")
    if request.path.startswith("/api/"):
        response = jsonify(error="rate_limited", message=message)
    else:
        response = Response(render_template("bookings/message.html", message=message), mimetype="text/html")
    response.status_code = 429
    response.headers["Retry-After"] = "60"
    return response


@bp.get("/tickets/<code>")
def ticket_page(code: str):
    booking = service.get_booking(db_session(), code) or abort(404)
    token = request.args.get("token")
    manage = keys().signer.manage_ok(booking.code, token)
    response = Response(render_template(
        "bookings/ticket.html", booking=booking, target=booking.session, activity=booking.session.activity,
        manage=manage, token=token if manage else None, code=display_code(booking.code), notice=request.args.get("done")))
    # the manage token is in this page's address: never send it on as a Referer, never cache the page
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.post("/tickets/<code>/<any(cancel, accept, erase):action>")
def ticket_action(code: str, action: str):
    token = request.form.get("token")
    try:
        if action == "cancel":
            booking = service.cancel(runtime().db, keys(), code, token)
        elif action == "accept":
            booking = service.accept_offer(runtime().db, keys(), code, token)
        else:
            booking = service.erase(runtime().db, keys(), code, token)
    except BookingError as error:
        if error.status == 404:
            abort(404)
        booking = service.get_booking(db_session(), code) or abort(404)
        return render_template("bookings/ticket.html", booking=booking, target=booking.session,
                               activity=booking.session.activity, manage=True, token=token,
                               code=display_code(booking.code), message=describe(error)), error.status
    send_outbox_soon()
    return redirect(url_for("bookings.ticket_page", code=booking.code, token=token, done=action,
                            lang=request.args.get("lang")), code=303)
