"""The walk page and walk.json: the room of a hall in the visitor's language, only what the public may see."""
import pytest

from tests.support.curators import add_users, log_in
from tests.support.walk_items import ingest_walk_items

WALK = "/museums/copper/halls/bronze-vessels/walk"


def test_walk_json_describes_the_hall_in_the_visitors_language(client, museum_runtime, tmp_path):
    ids = ingest_walk_items(museum_runtime, tmp_path / "walk")
    room = client.get(f"{WALK}.json?lang=en").json
    assert room["layout"] == "gallery" and room["title"] == "Bronze Vessels" and room["lang"] == "en"
    assert sorted(e["id"] for e in room["exhibits"]) == sorted(ids)
    assert [s["title"] for s in room["signs"]] == ["Shang Bronzes", "Zhou Bronzes"]
    by_id = {e["id"]: e for e in room["exhibits"]}
    assert by_id["walk-ding"]["label"] == {"title": "Ding with taotie masks", "detail": "商 · 青铜"}  # no English period given
    assert by_id["walk-ding"]["url"] == "/items/walk-ding?lang=en"
    assert by_id["walk-model"]["mount"] == "plinth" and by_id["walk-model"]["image"]["url"].endswith("/thumbnail.jpg")
    assert by_id["walk-video"]["mount"] == "screen" and by_id["walk-video"]["image"]["url"].endswith("/poster.jpg")
    scroll = by_id["walk-scroll"]
    assert scroll["size"]["w"] / scroll["size"]["h"] == pytest.approx(6.0, rel=0.002)  # 2400 × 400 hangs at its proportions
    for exhibit in room["exhibits"]:  # every picture it names answers, and none is the original
        if exhibit["image"]:
            for url in {exhibit["image"]["url"], exhibit["image"]["thumb"]}:
                answer = client.get(url)
                assert answer.status_code == 200 and answer.mimetype.startswith("image/"), url
    zh = client.get(f"{WALK}.json?lang=zh").json
    assert {e["id"]: e["label"]["title"] for e in zh["exhibits"]}["walk-ding"] == "兽面纹鼎"
    assert {e["id"]: e["url"] for e in zh["exhibits"]}["walk-ding"] == "/items/walk-ding?lang=zh"


def test_the_walk_page_lists_the_hall_without_script(client, museum_runtime, tmp_path):
    ingest_walk_items(museum_runtime, tmp_path / "walk")
    page = client.get(f"{WALK}?lang=en").get_data(as_text=True)
    assert page.count('href="/items/walk-') == 8
    assert 'data-room="/museums/copper/halls/bronze-vessels/walk.json?lang=en"' in page
    assert '<script type="module" src="/static/walk.js"></script>' in page and "<script>" not in page
    hall = client.get("/museums/copper/halls/bronze-vessels?lang=en").get_data(as_text=True)
    assert f'href="{WALK}"' in hall and "Walk through the hall" in hall


def test_drafts_and_unpublished_halls_stay_out_of_the_room(client, app, museum_runtime, tmp_path, ingested):
    room = client.get("/museums/copper/halls/mirrors/walk.json").json
    assert {e["id"] for e in room["exhibits"]} == {"cu-mirror", "cu-record"}  # not cu-draft
    assert {e["id"]: e["kind"] for e in room["exhibits"]}["cu-record"] == "record"
    assert client.get("/museums/copper/halls/nowhere/walk.json").status_code == 404
    assert client.get("/museums/ich/halls/mirrors/walk").status_code == 404
    with museum_runtime.db.session() as session:
        from exhibits.models import Hall

        session.query(Hall).filter_by(slug="mirrors").one().publication = "draft"
    assert client.get("/museums/copper/halls/mirrors/walk").status_code == 404
    assert client.get("/museums/copper/halls/mirrors/walk.json").status_code == 404
    add_users(app.extensions["jinshi"])
    log_in(client, "copper")
    preview = client.get("/museums/copper/halls/mirrors/walk.json")  # a curator previews it, never cached
    assert preview.status_code == 200 and preview.headers["Cache-Control"] == "private, no-store"


def test_hostile_titles_are_data_in_the_room(client, museum_runtime, tmp_path, ingested):
    room = client.get("/museums/copper/halls/bronze-vessels/walk.json?lang=en")
    assert room.mimetype == "application/json"
    titles = [e["label"]["title"] for e in room.json["exhibits"]]
    assert 'Ding with <b>taotie</b> & "masks"' in titles  # drawn as text on a canvas, never parsed as HTML
    page = client.get("/museums/copper/halls/bronze-vessels/walk?lang=en").get_data(as_text=True)
    assert "<b>taotie</b>" not in page
