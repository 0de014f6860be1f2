"""Headless Chromium on a 390-px phone: booking a workshop end to end (calendar → session → form → ticket whose QR
code decodes, with zxing-cpp, to the signed ticket), then checking it in on the staff page by typed code."""
from tests.support.live import wait_until
import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from exhibits import accounts
from exhibits.bookings.models import Activity, Booking, Session, local_now
from exhibits.bookings.tickets import TicketSigner
from exhibits.identity import SYSTEM
from tests.support.bookings import load, resident
from tests.support.curators import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def today_workshop(museum_runtime, tmp_path):
    """The activities, a staff account for the workshop room, and a workshop session today that is still bookable."""
    load(museum_runtime, tmp_path)
    now = local_now()
    starts = min(now + timedelta(minutes=50), now.replace(hour=23, minute=50))
    with museum_runtime.db.session() as s:
        accounts.add_user(s, SYSTEM, "door", "curator", PASSWORD, venues=("ich-workshop-room",))
        activity = s.scalar(select(Activity).where(Activity.slug == "paper-cutting"))
        row = Session(activity_id=activity.id, starts=starts, ends=starts + timedelta(minutes=9), capacity=4, remaining=4)
        s.add(row)
    return row.id


def test_book_a_workshop_on_a_phone_and_check_it_in(live_url, chromium, museum_runtime, today_workshop):
    page = chromium.new_page(**PHONE)
    page.goto(f"{live_url}/activities?kind=workshop&lang=en")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    book = page.locator(f"a[href*='/sessions/{today_workshop}/book']")
    box = book.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # tap target
    book.click()
    page.fill("#name", "王小明")
    page.fill("#phone", "139 1234 5678")
    page.fill("#id_number", resident(seq=42))
    page.fill("#party-0-name", "王小红")
    page.select_option("#party-0-id_type", "passport")
    page.fill("#party-0-id_number", "E12345678")
    page.check("#consent")
    page.click(".book-form button[type=submit]")
    page.wait_for_url("**/tickets/**")
    assert "Confirmed" in page.inner_text(".ticket-status")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    qr = page.locator(".ticket-qr img")
    qr.wait_for()
    wait_until(page, "document.querySelector('.ticket-qr img').complete")
    shot = Image.open(io.BytesIO(qr.screenshot()))
    import zxingcpp

    [decoded] = zxingcpp.read_barcodes(shot)
    code = TicketSigner(museum_runtime.settings.secret_key).code_of(decoded.text)
    with museum_runtime.db.session() as s:
        booking = s.scalar(select(Booking))
    assert code == booking.code and booking.status == "confirmed"
    text = page.content()
    assert resident(seq=42) not in text and "13912345678" not in text

    staff = chromium.new_page(**PHONE)
    staff.goto(f"{live_url}/curator/login?next=/curator/checkin%3Flang%3Den")
    staff.fill("#login-name", "door")
    staff.fill("#login-password", PASSWORD)
    staff.click("button.primary")
    staff.wait_for_url("**/curator/checkin**")
    staff.fill("#code", "-".join(code[i:i + 4] for i in range(0, 16, 4)).lower())
    staff.click("#code-form button[type=submit]")
    staff.wait_for_selector("#checkin-result")
    result = staff.inner_text("#checkin-result")
    assert "Checked in: 2 / 2" in result and "王小明" in result and "3407**********" in result
    staff.fill("#code", code)
    staff.click("#code-form button[type=submit]")
    staff.wait_for_selector(".checkin-refused")
    assert "Already checked in at" in staff.inner_text("#checkin-result")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390


def test_booking_pages_pass_axe_wcag_21_aa(live_url, chromium, museum_runtime, today_workshop):
    """axe-core finds no WCAG 2.1 A/AA violations on the calendar, activity, form (with an error), ticket and door."""
    from exhibits.bookings import service
    from tests.support.bookings import booking_body

    keys = service.Keys.from_secret(museum_runtime.settings.secret_key)
    booked = service.book(museum_runtime.db, keys, service.parse_request(booking_body(today_workshop)))
    page = chromium.new_page(**PHONE)
    form = f"/activities/paper-cutting/sessions/{today_workshop}/book"
    paths = ["/activities", "/activities?lang=en&kind=workshop", "/activities?lang=zh-Hant", "/activities/paper-cutting",
             f"{form}?lang=en", f"/tickets/{booked.booking.code}?token={booked.manage_token}",
             f"/tickets/{booked.booking.code}?lang=en"]
    for path in paths + ["error-form", "/curator/checkin?lang=en", f"/curator/sessions/{today_workshop}"]:
        if path == "error-form":
            page.goto(f"{live_url}{form}?lang=en")
            page.fill("#name", "x")
            page.click(".book-form button[type=submit]")
            page.wait_for_selector("#form-error")
        elif path.startswith("/curator/checkin"):
            page.goto(f"{live_url}/curator/login?next={path.replace('?', '%3F').replace('=', '%3D')}")
            page.fill("#login-name", "door")
            page.fill("#login-password", PASSWORD)
            page.click("button.primary")
            page.wait_for_url("**/curator/checkin**")
        else:
            page.goto(f"{live_url}{path}")
        page.add_script_tag(url=f"{live_url}/vendor/axe-core/axe.min.js")
        result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        problems = [(v["id"], v["nodes"][0]["target"]) for v in result["violations"]]
        assert problems == [], f"{path}: {problems}"
    page.close()
