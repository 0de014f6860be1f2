"""The audit log page and its CSV export: admins only, filters, no addresses, no formulas."""
from __future__ import annotations

import csv
import io

import pytest

from tests.support.curators import add_users, log_in


@pytest.fixture
def admin(app, museum_runtime):
    add_users(museum_runtime)
    log_in(app.test_client(), "copper", "wrong password!!")
    log_in(app.test_client(), "=HYPERLINK(\"http://evil\")", "whatever at all")
    client = app.test_client()
    log_in(client, "admin")
    return client


def test_admins_see_and_filter_the_log(admin):
    page = admin.get("/curator/audit/").get_data(as_text=True)
    assert "login.failed" in page and "user:copper" in page and "127.0.0.1" not in page
    only = admin.get("/curator/audit/?action=login").get_data(as_text=True)
    assert "login.failed" not in only.split("<tbody>")[1] and "user:admin" in only
    prefix = admin.get("/curator/audit/?target=user:copper").get_data(as_text=True)
    assert "wrong password" in prefix and "user:admin" not in prefix.split("<tbody>")[1]
    bad_date = admin.get("/curator/audit/?from=yesterday")
    assert bad_date.status_code == 200 and "YYYY-MM-DD" in bad_date.get_data(as_text=True)


def test_csv_export_is_filtered_and_safe_for_spreadsheets(admin):
    answer = admin.get("/curator/audit/audit.csv?action=login.failed")
    assert answer.mimetype == "text/csv" and answer.headers["Cache-Control"] == "private, no-store"
    text = answer.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["at", "actor", "action", "target", "details"]
    assert [r[2] for r in rows[1:]] == ["login.failed", "login.failed"]
    assert rows[2][3] == 'user:=HYPERLINK("http://evil")'
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert "127.0.0.1" not in text


def test_curators_may_not_read_the_log(app, museum_runtime, admin):
    client = app.test_client()
    log_in(client, "copper")
    assert client.get("/curator/audit/").status_code == 403
    assert client.get("/curator/audit/audit.csv").status_code == 403
    assert "/curator/audit/" not in client.get("/curator/").get_data(as_text=True)


def test_cells_that_spreadsheets_would_run_are_quoted():
    from exhibits.audit_view import _cell

    assert [_cell(v) for v in ("=1+1", "+1", "-2", "@SUM(A1)", "item:x", "")] == ["'=1+1", "'+1", "'-2", "'@SUM(A1)", "item:x", ""]
