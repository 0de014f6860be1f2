"""Venue staff (curator workspace): check-in at the door, session lists with exports, capacity and cancellation.

Pages need a login (CSRF on every POST, from viewer.auth); the JSON API takes a bearer token or the session
cookie with the CSRF header. Every write is one call of :mod:`exhibits.bookings.checkin` or
:mod:`exhibits.bookings.staff`, which check that the identity staffs the venue.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext

from exhibits.bookings import catalogue, checkin, staff
from exhibits.bookings.documents import ID_TYPES
from exhibits.bookings.errors import BookingError
from exhibits.bookings.models import local_now
from exhibits.identity import PermissionDenied
from viewer.auth import api_auth, current_identity, login_required
from viewer.blueprints.bookings import keys, send_outbox_soon
from viewer.booking_messages import describe_staff
from viewer.context import db_session, runtime

bp = Blueprint("checkin", __name__, url_prefix="/curator")


def _booking_json(booking, admitted=()) -> dict:
    target = booking.session
    return {
        "code": booking.code, "status": booking.status, "name": booking.name, "size": booking.size,
        "session": {"id": target.id, "activity": target.activity.slug, "venue": target.activity.venue.slug,
                    "starts": target.starts.isoformat(timespec="minutes"), "ends": target.ends.isoformat(timespec="minutes")},
        "people": [{"position": a.position, "name": a.name, "id_type": a.id_type, "id_masked": a.id_masked,
                    "checked_in_at": a.checked_in_at.isoformat(timespec="minutes") if a.checked_in_at else None}
                   for a in booking.attendees],
        "admitted": len(admitted),
        "outside": sum(1 for a in booking.attendees if a.checked_in_at is None),
    }


def _error_json(error: BookingError):
    body = {"error": error.code, "message": describe_staff(error)}
    if error.code == "already_checked_in":
        body["checked_in_at"] = error.params["at"].isoformat(timespec="minutes")
    if hasattr(error, "field"):
        body["field"] = error.field
    response = jsonify(body)
    response.status_code = error.status
    return response


def _venues(identity):
    return [v for v in catalogue.venues(db_session()) if identity.can_staff(v.slug)]


# ---------------------------------------------------------------- API

def _json_body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


@bp.post("/api/checkins")
@api_auth
def api_checkin():
    """``{"code", "venue"?, "people"?: [positions]}``: everyone still outside, or only the people named."""
    data = _json_body()
    try:
        people = checkin.parse_people(data.get("people"))
        result = checkin.check_in(runtime().db, current_identity(), keys(), str(data.get("code") or ""),
                                  venue=_text(data.get("venue")), people=people)
    except BookingError as error:
        return _error_json(error)
    return jsonify(_booking_json(result.booking, result.admitted))


@bp.post("/api/checkins/lookup")
@api_auth
def api_checkin_lookup():
    """The booking a ticket names and who of it is in, after the door checks; nothing is changed."""
    data = _json_body()
    try:
        booking = checkin.look_up(runtime().db, current_identity(), keys(), str(data.get("code") or ""),
                                  venue=_text(data.get("venue")))
    except BookingError as error:
        return _error_json(error)
    return jsonify(_booking_json(booking))


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


@bp.post("/api/checkins/by-document")
@api_auth
def api_checkin_document():
    data = _json_body()
    try:
        result = checkin.check_in_by_document(runtime().db, current_identity(), keys(), str(data.get("venue") or ""),
                                              str(data.get("id_type") or "resident"), str(data.get("id_number") or ""))
    except BookingError as error:
        return _error_json(error)
    return jsonify(_booking_json(result.booking, result.admitted))


@bp.get("/api/sessions/<int:session_id>")
@api_auth
def api_session(session_id: int):
    try:
        data = staff.report(db_session(), current_identity(), session_id)
    except BookingError:
        abort(404)
    return jsonify({"id": session_id, "counts": data.counts, "bookings": [_booking_json(b) for b in data.bookings]})


# ---------------------------------------------------------------- pages

@bp.get("/checkin")
@login_required
def checkin_page():
    identity = current_identity()
    venues = _venues(identity)
    venue = request.args.get("venue") or (venues[0].slug if len(venues) == 1 else None)
    return _page(venues, venue, None, None)


def _page(venues, venue, result, error, status: int = 200, choose=None, code: str = ""):
    """The check-in page; ``choose``: a booking whose people outside are offered as boxes to tick."""
    identity = current_identity()
    sessions = [s for s in staff.venue_sessions(db_session(), identity) if venue is None or s.activity.venue.slug == venue]
    return render_template("bookings/checkin.html", venues=venues, venue=venue, result=result, error=error,
                           message=describe_staff(error) if error else "", sessions=sessions, id_types=ID_TYPES,
                           now=local_now(), choose=choose, code=code), status


@bp.post("/checkin")
@login_required
def checkin_post():
    identity = current_identity()
    venues = _venues(identity)
    venue = request.form.get("venue") or None
    code = request.form.get("code", "")
    try:
        if request.form.get("id_number"):
            result = checkin.check_in_by_document(runtime().db, identity, keys(), venue or "",
                                                  request.form.get("id_type", "resident"), request.form["id_number"])
        elif "choose" in request.form.getlist("action"):
            # a scan or "choose who is here": a party with several people outside is shown to pick from
            booking = checkin.look_up(runtime().db, identity, keys(), code, venue=venue)
            outside = [a for a in booking.attendees if a.checked_in_at is None]
            if len(outside) > 1:
                return _page(venues, venue, None, None, choose=booking, code=code)
            result = checkin.check_in(runtime().db, identity, keys(), code, venue=venue)
        else:
            people = checkin.parse_people(request.form.getlist("people")) \
                if "selected" in request.form.getlist("action") else None
            result = checkin.check_in(runtime().db, identity, keys(), code, venue=venue, people=people)
    except BookingError as error:
        return _page(venues, venue, None, error, error.status)
    return _page(venues, venue, result, None, code=code)


@bp.get("/sessions/<int:session_id>")
@login_required
def session_page(session_id: int):
    try:
        data = staff.report(db_session(), current_identity(), session_id)
    except BookingError:
        abort(404)
    return render_template("bookings/staff_session.html", data=data, target=data.session, counts=data.counts,
                           notice=request.args.get("done"), message=None)


@bp.get("/sessions/<int:session_id>/attendees.<any(csv, pdf):kind>")
@login_required
def session_export(session_id: int, kind: str):
    try:
        data = staff.report(db_session(), current_identity(), session_id)
    except BookingError:
        abort(404)
    name = f"attendees-{data.session.activity.slug}-{data.session.starts:%Y%m%d-%H%M}.{kind}"
    if kind == "csv":
        return Response(staff.attendees_csv(data), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})
    return Response(staff.attendees_pdf(data), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private, no-store"})


@bp.post("/sessions/<int:session_id>/<any(capacity, cancel):action>")
@login_required
def session_action(session_id: int, action: str):
    identity = current_identity()
    try:
        if action == "capacity":
            raw = request.form.get("capacity", "")
            capacity = int(raw) if raw.strip().isdigit() else -1
            staff.change_capacity(runtime().db, identity, keys(), session_id, capacity)
        else:
            if request.form.get("confirm") != "yes":
                abort(400, "tick the box to confirm the cancellation")
            staff.cancel_session(runtime().db, identity, keys(), session_id)
    except BookingError as error:
        if error.status == 404:
            abort(404)
        data = staff.report(db_session(), identity, session_id)
        return render_template("bookings/staff_session.html", data=data, target=data.session, counts=data.counts,
                               notice=None, message=describe_staff(error)), error.status
    send_outbox_soon()
    return redirect(url_for("checkin.session_page", session_id=session_id, done=action), code=303)


# ---------------------------------------------------------------- activities file in the workspace

MAX_ACTIVITIES_FILE = 1024 * 1024


@bp.route("/activities", methods=["GET", "POST"])
@login_required
def activities_file():
    """The activities file, uploaded here as ``jinshi activities load`` takes it (staff of every venue in it)."""
    from exhibits.bookings.activities import ActivitiesFileError, apply_activities, parse_activities

    identity = current_identity()
    result, problems, status = None, [], 200
    if request.method == "POST":
        upload = request.files.get("file")
        raw = upload.read(MAX_ACTIVITIES_FILE + 1) if upload else request.form.get("text", "").encode()
        name = (upload.filename if upload else "") or "activities.yaml"
        if len(raw) > MAX_ACTIVITIES_FILE:
            problems, status = [gettext("The file is larger than 1 MB.")], 400
        else:
            try:
                text = raw.decode("utf-8-sig")
                result = apply_activities(runtime().db, parse_activities(text, name), identity, source=name)
            except UnicodeDecodeError:
                problems, status = [gettext("The file is not UTF-8 text.")], 400
            except ActivitiesFileError as error:
                problems, status = error.problems, 400
            except PermissionDenied as error:
                problems, status = [str(error)], 403
    return render_template("bookings/activities_file.html", result=result, problems=problems,
                           venues=_venues(identity)), status
