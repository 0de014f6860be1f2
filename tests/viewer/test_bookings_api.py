"""The public booking API: rules enforced on the server, 400 with the field, 409 with the reason."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exhibits.bookings.models import Attendee, Booking, Claim, Session, Suspension, local_now
from tests.support.bookings import booking_body, first_session, load, resident


@pytest.fixture
def booking_app(app, museum_runtime, tmp_path):
    load(museum_runtime, tmp_path)
    return app


@pytest.fixture
def bclient(booking_app):
    return booking_app.test_client()


@pytest.fixture
def workshop(museum_runtime, booking_app):
    return first_session(museum_runtime)


def count(runtime, model):
    with runtime.db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_sessions_show_live_places(bclient, workshop):
    sessions = bclient.get("/api/activities/paper-cutting/sessions").get_json()
    first = next(s for s in sessions if s["id"] == workshop)
    assert set(first) >= {"id", "starts", "ends", "capacity", "remaining", "waitlist"}
    assert first["capacity"] == 20 and first["remaining"] == 20 and first["waitlist"] == 0
    r = bclient.post("/api/bookings", json=booking_body(workshop, party=[{"name": "李四", "id_type": "passport", "id_number": "E12345678"}]))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "confirmed" and len(body["code"]) == 16 and body["ticket_url"].endswith(body["code"])
    first = next(s for s in bclient.get("/api/activities/paper-cutting/sessions").get_json() if s["id"] == workshop)
    assert first["remaining"] == 18
    assert bclient.get("/api/activities/nope/sessions").status_code == 404
    assert bclient.get("/api/activities/paper-cutting/sessions?from=tomorrow").status_code == 400


@pytest.mark.parametrize("change, field, problem", [
    ({"id_number": resident()[:17] + ("0" if resident()[17] != "0" else "1")}, "id_number", "resident_check"),
    ({"id_number": "34070219900230123X"}, "id_number", "resident_birth"),
    ({"phone": "12345"}, "phone", "phone"),
    ({"name": ""}, "name", "required"),
    ({"name": "<script>"}, "name", "name"),
    ({"id_type": "visa"}, "id_type", "id_type"),
    ({"email": "not-an-address"}, "email", "email"),
    ({"party": [{"name": "王五", "id_type": "resident", "id_number": "110105194912310021"}]}, "party[0].id_number", "resident_check"),
    ({"party": [{"name": "王五", "id_number": resident()}]}, "party[0].id_number", "same_person"),
    ({"session": "x"}, "session", "required"),
    ({"session": 999999}, "session", "unknown"),
])
def test_invalid_input_names_the_field(bclient, museum_runtime, workshop, change, field, problem):
    r = bclient.post("/api/bookings?lang=en", json={**booking_body(workshop), **change})
    assert r.status_code == 400
    body = r.get_json()
    assert body["field"] == field and body["problem"] == problem and body["message"]
    assert count(museum_runtime, Booking) == 0 and count(museum_runtime, Attendee) == 0


def test_party_over_the_limit(bclient, museum_runtime, workshop):
    party = [{"name": f"同伴{i}", "id_number": resident(seq=500 + i)} for i in range(3)]  # 4 people, limit 3
    r = bclient.post("/api/bookings", json=booking_body(workshop, party=party))
    assert r.status_code == 400 and r.get_json()["field"] == "party"
    assert count(museum_runtime, Booking) == 0


def test_not_json(bclient):
    r = bclient.post("/api/bookings", data="name=x", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400 and r.get_json()["field"] == "body"


def test_one_booking_per_person_per_activity_per_day(bclient, museum_runtime, workshop):
    assert bclient.post("/api/bookings", json=booking_body(workshop)).status_code == 201
    again = bclient.post("/api/bookings", json=booking_body(workshop, phone="13900000000"))
    assert again.status_code == 409 and again.get_json()["error"] == "duplicate"
    # the overlapping 15:00 slot of the same day: the same person is refused too (same activity, same day)
    with museum_runtime.db.session() as s:
        other = s.scalar(select(Session.id).where(Session.id != workshop, Session.activity_id == s.get(Session, workshop).activity_id)
                         .order_by(Session.starts))
    r = bclient.post("/api/bookings", json=booking_body(other))
    assert r.status_code == 409 and r.get_json()["error"] in ("duplicate", "overlap")
    assert count(museum_runtime, Booking) == 1 and count(museum_runtime, Claim) == 1


def test_overlapping_sessions_of_other_activities(bclient, museum_runtime, workshop):
    with museum_runtime.db.session() as s:
        ws = s.get(Session, workshop)
        entry = s.scalar(select(Session).join(Session.activity).where(Session.starts < ws.ends, Session.ends > ws.starts,
                                                                        Session.activity_id != ws.activity_id))
    if entry is None:  # the workshop day is a Monday, when the museum is closed: make an overlapping entry slot
        with museum_runtime.db.session() as s:
            ws = s.get(Session, workshop)
            timed = s.scalar(select(Session).where(Session.activity_id != ws.activity_id))
            entry = Session(activity_id=timed.activity_id, starts=ws.starts, ends=ws.ends, capacity=5, remaining=5)
            s.add(entry)
    assert bclient.post("/api/bookings", json=booking_body(workshop)).status_code == 201
    r = bclient.post("/api/bookings", json=booking_body(entry.id))
    assert r.status_code == 409 and r.get_json()["error"] == "overlap"


def test_window_and_cancelled_sessions_are_closed(bclient, museum_runtime, workshop):
    with museum_runtime.db.session() as s:
        late = s.scalar(select(Session).order_by(Session.starts.desc()))  # timed entry 14 days ahead: opens 7 days before
        late_id = late.id
        s.get(Session, workshop).state = "cancelled"
    r = bclient.post("/api/bookings?lang=en", json=booking_body(late_id))
    assert r.status_code == 409 and r.get_json()["error"] == "closed" and "opens at" in r.get_json()["message"]
    r = bclient.post("/api/bookings?lang=en", json=booking_body(workshop))
    assert r.status_code == 409 and r.get_json()["error"] == "closed" and "cancelled" in r.get_json()["message"]
    assert count(museum_runtime, Booking) == 0


def test_suspended_person_is_refused(bclient, museum_runtime, workshop):
    from exhibits.bookings.privacy import Hasher

    number = resident(seq=321)
    with museum_runtime.db.session() as s:
        venue_id = s.get(Session, workshop).activity.venue_id
        s.add(Suspension(venue_id=venue_id, id_hash=Hasher(museum_runtime.settings.secret_key).document("resident", number),
                         until=local_now() + timedelta(days=30), reason="3 no-shows"))
    r = bclient.post("/api/bookings", json=booking_body(workshop, id_number=resident(seq=1),
                                                         party=[{"name": "甲", "id_number": number}]))
    assert r.status_code == 409 and r.get_json()["error"] == "banned"


def test_age_rule_by_birth_date(bclient, workshop):
    child = resident(birth=f"{local_now().year - 5}0101", seq=9)
    r = bclient.post("/api/bookings", json=booking_body(workshop, party=[{"name": "小明", "id_number": child}]))
    assert r.status_code == 409 and r.get_json()["error"] == "age"


def test_double_submit_of_one_form_books_once(bclient, museum_runtime, workshop):
    body = booking_body(workshop, request_key="k" * 24)
    first = bclient.post("/api/bookings", json=body)
    second = bclient.post("/api/bookings", json=body)
    assert first.status_code == 201 and second.status_code == 200
    assert first.get_json()["code"] == second.get_json()["code"]
    assert count(museum_runtime, Booking) == 1


def test_full_session_offers_the_waiting_list(bclient, museum_runtime, workshop):
    with museum_runtime.db.session() as s:
        row = s.get(Session, workshop)
        row.capacity, row.remaining = 1, 1
    a = bclient.post("/api/bookings", json=booking_body(workshop, id_number=resident(seq=1))).get_json()
    b = bclient.post("/api/bookings", json=booking_body(workshop, id_number=resident(seq=2))).get_json()
    full = bclient.post("/api/bookings", json=booking_body(workshop, id_number=resident(seq=3), waitlist=False))
    assert a["status"] == "confirmed" and b["status"] == "waitlisted"
    assert full.status_code == 409 and full.get_json()["error"] == "full"
    sessions = bclient.get("/api/activities/paper-cutting/sessions").get_json()
    assert next(s for s in sessions if s["id"] == workshop)["waitlist"] == 1
    # a wrong manage token is not found; the right one cancels and the place is held for b
    assert bclient.delete(f"/api/bookings/{a['code']}", headers={"X-Manage-Token": "0" * 32}).status_code == 404
    r = bclient.delete(f"/api/bookings/{a['code']}", headers={"X-Manage-Token": a["manage_token"]})
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    with museum_runtime.db.session() as s:
        offered = s.scalar(select(Booking).where(Booking.code == b["code"]))
        assert offered.status == "offered" and offered.offer_expires is not None
        assert s.get(Session, workshop).remaining == 0
    # the person who cancelled may book again (claims freed)
    again = bclient.post("/api/bookings", json=booking_body(workshop, id_number=resident(seq=1)))
    assert again.get_json()["status"] == "waitlisted"


def test_offer_expires_and_goes_to_the_next(museum_runtime, booking_app, workshop):
    from exhibits.bookings import service

    keys = service.Keys.from_secret(museum_runtime.settings.secret_key)
    with museum_runtime.db.session() as s:
        row = s.get(Session, workshop)
        row.capacity, row.remaining = 1, 1
    book = lambda n: service.book(museum_runtime.db, keys, service.parse_request(booking_body(workshop, id_number=resident(seq=n))))
    a, b, c = book(1), book(2), book(3)
    service.cancel(museum_runtime.db, keys, a.booking.code, a.manage_token)
    later = local_now() + timedelta(hours=7)  # offer_hours: 6
    assert service.expire_offers(museum_runtime.db, keys, now=later) == 1
    with museum_runtime.db.session() as s:
        statuses = {x.code: x.status for x in s.scalars(select(Booking))}
    assert statuses[b.booking.code] == "expired" and statuses[c.booking.code] == "offered"
    with pytest.raises(service.Refused):
        service.accept_offer(museum_runtime.db, keys, b.booking.code, b.manage_token, now=later)
    accepted = service.accept_offer(museum_runtime.db, keys, c.booking.code, c.manage_token, now=later)
    assert accepted.status == "confirmed"


def test_ticket_qr_carries_a_signed_token(bclient, museum_runtime, workshop):
    import io

    import zxingcpp
    from PIL import Image

    from exhibits.bookings.tickets import TicketSigner

    code = bclient.post("/api/bookings", json=booking_body(workshop)).get_json()["code"]
    svg = bclient.get(f"/tickets/{code}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and resident().encode() not in svg.data
    png = bclient.get(f"/tickets/{code}/qr.png")
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    signer = TicketSigner(museum_runtime.settings.secret_key)
    assert signer.code_of(decoded.text) == code
    assert signer.code_of(decoded.text[:-1] + ("x" if decoded.text[-1] != "x" else "y")) is None
    assert signer.code_of(("0" if code[0] != "0" else "1") + decoded.text[1:]) is None
    assert TicketSigner("another key").code_of(decoded.text) is None
    assert bclient.get("/tickets/AAAAAAAAAAAAAAAA/qr.png").status_code == 404


def test_ics_for_a_ticket_and_the_feed(bclient, workshop):
    from icalendar import Calendar

    code = bclient.post("/api/bookings", json=booking_body(workshop)).get_json()["code"]
    ticket = Calendar.from_ical(bclient.get(f"/tickets/{code}.ics").data)
    [event] = ticket.walk("VEVENT")
    assert "剪纸" in str(event["summary"]) and str(event["dtstart"].dt.tzinfo) == "Asia/Shanghai"
    assert resident() not in bclient.get(f"/tickets/{code}.ics").data.decode()
    feed = Calendar.from_ical(bclient.get("/activities.ics").data)
    assert len(feed.walk("VEVENT")) > 20
