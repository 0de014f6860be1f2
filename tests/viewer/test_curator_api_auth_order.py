"""Every curator API route and verb: who is asking is decided before the CSRF check (DESIGN.md: 401 without
credentials, 403 outside the user's museums or venues), and a cookie login still needs the CSRF header."""
from __future__ import annotations

import pytest

from exhibits import accounts
from exhibits.identity import SYSTEM
from tests.support.curators import PASSWORD, csrf_token, log_in

SAFE = {"GET", "HEAD", "OPTIONS"}


def api_routes(app) -> list[tuple[str, str]]:
    """(method, URL) of every curator API rule, arguments filled with a value their converter accepts."""
    adapter = app.url_map.bind("museum.test")
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/curator/api/"):
            continue
        values = {}
        for name in rule.arguments:
            items = getattr(rule._converters.get(name), "items", None)
            values[name] = sorted(items)[0] if items else "1"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, adapter.build(rule.endpoint, values)))
    return sorted(set(routes))


def test_the_walk_covers_every_verb_of_the_api(app):
    methods = {m for m, _ in api_routes(app)}
    urls = {u for _, u in api_routes(app)}
    assert {"GET", "POST", "PATCH", "DELETE"} <= methods
    assert {"/curator/api/checkins", "/curator/api/checkins/lookup", "/curator/api/jobs", "/curator/api/uploads/"} <= urls


def test_without_credentials_every_route_answers_401_not_a_csrf_400(app, client):
    for method, url in api_routes(app):
        answer = client.open(url, method=method, json={"code": "ABCD"})
        assert answer.status_code == 401, (method, url, answer.status_code)
        assert answer.json["error"] == "unauthorized" and answer.headers["WWW-Authenticate"].startswith("Bearer")
        forged = client.open(url, method=method, json={}, headers={"Authorization": "Bearer jst_forged"})
        assert forged.status_code == 401, (method, url, forged.status_code)


def test_a_cookie_login_without_the_csrf_header_is_refused_on_every_unsafe_verb(app, museum_runtime):
    with museum_runtime.db.session() as session:
        accounts.add_user(session, SYSTEM, "door", "curator", PASSWORD, venues=("ich-workshop-room",))
    client = app.test_client()
    log_in(client, "door")
    unsafe = [(m, u) for m, u in api_routes(app) if m not in SAFE]
    assert unsafe
    for method, url in unsafe:
        answer = client.open(url, method=method, json={})
        assert answer.status_code == 400 and "CSRF" in answer.get_data(as_text=True), (method, url, answer.status_code)
    # with the header, the request reaches the view: a check-in outside the user's venues is 403, not 400 or 401
    token = csrf_token(client, "/curator/")
    answer = client.post("/curator/api/checkins/by-document", json={"venue": "copper-museum", "id_number": "E12345678",
                                                                    "id_type": "passport"},
                         headers={"X-CSRFToken": token})
    assert answer.status_code == 403 and answer.json["error"] == "forbidden"
