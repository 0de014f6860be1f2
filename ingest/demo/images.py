"""Procedural pictures for the demo museums (no downloads, no bundled photographs).

:func:`generate_images` reads the demo CSV and draws every file its ``files`` column
lists: a stylised "museum photograph" of the object type of the row (bronze vessel
with patina and taotie banding, mirror, coin, axe, ingot, slag, copper relief, ink
landscape, calligraphy, vase, woodcut, papercut, opera robe, dragon lantern...), on a studio
backdrop and under a key light chosen for each object, with no text burned in (the record's
rights say where the picture comes from).

How it is fast: each picture is drawn with numpy at a small working size (about
1000 px on the long side), turned into a pyvips image, scaled up to the final size
and given full-resolution grain (a seeded ``gaussnoise``-like tile, ``replicate``d,
which is far cheaper than per-pixel noise); pyvips then streams the result to disk,
two files at a time. Everything is seeded from the file name, so a run is deterministic,
and files that already exist with the right size are skipped (unless :data:`DRAWING_VERSION` changed).

Formats exercised on purpose (see :func:`spec_for`):

* :data:`BIG` — four images of at least 6000 x 4000 (deep zoom),
* every other ``.tif`` is 16-bit RGB (``ushort``),
* :data:`CMYK` — one CMYK JPEG,
* the rest are 8-bit sRGB JPEG/PNG/TIFF with a long side of 1600-3000 px.
"""
from __future__ import annotations

import csv
import functools
import math
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyvips

#: Files drawn at deep-zoom size (width, height).
BIG: dict[str, tuple[int, int]] = {
    "images/cu-ding-01.jpg": (6000, 4500),
    "images/cu-mirror-03.jpg": (6000, 5000),
    "images/art-landscape-01.tif": (9000, 4000),
    "images/art-calligraphy-01.jpg": (8000, 4000),
}
#: Files written as CMYK JPEG.
CMYK: frozenset[str] = frozenset({"images/art-print-02.jpg"})

#: Object type (the CSV ``object_type`` column) -> drawing function name.
KIND_BY_TYPE = {
    "鼎": "vessel", "簋": "vessel", "尊": "vessel", "爵": "vessel", "觚": "vessel", "壶": "vessel",
    "洗": "vessel", "灯": "vessel", "钟": "bell", "铜器": "vessel", "坩埚": "vessel",
    "铜镜": "mirror", "钱币": "coin", "斧": "tool", "凿": "tool", "工具": "tools",
    "铜锭": "ingot", "炉渣": "slag", "铜雕": "relief", "铜浮雕": "relief",
    "山水画": "landscape", "花鸟画": "flowers", "人物画": "figure", "书法": "calligraphy",
    "瓷器": "vase", "版画": "woodcut", "剪纸": "papercut", "竹编": "weave", "傩面具": "mask",
    "戏服": "costume", "民俗": "lantern", "民歌": "field",
}
FALLBACK_KIND_BY_MUSEUM = {"copper": "vessel", "art": "landscape", "ich": "festive"}

WORK = 1000  # working long side for the numpy drawing
#: Bumped when the drawings change: a demo folder drawn by an older version is drawn again.
DRAWING_VERSION = "2"  # 2: no burned-in caption band, studio backdrops and lights per object, ICH crafts
STAMP = ".drawing-version"


@dataclass(frozen=True)
class Spec:
    """What one demo file must be."""

    rel: str
    width: int
    height: int
    kind: str
    variant: str  # '', 'detail', 'face', 'reverse', 'base', 'back'
    saver: str  # 'jpeg' | 'png' | 'tiff'
    ushort: bool = False
    cmyk: bool = False


def _seed(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _aspect_from_dimensions(dimensions: str) -> float | None:
    """Width/height from "纵 32 厘米，横 286 厘米" or "45 × 60 厘米"."""
    m = re.search(r"纵\s*([\d.]+).*?横\s*([\d.]+)", dimensions or "")
    if m:
        return float(m.group(2)) / float(m.group(1))
    m = re.search(r"([\d.]+)\s*[×x]\s*([\d.]+)", dimensions or "")
    if m:
        return float(m.group(1)) / float(m.group(2))
    return None


ASPECT = {
    "vessel": 0.8, "bell": 0.75, "mirror": 1.0, "coin": 1.0, "tool": 1.5, "tools": 1.5, "ingot": 1.5,
    "slag": 1.33, "relief": 1.5, "landscape": 1.5, "flowers": 0.6, "figure": 0.7, "calligraphy": 2.0,
    "vase": 0.75, "woodcut": 0.8, "papercut": 1.0, "weave": 1.25, "mask": 0.8, "festive": 1.33,
    "costume": 0.9, "lantern": 1.6, "field": 1.5,
}


def spec_for(rel: str, row: dict) -> Spec:
    """The size, format and drawing of one file listed by a CSV row (deterministic)."""
    rel = rel.strip().replace("\\", "/")
    stem = Path(rel).stem
    variant = ""
    for v in ("detail", "face", "reverse", "base", "back"):
        if stem.endswith("-" + v):
            variant = v
    kind = KIND_BY_TYPE.get((row.get("object_type") or "").strip()) or FALLBACK_KIND_BY_MUSEUM.get(
        row.get("museum", ""), "vessel")
    ext = Path(rel).suffix.lower()
    saver = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".tif": "tiff", ".tiff": "tiff"}.get(ext)
    if saver is None:
        raise ValueError(f"demo images: cannot draw {rel!r} (only .jpg, .png, .tif)")
    if rel in BIG:
        width, height = BIG[rel]
    else:
        rng = np.random.default_rng(_seed(rel))
        aspect = ASPECT.get(kind, 1.33)
        if kind in ("landscape", "flowers", "figure", "calligraphy", "woodcut", "relief") and variant != "detail":
            aspect = _aspect_from_dimensions(row.get("dimensions", "")) or aspect
        aspect = min(max(aspect, 0.4), 3.0)
        long_side = int(rng.integers(1600, 3001))
        if aspect >= 1:
            width, height = long_side, max(int(round(long_side / aspect)), 400)
        else:
            width, height = max(int(round(long_side * aspect)), 400), long_side
    ushort = saver == "tiff" and rel not in BIG
    return Spec(rel, width, height, kind, variant, saver, ushort=ushort, cmyk=rel in CMYK)


# --------------------------------------------------------------------------- helpers

def _grid(h: int, w: int):
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return x, y


def _up(a: np.ndarray, w: int, h: int, kernel: str = "linear") -> np.ndarray:
    """Resize a 2-D float array to (h, w) with pyvips."""
    im = pyvips.Image.new_from_array(np.ascontiguousarray(a, dtype=np.float32))
    im = im.resize(w / im.width, vscale=h / im.height, kernel=kernel)
    out = im.numpy()
    if out.shape[0] < h or out.shape[1] < w:
        out = np.pad(out, ((0, max(0, h - out.shape[0])), (0, max(0, w - out.shape[1]))), mode="edge")
    return out[:h, :w]


def _noise(rng, h: int, w: int, cell: float, octaves: int = 4) -> np.ndarray:
    """Smooth fractal noise in 0..1; ``cell`` is the largest feature size in pixels."""
    total = np.zeros((h, w), np.float32)
    amp, norm = 1.0, 0.0
    for _ in range(octaves):
        gh, gw = max(2, int(h / cell) + 2), max(2, int(w / cell) + 2)
        total += amp * _up(rng.random((gh, gw), dtype=np.float32), w, h)
        norm += amp
        amp *= 0.5
        cell = max(cell / 2, 1.5)
    return total / norm


def _blur(a: np.ndarray, sigma: float) -> np.ndarray:
    if sigma < 0.3:
        return a
    im = pyvips.Image.new_from_array(np.ascontiguousarray(a, dtype=np.float32))
    return im.gaussblur(sigma, precision="approximate").numpy().reshape(a.shape)


def _shade(height: np.ndarray, strength: float = 6.0) -> np.ndarray:
    """Lambert-like shading of a height map, light from the upper left."""
    gy, gx = np.gradient(height)
    return np.clip(1.0 - strength * (gx + gy) * 0.7, 0.2, 2.0)


def _poly_mask(x, y, pts) -> np.ndarray:
    """Even-odd fill of a polygon given as [(x, y), ...] in pixel units."""
    inside = np.zeros(x.shape, bool)
    n = len(pts)
    for i in range(n):
        x1, y1 = pts[i]
        x2, y2 = pts[(i + 1) % n]
        if y1 == y2:
            continue
        cond = (y >= min(y1, y2)) & (y < max(y1, y2))
        xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= cond & (x < xc)
    return inside


def _mix(a, b, t):
    t = np.asarray(t, np.float32)[..., None] if np.ndim(t) else t
    return np.asarray(a, np.float32) * (1 - t) + np.asarray(b, np.float32) * t


def _paint(img, mask, colour, alpha=1.0):
    """Blend ``colour`` (rgb or (h, w, 3)) into img where mask (bool or 0..1)."""
    m = mask.astype(np.float32)[..., None] * alpha
    img *= 1 - m
    img += m * np.asarray(colour, np.float32)
    return img


def _backdrop(h, w, top, bottom, vignette=0.35):
    x, y = _grid(h, w)
    t = (y / h)[..., None]
    img = np.asarray(top, np.float32) * (1 - t) + np.asarray(bottom, np.float32) * t
    r = np.hypot((x - w / 2) / w, (y - h / 2) / h)[..., None]
    return img * (1 - vignette * r ** 2 * 2)


#: Studio backdrops (top, bottom, vignette) an object may be photographed on, besides its drawing's own.
STUDIOS = (
    ((74, 76, 82), (28, 29, 33), 0.35),     # charcoal
    ((214, 210, 202), (168, 163, 154), 0.3),  # warm grey seamless
    ((238, 236, 230), (205, 202, 195), 0.2),  # pale paper
    ((52, 64, 80), (20, 26, 36), 0.35),     # slate blue
    ((70, 78, 66), (28, 32, 26), 0.35),     # museum green
    ((120, 96, 72), (62, 46, 32), 0.3),     # walnut
)


def _item_key(spec) -> str:
    """The object a file shows: its name without the view suffix (-detail, -back...)."""
    stem = Path(spec.rel).stem
    return re.sub(r"-(detail|face|reverse|base|back)$", "", stem)


def _backdrop_for(spec, h, w, top, bottom, vignette=0.35):
    """The drawing's own backdrop, or (for most objects) one of the studio backdrops, chosen per object."""
    pick = _seed("studio:" + _item_key(spec)) % (len(STUDIOS) + 2)
    if pick < len(STUDIOS):
        top, bottom, vignette = STUDIOS[pick]
    return _backdrop(h, w, top, bottom, vignette)


def _patina(spec, base: float) -> float:
    """How green an object's patina is: around the drawing's value, different for each object."""
    jitter = (_seed("patina:" + _item_key(spec)) % 1000) / 1000.0 - 0.5
    return float(min(1.0, max(0.05, base + jitter * 0.8)))


def _shadow(img, x, y, cx, cy, rx, ry, k=0.5):
    d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2
    img *= (1 - k * np.exp(-d * 2))[..., None]


def _glyph(layer, x0, y0, size, rng, thick=0.09, value=1.0, angle=0.0):
    """Draw a pseudo-character (a few brush strokes) into ``layer`` within a square box."""
    h, w = layer.shape
    half = size * 0.75
    ys0, ys1 = int(max(0, y0 - half)), int(min(h, y0 + size + half))
    xs0, xs1 = int(max(0, x0 - half)), int(min(w, x0 + size + half))
    if ys1 <= ys0 or xs1 <= xs0:
        return
    yy, xx = np.mgrid[ys0:ys1, xs0:xs1].astype(np.float32)
    # local coordinates in 0..1 inside the (possibly rotated) box
    cx, cy = x0 + size / 2, y0 + size / 2
    ca, sa = math.cos(angle), math.sin(angle)
    u = ((xx - cx) * ca + (yy - cy) * sa) / size + 0.5
    v = (-(xx - cx) * sa + (yy - cy) * ca) / size + 0.5
    ink = np.zeros(u.shape, np.float32)
    strokes = int(rng.integers(3, 7))
    for _ in range(strokes):
        kind = rng.random()
        if kind < 0.4:  # horizontal
            a = (rng.uniform(0.05, 0.35), rng.uniform(0.1, 0.9))
            b = (rng.uniform(0.65, 0.95), a[1] + rng.uniform(-0.05, 0.05))
        elif kind < 0.75:  # vertical
            a = (rng.uniform(0.15, 0.85), rng.uniform(0.05, 0.3))
            b = (a[0] + rng.uniform(-0.05, 0.05), rng.uniform(0.6, 0.95))
        else:  # diagonal sweep
            a = (rng.uniform(0.2, 0.8), rng.uniform(0.1, 0.5))
            b = (a[0] + rng.choice([-1, 1]) * rng.uniform(0.25, 0.45), rng.uniform(0.6, 0.95))
        ax, ay = a
        bx, by = b
        dx, dy = bx - ax, by - ay
        t = np.clip(((u - ax) * dx + (v - ay) * dy) / (dx * dx + dy * dy + 1e-6), 0, 1)
        dist = np.hypot(u - ax - t * dx, v - ay - t * dy)
        width = thick * (1.15 - 0.5 * t)  # brush: heavier at the start
        ink = np.maximum(ink, np.clip((width - dist) / (thick * 0.35), 0, 1))
    region = layer[ys0:ys1, xs0:xs1]
    np.maximum(region, ink * value, out=region)


def _stamp_path(layer, pts, radius, value=1.0):
    """Thick stroke along a polyline by stamping discs."""
    h, w = layer.shape
    for (px, py), r in zip(pts, np.broadcast_to(radius, (len(pts),))):
        y0, y1 = int(max(0, py - r - 1)), int(min(h, py + r + 2))
        x0, x1 = int(max(0, px - r - 1)), int(min(w, px + r + 2))
        if y1 <= y0 or x1 <= x0:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        d = np.clip(r + 0.5 - np.hypot(xx - px, yy - py), 0, 1) * value
        np.maximum(layer[y0:y1, x0:x1], d, out=layer[y0:y1, x0:x1])


def _seal(img, x0, y0, size, rng):
    """A red square seal with white-cut characters."""
    h, w, _ = img.shape
    x0, y0, size = int(x0), int(y0), int(size)
    if x0 < 0 or y0 < 0 or x0 + size > w or y0 + size > h or size < 6:
        return
    sub = img[y0:y0 + size, x0:x0 + size]
    ink = np.zeros((size, size), np.float32)
    for i in range(2):
        for j in range(2):
            _glyph(ink, size * (0.08 + 0.44 * i), size * (0.08 + 0.44 * j), size * 0.4, rng, thick=0.12)
    red = np.array([178, 34, 30], np.float32)
    sub[:] = sub * 0.15 + red * 0.85
    _paint(sub, ink, (236, 220, 200))


PATINA = dict(
    bronze=((96, 70, 42), (70, 118, 92), (40, 96, 120), (150, 90, 55)),
    brass=((170, 128, 60), (120, 90, 40), (150, 120, 70), (215, 175, 100)),
    copper=((150, 80, 45), (90, 60, 40), (70, 120, 95), (210, 130, 80)),
    clay=((120, 96, 80), (90, 72, 60), (70, 110, 90), (150, 120, 100)),
    silver=((150, 152, 140), (90, 110, 96), (70, 100, 90), (205, 205, 195)),
)


def _metal(rng, h, w, palette="bronze", green=0.5):
    """Metal surface colour with patina patches, (h, w, 3)."""
    base, patina, azurite, bright = (np.asarray(c, np.float32) for c in PATINA[palette])
    n1 = _noise(rng, h, w, max(h, w) / 6)
    n2 = _noise(rng, h, w, max(h, w) / 20)
    col = _mix(base, bright, np.clip((n2 - 0.55) * 3, 0, 1) * 0.5)
    col = _mix(col, patina, np.clip((n1 - (0.75 - green * 0.5)) * 5, 0, 1))
    col = _mix(col, azurite, np.clip((n2 - 0.72) * 8, 0, 1) * green)
    return col * (0.85 + 0.3 * _noise(rng, h, w, 6, 2))[..., None]


# --------------------------------------------------------------------------- drawings
# Each drawing gets (rng, h, w, spec, row) and returns float32 (h, w, 3) in 0..255.

PROFILES = {  # (y from 0 at the mouth to 1 at the foot, radius as a fraction of body height)
    "鼎": [(0, .50), (.06, .50), (.35, .54), (.75, .46), (1, .20)],
    "簋": [(0, .52), (.12, .44), (.45, .52), (.75, .40), (.80, .30), (.95, .32), (1, .34)],
    "尊": [(0, .42), (.30, .20), (.45, .22), (.58, .27), (.72, .20), (.92, .26), (1, .28)],
    "觚": [(0, .34), (.35, .10), (.62, .10), (.70, .14), (1, .22)],
    "爵": [(0, .20), (.1, .18), (.8, .18), (1, .10)],
    "壶": [(0, .16), (.25, .12), (.45, .28), (.62, .34), (.82, .26), (.94, .22), (1, .23)],
    "洗": [(0, .95), (.08, .92), (.6, .78), (1, .60)],
    "灯": [(0, .30), (.15, .30), (.2, .05), (.9, .06), (1, .25)],
    "坩埚": [(0, .34), (.1, .33), (.6, .30), (.9, .22), (1, .12)],
    "铜器": [(0, .14), (.06, .10), (.22, .12), (.50, .34), (.78, .26), (.94, .18), (1, .20)],
    "瓷器": [(0, .07), (.05, .06), (.10, .12), (.25, .34), (.55, .28), (.88, .17), (1, .19)],
}
BODY_FRACTION = {"鼎": .58, "爵": .55, "坩埚": 1.0, "洗": 1.0}


def _vessel_layers(x, y, cx, top, body_h, profile):
    ys = np.array([p[0] for p in profile], np.float32)
    rs = np.array([p[1] for p in profile], np.float32)
    t = (y - top) / body_h
    r = np.interp(t, ys, rs).astype(np.float32) * body_h
    inside = (t >= 0) & (t <= 1) & (np.abs(x - cx) <= r)
    u = np.clip((x - cx) / np.maximum(r, 1e-3), -1, 1)
    return inside, u, t


def _surface(u, ambient=0.35, gloss=0.5, gloss_w=0.12):
    lam = np.sqrt(np.clip(1 - u * u, 0, 1))
    shade = ambient + (1 - ambient) * lam * (1 - 0.35 * u)
    return shade + gloss * np.exp(-((u + 0.45) / gloss_w) ** 2)


def draw_vessel(rng, h, w, spec, row):
    otype = row.get("object_type", "鼎")
    profile = PROFILES.get(otype, PROFILES["鼎"])
    palette = {"铜器": "brass", "坩埚": "clay"}.get(otype, "bronze")
    detail = spec.variant == "detail"
    img = _backdrop_for(spec, h, w, (58, 60, 66), (22, 22, 26))
    x, y = _grid(h, w)
    zoom = 2.6 if detail else 1.0
    obj_h = h * 0.78 * zoom
    frac = BODY_FRACTION.get(otype, 0.92)
    body_h = obj_h * frac
    if otype == "洗":
        body_h = obj_h * 0.35
    cx = w / 2
    top = h * 0.12 if not detail else -h * 0.35
    ground = top + obj_h if frac < 1 else top + body_h
    if not detail:
        _shadow(img, x, y, cx, ground, w * 0.3, h * 0.04, 0.6)
    inside, u, t = _vessel_layers(x, y, cx, top, body_h, profile)
    metal = _metal(rng, h, w, palette, green=_patina(spec, 0.7) if palette == "bronze" else 0.2)
    shade = _surface(u, gloss=0.35 if palette != "clay" else 0.1)
    # decorated bands: leiwen ground with taotie eyes near the front
    theta = np.arcsin(u)
    relief = np.zeros((h, w), np.float32)
    if palette != "clay":
        bands = [(0.12, 0.42)] if otype not in ("壶", "铜器") else [(0.2, 0.3), (0.45, 0.7)]
        for b0, b1 in bands:
            inb = (t > b0) & (t < b1)
            k = 10 if not detail else 10
            pu = (theta * k / math.pi) % 1.0
            pv = ((t - b0) / (b1 - b0) * 3) % 1.0
            d = np.maximum(np.abs(pu - 0.5), np.abs(pv - 0.5))
            lei = (np.floor(d * 7) % 2).astype(np.float32)
            relief += inb * lei * 0.5
            # taotie eyes
            for side in (-1, 1):
                ex, ey = side * 0.32, (b0 + b1) / 2
                de = ((theta - ex) / 0.16) ** 2 + ((t - ey) / ((b1 - b0) * 0.22)) ** 2
                relief += inb * (de < 1) * 0.8 - inb * (de < 0.25) * 1.2
            relief += inb * (np.abs(theta) < 0.035) * 1.0  # flange
            edge = (np.abs(t - b0) < 0.008) | (np.abs(t - b1) < 0.008)
            relief += edge * 0.9
        if otype == "钟":
            pass
    relief = _blur(relief, 0.8 if not detail else 1.5)
    col = metal * (shade * (1 + 0.25 * relief))[..., None]
    if palette == "clay":  # copper slag stains inside the rim
        col = _mix(col, np.asarray((70, 130, 90), np.float32), np.clip((0.12 - t) * 8, 0, 1) * 0.8)
    _paint(img, inside, col)
    mouth_rx = np.interp(0, [p[0] for p in profile], [p[1] for p in profile]) * body_h
    # mouth: dark ellipse at the top
    mouth = (((x - cx) / max(mouth_rx, 1)) ** 2 + ((y - top) / max(mouth_rx * 0.12, 1)) ** 2) < 1
    _paint(img, mouth, metal * 0.25)
    if otype in ("鼎", "爵"):  # legs
        leg_top, leg_bot = top + body_h * 0.8, top + obj_h
        for lx, shade_k in ((-0.62, 1.0), (0.62, 0.9), (0.0, 0.7)):
            lxp = cx + lx * mouth_rx
            lw = body_h * (0.07 if otype == "鼎" else 0.03)
            tl = np.clip((y - leg_top) / (leg_bot - leg_top), 0, 1)
            half = lw * (1.0 - 0.3 * tl) if otype == "鼎" else lw * (1.2 - 0.9 * tl)
            lm = (y >= leg_top) & (y <= leg_bot) & (np.abs(x - lxp) < half) & ~inside
            lu = np.clip((x - lxp) / np.maximum(half, 1e-3), -1, 1)
            _paint(img, lm, metal * (_surface(lu) * shade_k)[..., None])
    if otype == "鼎":  # upright handles
        for side in (-1, 1):
            hx = cx + side * mouth_rx * 0.62
            hw, hh = body_h * 0.17, body_h * 0.28
            outer = (np.abs(x - hx) < hw) & (y > top - hh) & (y < top + 2)
            inner = (np.abs(x - hx) < hw * 0.55) & (y > top - hh * 0.7)
            _paint(img, outer & ~inner, metal * 0.85)
    if otype in ("簋", "壶", "铜器", "尊"):  # side handles / ring handles
        for side in (-1, 1):
            ty = 0.25 if otype != "壶" else 0.5
            r_at = np.interp(ty, [p[0] for p in profile], [p[1] for p in profile]) * body_h
            hx, hy = cx + side * (r_at + body_h * 0.04), top + ty * body_h
            rr = np.hypot(x - hx, y - hy)
            ring = (rr < body_h * 0.09) & (rr > body_h * 0.05)
            _paint(img, ring & ~inside, metal * 0.8)
    if otype == "爵":  # spout, tail and posts
        rim = top
        r0 = profile[0][1] * body_h
        spout = _poly_mask(x, y, [(cx - r0, rim + r0 * 0.3), (cx - r0 * 3.2, rim - r0 * 0.5), (cx - r0, rim - r0 * 0.1)])
        tail = _poly_mask(x, y, [(cx + r0, rim + r0 * 0.3), (cx + r0 * 2.5, rim - r0 * 0.8), (cx + r0, rim - r0 * 0.1)])
        _paint(img, spout | tail, metal * 0.9)
        for side in (-0.5, 0.5):
            post = (np.abs(x - (cx + side * r0)) < r0 * 0.08) & (y > rim - r0 * 1.1) & (y < rim)
            cap = np.hypot(x - (cx + side * r0), y - (rim - r0 * 1.1)) < r0 * 0.16
            _paint(img, post | cap, metal * 0.8)
    if otype == "壶":  # lid
        lid = (((x - cx) / (body_h * 0.17)) ** 2 + ((y - top) / (body_h * 0.06)) ** 2 < 1) & (y < top)
        _paint(img, lid, metal * 0.9)
    return img


def draw_bell(rng, h, w, spec, row):
    img = _backdrop_for(spec, h, w, (52, 50, 48), (20, 19, 18))
    x, y = _grid(h, w)
    cx, top, bh = w / 2, h * 0.30, h * 0.58
    t = (y - top) / bh
    half = bh * (0.28 + 0.12 * np.clip(t, 0, 1))
    arch = bh * 0.08 * (1 - ((x - cx) / (bh * 0.4)) ** 2)
    body = (t >= 0) & (y <= top + bh - arch) & (np.abs(x - cx) < half)
    u = np.clip((x - cx) / half, -1, 1)
    metal = _metal(rng, h, w, "bronze", _patina(spec, 0.6))
    height = np.zeros((h, w), np.float32)
    for side in (-1, 1):  # bosses (mei), three rows of three on each side
        for i in range(3):
            for j in range(3):
                bx = cx + side * bh * (0.13 + 0.07 * j)
                by = top + bh * (0.12 + 0.14 * i)
                d = np.hypot(x - bx, y - by) / (bh * 0.025)
                height += np.clip(1 - d * d, 0, 1)
    band = (np.abs(np.abs(x - cx) - bh * 0.1) < bh * 0.006) & (t < 0.5)
    height += band * 0.5
    col = metal * (_surface(u) * _shade(_blur(height, 1) * 8, 1.5))[..., None]
    _shadow(img, x, y, cx, top + bh, w * 0.25, h * 0.03)
    _paint(img, body, col)
    shank = (np.abs(x - cx) < bh * 0.05 * (1 + 0.3 * (y - top + bh * 0.3) / (bh * 0.3))) & (y > top - bh * 0.35) & (y < top)
    _paint(img, shank, metal * (_surface(np.clip((x - cx) / (bh * 0.06), -1, 1)))[..., None])
    return img


def draw_mirror(rng, h, w, spec, row):
    img = _backdrop_for(spec, h, w, (40, 38, 36), (16, 15, 14))
    x, y = _grid(h, w)
    cx, cy = w / 2, h * 0.47
    R = min(w, h) * 0.42
    d = np.hypot(x - cx, y - cy) / R
    ang = np.arctan2(y - cy, x - cx)
    disc = d < 1
    tang = "唐" in row.get("period", "")
    palette = "silver" if tang or spec.variant == "face" else "bronze"
    metal = _metal(rng, h, w, palette, _patina(spec, 0.7) if spec.variant != "face" else 0.4)
    height = np.zeros((h, w), np.float32)
    if spec.variant == "face":
        height += (1 - d * d) * 0.3  # gently convex
        col = metal * (1.05 - 0.35 * d)[..., None] * _shade(height * 40, 0.8)[..., None]
        _shadow(img, x, y, cx + R * 0.05, cy + R * 0.06, R * 1.05, R * 1.05, 0.5)
        _paint(img, disc, col)
        return img
    height += (d > 0.9) * 1.0  # raised rim
    height += (np.abs(d - 0.62) < 0.012) * 0.6 + (np.abs(d - 0.86) < 0.01) * 0.6  # relief rings
    height += np.clip(1 - (d / 0.1) ** 2, 0, 1) * 2.5  # knob
    inner = (d > 0.16) & (d < 0.6)
    title = row.get("title_en", "")
    if "shan" in title:  # feather ground and four slanting "mountain" characters
        height += inner * 0.25 * (np.sin(ang * 90 + d * 60) > 0.3)
        sq = (np.maximum(np.abs(x - cx), np.abs(y - cy)) < R * 0.2) & (d > 0.1)
        height += sq * 0.4
        for k in range(4):
            a = k * math.pi / 2 + math.pi / 4 + 0.2
            gx, gy = cx + math.cos(a) * R * 0.4, cy + math.sin(a) * R * 0.4
            ca, sa = math.cos(a + 0.3), math.sin(a + 0.3)
            lu = ((x - gx) * ca + (y - gy) * sa) / (R * 0.16)
            lv = (-(x - gx) * sa + (y - gy) * ca) / (R * 0.16)
            shan = ((np.abs(lv - 0.5) < 0.1) & (np.abs(lu) < 0.8))
            for cxu, top in ((-0.7, -0.3), (0.0, -0.9), (0.7, -0.3)):
                shan |= (np.abs(lu - cxu) < 0.1) & (lv > top) & (lv < 0.6)
            height += shan * 0.9
    elif tang:  # sea beasts and grapes: clusters of bosses and vine scrolls
        blobs = rng.random((60, 3))
        for bx, by, br in blobs:
            rr = 0.2 + 0.65 * bx
            aa = by * 2 * math.pi
            px, py = cx + math.cos(aa) * rr * R, cy + math.sin(aa) * rr * R
            dd = np.hypot(x - px, y - py) / (R * (0.025 + 0.03 * br))
            height += np.clip(1 - dd * dd, 0, 1) * 0.9 * ((d < 0.6) | (d > 0.64))
        height += 0.3 * (np.sin(ang * 12 + np.sin(d * 30) * 2) > 0.7) * (d < 0.88)
    else:  # inward arcs (lianhu) inside
        arcs = 0.45 + 0.05 * np.abs(np.cos(ang * 4))
        height += (np.abs(d - arcs) < 0.012) * 0.7
    # inscription band between the relief rings
    ink = np.zeros((h, w), np.float32)
    n = 16 if not tang else 28
    gs = R * (0.13 if not tang else 0.07)
    ring_r = R * 0.74
    for i in range(n):
        a = i / n * 2 * math.pi
        gx = cx + math.cos(a) * ring_r - gs / 2
        gy = cy + math.sin(a) * ring_r - gs / 2
        _glyph(ink, gx, gy, gs, rng, thick=0.1, angle=a + math.pi / 2)
    if "Huzhou" in title:  # plain back with a framed maker's mark instead
        height *= (d > 0.85) | (d < 0.12)
        ink[:] = 0
        fx0, fy0 = cx + R * 0.25, cy - R * 0.35
        frame = (np.abs(x - (fx0 + R * 0.08)) < R * 0.09) & (np.abs(y - (fy0 + R * 0.35)) < R * 0.4)
        inner_f = (np.abs(x - (fx0 + R * 0.08)) < R * 0.075) & (np.abs(y - (fy0 + R * 0.35)) < R * 0.385)
        height += (frame & ~inner_f) * 0.6
        for k in range(5):
            _glyph(ink, fx0 + R * 0.02, fy0 + R * (0.0 + 0.14 * k), R * 0.12, rng, thick=0.1)
    height += ink * 0.6
    height = _blur(height, 1.0) * disc
    col = metal * (_shade(height * 2.0, 2.0) * (1.1 - 0.3 * d))[..., None]
    _shadow(img, x, y, cx + R * 0.05, cy + R * 0.06, R * 1.05, R * 1.05, 0.5)
    _paint(img, disc, col)
    return img


def draw_coin(rng, h, w, spec, row):
    img = _backdrop_for(spec, h, w, (30, 28, 34), (12, 12, 16), 0.2)
    x, y = _grid(h, w)
    cx, cy = w / 2, h * 0.46
    R = min(w, h) * 0.38
    d = np.hypot(x - cx, y - cy) / R
    sq = np.maximum(np.abs(x - cx), np.abs(y - cy)) / R
    coin = (d < 1) & (sq > 0.2)
    rimmed = "ban liang" not in row.get("title_en", "").lower()
    height = np.zeros((h, w), np.float32)
    if rimmed:
        height += (d > 0.88) * 1.0 + ((sq > 0.2) & (sq < 0.27)) * 1.0
    ink = np.zeros((h, w), np.float32)
    if spec.variant != "reverse":
        four = "tong bao" in row.get("title_en", "").lower()
        pos = [(0, -0.58), (0, 0.58), (0.58, 0), (-0.58, 0)] if four else [(0.58, 0), (-0.58, 0)]
        gs = R * 0.38
        for gx, gy in pos:
            _glyph(ink, cx + gx * R - gs / 2, cy + gy * R - gs / 2, gs, rng, thick=0.11)
    else:
        crescent = (np.abs(d - 0.55) < 0.05) & (y < cy - R * 0.35)
        ink += crescent
    height += ink * 0.9
    height = _blur(height, 1.2) * coin
    metal = _metal(rng, h, w, "bronze", _patina(spec, 0.7))
    col = metal * _shade(height * 2.5, 2.0)[..., None]
    _shadow(img, x, y, cx + R * 0.05, cy + R * 0.06, R * 1.05, R * 1.05, 0.6)
    _paint(img, coin, col)
    return img


def draw_tool(rng, h, w, spec, row):
    img = _backdrop_for(spec, h, w, (200, 196, 188), (160, 156, 150), 0.3)
    x, y = _grid(h, w)
    cx, cy, s = w / 2, h * 0.46, min(w, h) * 0.8
    if row.get("object_type") == "凿":
        pts = [(cx - s * 0.6, cy - s * 0.07), (cx + s * 0.45, cy - s * 0.05), (cx + s * 0.62, cy),
               (cx + s * 0.45, cy + s * 0.05), (cx - s * 0.6, cy + s * 0.07)]
        socket = (x < cx - s * 0.42) & (np.abs(y - cy) < s * 0.03)
    else:  # socketed axe, blade at the bottom
        pts = [(cx - s * 0.16, cy - s * 0.42), (cx + s * 0.16, cy - s * 0.42), (cx + s * 0.2, cy + s * 0.1),
               (cx + s * 0.3, cy + s * 0.36), (cx, cy + s * 0.42), (cx - s * 0.3, cy + s * 0.36),
               (cx - s * 0.2, cy + s * 0.1)]
        socket = (np.abs(x - cx) < s * 0.1) & (np.abs(y - (cy - s * 0.42)) < s * 0.045)
    mask = _poly_mask(x, y, pts)
    height = _blur(mask.astype(np.float32), min(w, h) * 0.02)
    height += _blur(((np.abs(y - (cy - s * 0.3)) < s * 0.015) & mask).astype(np.float32), 1.5) * 0.3
    metal = _metal(rng, h, w, "bronze", _patina(spec, 0.6))
    col = metal * _shade(height * 4, 3.0)[..., None]
    _shadow(img, x + s * 0.03, y - s * 0.04, cx, cy, s * 0.35, s * 0.45, 0.35)
    _paint(img, mask, col)
    _paint(img, socket & mask, metal * 0.2)
    return img


def draw_tools(rng, h, w, spec, row):
    img = _backdrop(h, w, (150, 110, 70), (110, 78, 48), 0.3)  # wooden board
    x, y = _grid(h, w)
    img *= (0.85 + 0.3 * _noise(rng, h, w, 8, 2) * (np.sin(y / h * 80 + _noise(rng, h, w, 60, 2) * 8) * 0.5 + 0.5))[..., None]
    n = 9
    for i in range(n):
        bx = w * (0.1 + 0.8 * i / (n - 1))
        length = h * rng.uniform(0.45, 0.75)
        y0 = h * 0.45 - length / 2
        half = w * 0.012 * rng.uniform(0.8, 1.4)
        t = np.clip((y - y0) / length, 0, 1)
        bar = (y > y0) & (y < y0 + length) & (np.abs(x - bx) < half * (1 - 0.7 * np.clip((t - 0.85) / 0.15, 0, 1)))
        u = np.clip((x - bx) / half, -1, 1)
        steel = np.array([150, 152, 158], np.float32) * (_surface(u, 0.4, 0.6) * (0.9 + 0.2 * rng.random()))[..., None]
        _paint(img, bar, steel)
    return img


def draw_ingot(rng, h, w, spec, row):
    img = _backdrop_for(spec, h, w, (205, 200, 190), (165, 160, 150), 0.3)
    x, y = _grid(h, w)
    cx, cy = w / 2, h * 0.47
    lx, ly = w * 0.4, h * 0.22
    d = np.abs(x - cx) / lx + np.abs(y - cy) / ly  # lozenge
    mask = d < 1
    rough = _noise(rng, h, w, 12, 3)
    height = np.clip(1 - d, 0, 1) ** 0.5 + 0.15 * rough
    metal = _metal(rng, h, w, "copper", 0.6)
    col = metal * _shade(height * 3, 3.0)[..., None]
    _shadow(img, x, y, cx + w * 0.02, cy + h * 0.05, lx, ly * 1.2, 0.4)
    _paint(img, mask, col)
    return img


def draw_slag(rng, h, w, spec, row):
    img = _backdrop_for(spec, h, w, (210, 206, 198), (170, 166, 160), 0.3)
    x, y = _grid(h, w)
    cx, cy = w / 2, h * 0.47
    ang = np.arctan2(y - cy, x - cx)
    rr = np.hypot((x - cx) / (w * 0.36), (y - cy) / (h * 0.34))
    wobble = 1 + 0.12 * np.sin(3 * ang + 1.3) + 0.07 * np.sin(7 * ang + 0.4) + 0.04 * np.sin(13 * ang)
    mask = rr < wobble
    height = np.clip(1 - rr / wobble, 0, 1) ** 0.6 + 0.3 * _noise(rng, h, w, 20, 4)
    pores = _noise(rng, h, w, 5, 2) > 0.68
    height -= pores * 0.4
    shade = _shade(height * 3, 4.0)
    col = np.array([34, 30, 30], np.float32) * shade[..., None]
    col += (np.clip(shade - 1.25, 0, 1) * 400)[..., None]  # glassy highlights
    col = _mix(col, np.array([60, 110, 80], np.float32), (_noise(rng, h, w, 30, 2) > 0.72) * 0.5)
    _shadow(img, x, y, cx + w * 0.02, cy + h * 0.05, w * 0.38, h * 0.38, 0.45)
    _paint(img, mask, col)
    return img


def draw_relief(rng, h, w, spec, row):
    """A copper plate in repoussé: mountains, the river, a skyline and the sun."""
    img = np.zeros((h, w, 3), np.float32)
    x, y = _grid(h, w)
    zoom = 3.0 if spec.variant == "detail" else 1.0
    X, Y = x / zoom + (w * 0.3 if zoom > 1 else 0), y / zoom + (h * 0.2 if zoom > 1 else 0)
    height = np.zeros((h, w), np.float32)
    ridge = h * (0.35 + 0.08 * np.sin(X / w * 7) + 0.05 * np.sin(X / w * 17 + 1))
    height += (Y > ridge) * 0.6
    blds = rng.random((40, 3))
    for bx, bw, bh in blds:
        x0 = bx * w
        wdt = w * (0.015 + 0.03 * bw)
        top = h * (0.35 + 0.2 * bh)
        height += ((X > x0) & (X < x0 + wdt) & (Y > top) & (Y < h * 0.62)) * 0.5
        height += ((X > x0) & (X < x0 + wdt) & (Y > top) & (Y < h * 0.62) &
                   (np.sin(Y / h * 300) > 0.6) & (np.sin(X / w * 600) > 0.2)) * -0.15
    height += (np.hypot(X - w * 0.78, Y - h * 0.18) < h * 0.09) * 0.8
    water = Y > h * 0.66
    height += water * (0.2 * np.sin(Y / h * 120 + np.sin(X / w * 25) * 3))
    border = (x < w * 0.03) | (x > w * 0.97) | (y < h * 0.04) | (y > h * 0.96)
    if zoom == 1:
        height += border * 0.8
    height = _blur(height, 1.5) + 0.04 * _noise(rng, h, w, 3, 2)
    metal = _metal(rng, h, w, "copper", 0.05)
    occl = np.clip(1 - (_blur(height, 8) - height) * 2, 0.4, 1.2)
    img[:] = metal * (_shade(height * 3, 4) * occl)[..., None]
    return img


def _paper(rng, h, w, colour=(226, 212, 180), age=0.25):
    img = np.empty((h, w, 3), np.float32)
    img[:] = colour
    n = _noise(rng, h, w, max(h, w) / 5, 4)
    img *= (1 - age * (n - 0.5))[..., None]
    fibres = _noise(rng, h, w, 3, 2)
    img *= (0.96 + 0.08 * fibres)[..., None]
    return img


def _ink(img, amount, colour=(22, 20, 18)):
    a = np.clip(amount, 0, 1)[..., None]
    img *= 1 - a
    img += a * np.asarray(colour, np.float32)
    return img


def draw_landscape(rng, h, w, spec, row):
    img = _paper(rng, h, w)
    x, y = _grid(h, w)
    layers = 5
    ink = np.zeros((h, w), np.float32)
    for i in range(layers):
        depth = i / (layers - 1)  # 0 far .. 1 near
        base = h * (0.25 + 0.5 * depth)
        xs = np.arange(w, dtype=np.float32)
        ridge = base.copy() if isinstance(base, np.ndarray) else np.full(w, base, np.float32)
        for k in range(1, 6):
            ridge -= h * 0.18 / k * (1 - 0.3 * depth) * np.abs(np.sin(xs / w * math.pi * (k * 1.7 + rng.random()) + rng.random() * 6))
        below = y - ridge[None, :]
        strength = 0.18 + 0.55 * depth
        mass = np.clip(below / (h * 0.02), 0, 1) * np.exp(-np.clip(below, 0, None) / (h * (0.08 + 0.08 * depth)))
        cun = _noise(rng, h, w, 6 + 10 * depth, 2)
        streak = 0.6 + 0.4 * np.sin(x / w * 200 * (1 + depth) + cun * 6)
        ink = np.maximum(ink * (1 - mass * 0.8), mass * strength * streak)
        edge = np.exp(-(below / (h * 0.004)) ** 2) * (0.2 + 0.6 * depth)
        ink = np.maximum(ink, edge)
        if depth > 0.5:  # trees: dots along the ridge
            for _ in range(int(40 * depth * w / h)):
                tx = int(rng.integers(0, w))
                ty = ridge[tx] - h * 0.01
                _stamp_path(ink, [(tx + rng.normal(0, 3), ty + rng.normal(0, 3)) for _ in range(6)],
                            max(1.5, h * 0.006), 0.8)
    img = _ink(img, ink)
    if row.get("object_type") == "人物画":
        pass
    # inscription column and seals, top right
    col_ink = np.zeros((h, w), np.float32)
    gs = min(w, h) * 0.035
    for j in range(7):
        _glyph(col_ink, w * 0.9, h * 0.06 + j * gs * 1.15, gs, rng, thick=0.08)
    img = _ink(img, col_ink * 0.9)
    _seal(img, w * 0.9, h * 0.06 + 7.5 * gs * 1.15, gs * 1.4, rng)
    _seal(img, w * 0.04, h * 0.85, gs * 1.6, rng)
    return _mount(img, rng)


def _mount(img, rng):
    """Silk mounting border around a painting."""
    h, w, _ = img.shape
    b = int(min(h, w) * 0.05)
    out = np.empty_like(img)
    out[:] = (172, 180, 178)
    out *= (0.92 + 0.16 * _noise(rng, h, w, 4, 2))[..., None]
    out[b:h - b, b:w - b] = img[b:h - b, b:w - b]
    return out


def draw_flowers(rng, h, w, spec, row):
    silk = "绢" in row.get("material", "")
    img = _paper(rng, h, w, (214, 196, 160) if silk else (232, 222, 198))
    ink = np.zeros((h, w), np.float32)
    # branch: a random walk
    px, py = w * 0.1, h * 0.95
    pts = []
    ang = -1.2
    target = -math.atan2(h * 0.8, w * 0.75)  # towards the upper right corner
    step = math.hypot(w, h) * 0.0035
    for _ in range(220):
        pts.append((px, py))
        ang += rng.normal(0, 0.08) + 0.08 * (target - ang)
        px = min(max(px + math.cos(ang) * step, w * 0.05), w * 0.95)
        py = min(max(py + math.sin(ang) * step, h * 0.05), h * 0.95)
    _stamp_path(ink, pts, np.linspace(h * 0.02, h * 0.004, len(pts)))
    img = _ink(img, ink * 0.85, (50, 38, 30))
    petal = np.zeros((h, w), np.float32)
    peony = "牡丹" in row.get("description_zh", "") or "凤丹" in row.get("title_zh", "")
    colour = (212, 90, 120) if peony else (196, 52, 64)
    n_fl = 5 if peony else 18
    for i in range(n_fl):
        bx, by = pts[int(rng.integers(len(pts) // 3, len(pts)))]
        bx += rng.normal(0, w * 0.06)
        by += rng.normal(0, h * 0.03)
        size = h * (0.08 if peony else 0.02) * rng.uniform(0.7, 1.2)
        for k in range(5 if not peony else 9):
            a = k / (5 if not peony else 9) * 2 * math.pi + rng.random()
            _stamp_path(petal, [(bx + math.cos(a) * size * 0.6, by + math.sin(a) * size * 0.6)], size * 0.55, 0.85)
    img = _ink(img, petal * 0.8, colour)
    # a bird
    bird = np.zeros((h, w), np.float32)
    bx, by = pts[len(pts) * 2 // 3]
    _stamp_path(bird, [(bx + i * h * 0.006, by - h * 0.03 - i * h * 0.002) for i in range(10)], h * 0.025)
    _stamp_path(bird, [(bx + h * 0.07, by - h * 0.06)], h * 0.018)
    _stamp_path(bird, [(bx - i * h * 0.008, by - h * 0.02 + i * h * 0.004) for i in range(8)], h * 0.008)
    img = _ink(img, bird * 0.85, (92, 64, 40))
    _seal(img, w * 0.85, h * 0.05, min(w, h) * 0.08, rng)
    return _mount(img, rng)


def draw_figure(rng, h, w, spec, row):
    img = _paper(rng, h, w, (208, 188, 150))
    x, y = _grid(h, w)
    cx, cy = w * 0.5, h * 0.55
    s = min(w, h)
    robe = _poly_mask(x, y, [(cx - s * 0.08, cy - s * 0.2), (cx + s * 0.08, cy - s * 0.2), (cx + s * 0.25, cy + s * 0.3),
                             (cx - s * 0.28, cy + s * 0.3)])
    head = np.hypot(x - cx, y - (cy - s * 0.27)) < s * 0.07
    fig = (robe | head).astype(np.float32)
    outline = np.clip(fig - _blur(fig, s * 0.004) * 1.0, 0, 1) * 3
    folds = robe * (np.abs(np.sin((x - cx) / s * 40 + (y - cy) / s * 8)) < 0.06)
    img = _ink(img, np.clip(outline + folds * 0.7, 0, 1) * 0.85)
    img = _ink(img, robe * 0.25, (200, 210, 215))
    table = (np.abs(x - (cx + s * 0.33)) < s * 0.14) & (np.abs(y - (cy + s * 0.1)) < s * 0.012)
    img = _ink(img, table * 0.9, (90, 50, 30))
    _seal(img, w * 0.08, h * 0.88, s * 0.07, rng)
    return _mount(img, rng)


def draw_calligraphy(rng, h, w, spec, row):
    couplet = "对联" in row.get("title_zh", "")
    if couplet:
        img = np.empty((h, w, 3), np.float32)
        img[:] = (232, 228, 220)
        ink = np.zeros((h, w), np.float32)
        for k in (0, 1):
            x0 = w * (0.1 + 0.45 * k)
            strip = np.zeros((h, w), bool)
            strip[int(h * 0.04):int(h * 0.96), int(x0):int(x0 + w * 0.35)] = True
            _paint(img, strip, (180, 40, 34))
            gs = w * 0.26
            for j in range(int(h * 0.9 / (gs * 1.15))):
                _glyph(ink, x0 + w * 0.045, h * 0.06 + j * gs * 1.15, gs, rng, thick=0.1)
        img *= (0.94 + 0.12 * _noise(rng, h, w, 20, 3))[..., None]
        return _ink(img, ink * 0.95)
    img = _paper(rng, h, w, (232, 220, 192))
    ink = np.zeros((h, w), np.float32)
    gs = h * 0.17
    cols = int(w * 0.85 / (gs * 1.1))
    for c in range(cols):  # right to left
        gx = w * 0.92 - (c + 1) * gs * 1.1
        for j in range(4):
            if rng.random() < 0.1:
                continue
            _glyph(ink, gx, h * 0.1 + j * gs * 1.15, gs * rng.uniform(0.85, 1.05), rng, thick=rng.uniform(0.06, 0.11))
    dry = np.clip(_noise(rng, h, w, 3, 2) * 1.6 - 0.1, 0.35, 1)
    img = _ink(img, ink * dry)
    _seal(img, w * 0.93, h * 0.1, gs * 0.5, rng)
    _seal(img, w * 0.06, h * 0.72, gs * 0.6, rng)
    return _mount(img, rng)


def draw_vase(rng, h, w, spec, row):
    img = _backdrop_for(spec, h, w, (236, 236, 234), (196, 196, 194), 0.25)
    x, y = _grid(h, w)
    blue_white = "青花" in row.get("title_zh", "")
    glaze = np.array((232, 236, 238) if blue_white else (156, 190, 160), np.float32)
    if "青白" in row.get("title_zh", ""):
        glaze = np.array((214, 230, 226), np.float32)
    cx = w / 2
    if spec.variant == "base":  # seen from below: foot ring and a six-character reign mark
        R = min(w, h) * 0.38
        d = np.hypot(x - cx, y - h * 0.47) / R
        col = np.empty((h, w, 3), np.float32)
        col[:] = glaze
        col *= (1.0 - 0.15 * d)[..., None]
        ring = (d > 0.82) & (d < 1)
        col = _mix(col, np.array((196, 170, 140), np.float32), ring * 0.9)  # unglazed foot
        ink = np.zeros((h, w), np.float32)
        gs = R * 0.32
        for i in range(2):
            for j in range(3):
                _glyph(ink, cx + (0.05 - i * 0.45) * R, h * 0.47 + (j - 1.5) * gs * 1.05, gs, rng, thick=0.09)
        col = _ink(col, ink * 0.85, (40, 60, 140))
        _shadow(img, x, y, cx, h * 0.5, R * 1.1, R * 1.1, 0.3)
        _paint(img, d < 1, col)
        return img
    body_h = h * 0.76
    top = h * 0.11
    prof = PROFILES["瓷器"] if not blue_white else [(0, .06), (.05, .05), (.10, .14), (.25, .36), (.6, .27), (.9, .17), (1, .18)]
    inside, u, t = _vessel_layers(x, y, cx, top, body_h, prof)
    theta = np.arcsin(u)
    col = glaze * (_surface(u, 0.55, 0.0))[..., None]
    if blue_white:  # scrolling lotus in cobalt between band lines
        pattern = ((np.sin(theta * 6 + np.sin(t * 25) * 1.5) * np.sin(t * 40 + theta * 3)) > 0.35) & (t > 0.28) & (t < 0.7)
        pattern |= (np.abs(t - 0.26) < 0.006) | (np.abs(t - 0.72) < 0.006) | ((t > 0.8) & (t < 0.9) & (np.sin(theta * 18) > 0.2))
        cobalt = _noise(rng, h, w, 10, 2)
        col = _ink(col, pattern * (0.6 + 0.4 * cobalt), (30, 50, 130))
    else:
        crackle = _noise(rng, h, w, 8, 2)
        col *= (0.92 + 0.1 * crackle)[..., None]
    col += (np.exp(-((u + 0.45) / 0.07) ** 2) * 80)[..., None]  # glaze highlight
    _shadow(img, x, y, cx, top + body_h, w * 0.25, h * 0.03, 0.5)
    _paint(img, inside, col)
    return img


def draw_woodcut(rng, h, w, spec, row):
    img = _paper(rng, h, w, (236, 228, 208), 0.1)
    x, y = _grid(h, w)
    if "笺" in row.get("title_zh", ""):  # letter paper: pale multi-block flowers and blind embossing
        emb = _blur(((np.sin(x / w * 60) * np.sin(y / h * 60)) > 0.7).astype(np.float32), 2)
        img *= _shade(emb * 3, 1.0)[..., None]
        petals = np.zeros((h, w), np.float32)
        for _ in range(7):
            _stamp_path(petals, [(w * rng.uniform(0.3, 0.8), h * rng.uniform(0.5, 0.9))], min(w, h) * 0.05, 0.7)
        img = _ink(img, petals * 0.6, (120, 160, 200))
        stem = np.zeros((h, w), np.float32)
        _stamp_path(stem, [(w * (0.5 + 0.2 * math.sin(i / 10)), h * (0.95 - i / 80)) for i in range(50)], min(w, h) * 0.006)
        return _ink(img, stem * 0.7, (80, 120, 70))
    black = np.zeros((h, w), np.float32)
    black += (y > h * 0.62)  # ground
    for i in range(6):  # chimneys and sheds
        cx = w * (0.12 + 0.15 * i)
        black += (np.abs(x - cx) < w * 0.025) & (y > h * (0.2 + 0.05 * (i % 3)))
        black += (np.abs(x - cx - w * 0.05) < w * 0.06) & (y > h * 0.5)
    black = np.clip(black, 0, 1)
    gouge = (np.sin(y / h * 220 + np.sin(x / w * 30) * 2) > 0.55) & (y > h * 0.66)
    black *= ~gouge
    sky_lines = (np.sin(x / w * 180 + y / h * 40) > 0.92) & (y < h * 0.6)
    img = _ink(img, np.clip(black + sky_lines * 0.9, 0, 1), (18, 16, 16))
    moon = np.hypot(x - w * 0.78, y - h * 0.18) < min(w, h) * 0.08
    smoke = (_noise(rng, h, w, 40, 2) > 0.6) & (y < h * 0.35) & (x < w * 0.7)
    img = _ink(img, (moon | smoke) * 0.9, (214, 64, 36))
    return img


def draw_papercut(rng, h, w, spec, row, palette=None):
    """Radially symmetric cut paper pattern; a colourful multi-layer one for ``palette``."""
    img = _paper(rng, h, w, (244, 238, 226), 0.05)
    x, y = _grid(h, w)
    cx, cy = w / 2, h * 0.47
    R = min(w, h) * 0.43
    d = np.hypot(x - cx, y - cy) / R
    ang = np.arctan2(y - cy, x - cx)
    sym = int(rng.choice([6, 8, 12]))
    a = (ang * sym / (2 * math.pi)) % 1.0
    fold = np.abs(a - 0.5) * 2  # mirror symmetry inside each sector
    paper = d < 1
    cuts = (np.abs(np.sin(fold * 5 + d * 14)) < 0.25) & (d > 0.2) & (d < 0.75)  # crescent cuts
    cuts |= (np.abs(d - 0.8) < 0.025) | (np.abs(d - 0.18) < 0.02)  # ring lines
    cuts |= (d > 0.85) & (d < 0.97) & (np.sin(ang * sym * 4) > 0.4)  # sawtooth border
    petals = ((fold - 0.5) ** 2 * 6 + (d - 0.45) ** 2 * 12) < 0.12
    cuts &= ~(petals & (d > 0.35) & (d < 0.55) & (np.abs(fold - 0.5) > 0.08))
    sheet = paper & ~cuts
    if palette is None:
        _shadow(img, x, y, cx + R * 0.02, cy + R * 0.03, R * 1.02, R * 1.02, 0.25)
        _paint(img, sheet, (196, 28, 36))
    else:
        colours = np.array(palette, np.float32)
        idx = (np.floor(d * len(colours) * 1.5) % len(colours)).astype(int)
        _paint(img, sheet, colours[idx])
    if row.get("object_type") == "剪纸" and "窗" in row.get("title_zh", ""):  # window lattice frame
        frame = (np.maximum(np.abs(x - cx), np.abs(y - cy)) > R * 1.02) & (np.maximum(np.abs(x - cx), np.abs(y - cy)) < R * 1.12)
        _paint(img, frame, (110, 70, 40))
    return img


def draw_festive(rng, h, w, spec, row):
    palette = [(200, 32, 40), (240, 180, 40), (30, 120, 90), (40, 70, 160), (230, 110, 30), (150, 40, 120)]
    rng.shuffle(palette)
    return draw_papercut(rng, h, w, spec, row, palette=palette[: int(rng.integers(3, 6))])


def draw_weave(rng, h, w, spec, row):
    img = _backdrop_for(spec, h, w, (220, 214, 200), (180, 172, 160), 0.3)
    x, y = _grid(h, w)
    cx, top, body_h = w / 2, h * 0.2, h * 0.62
    inside, u, t = _vessel_layers(x, y, cx, top, body_h, [(0, .62), (.5, .55), (.9, .38), (1, .30)])
    theta = np.arcsin(u)
    s = 0.09
    a, b = np.floor(theta / s), np.floor(t / 0.05)
    over = ((a + np.floor(b / 2)) % 2 == 0)  # twill / herringbone
    along = np.where(over, (theta / s) % 1.0, (t / 0.05) % 1.0)
    strip = 0.75 + 0.25 * np.sin(along * math.pi)
    bamboo = np.where(over[..., None], np.array((200, 160, 90), np.float32), np.array((176, 136, 72), np.float32))
    col = bamboo * (strip * _surface(u, 0.5, 0.15))[..., None]
    _shadow(img, x, y, cx, top + body_h, w * 0.3, h * 0.04)
    _paint(img, inside, col)
    rim = inside & (t < 0.04)
    _paint(img, rim, (150, 110, 60))
    return img


def draw_mask(rng, h, w, spec, row):
    img = _backdrop_for(spec, h, w, (40, 34, 30), (16, 14, 12))
    x, y = _grid(h, w)
    cx, cy = w / 2, h * 0.47
    rx, ry = min(w, h) * 0.3, h * 0.38
    d = np.hypot((x - cx) / rx, (y - cy) / ry)
    face = d < 1
    wood = np.array((150, 100, 60), np.float32) * (0.85 + 0.3 * _noise(rng, h, w, 10, 3))[..., None]
    if spec.variant == "back":  # hollow carved back
        col = wood * (0.5 + 0.5 * d)[..., None] * (0.9 + 0.2 * (np.sin(y / h * 200) > 0))[..., None]
        _paint(img, face, col)
        for side in (-1, 1):
            hole = np.hypot(x - (cx + side * rx * 0.4), y - (cy - ry * 0.15)) < rx * 0.12
            _paint(img, hole, (10, 8, 8))
        return img
    col = np.array((176, 40, 32), np.float32) * _surface(np.clip((x - cx) / rx, -1, 1), 0.5, 0.3)[..., None]
    _paint(img, face, col)
    for side in (-1, 1):
        eye = np.hypot((x - (cx + side * rx * 0.4)) / (rx * 0.22), (y - (cy - ry * 0.15)) / (ry * 0.1)) < 1
        pupil = np.hypot(x - (cx + side * rx * 0.4), y - (cy - ry * 0.15)) < rx * 0.07
        brow = (np.abs(y - (cy - ry * 0.35 + side * (x - cx) * 0.2 * 0)) < ry * 0.04) & (np.abs(x - (cx + side * rx * 0.4)) < rx * 0.3)
        tusk = _poly_mask(x, y, [(cx + side * rx * 0.25, cy + ry * 0.35), (cx + side * rx * 0.4, cy + ry * 0.35),
                                 (cx + side * rx * 0.45, cy + ry * 0.05)])
        _paint(img, eye, (240, 236, 220))
        _paint(img, pupil, (12, 10, 10))
        _paint(img, brow, (20, 16, 14))
        _paint(img, tusk, (236, 230, 210))
    mouth = (np.abs(y - (cy + ry * 0.35)) < ry * 0.05) & (np.abs(x - cx) < rx * 0.35)
    _paint(img, mouth, (20, 10, 10))
    swirl = face & (np.abs(np.sin(d * 25 + np.arctan2(y - cy, x - cx) * 3)) < 0.12) & (d > 0.7)
    _paint(img, swirl, (240, 190, 40))
    return img


def draw_costume(rng, h, w, spec, row):
    """An opera robe on a stand: silk body, wide sleeves ending in long white water sleeves, embroidered hems."""
    img = _backdrop_for(spec, h, w, (60, 52, 58), (24, 20, 24))
    x, y = _grid(h, w)
    cx = w / 2
    silk = np.asarray([(226, 150, 170), (120, 170, 210), (235, 200, 120), (150, 200, 170)][int(rng.integers(0, 4))], np.float32)
    body = _poly_mask(x, y, [(cx - w * .12, h * .16), (cx + w * .12, h * .16), (cx + w * .22, h * .9), (cx - w * .22, h * .9)])
    sleeves = _poly_mask(x, y, [(cx - w * .12, h * .18), (cx - w * .42, h * .42), (cx - w * .36, h * .52), (cx - w * .1, h * .34)])
    sleeves |= _poly_mask(x, y, [(cx + w * .12, h * .18), (cx + w * .42, h * .42), (cx + w * .36, h * .52), (cx + w * .1, h * .34)])
    water = _poly_mask(x, y, [(cx - w * .42, h * .42), (cx - w * .36, h * .52), (cx - w * .40, h * .92), (cx - w * .47, h * .9)])
    water |= _poly_mask(x, y, [(cx + w * .42, h * .42), (cx + w * .36, h * .52), (cx + w * .40, h * .92), (cx + w * .47, h * .9)])
    folds = 0.85 + 0.15 * np.sin(x / w * 60 + _noise(rng, h, w, w / 8) * 4)
    _paint(img, body | sleeves, silk * folds[..., None])
    _paint(img, water, np.asarray((246, 244, 238), np.float32) * (0.9 + 0.1 * np.sin(y / h * 40))[..., None])
    collar = (np.hypot(x - cx, y - h * .16) < w * .07) & (y > h * .14)
    hem = body & (y > h * .82)
    dots = (np.sin(x / w * 90) * np.sin(y / h * 90) > 0.7) & body & (y > h * .5)
    _paint(img, collar | hem, (200, 160, 60))
    _paint(img, dots, (250, 230, 150), 0.8)
    return img


def draw_lantern(rng, h, w, spec, row):
    """A dragon lantern at night: a winding chain of glowing round lanterns, the red head first."""
    img = _backdrop(h, w, (16, 18, 34), (6, 6, 12), 0.2)
    x, y = _grid(h, w)
    n = 9
    phase = float(rng.uniform(0, math.pi))
    glow = np.zeros((h, w), np.float32)
    for i in range(n):
        t = i / (n - 1)
        cx, cy = w * (0.12 + 0.74 * t), h * (0.5 + 0.16 * math.sin(t * 2 * math.pi + phase))
        r = min(w, h) * (0.085 if i else 0.12)
        d = np.hypot(x - cx, y - cy) / r
        glow += np.exp(-d * d * 0.6) * 0.6
        body = d < 1
        ribs = np.abs(np.sin((x - cx) / r * 5)) < 0.12
        colour = np.asarray((250, 190, 70) if i else (230, 60, 40), np.float32)
        pole = (np.abs(x - cx) < r * 0.06) & (y > cy + r) & (y < h * 0.97)
        _paint(img, pole, (90, 60, 40))
        _paint(img, body, colour * (1.05 - 0.35 * d)[..., None])
        _paint(img, body & ribs, (150, 60, 30), 0.6)
    img += glow[..., None] * np.asarray((120, 70, 20), np.float32)
    return img


def draw_field(rng, h, w, spec, row):
    """Where cowherd songs are sung: terraced paddies under hills, a water buffalo and a herder's straw hat."""
    img = _backdrop(h, w, (196, 214, 222), (226, 228, 214), 0.1)
    x, y = _grid(h, w)
    for k, (colour, base) in enumerate((((120, 150, 130), 0.42), ((86, 120, 96), 0.5))):
        ridge = h * base + h * 0.06 * np.sin(x / w * (3 + k) * math.pi + float(rng.uniform(0, 6)))
        _paint(img, y > ridge, colour)
    for i in range(6):
        top = h * (0.56 + i * 0.075)
        band = (y > top + h * 0.01 * np.sin(x / w * 7 + i)) & (y < top + h * 0.07)
        _paint(img, band, (110 + 12 * i, 160 + 6 * i, 80), 0.9)
        _paint(img, band & (np.abs(((x / w * 40 + i) % 1) - 0.5) < 0.06), (70, 110, 50), 0.5)
    bx, by = w * 0.62, h * 0.66
    buffalo = (((x - bx) / (w * 0.09)) ** 2 + ((y - by) / (h * 0.05)) ** 2) < 1
    buffalo |= (((x - (bx - w * 0.1)) / (w * 0.035)) ** 2 + ((y - (by - h * 0.02)) / (h * 0.03)) ** 2) < 1
    for lx in (-0.06, -0.02, 0.03, 0.07):
        buffalo |= (np.abs(x - (bx + lx * w)) < w * 0.008) & (y > by) & (y < by + h * 0.08)
    horns = (np.abs(np.hypot(x - (bx - w * 0.1), y - (by - h * 0.06)) - w * 0.03) < w * 0.005) & (y < by - h * 0.05)
    _paint(img, buffalo | horns, (52, 48, 46))
    hat = _poly_mask(x, y, [(w * 0.38, h * 0.6), (w * 0.46, h * 0.6), (w * 0.42, h * 0.55)])
    _paint(img, hat, (206, 176, 110))
    return img


DRAW = {
    "vessel": draw_vessel, "bell": draw_bell, "mirror": draw_mirror, "coin": draw_coin, "tool": draw_tool,
    "tools": draw_tools, "ingot": draw_ingot, "slag": draw_slag, "relief": draw_relief,
    "landscape": draw_landscape, "flowers": draw_flowers, "figure": draw_figure, "calligraphy": draw_calligraphy,
    "vase": draw_vase, "woodcut": draw_woodcut, "papercut": draw_papercut, "festive": draw_festive,
    "weave": draw_weave, "mask": draw_mask, "costume": draw_costume, "lantern": draw_lantern, "field": draw_field,
}


# --------------------------------------------------------------------------- rendering

_TILE = 509  # a prime, so the repeat of the grain does not line up with anything


@functools.lru_cache(maxsize=2)
def _grain_tile(seed: int) -> pyvips.Image:
    noise = np.rint(np.random.default_rng(seed).normal(0.0, 5.0, (_TILE, _TILE))).astype(np.int16)
    return pyvips.Image.new_from_array(noise)


def _grain(w: int, h: int, seed: int) -> pyvips.Image:
    """Full-resolution film grain: a seeded noise tile replicated (much faster than ``gaussnoise``)."""
    ox, oy = seed % _TILE, (seed // _TILE) % _TILE
    tiles = _grain_tile(0).replicate((w + ox) // _TILE + 1, (h + oy) // _TILE + 1)
    return tiles.crop(ox, oy, w, h)


def _light(h: int, w: int, spec) -> np.ndarray:
    """A soft key light from one side, different for each object (the studio's lamps are not always left)."""
    seed = _seed("light:" + _item_key(spec))
    angle = (seed % 360) * math.pi / 180
    x, y = _grid(h, w)
    along = ((x / w - 0.5) * math.cos(angle) + (y / h - 0.5) * math.sin(angle))
    strength = 0.10 + (seed // 360 % 10) / 100.0
    return (1.0 + strength * (0.5 - (along + 0.5)) * 2)[..., None].astype(np.float32)


#: Kinds photographed as objects in a studio (lit from a side); paper and paintings are shot flat.
LIT = frozenset({"vessel", "bell", "mirror", "coin", "tool", "tools", "ingot", "slag", "relief", "vase", "weave",
                 "mask", "costume", "lantern"})


def render(spec: Spec, row: dict) -> pyvips.Image:
    """The full-size 8-bit sRGB picture for one file: the object alone, no text burned in (the credit is the
    record's rights)."""
    w, h = spec.width, spec.height
    scale = WORK / max(w, h)
    if spec.rel in BIG:
        scale *= 1.5
    sw, sh = max(64, int(round(w * scale))), max(64, int(round(h * scale)))
    rng = np.random.default_rng(_seed(spec.rel))
    small = DRAW[spec.kind](rng, sh, sw, spec, row)
    if spec.kind in LIT:
        small = small * _light(sh, sw, spec)
    # medium-scale mottling, baked in at the working size (free), so deep zoom shows texture
    small += rng.normal(0.0, 4.0, small.shape[:2]).astype(np.float32)[..., None]
    small = np.clip(small, 0, 255).astype(np.uint8)
    im = pyvips.Image.new_from_array(np.ascontiguousarray(small), interpretation="srgb")
    im = im.resize(w / sw, vscale=h / sh, kernel="linear")
    if im.width != w or im.height != h:
        im = im.embed(0, 0, w, h, extend="copy")
    # fine grain at full resolution: integer arithmetic on a replicated tile
    im = (im + _grain(w, h, _seed(spec.rel))).cast("uchar")
    return im.copy(interpretation="srgb")


def _to_cmyk(im: pyvips.Image) -> pyvips.Image:
    try:
        return im.icc_transform("cmyk", input_profile="srgb", intent="relative")
    except pyvips.Error:  # libvips without lcms: naive conversion
        rgb = im.cast("float") / 255.0
        r, g, b = rgb[0], rgb[1], rgb[2]
        mx = (r > g).ifthenelse(r, g)
        mx = (mx > b).ifthenelse(mx, b)
        k = 1 - mx
        denom = (mx > 0).ifthenelse(mx, 1)
        c = (1 - rgb[0] - k) / denom
        m = (1 - rgb[1] - k) / denom
        y = (1 - rgb[2] - k) / denom
        return (c.bandjoin([m, y, k]) * 255).cast("uchar").copy(interpretation="cmyk")


def save(im: pyvips.Image, spec: Spec, path: Path) -> None:
    """Write atomically in the file's format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    if spec.cmyk:
        im = _to_cmyk(im)
    if spec.ushort:
        im = (im.cast("ushort") * 257).cast("ushort").copy(interpretation="rgb16")
    if spec.saver == "jpeg":
        im.jpegsave(str(tmp), Q=88, optimize_coding=False)
    elif spec.saver == "png":
        im.pngsave(str(tmp), compression=1)
    else:
        im.tiffsave(str(tmp), compression="deflate", predictor="horizontal", level=3)
    os.replace(tmp, path)


def is_done(path: Path, spec: Spec) -> bool:
    if not path.exists():
        return False
    try:
        head = pyvips.Image.new_from_file(str(path))
    except pyvips.Error:
        return False
    return head.width == spec.width and head.height == spec.height


def read_rows(csv_path: Path) -> list[dict]:
    with open(csv_path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def specs(csv_path: Path) -> list[tuple[Spec, dict]]:
    """Every file the CSV's ``files`` column lists, with its spec and row (first mention wins)."""
    seen: dict[str, tuple[Spec, dict]] = {}
    for row in read_rows(Path(csv_path)):
        for rel in (row.get("files") or "").split(";"):
            rel = rel.strip()
            if rel and rel not in seen:
                seen[rel] = (spec_for(rel, row), row)
    return list(seen.values())


def generate_images(csv_path: Path, out_dir: Path, progress=None, workers: int | None = None) -> list[Path]:
    """Create every image file ``csv_path`` lists under ``out_dir``; return their paths.

    Idempotent: a file that exists with the expected size is left alone.
    ``progress``, when given, is called as ``progress(done, total, path)``.
    Files are drawn ``workers`` at a time (default: 2, or 1 on a single core);
    numpy and libvips release the GIL for the heavy parts.
    """
    out_dir = Path(out_dir)
    todo = specs(Path(csv_path))
    stamp = out_dir / STAMP
    redraw = not stamp.exists() or stamp.read_text().strip() != DRAWING_VERSION
    # biggest first, so the long ones do not end up alone at the tail
    order = sorted(range(len(todo)), key=lambda i: -todo[i][0].width * todo[i][0].height)

    def one(index: int) -> Path:
        spec, row = todo[index]
        path = out_dir / spec.rel
        if redraw or not is_done(path, spec):
            save(render(spec, row), spec, path)
        return path

    workers = workers or min(2, os.cpu_count() or 1)
    done = 0
    if workers <= 1:
        results = map(one, order)
        for path in results:
            done += 1
            if progress:
                progress(done, len(todo), path)
    else:
        from concurrent.futures import ThreadPoolExecutor, as_completed

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="demo-images") as pool:
            futures = [pool.submit(one, i) for i in order]
            for future in as_completed(futures):
                path = future.result()
                done += 1
                if progress:
                    progress(done, len(todo), path)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(DRAWING_VERSION + "\n")
    return [out_dir / spec.rel for spec, _ in todo]


if __name__ == "__main__":  # python -m ingest.demo.images OUT_DIR
    import sys
    import time

    start = time.perf_counter()
    out = generate_images(Path(__file__).with_name("items.csv"), Path(sys.argv[1] if len(sys.argv) > 1 else "demo-source"),
                          progress=lambda i, n, p: print(f"{i}/{n} {p}", flush=True))
    print(f"{len(out)} images in {time.perf_counter() - start:.1f} s")
