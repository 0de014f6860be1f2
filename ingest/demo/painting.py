"""The numpy painting kit the demo's procedural pictures are drawn with: noise, blur, shading, masks,
backdrops, studio lights, patina, glyphs and seals (:mod:`ingest.demo.images` renders and saves them)."""
from __future__ import annotations

import math
import re
import zlib
from pathlib import Path

import numpy as np
import pyvips

def _grid(h: int, w: int):
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return x, y


def _seed(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


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
