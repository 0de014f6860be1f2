"""Ingest: records/s for 20 000 metadata-only rows; probe + store + pyramid for 20 photos of 24 MP.

    .venv/bin/python benchmarks/ingest.py [--records 20000] [--photos 20] [--keep]

Records: a CSV of ``--records`` rows without media (bilingual titles, multi-line descriptions,
periods, materials, an extra column; what most of a real catalogue is) is ingested by a fresh
process with ``ingest.batch.ingest_batch`` into the embedded default (SQLite + Whoosh in a new
``JINSHI_HOME``), exactly as ``jinshi ingest --metadata`` does; then the same CSV again (every
row unchanged). Printed: records/s of each run, and that the index holds every record.

The photos (6000×4000 JPEG Q90, photo-like: smooth colour fields, detail and grain, each
one different) are made first by a separate process. A fresh process then ingests them
one after another exactly as ingest does for an image: ``media.images.probe_image``,
``media.store.MediaStore.put_file`` and ``media.images.make_pyramid`` into the store.
It prints seconds per photo and that process's peak RSS (``getrusage``), with and without
``media.images.limit_memory_growth()`` (two malloc arenas, no libvips operation cache). To show that
memory does not grow with photo size, single photos of 6, 24 and 96 MP are then ingested
each in its own fresh process, plus one 24 MP photo with an EXIF rotation (which needs
random access, so libvips decodes it whole).
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.support import children_cpu, remove_unless_kept  # noqa: E402


def make_photo(path: str, width: int, height: int, orientation: int = 1) -> None:
    import pyvips

    bands = []
    for sigma in (50, 45, 55):
        low = pyvips.Image.gaussnoise(max(2, width // 40), max(2, height // 40), mean=128, sigma=sigma)
        bands.append(low.gaussblur(2).resize(40, kernel="linear"))
    field = bands[0].bandjoin(bands[1:])
    detail = pyvips.Image.gaussnoise(width // 4, height // 4, mean=0, sigma=30).gaussblur(1.5).resize(4)
    grain = pyvips.Image.gaussnoise(width, height, mean=0, sigma=6)
    image = (field.crop(0, 0, width, height) + detail.crop(0, 0, width, height) + grain)
    image = image.cast("uchar").copy(interpretation="srgb")
    if orientation != 1:
        image = image.copy()
        image.set_type(pyvips.GValue.gint_type, "orientation", orientation)
    image.jpegsave(path, Q=90)


def _make_many(paths: list[str], width: int, height: int) -> None:
    for path in paths:
        make_photo(path, width, height)


def ingest(paths: list[str], home: str, queue, limit: bool = True) -> None:
    from media.images import limit_memory_growth, make_pyramid, probe_image
    from media.store import MediaStore

    if limit:
        limit_memory_growth()

    store = MediaStore(Path(home) / "media")
    times = []
    for path in paths:
        start = time.perf_counter()
        info = probe_image(Path(path), 400_000_000)
        stored = store.put_file(Path(path))
        geometry = make_pyramid(stored.path, store.derivative_path(stored.sha256, "pyramid.tif"))
        times.append(time.perf_counter() - start)
        assert geometry["width"] == info.width or geometry["width"] == info.height
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"times": times, "peak_mb": peak_kb / 1024})


def run_ingest(paths: list[str], home: str, limit: bool = True) -> dict:
    ctx = mp.get_context("spawn")  # a fresh interpreter: its peak RSS is the ingest's alone
    queue = ctx.Queue()
    proc = ctx.Process(target=ingest, args=(paths, home, queue, limit))
    proc.start()
    result = queue.get()
    proc.join()
    return result


HALLS = """\
museums:
  - slug: copper
    title: {zh: 铜陵数字铜博物馆, en: Tongling Digital Copper Museum}
    halls:
      - slug: bronze-vessels
        title: {zh: 青铜容器, en: Bronze Vessels}
        sections:
          - slug: shang
            title: {zh: 商代青铜器, en: Shang Bronzes}
      - slug: mirrors
        title: {zh: 铜镜, en: Bronze Mirrors}
"""


def write_records_csv(path: Path, count: int) -> None:
    import csv
    import random

    rng = random.Random(8)
    periods = [("商", -1600, -1046), ("西周", -1046, -771), ("汉", -206, 220), ("唐", 618, 907), ("明", 1368, 1644), ("清", 1644, 1912)]
    kinds = ["鼎", "簋", "爵", "镜", "钱币", "铜锭", "印章", "佛像"]
    materials = ["青铜", "铜", "黄铜", "白铜"]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "museum", "hall", "section", "title_zh", "title_en", "object_type", "period", "date_start",
                      "date_end", "material", "dimensions", "accession_number", "description_zh", "description_en",
                      "files", "来源"])
        for number in range(count):
            period, start, end = rng.choice(periods)
            kind = rng.choice(kinds)
            hall, section = ("bronze-vessels", "shang") if number % 3 else ("mirrors", "")
            out.writerow([
                f"rec-{number:06d}", "copper", hall, section, f"{period}代{kind}（第{number}号）", f"{kind} no. {number}",
                kind, period, start, end, rng.choice(materials), f"通高 {rng.uniform(3, 90):.1f} 厘米", f"TL-{number:06d}",
                f"{period}代{kind}，铜陵出土。\n器表有锈蚀，纹饰清晰。", f"A {kind} of the {period} period.\nFound in Tongling.",
                "", rng.choice(["旧藏", "征集", "捐赠", "发掘"]),
            ])


def ingest_records(csv_path: str, home: str, queue) -> None:
    os.environ["JINSHI_HOME"] = home
    for name in ("JINSHI_DATABASE_URL", "JINSHI_SEARCH_URL"):
        os.environ.pop(name, None)
    from exhibits.halls import load_halls
    from ingest.batch import ingest_batch
    from viewer.runtime import Runtime

    runtime = Runtime()
    halls = Path(home) / "halls.yaml"
    halls.write_text(HALLS, encoding="utf-8")
    load_halls(runtime.db, halls)
    figures = {}
    for run in ("first", "again"):
        start, cpu, children = time.perf_counter(), time.process_time(), children_cpu()
        load = os.getloadavg()[0]
        statuses = [r.status for r in ingest_batch(runtime, metadata=Path(csv_path))]
        figures[run] = (len(statuses), time.perf_counter() - start, sorted(set(statuses)),
                        time.process_time() - cpu, children_cpu() - children, load, os.getloadavg()[0])
    figures["indexed"] = runtime.index.count()
    runtime.close()
    queue.put(figures)


def run_records(work: Path, count: int) -> None:
    csv_path = work / "records.csv"
    write_records_csv(csv_path, count)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=ingest_records, args=(str(csv_path), str(work / "records-home"), queue))
    proc.start()
    figures = queue.get()
    proc.join()
    print(f"records without media: {count} rows, SQLite + Whoosh (embedded default), {os.cpu_count()} CPUs")
    print(f"  {'run':<32} {'records/s':>9} {'wall s':>7} {'CPU s ingest':>13} {'CPU s index workers':>20} "
          f"{'rec/CPU-s':>9} {'load before→after':>18}  target")
    for run, label in (("first", "first ingest"), ("again", "same CSV again (all unchanged)")):
        rows, seconds, statuses, cpu, children, load0, load1 = figures[run]
        rate = rows / seconds
        target = ("≥ 1000/s " + ("ok" if rate >= 1000 else "MISSED")) if run == "first" else ""
        print(f"  {label:<32} {rate:9.0f} {seconds:7.1f} {cpu:13.1f} {children:20.1f} "
              f"{rows / (cpu + children):9.0f} {load0:8.1f} → {load1:<6.1f}  {target}")
        print(f"  {'':<32} ({rows} rows; {', '.join(statuses)})")
    print(f"  search index holds {figures['indexed']} records")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000, help="metadata-only rows (0: skip)")
    parser.add_argument("--photos", type=int, default=20, help="24 MP photos (0: skip)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jinshi-ingest-"))
    try:
        if args.records:
            run_records(work, args.records)
            print()
        if not args.photos:
            return
        ctx = mp.get_context("spawn")
        paths = [str(work / f"photo-{i:02d}.jpg") for i in range(args.photos)]
        started = time.perf_counter()
        makers = [ctx.Process(target=_make_many, args=(paths[i::2], 6000, 4000)) for i in range(2)]
        for proc in makers:
            proc.start()
        for proc in makers:
            proc.join()
        sizes = [os.path.getsize(p) for p in paths]
        print(f"input: {args.photos} JPEG photos 6000×4000 (24 MP), Q90, {statistics.mean(sizes) / 1e6:.1f} MB "
              f"average (made in {time.perf_counter() - started:.0f} s)")
        print(f"machine: {os.cpu_count()} cores")

        for limit in (True, False):
            shutil.rmtree(work / "home", ignore_errors=True)
            result = run_ingest(paths, str(work / "home"), limit)
            times = result["times"]
            how = "with media.images.limit_memory_growth()" if limit else "without limit_memory_growth()"
            print(f"\nprobe + store + pyramid, one photo after another, in one process, {how}:")
            print(f"  {statistics.mean(times):.2f} s/photo mean, {statistics.median(times):.2f} median, "
                  f"{max(times):.2f} max; total {sum(times):.1f} s for {len(times)} photos")
            print(f"  peak RSS {result['peak_mb']:.0f} MB")
            print(f"  target ≤ 1.5 s/photo: {'ok' if statistics.mean(times) <= 1.5 else 'MISSED'}")

        print("\npeak RSS against photo size (one photo, fresh process each):")
        for label, (w, h), orientation in (("6 MP", (3000, 2000), 1), ("24 MP", (6000, 4000), 1),
                                            ("96 MP", (12000, 8000), 1), ("24 MP, EXIF rotated", (6000, 4000), 6)):
            path = work / f"single-{w}x{h}-{orientation}.jpg"
            proc = ctx.Process(target=make_photo, args=(str(path), w, h, orientation))
            proc.start()
            proc.join()
            home = work / f"home-{w}-{orientation}"
            single = run_ingest([str(path)], str(home))
            print(f"  {label:<20} {single['times'][0]:6.2f} s   peak RSS {single['peak_mb']:5.0f} MB")
            path.unlink()
            shutil.rmtree(home, ignore_errors=True)
    finally:
        remove_unless_kept(work, args.keep)


if __name__ == "__main__":
    main()
