"""Walk-through rooms and label sheets: how long exhibits/walk.py and exhibits/labels.py take for a hall.

    .venv/bin/python benchmarks/visitor.py [--items 12,120,500] [--repeat 3]

Prints, for halls of the given sizes (photos of six proportions, 3D items, videos, recordings and
records without media, in six sections): the time to build the room description (walk.json, each
layout; one room holds the first exhibits.walk.ROOM_LIMIT) and to make the A4 label sheet (12 a page),
median of --repeat runs, in one process on one core, then to get the same sheet again from the label cache
(exhibits.label_cache: its key computed and the file read). Nothing is served: these are the view's own costs.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace as NS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exhibits import label_cache, labels, walk  # noqa: E402

SHAPES = [(1600, 1200), (900, 900), (12000, 1200), (1000, 4000), (3000, 2000), (800, 1400)]


def hall(layout: str, count: int):
    sections = [NS(id=i + 1, slug=f"s{i}", title={"en": [f"Section {i}"]}) for i in range(6)]
    items = []
    for n in range(count):
        section = sections[n % 6]
        kind = n % 5
        if kind == 0:
            assets = [NS(kind="model", sha256=f"m{n}", width=None, height=None, info={"thumbnail": {"width": 800, "height": 800}})]
        elif kind == 1:
            assets = [NS(kind="video", sha256=f"v{n}", width=None, height=None, info={"poster": {"width": 1280, "height": 720}})]
        else:
            w, h = SHAPES[n % len(SHAPES)]
            assets = [NS(kind="image", sha256=f"i{n}", width=w, height=h, info={})]
        items.append(NS(id=f"item-{n:05d}", title={"zh": [f"展品{n}"], "en": [f"Object {n}"]}, metadata_={}, assets=assets,
                        position=n, section_id=section.id, section=section, accession_number=f"TL-{n:05d}"))
    return NS(slug="h", layout=layout, sections=sections), items


def timed(function, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", default="12,120,500")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    labels.label_sheet(labels.labels_for(hall("gallery", 1)[1], lambda i: f"https://museum.example.cn/items/{i}", "en"), 12)  # font loaded once
    cache = Path(tempfile.mkdtemp(prefix="jinshi-bench-labels-"))
    print(f"{'items':>6} {'gallery ms':>11} {'corridor ms':>12} {'ring ms':>8} {'labels s':>9} {'pages':>6} {'PDF KiB':>8}"
          f" {'cached ms':>10}")
    for count in (int(n) for n in args.items.split(",")):
        row = []
        for layout in ("gallery", "corridor", "ring"):
            h, items = hall(layout, count)
            row.append(1000 * timed(lambda: walk.room(h, items, root="", link=lambda i: f"/items/{i.id}",
                                                    label=lambda i: {"title": i.id, "detail": ""},
                                                    section_title=lambda s: s.slug), args.repeat))
        sheet = labels.labels_for(hall("gallery", count)[1], lambda i: f"https://museum.example.cn/items/{i}?lang=en", "en")
        pdf = b""

        def make():
            nonlocal pdf
            pdf = labels.label_sheet(sheet, 12)
        seconds = timed(make, 1 if count > 100 else args.repeat)
        label_cache.cached_sheet(cache, f"bench-{count}", sheet, 12)  # made and kept once
        cached = timed(lambda: label_cache.cached_sheet(cache, f"bench-{count}", sheet, 12), args.repeat)
        print(f"{count:>6} {row[0]:>11.1f} {row[1]:>12.1f} {row[2]:>8.1f} {seconds:>9.2f} {-(-count // 12):>6} {len(pdf) // 1024:>8}"
              f" {cached * 1000:>10.1f}")
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
