"""Every curator route and API endpoint, walked as: anonymous, curator of art, curator of copper, admin.

The copper museum's records are the target: its curator and the admin get in, the art curator
gets 403, anonymous visitors are sent to the login page (pages) or get 401 (API). A curator
route this table does not know must at least keep anonymous visitors out.
"""
from __future__ import annotations

import pytest

from exhibits import accounts
from exhibits.halls import load_halls
from exhibits.identity import SYSTEM
from tests.support.curators import PASSWORD, csrf_token, log_in

ART = """\
museums:
  - slug: art
    title: {zh: 铜陵美术馆, en: Tongling Art Museum}
    halls:
      - slug: paintings
        title: {zh: 书画, en: Paintings}
"""
ARGS = {"item_id": "cu-ding", "museum_slug": "copper", "hall_slug": "bronze-vessels", "section_slug": "shang",
        "revision_id": "0", "action": "draft"}
#: (method, rule) → form data for the request; None: the route is about copper's records (403 for art).
COPPER = {
    ("GET", "/curator/items/<item_id>"): {},
    ("POST", "/curator/items/<item_id>"): {"title.zh": "兽面纹鼎"},
    ("POST", "/curator/items/<item_id>/publication"): {"action": "publish"},
    ("POST", "/curator/items/<item_id>/restore/<int:revision_id>"): {},
    ("POST", "/curator/items/<item_id>/assets"): {},
    ("POST", "/curator/items/<item_id>/delete"): {"confirm": "not-this"},
    ("GET", "/curator/halls/<hall_slug>"): {},
    ("POST", "/curator/halls/<hall_slug>"): {"title.zh": "青铜容器"},
    ("POST", "/curator/halls/<hall_slug>/publication"): {"action": "publish"},
    ("POST", "/curator/halls/<hall_slug>/sections"): {"slug": "matrix", "title.zh": "矩阵"},
    ("POST", "/curator/halls/<hall_slug>/sections/<section_slug>"): {"title.zh": "商代青铜器"},
    ("POST", "/curator/halls/<hall_slug>/order"): {"order": ["shang", "zhou"]},
    ("POST", "/curator/halls/museums/<museum_slug>/halls"): {"slug": "matrix-hall", "title.zh": "矩阵"},
    ("POST", "/curator/halls/museums/<museum_slug>/order"): {"order": ["bronze-vessels", "mirrors"]},
    ("GET", "/curator/api/items/<item_id>"): {},
    ("PATCH", "/curator/api/items/<item_id>"): {},
    ("POST", "/curator/api/items/<item_id>/<action>"): {},
}
#: Routes every curator may open (they show only the curator's own museums).
ANY_CURATOR = {
    ("GET", "/curator/"), ("GET", "/curator/items/"), ("POST", "/curator/items/bulk"), ("GET", "/curator/halls/"),
    ("GET", "/curator/halls/halls.yaml"), ("GET", "/curator/api/me"), ("POST", "/curator/logout"),
}
ADMIN_ONLY = {("GET", "/curator/audit/"), ("GET", "/curator/audit/audit.csv"), ("POST", "/curator/halls/museums")}
PUBLIC = {("GET", "/curator/login"), ("POST", "/curator/login")}


def curator_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/curator"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, rule.rule))
    return sorted(routes)


def url(app, rule: str) -> str:
    for r in app.url_map.iter_rules():
        if r.rule == rule:
            return app.url_map.bind("museum.test").build(r.endpoint, {k: ARGS.get(k, "1") for k in r.arguments})
    raise AssertionError(rule)


@pytest.fixture
def matrix(app, museum_runtime, ingested, tmp_path):
    art = tmp_path / "art.yaml"
    art.write_text(ART, encoding="utf-8")
    load_halls(museum_runtime.db, art)
    with museum_runtime.db.session() as session:
        accounts.add_user(session, SYSTEM, "art", "curator", PASSWORD, museums=["art"])
        accounts.add_user(session, SYSTEM, "copper", "curator", PASSWORD, museums=["copper"])
        accounts.add_user(session, SYSTEM, "admin", "admin", PASSWORD)
    clients = {"anonymous": app.test_client()}
    for name in ("art", "copper", "admin"):
        clients[name] = app.test_client()
        log_in(clients[name], name)
    return clients


def _request(app, client, method: str, rule: str, data: dict | None):
    path = url(app, rule)
    token = csrf_token(client)
    if rule.startswith("/curator/api/"):
        headers = {"X-CSRFToken": token}
        if method == "PATCH":
            etag = client.get(path).headers.get("ETag") or '"none"'
            return client.patch(path, json={"title": {"zh": ["兽面纹鼎"]}}, headers={**headers, "If-Match": etag})
        return client.open(path, method=method, headers=headers)
    data = dict(data or {})
    if rule == "/curator/items/<item_id>" and method == "POST":
        data["etag"] = client.get("/curator/api/items/cu-ding").headers.get("ETag", "")
    return client.open(path, method=method, data={"csrf_token": token, **data})


def expected(role: str, key: tuple[str, str]) -> set[int]:
    api = key[1].startswith("/curator/api/")
    if key in PUBLIC:
        return {200, 302, 401}
    if role == "anonymous":
        return {401} if api else {302}
    if key in ADMIN_ONLY:
        return {200, 302} if role == "admin" else {403}
    if key in COPPER:
        return {403} if role == "art" else {200, 302}
    return {200, 302}


def test_every_curator_route_answers_each_role(app, matrix):
    routes = curator_routes(app)
    known = set(COPPER) | ANY_CURATOR | ADMIN_ONLY | PUBLIC
    failures = []
    for role in ("anonymous", "art", "admin", "copper"):  # logout last for each signed-in role
        for key in sorted(routes, key=lambda k: k == ("POST", "/curator/logout")):
            method, rule = key
            if key == ("POST", "/curator/login"):
                continue
            answer = _request(app, matrix[role], method, rule, COPPER.get(key))
            allowed = expected(role, key) if key in known else ({401, 302, 403, 404, 405} if role == "anonymous" else None)
            if allowed is not None and answer.status_code not in allowed:
                failures.append(f"{role} {method} {rule}: {answer.status_code}, expected {sorted(allowed)}")
            if role == "anonymous" and answer.status_code == 302:
                assert answer.headers["Location"].startswith("/curator/login"), (method, rule)
    assert not failures, "\n".join(failures)
    assert {k for k in routes if k[1].startswith("/curator")} >= known - {("POST", "/curator/login")}


def test_the_art_curator_sees_nothing_of_copper_in_lists(app, matrix):
    art = matrix["art"]
    assert "cu-ding" not in art.get("/curator/items/").get_data(as_text=True)
    assert "bronze-vessels" not in art.get("/curator/halls/").get_data(as_text=True)
    assert "copper" not in art.get("/curator/halls/halls.yaml").get_data(as_text=True)
    assert art.get("/items/cu-draft").status_code == 404  # no preview of another museum's draft
    assert art.post("/curator/items/bulk", data={"csrf_token": csrf_token(art), "item": "cu-ding",
                                                 "action": "withdraw"}).status_code == 403
    assert app.test_client().get("/items/cu-ding").status_code == 200  # nothing was withdrawn
