"""A burst of hostile renders at a live gunicorn server on loopback: tiles and pages are still answered fast.

The attackers ask for big renders at ever new angles (each a new cache entry), from more threads than the
server has; the bounded loop stops by itself after a few seconds. Meanwhile one visitor keeps asking for a
stored tile and a page: they must come back within 100 ms of their time on the quiet server, because renders run in their own small pool
and a full pool answers 503 + Retry-After at once instead of holding the server's threads.
"""
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.viewer.test_cli import free_port

ATTACKERS = 12
BURST_SECONDS = 6.0


def _get(url: str, timeout: float = 30) -> tuple[int, float, dict]:
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status, time.perf_counter() - began, dict(response.headers)
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, time.perf_counter() - began, dict(error.headers)


def test_a_burst_of_hostile_renders_leaves_tiles_and_pages_fast(settings, ingested):
    port = free_port()
    env = {**os.environ, "JINSHI_HOME": str(settings.home), "JINSHI_DATABASE_URL": settings.database_url,
           "JINSHI_BASE_URL": ""}
    jinshi = Path(sys.executable).with_name("jinshi")
    server = subprocess.Popen([str(jinshi), "serve", "--port", str(port), "--workers", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    image = ingested["ding.jpg"].image_id
    tile, page = f"{root}/iiif/3/{image}/0,0,512,512/512,/0/default.jpg", f"{root}/items/cu-mirror"
    try:
        for _ in range(400):
            try:
                if _get(page, timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        for url in (tile, page):  # warm: the first request of a worker opens the pyramid and templates
            assert _get(url)[0] == 200
        quiet_tiles, quiet_pages = [], []
        for _ in range(20):  # the same visitor before the burst, for comparison
            quiet_tiles.append(_get(tile)[1])
            quiet_pages.append(_get(page)[1])
            time.sleep(0.05)

        stop = threading.Event()
        statuses: list[int] = []

        def attack(seed: int) -> None:
            rng = random.Random(seed)
            deadline = time.monotonic() + BURST_SECONDS
            while not stop.is_set() and time.monotonic() < deadline:
                angle = f"{rng.uniform(1, 359):.6f}"
                status, _, headers = _get(f"{root}/iiif/3/{image}/full/^3000,/{angle}/default.png")
                statuses.append(status)
                if status == 503:
                    assert int(headers["Retry-After"]) >= 1

        attackers = [threading.Thread(target=attack, args=(n,), daemon=True) for n in range(ATTACKERS)]
        for thread in attackers:
            thread.start()
        time.sleep(0.5)  # the pool is full by now
        tiles, pages = [], []
        while any(t.is_alive() for t in attackers) and len(tiles) < 40:
            tiles.append(_get(tile)[1])
            pages.append(_get(page)[1])
            time.sleep(0.05)
        stop.set()
        for thread in attackers:
            thread.join(60)
    finally:
        server.terminate()
        server.wait(30)
    print(f"\nquiet: tile ms median {statistics.median(quiet_tiles) * 1000:.1f} max {max(quiet_tiles) * 1000:.1f}; "
          f"page ms median {statistics.median(quiet_pages) * 1000:.1f} max {max(quiet_pages) * 1000:.1f}")
    print(f"burst: {len(statuses)} renders asked ({statuses.count(200)} made, {statuses.count(503)} refused 503); "
          f"tile ms median {statistics.median(tiles) * 1000:.1f} max {max(tiles) * 1000:.1f}; "
          f"page ms median {statistics.median(pages) * 1000:.1f} max {max(pages) * 1000:.1f}")
    assert statuses.count(503) > 0 and set(statuses) <= {200, 503}
    assert len(tiles) >= 10
    # within 100 ms of what the same requests take on the quiet server (on an idle machine that is within
    # 100 ms outright; on a shared, loaded one the quiet figures already include the machine's own delay)
    assert statistics.median(tiles) < statistics.median(quiet_tiles) + 0.1
    assert statistics.median(pages) < statistics.median(quiet_pages) + 0.1
