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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyvips

from .metalwork import (
    draw_bell, draw_coin, draw_ingot, draw_mirror, draw_relief, draw_slag, draw_tool, draw_tools, draw_vessel,
)
from .painting import _grid, _item_key, _seed
from .paper_and_crafts import (
    draw_calligraphy, draw_costume, draw_festive, draw_field, draw_figure, draw_flowers, draw_landscape,
    draw_lantern, draw_mask, draw_papercut, draw_vase, draw_weave, draw_woodcut,
)

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
