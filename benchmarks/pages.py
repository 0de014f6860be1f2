"""Page speed benchmark (issue 13, "Speed"): the demo plus 5,000 generated items, served by ``jinshi serve``.

    .venv/bin/python benchmarks/pages.py [--items 5000] [--requests 60] [--home DIR] [--keep]

1. Builds the demo into a temporary JINSHI_HOME (or uses ``--home``, a folder where ``jinshi demo
   --build-only`` already ran), then adds generated published items: 500 in one hall (``bench-hall``,
   so "a hall with 500 items" is measured), the rest spread over the demo's halls, each showing one of the
   demo's real images (their derivatives exist), 50 of them naming the demo inheritor 王建国. The index is
   rebuilt with ``jinshi index rebuild``.
2. Starts the production server exactly as ``jinshi serve --workers 2`` runs it (gunicorn, threaded
   workers) and times sequential requests over loopback for the home page, the 500-item hall, an item,
   a person and a search page: p50, p95 and max of the time to the whole answer (server time plus
   loopback, no network).
3. Opens the 500-item hall and an image item in Debian's headless Chromium at a 390 px viewport with an
   empty cache, counting every response's encoded bytes through the DevTools protocol (Network events)
   until the page and its first deep-zoom tiles have loaded, without scrolling; then the same pages on
   a throttled connection (150 ms latency, 1.6 Mbit/s down: "fast 3G") for the largest contentful paint.
   One unmeasured visit comes first, so the server's IIIF render cache is warm (the browser's cache is
   empty in every measured visit).

Prints a table and the load average before and after (figures are only comparable at similar load).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from benchmarks.support import MATERIALS, OBJECTS, PERIODS, Server, percentile, server_env  # noqa: E402
from benchmarks.support import jinshi as run_jinshi  # noqa: E402
from exhibits.models import Asset, Hall, Item, Museum  # noqa: E402

HALL_ITEMS = 500
FAST_3G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
LCP_OBSERVER = """
window.__lcp = 0;
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { window.__lcp = Math.max(window.__lcp, e.startTime); });
}).observe({type: 'largest-contentful-paint', buffered: true});
"""


def jinshi(home: Path, *args: str) -> None:
    run_jinshi(server_env(home), *args)


def add_items(home: Path, count: int) -> None:
    """Generated published items showing the demo's images (bulk insert; idempotent by id)."""
    from exhibits.db import Database
    from exhibits.settings import Settings

    settings = Settings(home=home, base_url="").resolved()
    db = Database(settings.database_url)
    with db.session() as session:
        if session.scalar(select(Item.id).where(Item.id == "bench-00000")):
            return
        copper = session.scalar(select(Museum).where(Museum.slug == "copper"))
        bench = Hall(slug="bench-hall", museum=copper, title={"zh": ["五百件展品厅"], "en": ["Hall of 500 objects"]},
                     summary={"zh": ["基准测试生成的展品。"], "en": ["Objects generated for the benchmark."]}, position=99)
        session.add(bench)
        session.flush()
        halls = [(h.museum_id, h.id) for h in session.scalars(select(Hall).where(Hall.slug != "bench-hall"))]
        images = [a for a in session.scalars(select(Asset).where(Asset.kind == "image"))]
        bench_place = (bench.museum_id, bench.id)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    items, assets = [], []
    for n in range(count):
        museum_id, hall_id = bench_place if n < HALL_ITEMS else halls[n % len(halls)]
        zh_obj, en_obj = OBJECTS[n % len(OBJECTS)]
        zh_mat, en_mat = MATERIALS[n % len(MATERIALS)]
        zh_per, en_per, year_from, year_to = PERIODS[n % len(PERIODS)]
        item_id = f"bench-{n:05d}"
        metadata = {"material": {"zh": [zh_mat], "en": [en_mat]}, "period": {"zh": [zh_per], "en": [en_per]},
                    "object_type": {"zh": [zh_obj], "en": [en_obj]}}
        if n % 100 == 7:
            metadata["inheritor"] = {"zh": ["王建国"]}
        items.append({
            "id": item_id, "museum_id": museum_id, "hall_id": hall_id, "section_id": None,
            "title": {"zh": [f"{zh_per}{zh_mat}{zh_obj} 第{n}号"], "en": [f"{en_per} {en_mat} {en_obj} no. {n}"]},
            "description": {"zh": [f"{zh_per}时期的{zh_mat}{zh_obj}，馆藏编号 {n}。"], "en": [f"A {en_mat} {en_obj} of the {en_per} period."]},
            "metadata": metadata, "object_type": zh_obj, "date_start": year_from, "date_end": year_to,
            "accession_number": f"BENCH-{n:05d}", "rights": "CC BY-NC 4.0", "source_hash": None, "state": "ready",
            "error": None, "publication": "published", "position": 1000 + n, "created": start + timedelta(seconds=n),
            "updated": start + timedelta(seconds=n),
        })
        image = images[n % len(images)]
        assets.append({"item_id": item_id, "sha256": image.sha256, "kind": "image", "role": "main", "mime": image.mime,
                       "filename": image.filename, "size": image.size, "width": image.width, "height": image.height,
                       "duration": None, "language": None, "info": image.info, "position": 0, "created": start})
    with db.session() as session:
        for first in range(0, count, 2000):
            session.execute(insert(Item), items[first:first + 2000])
            session.execute(insert(Asset), assets[first:first + 2000])
    db.dispose()


def time_pages(base: str, pages: dict[str, str], rounds: int) -> dict[str, tuple[float, float, float, int]]:
    import httpx2 as httpx

    out = {}
    with httpx.Client(timeout=60) as client:
        for name, path in pages.items():
            for _ in range(3):  # warm: templates compiled, caches filled, every worker touched
                client.get(base + path)
            times, size = [], 0
            for _ in range(rounds):
                began = time.perf_counter()
                answer = client.get(base + path, headers={"Accept-Language": "zh-CN"})
                times.append((time.perf_counter() - began) * 1000)
                assert answer.status_code == 200, (path, answer.status_code)
                size = len(answer.content)
            out[name] = (statistics.median(times), percentile(times, 0.95), max(times), size)
    return out


def first_load(base: str, path: str, ready: str | None, throttled: bool) -> dict[str, float]:
    """Bytes (encoded, headers included) and requests of a first visit at 390 px, and its LCP."""
    from playwright.sync_api import sync_playwright

    from tests.support.live import CHROMIUM_ARGS, chromium_path, wait_until

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                      has_touch=True)
        page = context.new_page()
        page.add_init_script(LCP_OBSERVER)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if throttled:
            cdp.send("Network.emulateNetworkConditions", FAST_3G)
        finished: dict[str, float] = {}
        cdp.on("Network.loadingFinished", lambda e: finished.__setitem__(e["requestId"], e["encodedDataLength"]))
        began = time.perf_counter()
        page.goto(base + path, wait_until="load", timeout=180_000)
        if ready:
            wait_until(page, ready, timeout=120)
        page.wait_for_load_state("networkidle", timeout=120_000)
        elapsed = time.perf_counter() - began
        lcp = page.evaluate("window.__lcp")
        browser.close()
    return {"bytes": sum(finished.values()), "requests": len(finished), "lcp_ms": lcp, "seconds": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--home", type=Path, help="a JINSHI_HOME where the demo is built (else a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary JINSHI_HOME")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="jinshi-pages-"))
    began = time.perf_counter()
    if not (home / "demo-source").exists():
        jinshi(home, "demo", "--build-only")
        print(f"demo built in {time.perf_counter() - began:.0f} s")
    add_items(home, args.items)
    jinshi(home, "index", "rebuild")
    print(f"catalogue ready ({args.items} generated items, index rebuilt) after {time.perf_counter() - began:.0f} s")

    server = Server(home, 2)
    base = server.base
    try:
        server.start()
        load_before = os.getloadavg()
        pages = {
            "home": "/",
            f"hall ({HALL_ITEMS} items)": "/museums/copper/halls/bench-hall",
            "item": "/items/cu-ding-shang-01",
            "person": "/people/wang-jianguo",
            "search 青铜": "/search?q=青铜",
        }
        timings = time_pages(base, pages, args.requests)
        deepzoom = "document.querySelector('#deepzoom[data-tiles-loaded=yes]')"
        loads = {}
        for name, path, ready in ((f"hall ({HALL_ITEMS} items)", "/museums/copper/halls/bench-hall", None),
                                  ("item", "/items/cu-ding-shang-01", deepzoom)):
            first_load(base, path, ready, throttled=False)  # the server's render cache warm, as for any visitor after the first
            loads[name] = (first_load(base, path, ready, throttled=False), first_load(base, path, ready, throttled=True))
        load_after = os.getloadavg()
    finally:
        server.stop()
        if not args.home and not args.keep:
            shutil.rmtree(home, ignore_errors=True)

    print(f"\nserver: jinshi serve --workers 2 (gunicorn gthread), {args.requests} sequential requests per page over loopback")
    print(f"{'page':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'HTML KB':>10}")
    for name, (p50, p95, worst, size) in timings.items():
        print(f"{name:<22}{p50:>9.1f}{p95:>9.1f}{worst:>9.1f}{size / 1024:>10.1f}")
    print("\nfirst load in headless Chromium, 390 px viewport (DPR 2), empty cache, no scrolling")
    print(f"{'page':<22}{'KB':>9}{'requests':>10}{'LCP ms':>9}{'3G KB':>9}{'3G LCP ms':>11}{'3G s':>7}")
    for name, (fast, slow) in loads.items():
        print(f"{name:<22}{fast['bytes'] / 1024:>9.0f}{fast['requests']:>10}{fast['lcp_ms']:>9.0f}"
              f"{slow['bytes'] / 1024:>9.0f}{slow['lcp_ms']:>11.0f}{slow['seconds']:>7.1f}")
    print(f"\nload average before {load_before[0]:.2f} {load_before[1]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f}"
          f" ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
