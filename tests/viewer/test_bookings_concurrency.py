"""Never oversold: 200 concurrent booking requests for 20 places over real HTTP (SQLite, and PostgreSQL with
JINSHI_TEST_DATABASE=postgres)."""
import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from exhibits.bookings.models import Booking, Session
from tests.support.bookings import booking_body, first_session, load, people
from tests.support.live import serve


@pytest.mark.parametrize("waitlist", [True, False])
def test_200_concurrent_requests_for_20_places(museum_runtime, tmp_path, waitlist):
    from viewer.app import create_app

    # one client address sends all 200: the per-client booking limit is off, as for the benchmark
    museum_runtime.settings = dataclasses.replace(museum_runtime.settings, rate_limits="off")
    app = create_app(runtime=museum_runtime, TESTING=True)
    load(museum_runtime, tmp_path)
    session_id = first_session(museum_runtime)
    numbers = people(200)
    with serve(app) as url:
        def attempt(number: str):
            with requests.Session() as http:
                r = http.post(f"{url}/api/bookings", json=booking_body(session_id, number, waitlist=waitlist), timeout=60)
                return r.status_code, r.json()

        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(attempt, numbers))
    statuses = [body.get("status") or body.get("error") for _, body in answers]
    assert statuses.count("confirmed") == 20, statuses
    if waitlist:
        assert statuses.count("waitlisted") == 180
        assert {code for code, _ in answers} == {201}
    else:
        assert statuses.count("full") == 180
        assert {code for code, body in answers if body.get("error")} == {409}
    with museum_runtime.db.session() as s:
        row = s.get(Session, session_id)
        confirmed = s.scalar(select(func.coalesce(func.sum(Booking.size), 0)).where(
            Booking.session_id == session_id, Booking.status == "confirmed"))
        total = s.scalar(select(func.count()).select_from(Booking))
    assert row.remaining == 0 and confirmed == 20
    assert total == (200 if waitlist else 20)  # refused requests left nothing behind
