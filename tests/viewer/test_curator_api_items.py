"""GET|PATCH /curator/api/items/<item> with ETags, publish/withdraw, history and restore."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from exhibits import editing
from exhibits.accounts_models import ItemRevision
from exhibits.identity import SYSTEM
from tests.support.curators import add_users


@pytest.fixture
def api(app, museum_runtime, ingested, cli):
    add_users(museum_runtime)
    token = cli("user", "token", "copper").stdout.splitlines()[0]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def call(method: str, path: str, **kwargs):
        extra = kwargs.pop("headers", {})
        return client.open(path, method=method, headers={**headers, **extra}, **kwargs)

    return call


def test_get_gives_drafts_with_an_etag(api):
    answer = api("GET", "/curator/api/items/cu-draft")
    assert answer.status_code == 200 and answer.headers["ETag"].startswith('"')
    body = answer.json
    assert body["publication"] == "draft" and body["title"] == {"zh": ["未发布"], "en": ["Unpublished"]}
    assert body["id"] == "cu-draft" and body["museum"] == "copper"


def test_patch_with_the_current_etag_changes_the_fields_and_records_history(api, museum_runtime, client):
    tag = api("GET", "/curator/api/items/cu-ding").headers["ETag"]
    changed = api("PATCH", "/curator/api/items/cu-ding", headers={"If-Match": tag},
                  json={"title": {"zh": ["兽面纹铜鼎"], "en": ["<script>alert('x')</script> Ding"]},
                        "material": {"zh": ["青铜"], "en": ["bronze", "tin"]}, "date_end": -1000})
    assert changed.status_code == 200, changed.json
    assert changed.headers["ETag"] != tag
    assert changed.json["title"]["zh"] == ["兽面纹铜鼎"] and changed.json["date_end"] == -1000
    page = client.get("/items/cu-ding?lang=en").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page and "<script>alert('x')" not in page
    manifest = client.get("/iiif/items/cu-ding/manifest")
    assert manifest.mimetype == "application/json"  # stored as text, a JSON string, never markup
    assert manifest.json["label"]["en"] == ["<script>alert('x')</script> Ding"]
    assert client.get("/api/search?q=兽面纹铜鼎").json["total"] == 1  # re-indexed in the same step
    with museum_runtime.db.session() as session:
        revision = session.scalars(select(ItemRevision)).one()
    assert revision.actor == "copper" and sorted(revision.after) == ["date_end", "material", "title"]
    assert revision.before["date_end"] == -1046


def test_a_stale_etag_gets_412_and_nothing_is_overwritten(api):
    tag = api("GET", "/curator/api/items/cu-ding").headers["ETag"]
    first = api("PATCH", "/curator/api/items/cu-ding", headers={"If-Match": tag}, json={"title": {"zh": ["甲"]}})
    assert first.status_code == 200
    second = api("PATCH", "/curator/api/items/cu-ding", headers={"If-Match": tag}, json={"title": {"zh": ["乙"]}})
    assert second.status_code == 412 and second.json["current"]["title"] == {"zh": ["甲"]}
    assert second.headers["ETag"] == first.headers["ETag"]
    assert api("GET", "/curator/api/items/cu-ding").json["title"] == {"zh": ["甲"]}
    assert api("PATCH", "/curator/api/items/cu-ding", json={"title": {"zh": ["丙"]}}).status_code == 428


@pytest.mark.parametrize("body, field", [
    ({"title": {}}, "title"),
    ({"title": {"xx": ["x"]}}, "title.xx"),
    ({"date_start": "1850s"}, "date_start"),
    ({"date_start": 100, "date_end": 50}, "date_end"),
    ({"section": "nowhere"}, "section"),
    ({"publication": "published"}, "publication"),
    ({"description": {"en": ["x" * 20_001]}}, "description.en"),
    ({"title": {"zh": ["a\x00b"]}}, "title.zh"),
    ({"material": "bronze"}, "material"),
])
def test_invalid_fields_are_named(api, body, field):
    tag = api("GET", "/curator/api/items/cu-ding").headers["ETag"]
    answer = api("PATCH", "/curator/api/items/cu-ding", headers={"If-Match": tag}, json=body)
    assert answer.status_code == 400 and field in answer.json["fields"], answer.json
    assert api("GET", "/curator/api/items/cu-ding").headers["ETag"] == tag


def test_publish_and_withdraw_through_the_api(api, client):
    assert api("POST", "/curator/api/items/cu-draft/publish").json["publication"] == "published"
    assert client.get("/items/cu-draft").status_code == 200
    assert api("POST", "/curator/api/items/cu-draft/withdraw").json["publication"] == "withdrawn"
    assert client.get("/items/cu-draft").status_code == 404
    assert api("POST", "/curator/api/items/nothing/publish").status_code == 404


def test_restore_an_earlier_version(museum_runtime, ingested):
    runtime = museum_runtime
    with runtime.db.session() as session:
        from exhibits.curation import get_item

        tag = editing.etag(get_item(session, SYSTEM, "cu-mirror"))
    _, tag, _ = editing.edit(runtime, SYSTEM, "cu-mirror", {"title": {"zh": ["一"]}}, tag)
    _, tag, _ = editing.edit(runtime, SYSTEM, "cu-mirror", {"title": {"zh": ["二"]}, "period": {"zh": ["东汉"]}}, tag)
    with runtime.db.session() as session:
        first, second = sorted(r.id for r in session.scalars(select(ItemRevision)))
    record, tag, changed = editing.restore(runtime, SYSTEM, "cu-mirror", first, tag)
    assert changed and record["title"] == {"zh": ["一"]} and record["period"] == {"zh": ["西汉"]}
    record, tag, _ = editing.restore(runtime, SYSTEM, "cu-mirror", 0, tag)
    assert record["title"] == {"zh": ["四乳四虺镜"], "en": ["Mirror with four nipples"]}
    with runtime.db.session() as session:
        assert [r.action for r in session.scalars(select(ItemRevision).order_by(ItemRevision.id))] == [
            "edit", "edit", "restore", "restore"]
