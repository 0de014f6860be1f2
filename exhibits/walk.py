"""The walk-through hall: a room described as JSON, generated from the hall's definition and its items.

The browser (``viewer/static/walk.js`` with three.js) only draws what this module decides:

* the plan comes from the hall's ``layout`` (halls file): ``gallery`` (a rectangular room, about 10:7),
  ``corridor`` (a long room 5.5 m wide) or ``ring`` (a round room);
* the hall's sections follow one another along the walls, clockwise from the entrance, each under a
  sign with its title; items without a section come last;
* photos hang at their real proportions (from the image's pixel size, as the manifest gives it), a
  video is a screen showing its poster, a recording a panel showing its waveform, a record without
  media a card; 3D items stand on plinths in front of their section's wall, shown by the model's still;
* every image is a IIIF Image API request no larger than 1024 px on its longest side (a 256 px one is
  loaded first), never the original;
* each exhibit has a label in the visitor's language and the link to its item page.

Lengths are metres; y is up, the entrance is at +z and a visitor starts there looking towards -z.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

WALL_HEIGHT = 4.4
GAP = 0.9  # between two exhibits on a wall
SECTION_GAP = 1.8  # between two sections (the sign sits there)
CORNER = 0.6  # kept free at every corner
DOOR = 2.4  # the entrance, in the middle of the +z wall
PLINTH = {"width": 0.7, "height": 0.95}
PLINTH_SPACING = 1.8
PLINTH_DISTANCE = 2.3  # from the wall of its section
CORRIDOR_WIDTH = 5.5
MAX_IMAGE = 1024
#: Exhibits one room holds (a hall's first ones, in its order); a larger hall's others are in the page's list.
ROOM_LIMIT = 120
THUMB_IMAGE = 256


@dataclass
class _Exhibit:
    item: Any
    kind: str  # photo | video | audio | record | model
    width: float
    height: float
    image: dict | None
    section: str | None


def _fit_size(width: int, height: int, limit: int) -> str:
    """An IIIF size no larger than ``limit`` on the longest side, halving from the original as the pyramid does."""
    scale = 1
    while max(width, height) / scale > limit:
        scale *= 2
    if width >= height:
        return f"{max(1, math.ceil(width / scale))},"
    return f",{max(1, math.ceil(height / scale))}"


def _iiif(root: str, sha: str, width: int, height: int) -> dict:
    return {
        "url": f"{root}/iiif/3/{sha}/full/{_fit_size(width, height, MAX_IMAGE)}/0/default.jpg",
        "thumb": f"{root}/iiif/3/{sha}/full/{_fit_size(width, height, THUMB_IMAGE)}/0/default.jpg",
        "width": width, "height": height,
    }


def _still(root: str, asset: Any, name: str, size: dict | None, default: tuple[int, int]) -> dict:
    width, height = (int((size or {}).get("width") or default[0]), int((size or {}).get("height") or default[1]))
    url = f"{root}/media/{asset.sha256}/{name}"
    return {"url": url, "thumb": url, "width": width, "height": height}


def photo_size(width: int, height: int) -> tuple[float, float]:
    """Metres on the wall for a photo of this pixel size: its real proportions, about 1.2 m high."""
    aspect = max(width, 1) / max(height, 1)
    w, h = 1.2 * aspect, 1.2
    if w > 3.4:  # a handscroll: as long as a wall allows, and thin
        w, h = 3.4, 3.4 / aspect
    elif w < 0.55:  # a hanging scroll: tall
        h = min(2.2, 0.55 / aspect)
        w = h * aspect
    return round(w, 3), round(h, 3)


def _exhibit(item: Any, root: str) -> _Exhibit:
    assets = list(item.assets or [])
    by_kind: dict[str, Any] = {}
    for asset in assets:
        by_kind.setdefault(asset.kind, asset)
    section = item.section.slug if getattr(item, "section", None) is not None else None
    if "image" in by_kind and by_kind["image"].width and by_kind["image"].height:
        image = by_kind["image"]
        w, h = photo_size(image.width, image.height)
        return _Exhibit(item, "photo", w, h, _iiif(root, image.sha256, image.width, image.height), section)
    if "model" in by_kind:
        model = by_kind["model"]
        info = model.info or {}
        name = (info.get("derivatives") or {}).get("thumbnail", "thumbnail.jpg")
        still = _still(root, model, name, info.get("thumbnail"), (800, 800))
        aspect = still["width"] / still["height"]
        return _Exhibit(item, "model", round(0.8 * min(aspect, 1.6), 3), round(0.8 / max(aspect, 0.625), 3), still, section)
    if "video" in by_kind:
        video = by_kind["video"]
        info = video.info or {}
        name = (info.get("derivatives") or {}).get("poster", "poster.jpg")
        still = _still(root, video, name, info.get("poster"), (info.get("web_width") or 1280, info.get("web_height") or 720))
        aspect = min(max(still["width"] / still["height"], 0.5), 2.5)
        return _Exhibit(item, "video", round(1.9 if aspect >= 1 else 1.1 * aspect, 3), round(1.9 / aspect if aspect >= 1 else 1.1, 3), still, section)
    if "audio" in by_kind:
        audio = by_kind["audio"]
        name = ((audio.info or {}).get("derivatives") or {}).get("waveform", "waveform.png")
        return _Exhibit(item, "audio", 1.5, 0.2, _still(root, audio, name, None, (1800, 240)), section)
    return _Exhibit(item, "record", 0.9, 0.6, None, section)


# -- plans: a path along the walls, and the floor a visitor may walk on ------------------------------

@dataclass
class _Segment:
    x1: float
    z1: float
    x2: float
    z2: float

    @property
    def length(self) -> float:
        return math.hypot(self.x2 - self.x1, self.z2 - self.z1)

    def at(self, distance: float) -> tuple[float, float, float]:
        """(x, z, facing) of a point along the wall; facing is the yaw (three.js ``rotation.y``) that turns a
        plane's front (+z) to the wall's inward normal."""
        t = distance / self.length
        dx, dz = (self.x2 - self.x1) / self.length, (self.z2 - self.z1) / self.length
        # walking clockwise seen from above (x right, z towards the viewer), the room is on the right: normal (-dz, dx)
        nx, nz = -dz, dx
        return self.x1 + t * (self.x2 - self.x1), self.z1 + t * (self.z2 - self.z1), math.atan2(nx, nz)


def _rectangle(width: float, depth: float) -> list[_Segment]:
    """Walls clockwise from the entrance's west side: south-west, west, north, east, south-east."""
    w, d = width / 2, depth / 2
    return [
        _Segment(-DOOR / 2, d, -w, d), _Segment(-w, d, -w, -d), _Segment(-w, -d, w, -d),
        _Segment(w, -d, w, d), _Segment(w, d, DOOR / 2, d),
    ]


class _Ring:
    """A round wall; positions are along the arc, clockwise from the entrance."""

    def __init__(self, radius: float) -> None:
        self.radius = radius
        self.door_angle = DOOR / radius

    @property
    def length(self) -> float:
        return 2 * math.pi * self.radius - DOOR

    def at(self, distance: float, width: float) -> tuple[float, float, float]:
        # angle measured from +z (the entrance), turning towards -x first (clockwise seen from above)
        angle = self.door_angle / 2 + distance / self.radius
        inset = math.sqrt(self.radius ** 2 + (width / 2) ** 2) - self.radius + 0.04  # a flat panel's edges touch the wall
        r = self.radius - inset
        x, z = -r * math.sin(angle), r * math.cos(angle)
        return x, z, math.atan2(-x, -z)  # facing the centre


def _needed_length(exhibits: Sequence[_Exhibit]) -> float:
    total = 0.0
    for wall, plinths in _sections(exhibits):
        total += SECTION_GAP + max(sum(max(e.width, 0.6) + GAP for e in wall), len(plinths) * PLINTH_SPACING)
    return total


def _sections(exhibits: Sequence[_Exhibit]) -> list[tuple[list[_Exhibit], list[_Exhibit]]]:
    """Consecutive runs of one section: (wall exhibits, plinth exhibits)."""
    runs: list[tuple[str | None, list[_Exhibit], list[_Exhibit]]] = []
    for exhibit in exhibits:
        if not runs or runs[-1][0] != exhibit.section:
            runs.append((exhibit.section, [], []))
        (runs[-1][2] if exhibit.kind == "model" else runs[-1][1]).append(exhibit)
    return [(wall, plinths) for _slug, wall, plinths in runs]


def _place_on_rectangle(exhibits, width: float, depth: float, plinth_distance: float):
    """Positions along the walls, or None when the walls are too short (the caller grows the room)."""
    segments = _rectangle(width, depth)
    placed, signs, plinths = [], [], []
    taken: list[tuple[float, float]] = []
    index, cursor = 0, CORNER if segments[0].length > CORNER else 0

    def advance(need: float):
        nonlocal index, cursor
        while index < len(segments) and cursor + need > segments[index].length - CORNER:
            index, cursor = index + 1, CORNER
        return index < len(segments)

    for wall, standing in _sections(exhibits):
        if not advance(SECTION_GAP):
            return None
        first = (wall or standing)[0]
        signs.append((first.section, segments[index], cursor + SECTION_GAP / 2))
        cursor += SECTION_GAP
        start_index, start_cursor = index, cursor
        for exhibit in wall:
            slot = max(exhibit.width, 0.6) + GAP
            if not advance(slot):
                return None
            placed.append((exhibit, segments[index], cursor + slot / 2))
            cursor += slot
        # plinths stand in front of the section's stretch of wall, one every PLINTH_SPACING
        # (never nearer to a corner or the door than to their own wall)
        p_index, p_cursor = start_index, start_cursor
        for exhibit in standing:
            while True:
                if p_index >= len(segments):
                    return None
                p_cursor = max(p_cursor, plinth_distance - PLINTH_SPACING / 2)
                if p_cursor + PLINTH_SPACING / 2 > segments[p_index].length - plinth_distance:
                    p_index, p_cursor = p_index + 1, 0.0
                    continue
                x, z, _facing = _wall_point(segments[p_index], p_cursor + PLINTH_SPACING / 2, plinth_distance)
                if all(math.hypot(x - px, z - pz) >= PLINTH_SPACING for px, pz in taken):
                    taken.append((x, z))
                    break
                p_cursor += 0.3  # a plinth of the neighbouring wall stands there (near a corner)
            plinths.append((exhibit, segments[p_index], p_cursor + PLINTH_SPACING / 2))
            p_cursor += PLINTH_SPACING
        if (p_index, p_cursor) > (index, cursor):
            index, cursor = p_index, p_cursor
    return placed, signs, plinths


def _wall_point(segment: _Segment, distance: float, offset: float) -> tuple[float, float, float]:
    x, z, facing = segment.at(distance)
    return x + math.sin(facing) * offset, z + math.cos(facing) * offset, facing


def _position(exhibit: _Exhibit) -> float:
    """Height of an exhibit's centre: eye level, and never lower than 0.85 m off the floor at its bottom."""
    if exhibit.kind == "audio":
        return 1.35
    return round(max(1.55, 0.85 + exhibit.height / 2), 3)


def _record(exhibit: _Exhibit, x: float, y: float, z: float, facing: float, mount: str,
            link: Callable[[Any], str], label: Callable[[Any], dict]) -> dict:
    return {
        "id": exhibit.item.id, "kind": exhibit.kind, "mount": mount, "url": link(exhibit.item),
        "label": label(exhibit.item), "image": exhibit.image, "section": exhibit.section,
        "position": {"x": round(x, 3), "y": round(y, 3), "z": round(z, 3)}, "rotation": round(facing, 4),
        "size": {"w": exhibit.width, "h": exhibit.height},
    }


def room(hall: Any, items: Iterable[Any], root: str, link: Callable[[Any], str], label: Callable[[Any], dict],
         section_title: Callable[[Any], str], strings: dict[str, str] | None = None) -> dict:
    """The room description of a hall (what ``walk.json`` serves).

    ``link(item)`` is the item page in the visitor's language, ``label(item)`` the texts of its label
    (``{"title", "detail"}``), ``section_title(section)`` a section's title in that language.
    """
    order = {section.id: position for position, section in enumerate(hall.sections)}
    chosen = sorted(items, key=lambda item: (order.get(item.section_id, len(order)), item.position or 0, item.id))
    total = len(chosen)
    exhibits = [_exhibit(item, root) for item in chosen[:ROOM_LIMIT]]
    titles = {section.slug: section_title(section) for section in hall.sections}
    layout = hall.layout if getattr(hall, "layout", None) in ("gallery", "corridor", "ring") else "gallery"
    need = _needed_length(exhibits)
    records, signs_out, obstacles = [], [], []
    if layout == "ring":
        radius = max(7.0, (need + 2 * CORNER) / (2 * math.pi) + DOOR / (2 * math.pi))
        ring = _Ring(radius)
        cursor = CORNER
        for wall, standing in _sections(exhibits):
            first = (wall or standing)[0]
            x, z, facing = ring.at(cursor + SECTION_GAP / 2, 2.0)
            if first.section:
                signs_out.append({"title": titles.get(first.section, first.section), "position": {"x": round(x, 3), "y": 3.55, "z": round(z, 3)}, "rotation": round(facing, 4)})
            cursor += SECTION_GAP
            start = cursor
            for exhibit in wall:
                slot = max(exhibit.width, 0.6) + GAP
                x, z, facing = ring.at(cursor + slot / 2, exhibit.width)
                records.append(_record(exhibit, x, _position(exhibit), z, facing, "screen" if exhibit.kind == "video" else "wall", link, label))
                cursor += slot
            p_cursor = start
            for exhibit in standing:
                angle = ring.door_angle / 2 + (p_cursor + PLINTH_SPACING / 2) / radius
                r = radius - PLINTH_DISTANCE
                x, z = -r * math.sin(angle), r * math.cos(angle)
                records.append(_record(exhibit, x, PLINTH["height"] + exhibit.height / 2 + 0.02, z, math.atan2(-x, -z), "plinth", link, label))
                obstacles.append({"x": round(x, 3), "z": round(z, 3), "r": 0.75})
                p_cursor += PLINTH_SPACING
            cursor = max(cursor, p_cursor)
        walls = {"shape": "ring", "radius": round(radius, 3)}
        bounds = {"shape": "circle", "r": round(radius - 0.6, 3)}
        spawn = {"x": 0.0, "z": round(radius - 1.4, 3), "yaw": 0.0}
    else:
        if layout == "corridor":
            width = CORRIDOR_WIDTH
            depth = max(12.0, (need + 8 * CORNER + DOOR - 2 * width) / 2)
        else:
            width = max(10.0, (need + 8 * CORNER + DOOR) / 3.4)
            depth = max(7.0, width * 0.7)
        plinth_distance = 1.5 if layout == "corridor" else PLINTH_DISTANCE
        placed = _place_on_rectangle(exhibits, width, depth, plinth_distance)
        while placed is None:  # a wide exhibit left a wall's end unused: grow the room a little
            if layout == "corridor":
                depth *= 1.1
            else:
                width, depth = width * 1.1, depth * 1.1
            placed = _place_on_rectangle(exhibits, width, depth, plinth_distance)
        wall_items, signs, standing = placed
        for exhibit, segment, distance in wall_items:
            x, z, facing = _wall_point(segment, distance, 0.04)
            records.append(_record(exhibit, x, _position(exhibit), z, facing, "screen" if exhibit.kind == "video" else "wall", link, label))
        for exhibit, segment, distance in standing:
            x, z, facing = _wall_point(segment, distance, plinth_distance)
            records.append(_record(exhibit, x, PLINTH["height"] + exhibit.height / 2 + 0.02, z, facing, "plinth", link, label))
            obstacles.append({"x": round(x, 3), "z": round(z, 3), "r": 0.75})
        for slug, segment, distance in signs:
            if slug:
                x, z, facing = _wall_point(segment, distance, 0.03)
                signs_out.append({"title": titles.get(slug, slug), "position": {"x": round(x, 3), "y": 3.55, "z": round(z, 3)}, "rotation": round(facing, 4)})
        walls = {"shape": "rectangle", "width": round(width, 3), "depth": round(depth, 3), "door": DOOR}
        bounds = {"shape": "rectangle", "minX": round(-width / 2 + 0.6, 3), "maxX": round(width / 2 - 0.6, 3),
                  "minZ": round(-depth / 2 + 0.6, 3), "maxZ": round(depth / 2 - 0.4, 3)}
        spawn = {"x": 0.0, "z": round(depth / 2 - 1.2, 3), "yaw": 0.0}
    return {
        "hall": hall.slug, "layout": layout, "height": WALL_HEIGHT,
        "walls": walls, "bounds": bounds, "spawn": spawn, "plinth": PLINTH,
        "obstacles": obstacles, "signs": signs_out, "exhibits": records, "strings": strings or {},
        "total": total,
    }
