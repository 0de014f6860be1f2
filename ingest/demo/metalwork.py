"""Drawings of the copper museum's objects: vessels, bells, mirrors, coins, tools, ingots, slag, reliefs."""
from __future__ import annotations

import math

import numpy as np

from .painting import (
    _backdrop, _backdrop_for, _blur, _glyph, _grid, _metal, _mix, _noise, _paint, _patina, _poly_mask, _shade,
    _shadow,
)

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
