"""The walk-through room: generated from the hall's sections and items, every exhibit on a wall or a plinth."""
import math
from types import SimpleNamespace as NS

import pytest
from sqlalchemy import select

from exhibits import walk
from exhibits.halls import HallsFileError, load_halls, parse_halls
from exhibits.models import Hall


def asset(kind, sha, width=None, height=None, info=None):
    return NS(kind=kind, sha256=sha, width=width, height=height, info=info or {})


def hall_of(layout, n_sections=3):
    sections = [NS(id=i + 1, slug=f"s{i}", title={"en": [f"Section {i}"]}) for i in range(n_sections)]
    return NS(slug="h", layout=layout, sections=sections)


def items_of(hall, count=40):
    """Photos of every proportion (a 10:1 handscroll, a 1:4 hanging scroll), 3D items, videos, sound, records."""
    shapes = [(1600, 1200), (900, 900), (12000, 1200), (1000, 4000), (3000, 2000), (800, 1400)]
    found = []
    for n in range(count):
        section = hall.sections[n % len(hall.sections)] if n % 7 else None
        kind = n % 5
        if kind == 0:
            assets = [asset("model", f"m{n}", info={"thumbnail": {"width": 800, "height": 800}})]
        elif kind == 1:
            assets = [asset("video", f"v{n}", info={"poster": {"width": 1280, "height": 720}})]
        elif kind == 2 and n % 3 == 0:
            assets = [asset("audio", f"a{n}")] if n % 2 else []
        else:
            w, h = shapes[n % len(shapes)]
            assets = [asset("image", f"i{n}", w, h)]
        found.append(NS(id=f"item-{n:02d}", title={"en": [f"Item {n}"]}, metadata_={}, assets=assets, position=n,
                        section_id=section.id if section else None, section=section))
    return found


def build(layout, count=40):
    hall = hall_of(layout)
    return walk.room(hall, items_of(hall, count), root="/site", link=lambda i: f"/site/items/{i.id}?lang=en",
                     label=lambda i: {"title": i.title["en"][0], "detail": ""}, section_title=lambda s: s.title["en"][0])


def inside(room, x, z, margin=0.0):
    walls = room["walls"]
    if walls["shape"] == "ring":
        return math.hypot(x, z) <= walls["radius"] + margin
    return abs(x) <= walls["width"] / 2 + margin and abs(z) <= walls["depth"] / 2 + margin


def wall_distance(room, x, z):
    walls = room["walls"]
    if walls["shape"] == "ring":
        return walls["radius"] - math.hypot(x, z)
    return min(walls["width"] / 2 - abs(x), walls["depth"] / 2 - abs(z))


@pytest.mark.parametrize("layout", ["gallery", "corridor", "ring"])
@pytest.mark.parametrize("count", [1, 12, 60])
def test_every_exhibit_is_on_a_wall_or_a_plinth_inside_the_room(layout, count):
    room = build(layout, count)
    assert room["layout"] == layout and len(room["exhibits"]) == count
    assert inside(room, room["spawn"]["x"], room["spawn"]["z"])
    for exhibit in room["exhibits"]:
        p, size = exhibit["position"], exhibit["size"]
        assert inside(room, p["x"], p["z"]), exhibit
        facing = (math.sin(exhibit["rotation"]), math.cos(exhibit["rotation"]))
        ahead = (p["x"] + facing[0], p["z"] + facing[1])
        assert inside(room, *ahead, margin=-0.5), f"{exhibit['id']} faces the wall"
        if exhibit["mount"] == "plinth":
            assert exhibit["kind"] == "model" and wall_distance(room, p["x"], p["z"]) >= 1.45
        else:
            assert wall_distance(room, p["x"], p["z"]) < 0.35  # hanging on the wall (a wide panel on a round wall sits a little off)
            assert p["y"] - size["h"] / 2 >= 0.8 and p["y"] + size["h"] / 2 <= room["height"] - 0.5
    # wall exhibits never overlap: their spans along the wall are apart
    hung = [e for e in room["exhibits"] if e["mount"] != "plinth"]
    for i, a in enumerate(hung):
        for b in hung[i + 1:]:
            if abs(a["rotation"] - b["rotation"]) < 1e-3 or layout == "ring":
                gap = math.hypot(a["position"]["x"] - b["position"]["x"], a["position"]["z"] - b["position"]["z"])
                assert gap >= (a["size"]["w"] + b["size"]["w"]) / 2 * 0.95, (a["id"], b["id"])
    standing = [e["position"] for e in room["exhibits"] if e["mount"] == "plinth"]
    for i, a in enumerate(standing):
        for b in standing[i + 1:]:
            assert math.hypot(a["x"] - b["x"], a["z"] - b["z"]) >= 1.2


def test_photos_keep_their_proportions_and_images_are_small_iiif_requests():
    room = build("gallery", 40)
    photos = [e for e in room["exhibits"] if e["kind"] == "photo"]
    assert photos
    for photo in photos:
        image = photo["image"]
        assert photo["size"]["w"] / photo["size"]["h"] == pytest.approx(image["width"] / image["height"], rel=0.01)
        for url in (image["url"], image["thumb"]):
            assert url.startswith("/site/iiif/3/") and url.endswith("/0/default.jpg") and "/full/max/" not in url
            size = url.split("/full/")[1].split("/")[0]
            longest = int(size.strip(","))
            assert longest <= (256 if url == image["thumb"] else 1024)
            if size.endswith(","):  # the longest side is named
                assert image["width"] >= image["height"]
    scroll = next(p for p in photos if p["image"]["width"] == 12000)
    assert scroll["image"]["url"].endswith("/full/750,/0/default.jpg")  # 12000 halved four times
    assert scroll["size"]["w"] <= 3.4


def test_sections_follow_each_other_with_their_signs_and_loose_items_come_last():
    room = build("gallery", 30)
    order = [e["section"] for e in room["exhibits"] if e["mount"] != "plinth"]
    runs = [s for i, s in enumerate(order) if i == 0 or order[i - 1] != s]
    assert runs == ["s0", "s1", "s2", None]
    assert [s["title"] for s in room["signs"]] == ["Section 0", "Section 1", "Section 2"]
    assert all(e["url"] == f"/site/items/{e['id']}?lang=en" and e["label"]["title"] for e in room["exhibits"])


def test_layouts_have_their_shape():
    gallery, corridor, ring = build("gallery"), build("corridor"), build("ring")
    assert gallery["walls"]["width"] > gallery["walls"]["depth"] >= 7
    assert corridor["walls"]["width"] == walk.CORRIDOR_WIDTH and corridor["walls"]["depth"] > 3 * walk.CORRIDOR_WIDTH
    assert ring["walls"]["shape"] == "ring" and ring["bounds"]["shape"] == "circle"
    assert build("nonsense")["layout"] == "gallery"


HALLS = """museums:
  - slug: m
    title: {zh: 馆}
    halls:
      - slug: a
        title: {zh: 甲}
        layout: ring
      - slug: b
        title: {zh: 乙}
"""


def test_layout_in_the_halls_file(runtime, tmp_path):
    specs = parse_halls(HALLS)
    assert [h.layout for h in specs[0].halls] == ["ring", "gallery"]
    with pytest.raises(HallsFileError) as info:
        parse_halls(HALLS.replace("layout: ring", "layout: rnig"))
    assert "line 7: layout must be one of gallery, corridor, ring, not 'rnig'; did you mean 'ring'?" in str(info.value)
    with pytest.raises(HallsFileError) as info:
        parse_halls(HALLS.replace("layout: ring", "layout: [ring]"))
    assert "line 7: layout must be one of" in str(info.value)
    path = tmp_path / "halls.yaml"
    path.write_text(HALLS, encoding="utf-8")
    load_halls(runtime.db, path)
    with runtime.db.session() as session:
        assert {h.slug: h.layout for h in session.scalars(select(Hall))} == {"a": "ring", "b": "gallery"}
    path.write_text(HALLS.replace("layout: ring", "layout: corridor"), encoding="utf-8")
    load_halls(runtime.db, path)
    with runtime.db.session() as session:
        assert session.scalar(select(Hall).where(Hall.slug == "a")).layout == "corridor"


def test_the_workspace_halls_file_keeps_the_layout(runtime, tmp_path):
    from exhibits.hall_admin import halls_yaml
    from exhibits.identity import SYSTEM

    path = tmp_path / "halls.yaml"
    path.write_text(HALLS, encoding="utf-8")
    load_halls(runtime.db, path)
    with runtime.db.session() as session:
        exported = halls_yaml(session, SYSTEM)
    assert [h.layout for h in parse_halls(exported)[0].halls] == ["ring", "gallery"]
    assert exported.count("layout:") == 1  # the default is not written out


def test_a_large_hall_fills_one_room_with_its_first_exhibits():
    room = build("gallery", walk.ROOM_LIMIT + 30)
    assert len(room["exhibits"]) == walk.ROOM_LIMIT and room["total"] == walk.ROOM_LIMIT + 30
    assert room["walls"]["width"] < 90  # still a room one can cross
