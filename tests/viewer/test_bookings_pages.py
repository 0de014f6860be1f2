"""Booking pages without JavaScript: calendar, activity, form (errors in the visitor's language, nothing
half-booked), ticket with its manage actions, and the rate limit."""
import dataclasses
import re

import pytest
from sqlalchemy import func, select

from exhibits.bookings.models import Booking
from tests.support.bookings import first_session, load, resident


@pytest.fixture
def pages(app, museum_runtime, tmp_path):
    load(museum_runtime, tmp_path)
    return app.test_client(), first_session(museum_runtime)


def form_data(page_html: str, **fields) -> dict:
    key = re.search(r'name="request_key" value="([^"]+)"', page_html).group(1)
    data = {"request_key": key, "name": "王小明", "phone": "13912345678", "id_type": "resident",
            "id_number": resident(seq=42), "consent": "yes", "waitlist": "yes"}
    data.update(fields)
    return data


@pytest.mark.parametrize("lang, words", [("zh", ["预约参观", "余票", "剪纸体验课", "星期"]), ("en", ["Book a visit", "Places left"]),
                                         ("zh-Hant", ["預約參觀", "餘票"])])
def test_calendar_in_three_languages(pages, lang, words):
    client, _ = pages
    html = client.get(f"/activities?lang={lang}").get_data(as_text=True)
    for word in words:
        assert word in html
    assert "Paper-cutting &lt;workshop&gt; &amp; tea" in client.get("/activities?lang=en").get_data(as_text=True)


def test_calendar_filters(pages):
    client, _ = pages
    html = client.get("/activities?kind=workshop&lang=en").get_data(as_text=True)
    assert "Paper-cutting" in html and "Timed entry</a>" not in html
    assert client.get("/activities?day=not-a-date").status_code == 400


def test_book_through_the_form(pages, museum_runtime):
    client, session_id = pages
    url = f"/activities/paper-cutting/sessions/{session_id}/book?lang=en"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="consent"' in html and "keyed hash" in html
    data = form_data(html, **{"party-0-name": "王小红", "party-0-id_type": "passport", "party-0-id_number": "E12345678"})
    r = client.post(url, data=data)
    assert r.status_code == 303
    ticket = client.get(r.headers["Location"])
    text = ticket.get_data(as_text=True)
    assert ticket.status_code == 200 and "Confirmed" in text and "qr.svg" in text and "E1*****78" in text
    assert ticket.headers["Referrer-Policy"] == "no-referrer" and "no-store" in ticket.headers["Cache-Control"]
    assert resident(seq=42) not in text and "13912345678" not in text
    # the same form again (double submit): the same ticket, one booking
    again = client.post(url, data=data)
    assert again.status_code == 303 and again.headers["Location"] == r.headers["Location"]
    with museum_runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Booking)) == 1
    # manage: cancel, then erase
    token = re.search(r'name="token" value="([^"]+)"', text).group(1)
    code = re.search(r"/tickets/([0-9A-Z]{16})", r.headers["Location"]).group(1)
    assert client.post(f"/tickets/{code}/cancel", data={"token": "wrong"}).status_code == 404
    done = client.post(f"/tickets/{code}/cancel?lang=en", data={"token": token})
    assert done.status_code == 303
    assert "Your booking is cancelled." in client.get(done.headers["Location"]).get_data(as_text=True)
    erased = client.post(f"/tickets/{code}/erase?lang=en", data={"token": token})
    assert erased.status_code == 303
    with museum_runtime.db.session() as s:
        row = s.scalar(select(Booking))
        assert row.anonymised and row.name == "" and row.phone_masked == ""
    assert "王小明" not in client.get(erased.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("change, field, words", [
    ({"id_number": "34070219900230123X"}, "id_number", "出生日期不存在"),
    ({"consent": ""}, "consent", "请先同意个人信息保护"),
    ({"party-0-name": "王小红", "party-0-id_number": "110105194912310021"}, "party-0-id_number", "校验码"),
])
def test_form_errors_name_the_field_in_chinese(pages, museum_runtime, change, field, words):
    client, session_id = pages
    url = f"/activities/paper-cutting/sessions/{session_id}/book?lang=zh"
    data = form_data(client.get(url).get_data(as_text=True), **change)
    r = client.post(url, data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and words in html and 'role="alert"' in html
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', html)
    assert 'value="王小明"' in html  # what was typed stays, except document numbers
    assert resident(seq=42) not in html
    with museum_runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Booking)) == 0


def test_rate_limited_in_the_visitors_language(museum_runtime, tmp_path):
    from viewer.app import create_app

    load(museum_runtime, tmp_path)
    session_id = first_session(museum_runtime)
    museum_runtime.settings = dataclasses.replace(museum_runtime.settings, rate_limits="booking=3/minute")
    client = create_app(runtime=museum_runtime, TESTING=True).test_client()
    answers = [client.post("/api/bookings?lang=en", json={"session": session_id}).status_code for _ in range(4)]
    assert answers == [400, 400, 400, 429]
    r = client.post("/api/bookings?lang=zh", json={"session": session_id})
    assert r.status_code == 429 and "请一分钟后再试" in r.get_json()["message"]
    # the limiter's seconds until its window resets (59 once a second has passed since the first request)
    assert 0 < int(r.headers["Retry-After"]) <= 60
