"""Drawings of the art museum's and the ICH hall's objects: ink landscapes, flowers, figures, calligraphy,
vases, woodcuts, papercuts, weaving, masks, opera robes, lanterns and fields."""
from __future__ import annotations

import math

import numpy as np

from .painting import (
    _backdrop, _backdrop_for, _blur, _glyph, _grid, _mix, _noise, _paint, _poly_mask, _seal, _shade, _shadow,
    _stamp_path,
)
from .metalwork import PROFILES, _surface, _vessel_layers

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
