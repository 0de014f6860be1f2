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
