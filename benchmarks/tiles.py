"""IIIF tile serving: Jinshi (gunicorn, 2 workers) against IIPImage (lighttpd + spawn-fcgi), same pyramid.

    .venv/bin/python benchmarks/tiles.py [--rounds 3] [--warm-passes 10] [--keep]

One 6000×4000 (24 MP) photo-like JPEG is made (smooth colour fields plus grain, so
JPEG tiles have realistic sizes), stored with ``media.store.MediaStore.put_file`` and
``media.images.make_pyramid``, catalogued as a published item (``jinshi ingest``, which keeps that
pyramid: the public is served only the images of visible items), then served

* by Jinshi's production server: ``gunicorn 'viewer.app:create_app(migrate=False)'`` with 2 workers
  (gthread, as ``jinshi serve`` runs it), IIIF Image API 3.0 URLs;
* by IIPImage (Debian's ``iipimage-server``) as 2 FastCGI processes started by
  ``spawn-fcgi`` behind ``lighttpd``, reading the very same ``pyramid.tif``, with the
  equivalent IIIF Image API 2.0 URLs.

The request list is every 512-px tile of every pyramid level (the grid a deep-zoom
viewer asks for), shuffled; a client with 2 threads, each with its own keep-alive
``http.client`` connection, fetches it. *Cold*: freshly started servers, empty Jinshi
tile cache (each round restarts both servers). *Warm*: the same list again, several
passes, with everything cached. Only loopback is used. Prints tiles/s, p50/p95 latency
and the ratio Jinshi/IIPImage.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyvips  # noqa: E402

from benchmarks.support import Server as JinshiServer  # noqa: E402
from benchmarks.support import WORKER_CLASS, free_port, jinshi, percentile, remove_unless_kept, server_env  # noqa: E402
from media.images import make_pyramid  # noqa: E402
from media.store import MediaStore  # noqa: E402

IIPSRV = "/usr/lib/iipimage-server/iipsrv.fcgi"


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def make_photo(path: Path, width: int = 6000, height: int = 4000) -> None:
    """A photo-like picture: smooth colour fields and shapes plus sensor-like grain."""
    bands = []
    for seed_sigma in (50, 45, 55):
        low = pyvips.Image.gaussnoise(width // 40, height // 40, mean=128, sigma=seed_sigma)
        bands.append(low.gaussblur(2).resize(40, kernel="linear"))
    field = bands[0].bandjoin(bands[1:])
    detail = pyvips.Image.gaussnoise(width // 4, height // 4, mean=0, sigma=30).gaussblur(1.5).resize(4)
    grain = pyvips.Image.gaussnoise(width, height, mean=0, sigma=6)
    image = (field + detail + grain).crop(0, 0, width, height)
    image = image.cast("uchar").copy(interpretation="srgb")
    image.jpegsave(str(path), Q=90)


def tile_paths(width: int, height: int, levels: int, tile: int = 512) -> list[tuple[str, str]]:
    """(region, size) of every tile of every level, as IIIF viewers ask for them."""
    out = []
    for k in range(levels):
        s = 1 << k
        span = tile * s
        for y in range(0, height, span):
            for x in range(0, width, span):
                w, h = min(span, width - x), min(span, height - y)
                out.append((f"{x},{y},{w},{h}", f"{-(-w // s)},"))
    return out


class IIPServer:
    """IIPImage's FastCGI processes and lighttpd."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.procs: list[subprocess.Popen] = []
        self.pids: list[int] = []

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        self.procs, self.pids = [], []


HALLS = """\
museums:
  - slug: bench
    title: {zh: 基准测试, en: Benchmark}
    halls:
      - slug: tiles
        title: {zh: 瓦片, en: Tiles}
"""


def catalogue(home: Path, photo: Path) -> None:
    """A published item showing the photo (the public is served only the images of visible items); its
    pyramid is the one made above, which ``jinshi ingest`` finds in the store and keeps."""
    env = server_env(home)
    (home / "halls.yaml").write_text(HALLS, encoding="utf-8")
    jinshi(env, "halls", "load", str(home / "halls.yaml"))
    jinshi(env, "ingest", str(photo), "--museum", "bench", "--hall", "tiles")


def start_jinshi(home: Path, worker_class: str = WORKER_CLASS) -> JinshiServer:
    server = JinshiServer(home, 2, threads=4, worker_class=worker_class)
    server.env["JINSHI_BASE_URL"] = server.base
    return server.start()


def start_iipimage(work: Path, image_dir: Path, port: int) -> IIPServer:
    server = IIPServer("iipimage")
    sock = work / "iipsrv.sock"
    sock.unlink(missing_ok=True)
    pidfile = work / "iipsrv.pid"
    env = dict(os.environ, FILESYSTEM_PREFIX=f"{image_dir}/", JPEG_QUALITY="85", MAX_IMAGE_CACHE_SIZE="64",
               VERBOSITY="0", MAX_CVT="8000")
    subprocess.run(["spawn-fcgi", "-s", str(sock), "-F", "2", "-P", str(pidfile), "--", IIPSRV],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    server.pids = [int(line) for line in pidfile.read_text().split()]
    conf = work / "lighttpd.conf"
    conf.write_text(
        f'server.modules = ("mod_fastcgi")\n'
        f'server.document-root = "{work}"\n'
        f'server.bind = "127.0.0.1"\n'
        f"server.port = {port}\n"
        f'server.errorlog = "{work}/lighttpd.err"\n'
        f"server.max-keep-alive-requests = 100000\n"
        f'fastcgi.server = ( "/fcgi-bin/iipsrv.fcgi" => (( "socket" => "{sock}", "check-local" => "disable" )) )\n'
    )
    server.procs.append(subprocess.Popen(["lighttpd", "-D", "-f", str(conf)], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL))
    wait_port(port)
    return server


def fetch_all(port: int, urls: list[str], concurrency: int = 2) -> tuple[float, list[float], int]:
    """Fetch every URL once with ``concurrency`` keep-alive connections; (seconds, latencies, bytes)."""
    latencies: list[float] = []
    total = [0]
    errors: list[str] = []
    lock = threading.Lock()
    position = [0]

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        size = 0
        while True:
            with lock:
                index = position[0]
                position[0] += 1
            if index >= len(urls):
                break
            start = time.perf_counter()
            conn.request("GET", urls[index])
            response = conn.getresponse()
            body = response.read()
            mine.append(time.perf_counter() - start)
            size += len(body)
            if response.status != 200 or not body:
                errors.append(f"{response.status} {urls[index]}")
        conn.close()
        with lock:
            latencies.extend(mine)
            total[0] += size

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return elapsed, latencies, total[0]


def summary(label: str, runs: list[tuple[float, list[float], int]]) -> dict:
    seconds = sum(run[0] for run in runs)
    latencies = [lat for run in runs for lat in run[1]]
    count = len(latencies)
    result = {
        "rate": count / seconds,
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "count": count,
        "kb": sum(run[2] for run in runs) / count / 1024,
    }
    print(f"  {label:<22} {result['rate']:8.0f} tiles/s   p50 {result['p50']:6.2f} ms   "
          f"p95 {result['p95']:6.2f} ms   ({count} requests, {result['kb']:.0f} KB average)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="cold rounds (servers restarted each time)")
    parser.add_argument("--warm-passes", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker-class", default=WORKER_CLASS, choices=[WORKER_CLASS, "gthread", "sync"],
                        help="gunicorn worker class for Jinshi (jinshi serve uses the first)")
    parser.add_argument("--no-iipimage", action="store_true", help="measure Jinshi only")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="jinshi-tiles-"))
    home = work / "home"
    home.mkdir()
    try:
        photo = work / "photo.jpg"
        started = time.perf_counter()
        make_photo(photo)
        store = MediaStore(home / "media")
        stored = store.put_file(photo)
        pyramid = store.derivative_path(stored.sha256, "pyramid.tif")
        geometry = make_pyramid(stored.path, pyramid)
        print(f"input: {geometry['width']}×{geometry['height']} JPEG, {photo.stat().st_size / 1e6:.1f} MB; "
              f"pyramid {pyramid.stat().st_size / 1e6:.1f} MB, {len(geometry['levels'])} levels, "
              f"made in {time.perf_counter() - started:.1f} s")
        catalogue(home, photo)
        tiles = tile_paths(geometry["width"], geometry["height"], len(geometry["levels"]))
        random.Random(args.seed).shuffle(tiles)
        image_id = stored.sha256
        jinshi_urls = [f"/iiif/3/{image_id}/{region}/{size}/0/default.jpg" for region, size in tiles]
        iip_urls = [f"/fcgi-bin/iipsrv.fcgi?IIIF=pyramid.tif/{region}/{size}/0/default.jpg" for region, size in tiles]
        print(f"requests: {len(tiles)} distinct 512-px tiles over all levels, shuffled; concurrency 2, keep-alive")
        print(f"machine: {os.cpu_count()} cores; servers and client share them")

        have_iip = not args.no_iipimage and all(shutil.which(tool) for tool in ("lighttpd", "spawn-fcgi")) and os.path.exists(IIPSRV)
        results: dict[str, dict[str, list]] = {"jinshi": {"cold": [], "warm": []},
                                               "iipimage": {"cold": [], "warm": []}}
        for round_no in range(args.rounds):
            shutil.rmtree(home / "cache", ignore_errors=True)
            server = start_jinshi(home, args.worker_class)
            try:
                fetch_all(server.port, [f"/iiif/3/{image_id}/info.json"] * 4)  # workers up; no tile touched
                results["jinshi"]["cold"].append(fetch_all(server.port, jinshi_urls))
                for _ in range(args.warm_passes if round_no == args.rounds - 1 else 0):
                    results["jinshi"]["warm"].append(fetch_all(server.port, jinshi_urls))
            finally:
                server.stop()
            if have_iip:
                port = free_port()
                server = start_iipimage(work, pyramid.parent, port)
                try:
                    fetch_all(port, ["/fcgi-bin/iipsrv.fcgi?IIIF=pyramid.tif/info.json"] * 4)
                    results["iipimage"]["cold"].append(fetch_all(port, iip_urls))
                    for _ in range(args.warm_passes if round_no == args.rounds - 1 else 0):
                        results["iipimage"]["warm"].append(fetch_all(port, iip_urls))
                finally:
                    server.stop()

        print(f"\nJinshi (gunicorn, 2 {args.worker_class} workers, IIIF Image API 3.0):")
        jc = summary("cold (no tile cache)", results["jinshi"]["cold"])
        jw = summary("warm (cached)", results["jinshi"]["warm"])
        if have_iip:
            print("IIPImage (iipsrv FastCGI ×2 behind lighttpd, IIIF Image API 2.0):")
            ic = summary("cold (fresh servers)", results["iipimage"]["cold"])
            iw = summary("warm (its tile cache)", results["iipimage"]["warm"])
            print(f"\nratio Jinshi/IIPImage: cold {jc['rate'] / ic['rate']:.2f}, warm {jw['rate'] / iw['rate']:.2f}")
        else:
            print("\nIIPImage is not installed (apt-get install iipimage-server lighttpd spawn-fcgi): no comparison")
        print(f"targets: cold ratio ≥ 1.0 with p95 ≤ 15 ms; warm ≥ 1000 responses/s -> "
              f"cold p95 {'ok' if jc['p95'] <= 15 else 'MISSED'}, warm {'ok' if jw['rate'] >= 1000 else 'MISSED'}")
    finally:
        remove_unless_kept(work, args.keep)


if __name__ == "__main__":
    main()
