"""The activities file: validation with line numbers, recurring sessions with exceptions, reload in place."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from exhibits.bookings.activities import ActivitiesFileError, parse_activities
from exhibits.bookings.models import Activity, Session
from tests.support.bookings import ACTIVITIES_YAML, load


def test_recurring_sessions_skip_closed_days_and_exceptions():
    text = """\
venues:
  - slug: hall
    title: {zh: 馆, en: Hall}
    closed: [2027-01-05]
    closed_days: [mon]
    activities:
      - slug: lecture
        title: {zh: 讲座, en: Lecture}
        kind: lecture
        capacity: 80
        sessions:
          - {days: [mon, tue, sat], times: ["09:00-10:00", "14:30-16:00"], from: 2027-01-01, to: 2027-01-14, except: [2027-01-09]}
          - {dates: [2027-01-20], times: ["19:00-21:00"]}
"""
    [venue] = parse_activities(text)
    [activity] = venue.activities
    days = sorted({s.date() for s, _ in activity.sessions})
    # Tuesdays 5 (closed) and 12, Saturdays 2 and 9 (excepted); Mondays closed; plus the one-off 20th
    assert days == [date(2027, 1, 2), date(2027, 1, 12), date(2027, 1, 20)]
    assert (datetime(2027, 1, 2, 14, 30), datetime(2027, 1, 2, 16, 0)) in activity.sessions
    assert len(activity.sessions) == 5


def test_every_problem_is_reported_with_its_line():
    text = """\
venues:
  - slug: Bad Slug
    title: {zh: 馆}
    activities:
      - slug: a
        title: {zh: 甲}
        kind: party
        capacity: -5
        per_booking: many
        opens_at: "25:00"
        sessions: {days: [mon, someday], times: ["10:00-09:00"], from: 2027-02-01, to: 2027-01-01}
"""
    with pytest.raises(ActivitiesFileError) as info:
        parse_activities(text)
    problems = "\n".join(info.value.problems)
    for expected in ("line 2: venue slug", "line 7: kind 'party'", "line 8: capacity must be between",
                     "line 9: per_booking must be a whole number", "line 10: opens_at", "someday",
                     "10:00-09:00 ends before it starts", "is before from"):
        assert expected in problems, (expected, problems)


def test_a_runaway_date_range_is_refused():
    text = ACTIVITIES_YAML.replace("to: today+14", "to: today+5000")
    with pytest.raises(ActivitiesFileError) as info:
        parse_activities(text)
    assert "spans at most" in "\n".join(info.value.problems)


def test_relative_dates(runtime, tmp_path):
    counts = load(runtime, tmp_path)
    assert counts["venues"] == 2 and counts["activities"] == 2
    with runtime.db.session() as s:
        starts = s.scalars(select(Session.starts).join(Activity).where(Activity.slug == "paper-cutting")).all()
    today = date.today()
    assert min(starts).date() >= today + timedelta(days=1) - timedelta(days=1)
    assert len(starts) == 20  # 10 days × 2 slots


def test_reload_updates_in_place_and_keeps_booked_sessions(runtime, tmp_path):
    from exhibits.bookings import service
    from tests.support.bookings import booking_body, first_session

    load(runtime, tmp_path)
    session_id = first_session(runtime)
    keys = service.Keys.from_secret("k")
    service.book(runtime.db, keys, service.parse_request(booking_body(session_id)))
    shorter = ACTIVITIES_YAML.replace("from: today+1, to: today+10", "from: today+5, to: today+10").replace(
        "capacity: 20", "capacity: 25")
    counts = load(runtime, tmp_path, shorter)
    assert any("has bookings: kept" in w for w in counts["warnings"])
    with runtime.db.session() as s:
        kept = s.get(Session, session_id)
        assert kept is not None and kept.capacity == 20 and kept.remaining == 19  # not in the file: untouched
        capacities = set(s.scalars(select(Session.capacity).join(Activity).where(
            Activity.slug == "paper-cutting", Session.id != session_id)))
        assert capacities == {25}
        total = s.scalar(select(func.count()).select_from(Session).join(Activity).where(Activity.slug == "paper-cutting"))
    assert total == 12 + 1  # days 5..10 × 2, plus the booked one kept


def test_the_demo_activities_file_stays_bookable(runtime):
    from exhibits.bookings import catalogue
    from exhibits.bookings.activities import load_activities
    from ingest.demo import ACTIVITIES_FILE

    counts = load_activities(runtime.db, ACTIVITIES_FILE)
    assert counts["venues"] == 2 and counts["activities"] == 4 and not counts["warnings"]
    with runtime.db.session() as s:
        states = {v.session.activity.slug for v in catalogue.sessions(s) if v.state == "open"}
    assert {"timed-entry", "paper-cutting", "niuge-performance"} <= states
