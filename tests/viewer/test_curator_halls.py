"""Museums, halls and sections arranged in the browser; hall publication; the halls file they make."""
from __future__ import annotations

import pytest

from exhibits.halls import load_halls, parse_halls
from tests.support.curators import add_users, csrf_token, log_in


@pytest.fixture
def copper(app, museum_runtime, ingested):
    add_users(museum_runtime)
    client = app.test_client()
    log_in(client, "copper")
    client.token = csrf_token(client, "/curator/halls/")
    return client


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": client.token, **data})


def test_a_new_hall_is_a_draft_until_published(copper, client):
    made = _post(copper, "/curator/halls/museums/copper/halls", slug="han-mirrors",
                 **{"title.zh": "汉代铜镜", "title.en": "Han <mirrors>", "summary.zh": "两汉铜镜"})
    assert made.status_code == 302 and made.headers["Location"] == "/curator/halls/han-mirrors"
    assert client.get("/museums/copper/halls/han-mirrors").status_code == 404
    assert "han-mirrors" not in client.get("/museums/copper").get_data(as_text=True)
    assert client.get("/iiif/halls/han-mirrors/collection").status_code == 404
    preview = copper.get("/museums/copper/halls/han-mirrors?lang=en")
    assert preview.status_code == 200 and "preview-banner" in preview.get_data(as_text=True)
    assert "Han &lt;mirrors&gt;" in preview.get_data(as_text=True)
    _post(copper, "/curator/halls/han-mirrors/publication", action="publish")
    assert client.get("/museums/copper/halls/han-mirrors").status_code == 200
    assert "han-mirrors" in client.get("/museums/copper").get_data(as_text=True)
    assert "han-mirrors" not in client.get("/iiif/museums/ich/collection").get_data(as_text=True)
    assert "han-mirrors" in client.get("/iiif/museums/copper/collection").get_data(as_text=True)


def test_withdrawing_a_hall_takes_its_items_off_every_surface(copper, client):
    assert client.get("/api/search?q=兽面纹鼎").json["total"] == 1
    _post(copper, "/curator/halls/bronze-vessels/publication", action="withdraw")
    assert client.get("/museums/copper/halls/bronze-vessels").status_code == 404
    assert client.get("/items/cu-ding").status_code == 404
    assert client.get("/api/search?q=兽面纹鼎").json["total"] == 0
    assert copper.get("/items/cu-ding").status_code == 200  # the curator still previews it
    _post(copper, "/curator/halls/bronze-vessels/publication", action="publish")
    assert client.get("/api/search?q=兽面纹鼎").json["total"] == 1


def test_curators_arrange_only_their_own_museums(copper):
    assert _post(copper, "/curator/halls/museums/ich/halls", slug="x", **{"title.zh": "某"}).status_code == 403
    assert copper.get("/curator/halls/crafts").status_code == 403
    assert _post(copper, "/curator/halls/crafts/publication", action="withdraw").status_code == 403
    assert _post(copper, "/curator/halls/museums", slug="art", **{"title.zh": "美术馆"}).status_code == 403
    assert "crafts" not in copper.get("/curator/halls/").get_data(as_text=True)


def test_bad_slugs_and_duplicates_are_explained(copper):
    _post(copper, "/curator/halls/museums/copper/halls", slug="Bad Slug!", **{"title.zh": "坏"})
    page = copper.get("/curator/halls/").get_data(as_text=True)
    assert "lowercase letters, digits and hyphens" in page
    _post(copper, "/curator/halls/museums/copper/halls", slug="crafts", **{"title.zh": "重复"})
    assert "already a hall" in copper.get("/curator/halls/").get_data(as_text=True)
    _post(copper, "/curator/halls/museums/copper/halls", slug="no-title")
    assert "a title is needed" in copper.get("/curator/halls/").get_data(as_text=True)


def test_sections_and_halls_reorder_without_javascript(copper, client):
    _post(copper, "/curator/halls/bronze-vessels/sections", slug="han", **{"title.zh": "汉代", "title.en": "Han Dynasty Bronzes"})
    _post(copper, "/curator/halls/bronze-vessels/order", order=["shang", "zhou", "han"], move="up:han")
    page = client.get("/museums/copper/halls/bronze-vessels?lang=en").get_data(as_text=True)
    assert page.index("Shang Bronzes") < page.index("Han Dynasty Bronzes") < page.index("Zhou Bronzes")
    _post(copper, "/curator/halls/museums/copper/order", order=["bronze-vessels", "mirrors"], move="down:bronze-vessels")
    museum = client.get("/museums/copper?lang=en").get_data(as_text=True)
    assert museum.index("Bronze Mirrors") < museum.index("Bronze Vessels")


def test_cover_image_is_chosen_from_the_hall_items(copper, client, ingested):
    back = ingested["ding-back.png"]
    assert _post(copper, "/curator/halls/mirrors", **{"title.zh": "铜镜", "cover_item": "cu-ding"}).status_code == 302
    assert "not an item of this hall" in copper.get("/curator/halls/mirrors").get_data(as_text=True)
    _post(copper, "/curator/halls/bronze-vessels", **{"title.zh": "青铜容器", "summary.en": "Vessels <b>cast</b>",
                                                      "cover_item": "cu-ding"})
    page = client.get("/museums/copper?lang=en").get_data(as_text=True)
    assert ingested["ding.jpg"].image_id in page and "Vessels &lt;b&gt;cast&lt;/b&gt;" in page
    assert back.asset  # the item's other image is not the cover


def test_the_structure_downloads_as_a_halls_file_that_loads(copper, tmp_path, museum_runtime):
    _post(copper, "/curator/halls/bronze-vessels/sections", slug="han", **{"title.zh": "汉代"})
    text = copper.get("/curator/halls/halls.yaml").get_data(as_text=True)
    specs = parse_halls(text)
    assert [m.slug for m in specs] == ["copper"]  # only the museums this curator works on
    assert [s.slug for s in specs[0].halls[0].sections] == ["shang", "zhou", "han"]
    path = tmp_path / "again.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_halls(museum_runtime.db, path)["sections"] == 3
