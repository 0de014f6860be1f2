"""Draft → published → withdrawn (→ draft): what the public, and curators, see on every surface."""
from __future__ import annotations

import pytest

from exhibits import curation
from exhibits.identity import SYSTEM
from tests.support.curators import add_users, log_in

BASE = "http://museum.test"


def surfaces(client, image_id: str) -> dict[str, bool]:
    """Which public surfaces show the ding (True: it is there)."""
    manifest = f"{BASE}/iiif/items/cu-ding/manifest"
    return {
        "page": client.get("/items/cu-ding").status_code == 200,
        "hall page": "/items/cu-ding" in client.get("/museums/copper/halls/bronze-vessels").get_data(as_text=True),
        "search": client.get("/api/search?q=兽面纹鼎").json["total"] == 1,
        "api": client.get("/api/items/cu-ding").status_code == 200,
        "manifest": client.get("/iiif/items/cu-ding/manifest").status_code == 200,
        "collection": manifest in client.get("/iiif/halls/bronze-vessels/collection").get_data(as_text=True),
        "info.json": client.get(f"/iiif/3/{image_id}/info.json").status_code == 200,
        "tile": client.get(f"/iiif/3/{image_id}/0,0,256,256/256,/0/default.jpg").status_code == 200,
        "thumbnail": client.get(f"/iiif/3/{image_id}/full/200,/0/default.jpg").status_code == 200,
    }


@pytest.fixture
def ding(ingested):
    return ingested["ding.jpg"].image_id


def test_every_public_surface_follows_the_publication(app, client, museum_runtime, ding):
    assert all(surfaces(client, ding).values()), surfaces(client, ding)
    for action, shown in [("withdraw", False), ("draft", False), ("publish", True)]:
        curation.set_publication(museum_runtime, SYSTEM, ["cu-ding"], action)
        seen = surfaces(client, ding)
        assert seen == {name: shown for name in seen}, (action, seen)


def test_withdrawn_tiles_are_refused_even_with_a_known_image_id(client, museum_runtime, ding):
    assert client.get(f"/iiif/3/{ding}/full/max/0/default.jpg").status_code == 200
    curation.withdraw(museum_runtime, SYSTEM, "cu-ding")
    answer = client.get(f"/iiif/3/{ding}/full/max/0/default.jpg")
    assert answer.status_code == 404 and answer.is_json
    assert client.get(f"/iiif/3/{ding}").status_code == 404


def test_curators_preview_drafts_as_visitors_will_see_them(app, museum_runtime, ding):
    add_users(museum_runtime)
    curation.back_to_draft(museum_runtime, SYSTEM, "cu-ding")
    copper = app.test_client()
    log_in(copper, "copper")
    page = copper.get("/items/cu-ding")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    html = page.get_data(as_text=True)
    assert "preview-banner" in html and "Ding with &lt;b&gt;taotie&lt;/b&gt;" in html
    tile = copper.get(f"/iiif/3/{ding}/full/200,/0/default.jpg")
    assert tile.status_code == 200 and tile.headers["Cache-Control"] == "private, no-store"
    assert copper.get("/iiif/items/cu-ding/manifest").headers["Cache-Control"] == "private, no-store"
    # still nothing for the public, nor for a curator of another museum
    other = app.test_client()
    log_in(other, "ich")
    for client in (app.test_client(), other):
        assert client.get("/items/cu-ding").status_code == 404
        assert client.get(f"/iiif/3/{ding}/full/200,/0/default.jpg").status_code == 404
    # a published item's page is the ordinary, cacheable one, without a banner
    curation.publish(museum_runtime, SYSTEM, "cu-ding")
    page = copper.get("/items/cu-ding")
    assert "preview-banner" not in page.get_data(as_text=True) and page.headers.get("Cache-Control") != "private, no-store"


def test_a_failed_item_cannot_be_published(museum_runtime, ingested):
    from exhibits.models import Item

    with museum_runtime.db.session() as session:
        session.get(Item, "cu-draft").state = "failed"
    with pytest.raises(curation.CurationError, match="failed, not ready"):
        curation.publish(museum_runtime, SYSTEM, "cu-draft")
