"""The door and the staff views: check-in by QR token, typed code and ID number; refusals with their reason;
no-shows and suspension; capacity changes and cancellation; CSV/PDF lists; no ID number in full anywhere."""
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from exhibits import accounts
from exhibits.bookings import checkin, service
from exhibits.bookings.models import Activity, Booking, OutboxMail, Session, Suspension, local_now
from exhibits.identity import SYSTEM
from tests.support.bookings import booking_body, load, resident
from tests.support.curators import PASSWORD, csrf_token, log_in


@pytest.fixture
def door(app, museum_runtime, tmp_path):
    """Activities, staff accounts, and a workshop session running now with one booking of two people."""
    load(museum_runtime, tmp_path)
    rt = museum_runtime
    now = local_now()
    starts = now - timedelta(minutes=5) if now.hour or now.minute >= 5 else now + timedelta(minutes=1)
    with rt.db.session() as s:
        accounts.add_user(s, SYSTEM, "door", "curator", PASSWORD, venues=("ich-workshop-room",))
        accounts.add_user(s, SYSTEM, "museumdoor", "curator", PASSWORD, venues=("copper-museum",))
        token = accounts.issue_token(s, SYSTEM, "door").token
        other_token = accounts.issue_token(s, SYSTEM, "museumdoor").token
        activity = s.scalar(select(Activity).where(Activity.slug == "paper-cutting"))
        running = Session(activity_id=activity.id, starts=starts, ends=starts + timedelta(hours=2), capacity=5, remaining=5)
        s.add(running)
        s.flush()
        running_id = running.id
        tomorrow = s.scalar(select(Session).where(Session.activity_id == activity.id, Session.starts > now + timedelta(days=1)))
    keys = service.Keys.from_secret(rt.settings.secret_key)
    booked = service.book(rt.db, keys, service.parse_request(booking_body(
        running_id, resident(seq=11), email="v@example.org",
        party=[{"name": "李四", "id_type": "passport", "id_number": "E12345678"}])), now=starts - timedelta(hours=1))
    later = service.book(rt.db, keys, service.parse_request(booking_body(tomorrow.id, resident(seq=12))))
    return {"token": token, "other": other_token, "session": running_id, "code": booked.booking.code,
            "qr": keys.signer.token(booked.booking.code), "tomorrow": later.booking.code, "keys": keys,
            "manage": booked.manage_token}


def post(client, door, body, token=None, lang="en"):
    return client.post(f"/curator/api/checkins?lang={lang}", json=body,
                       headers={"Authorization": f"Bearer {token or door['token']}"})


def test_scan_then_second_scan_says_when(client, door):
    r = post(client, door, {"code": door["qr"]})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["admitted"] == 2 and [p["id_masked"] for p in body["people"]] == ["3407**********" + resident(seq=11)[-4:], "E1*****78"]
    again = post(client, door, {"code": door["qr"]})
    assert again.status_code == 409 and again.get_json()["error"] == "already_checked_in"
    at = body["people"][0]["checked_in_at"][11:16]
    assert again.get_json()["message"] == f"Already checked in at {at}."
    assert post(client, door, {"code": door["qr"]}, lang="zh").get_json()["message"] == f"已于 {at} 入场。"


def test_typed_code_is_forgiving_about_case_and_dashes(client, door):
    code = door["code"]
    typed = "-".join(code[i:i + 4] for i in range(0, 16, 4)).lower()
    assert post(client, door, {"code": typed}).status_code == 200


def test_forged_unknown_wrong_day_wrong_venue(client, door):
    code, sig = door["qr"].split(".")
    edited = ("0" if code[0] != "0" else "1") + code[1:] + "." + sig
    r = post(client, door, {"code": edited})
    assert r.status_code == 409 and r.get_json()["error"] == "forged"
    assert post(client, door, {"code": "ZZZZZZZZZZZZZZZZ"}).status_code == 404
    r = post(client, door, {"code": door["tomorrow"]})
    assert r.status_code == 409 and r.get_json()["error"] == "wrong_day"
    r = post(client, door, {"code": door["code"], "venue": "copper-museum"}, token=door["other"])
    assert r.status_code == 409 and r.get_json()["error"] == "wrong_venue" and "ICH workshop room" in r.get_json()["message"]
    assert post(client, door, {"code": door["code"]}, token=door["other"]).status_code == 403
    # no credentials: refused before anything is looked up (401, before the CSRF check)
    assert client.post("/curator/api/checkins", json={"code": door["code"]}).status_code == 401
    assert client.get(f"/curator/api/sessions/{door['session']}").status_code == 401


@pytest.fixture
def party(museum_runtime, door):
    """A booking of three (the booker and two companions) for the session running now."""
    rt = museum_runtime
    with rt.db.session() as s:
        starts = s.get(Session, door["session"]).starts
    booked = service.book(rt.db, door["keys"], service.parse_request(booking_body(
        door["session"], resident(seq=31), party=[{"name": "王五", "id_type": "resident", "id_number": resident(seq=32)},
                                                   {"name": "赵六", "id_type": "passport", "id_number": "E22223333"}])),
        now=starts - timedelta(hours=1))
    return {"code": booked.booking.code, "qr": door["keys"].signer.token(booked.booking.code)}


def test_a_party_is_checked_in_as_its_people_arrive(client, door, party):
    lookup = client.post("/curator/api/checkins/lookup", json={"code": party["qr"]},
                         headers={"Authorization": f"Bearer {door['token']}"})
    assert lookup.status_code == 200 and lookup.get_json()["outside"] == 3 and lookup.get_json()["admitted"] == 0
    assert [p["position"] for p in lookup.get_json()["people"]] == [0, 1, 2]
    # two of three arrive: the booker and the passport holder
    r = post(client, door, {"code": party["qr"], "people": [0, 2]})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["admitted"] == 2 and body["outside"] == 1
    assert [bool(p["checked_in_at"]) for p in body["people"]] == [True, False, True]
    # asking again for the same two: they are in, nobody chosen is left outside
    again = post(client, door, {"code": party["qr"], "people": [2]})
    assert again.status_code == 409 and again.get_json()["error"] == "already_checked_in"
    # the same QR later: the third person, and only then is the ticket fully used
    r = post(client, door, {"code": party["qr"]})
    assert r.status_code == 200 and r.get_json()["admitted"] == 1 and r.get_json()["outside"] == 0
    assert post(client, door, {"code": party["qr"]}).status_code == 409
    looked = client.post("/curator/api/checkins/lookup", json={"code": party["code"]},
                         headers={"Authorization": f"Bearer {door['token']}"}).get_json()
    assert all(p["checked_in_at"] for p in looked["people"]) and looked["outside"] == 0


@pytest.mark.parametrize("people", [[3], [-1], ["x"], [True], "0,1", [], [{"position": 0}]])
def test_unknown_or_malformed_people_are_400_and_nobody_is_checked_in(client, door, party, people):
    r = post(client, door, {"code": party["qr"], "people": people})
    assert r.status_code == 400 and r.get_json()["field"] == "people", r.get_json()
    assert client.post("/curator/api/checkins/lookup", json={"code": party["code"]},
                       headers={"Authorization": f"Bearer {door['token']}"}).get_json()["outside"] == 3


def test_lookup_keeps_the_door_rules(client, door, party):
    headers = {"Authorization": f"Bearer {door['other']}"}
    assert client.post("/curator/api/checkins/lookup", json={"code": party["code"]}, headers=headers).status_code == 403
    r = client.post("/curator/api/checkins/lookup", json={"code": door["tomorrow"]},
                    headers={"Authorization": f"Bearer {door['token']}"})
    assert r.status_code == 409 and r.get_json()["error"] == "wrong_day"


def test_staff_page_ticks_who_of_a_party_is_here(client, door, party):
    log_in(client, "door")
    token = csrf_token(client, "/curator/checkin")
    # a scan (the page's script sends action=choose): the people outside are offered, nobody is checked in yet
    r = client.post("/curator/checkin?lang=en", data={"code": party["qr"], "csrf_token": token, "action": ["", "choose"]})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Who of this party is here?" in html
    assert html.count('name="people"') == 3 and resident(seq=31) not in html and resident(seq=32) not in html
    # two tick boxes left on
    r = client.post("/curator/checkin?lang=en", data={"code": party["qr"], "csrf_token": token, "action": "selected",
                                                      "people": ["0", "1"]})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Checked in: 2 / 3" in html and "not yet in" in html
    assert html.count('name="people"') == 1 and 'value="2"' in html
    # the last one arrives later
    r = client.post("/curator/checkin?lang=en", data={"code": party["qr"], "csrf_token": token, "action": "selected",
                                                      "people": ["2"]})
    assert r.status_code == 200 and "Checked in: 1 / 3" in r.get_data(as_text=True)
    r = client.post("/curator/checkin?lang=en", data={"code": party["qr"], "csrf_token": token, "action": ["", "choose"]})
    assert r.status_code == 409 and "Already checked in at" in r.get_data(as_text=True)
    # nothing ticked: told so, nobody changed
    r = client.post("/curator/checkin?lang=en", data={"code": door["qr"], "csrf_token": token, "action": "selected"})
    assert r.status_code == 400 and "Tick at least one person" in r.get_data(as_text=True)


def test_a_scanned_ticket_of_one_person_outside_is_checked_in_at_once(client, door):
    log_in(client, "door")
    token = csrf_token(client, "/curator/checkin")
    assert post(client, door, {"code": door["qr"], "people": [1]}).status_code == 200
    r = client.post("/curator/checkin?lang=en", data={"code": door["qr"], "csrf_token": token, "action": ["", "choose"]})
    assert r.status_code == 200 and "Checked in: 1 / 2" in r.get_data(as_text=True)


def test_check_in_by_document_number(client, door, museum_runtime):
    r = client.post("/curator/api/checkins/by-document", json={"venue": "ich-workshop-room", "id_type": "passport",
                                                               "id_number": "e1234 5678"},
                    headers={"Authorization": f"Bearer {door['token']}"})
    assert r.status_code == 200 and r.get_json()["admitted"] == 1
    people = r.get_json()["people"]
    assert people[1]["checked_in_at"] and people[0]["checked_in_at"] is None
    r = client.post("/curator/api/checkins/by-document", json={"venue": "ich-workshop-room", "id_type": "passport",
                                                               "id_number": "E87654321"},
                    headers={"Authorization": f"Bearer {door['token']}"})
    assert r.status_code == 404


def test_staff_page_by_typed_code(client, door):
    log_in(client, "door")
    page = client.get("/curator/checkin?lang=en")
    assert page.status_code == 200 and "Ticket code" in page.get_data(as_text=True)
    token = csrf_token(client, "/curator/checkin")
    r = client.post("/curator/checkin?lang=en", data={"code": door["code"], "csrf_token": token, "venue": "ich-workshop-room"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Checked in: 2 / 2" in html and "张三" in html and resident(seq=11) not in html
    r = client.post("/curator/checkin?lang=en", data={"code": door["code"], "csrf_token": token})
    assert r.status_code == 409 and "Already checked in at" in r.get_data(as_text=True)
    assert client.post("/curator/checkin", data={"code": door["code"]}).status_code == 400  # no CSRF token


def test_no_shows_lead_to_suspension(museum_runtime, door):
    rt, keys = museum_runtime, door["keys"]
    with rt.db.session() as s:
        activity_id = s.get(Session, door["session"]).activity_id
    number = resident(seq=77)
    base = local_now() - timedelta(days=10)
    for n in range(2):  # the workshop room's policy: 2 no-shows → 30 days
        with rt.db.session() as s:
            past = Session(activity_id=activity_id, starts=base + timedelta(days=n), ends=base + timedelta(days=n, hours=2),
                           capacity=5, remaining=5)
            s.add(past)
        service.book(rt.db, keys, service.parse_request(booking_body(past.id, number)), now=past.starts - timedelta(hours=3))
    counts = checkin.close_out(rt.db)
    assert counts["noshows"] == 2 and counts["suspended"] == 1
    with pytest.raises(service.Refused) as info:
        service.book(rt.db, keys, service.parse_request(booking_body(door["session"], number)),
                     now=local_now() - timedelta(hours=1))
    assert info.value.code == "banned"
    assert checkin.close_out(rt.db)["suspended"] == 0  # counted once


def test_capacity_change_and_cancellation_tell_visitors(client, door, museum_runtime):
    rt = museum_runtime
    log_in(client, "door")
    token = csrf_token(client, f"/curator/sessions/{door['session']}")
    r = client.post(f"/curator/sessions/{door['session']}/capacity", data={"capacity": "1", "csrf_token": token})
    assert r.status_code == 409 and "2" in r.get_data(as_text=True)  # two places are booked
    r = client.post(f"/curator/sessions/{door['session']}/capacity", data={"capacity": "8", "csrf_token": token})
    assert r.status_code == 303
    with rt.db.session() as s:
        row = s.get(Session, door["session"])
        assert (row.capacity, row.remaining) == (8, 6)
        assert s.scalar(select(OutboxMail).where(OutboxMail.subject.like("名额变更%"))) is not None
    r = client.post(f"/curator/sessions/{door['session']}/cancel", data={"confirm": "yes", "csrf_token": token})
    assert r.status_code == 303
    with rt.db.session() as s:
        assert s.scalar(select(Booking.status).where(Booking.code == door["code"])) == "cancelled"
        mail = s.scalar(select(OutboxMail).where(OutboxMail.subject.like("活动取消%")))
        assert mail is not None and mail.recipient == "v@example.org"
    r = client.post(f"/curator/sessions/{door['session']}/cancel", data={"confirm": "yes", "csrf_token": token})
    assert r.status_code == 409
    # staff of another venue may not
    other = client.application.test_client()
    log_in(other, "museumdoor")
    assert other.get(f"/curator/sessions/{door['session']}").status_code in (403, 404)


def test_exports_and_logs_hold_no_id_or_phone_in_full(client, door, museum_runtime, caplog):
    caplog.set_level(logging.DEBUG)
    rt = museum_runtime
    number, phone = resident(seq=11), "13812345678"
    log_in(client, "door")
    assert post(client, door, {"code": door["qr"]}).status_code == 200
    csv_text = client.get(f"/curator/sessions/{door['session']}/attendees.csv").get_data(as_text=True)
    assert "3407**********" in csv_text and "张三" in csv_text
    pdf = client.get(f"/curator/sessions/{door['session']}/attendees.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    report = client.get(f"/curator/api/sessions/{door['session']}", headers={"Authorization": f"Bearer {door['token']}"})
    ticket = client.get(f"/tickets/{door['code']}?token={door['manage']}")
    ics = client.get(f"/tickets/{door['code']}.ics")
    rt.db.dispose()  # no connection (nor the checkpointer's) left to change the files while they are read
    db_file = rt.settings.database_url.split("///", 1)[-1] if rt.settings.database_url.startswith("sqlite") else None
    blobs = [csv_text.encode(), pdf.data, report.data, ticket.data, ics.data, caplog.text.encode()]
    if db_file:
        from pathlib import Path

        for path in Path(db_file).parent.glob(Path(db_file).name + "*"):
            try:
                blobs.append(path.read_bytes())
            except FileNotFoundError:  # a -shm or -wal SQLite removed with its last connection: nothing left in it
                pass
    else:
        with rt.db.engine.connect() as connection:
            for table in ("booking", "booking_attendee", "audit", "mail_outbox", "booking_claim"):
                blobs.append(repr(connection.exec_driver_sql(f"SELECT * FROM {table}").fetchall()).encode())
    for blob in blobs:
        for secret in (number, phone, "E12345678"):
            assert secret.encode() not in blob
            assert secret.encode("utf-16-le") not in blob
    assert re.search(rb"3407\*{10}", blobs[0])


def test_activities_file_in_the_workspace(client, door):
    from tests.support.bookings import ACTIVITIES_YAML

    log_in(client, "door")
    token = csrf_token(client, "/curator/activities")
    ich_only = "venues:\n" + ACTIVITIES_YAML.split("  - slug: ich-workshop-room", 1)[1].join(["  - slug: ich-workshop-room", ""])
    import io

    r = client.post("/curator/activities?lang=en", data={"csrf_token": token, "file": (io.BytesIO(ich_only.encode()), "a.yaml")},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and "Loaded" in r.get_data(as_text=True)
    bad = ich_only.replace("capacity: 20", "capacity: twenty")
    r = client.post("/curator/activities?lang=en", data={"csrf_token": token, "file": (io.BytesIO(bad.encode()), "a.yaml")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "capacity must be a whole number" in r.get_data(as_text=True)
    r = client.post("/curator/activities?lang=en", data={"csrf_token": token, "file": (io.BytesIO(ACTIVITIES_YAML.encode()), "a.yaml")},
                    content_type="multipart/form-data")
    assert r.status_code == 403  # the file names the copper museum too, which this account does not staff
