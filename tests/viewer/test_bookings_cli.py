"""``jinshi activities load``: counts, line-numbered refusals, nothing written on a bad file."""
from sqlalchemy import func, select

from exhibits.bookings.models import Session
from tests.support.bookings import ACTIVITIES_YAML


def test_load_and_refuse(cli, tmp_path, settings):
    good = tmp_path / "activities.yaml"
    good.write_text(ACTIVITIES_YAML, encoding="utf-8")
    result = cli("activities", "load", str(good))
    assert result.exit_code == 0, result.output
    assert "2 venues, 2 activities" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(ACTIVITIES_YAML.replace("capacity: 20\n", "capacity: lots\n"), encoding="utf-8")
    result = cli("activities", "load", str(bad))
    assert result.exit_code == 1
    assert "capacity must be a whole number" in result.output and "line 21" in result.output and "line 9" not in result.output
    again = cli("activities", "load", str(good))
    assert again.exit_code == 0 and "(0 new, 0 removed)" in again.output

    from exhibits.db import Database

    db = Database(settings.database_url)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Session)) > 20
    db.dispose()


def test_purge_anonymises_old_bookings(cli, tmp_path, settings):
    from datetime import timedelta

    from exhibits.bookings import service
    from exhibits.bookings.models import Activity, Attendee, Booking, local_now
    from exhibits.db import Database
    from tests.support.bookings import booking_body, resident

    path = tmp_path / "activities.yaml"
    path.write_text(ACTIVITIES_YAML, encoding="utf-8")
    assert cli("activities", "load", str(path)).exit_code == 0
    db = Database(settings.database_url)
    old = local_now() - timedelta(days=200)
    with db.session() as s:
        activity = s.scalar(select(Activity).where(Activity.slug == "paper-cutting"))
        past = Session(activity_id=activity.id, starts=old, ends=old + timedelta(hours=2), capacity=5, remaining=5)
        s.add(past)
    keys = service.Keys.from_secret(settings.secret_key)
    service.book(db, keys, service.parse_request(booking_body(past.id, resident(seq=5), email="old@example.org")),
                 now=old - timedelta(hours=3))
    result = cli("bookings", "purge", "--retention-days", "180")
    assert result.exit_code == 0 and "1 bookings anonymised" in result.output
    with db.session() as s:
        booking = s.scalar(select(Booking))
        assert booking.anonymised and booking.name == "" and booking.email == ""
        assert all(a.id_hash == "" and a.id_masked == "" and a.noshow for a in s.scalars(select(Attendee)))
    assert "0 bookings anonymised" in cli("bookings", "purge").output
    db.dispose()
