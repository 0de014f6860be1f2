"""Booking benchmark: the production server (gunicorn, as ``jinshi serve`` runs it) on loopback, hammered by
concurrent booking requests, each from a different person with a valid resident ID number.

    .venv/bin/python benchmarks/bookings.py [--concurrency 50] [--requests 2000] [--workers 2] [--database-url URL]
                                            [--client wrk|python] [--warm-up 200]

Before them, ``--warm-up`` bookings of a session of their own (200 by default, 8 at a time, not measured): a
release-time rush meets workers that have served all day, not ones whose threads make their first database
connection and compile their first statements. Two scenarios:

* **rush**: one popular session (release time), ``--capacity`` places (default 500), ``--requests`` requests
  without the waiting list: the first ``capacity`` are confirmed, the rest are refused (409 full);
* **spread**: 100 sessions of 20 places, each asked for as often, in random order (2 000 requests fill them all).

Prints per scenario: requests/s (every answered booking request: a confirmation or a refusal is the same work for
the server), confirmed bookings/s, p50/p95/max latency, HTTP statuses, the CPU of each worker, and the places held
in the database against the places asked for within capacity (must be equal; oversold must be 0), plus the load
average before and after and a reference loop's time (a fixed piece of pure Python: the machine is shared, the
same code runs up to twice as slow at times, and figures are only comparable at a similar value). ``JINSHI_RATE_LIMITS=off`` for the server; default database SQLite in a temporary JINSHI_HOME.

The load generator is Debian's ``wrk`` (C, one thread, ``benchmarks/bookings.lua``: each body sent once) when it is
installed, so the client does not take the cores it measures; ``--client python`` (50 threads with keep-alive
``http.client`` connections, pre-built bodies) is the fallback. Confirmed places are counted in the database
afterwards (bookings per session against its capacity), not from the client's answers.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.support import DEFAULT_THREADS, WORKER_CLASS, Server, children_cpu, jinshi, load, loadavg, percentile, server_env  # noqa: E402
from exhibits.bookings.documents import check_character  # noqa: E402

ACTIVITIES = """\
venues:
  - slug: bench-venue
    title: {{zh: 压测场馆, en: Benchmark venue}}
    activities:
      - slug: rush
        title: {{zh: 热门场次, en: Popular session}}
        capacity: {capacity}
        per_booking: 1
        opens_days_before: 30
        waitlist: false
        sessions: {{dates: [today+1], times: ["10:00-11:00"]}}
      - slug: spread
        title: {{zh: 多场次, en: Many sessions}}
        capacity: 20
        per_booking: 1
        opens_days_before: 30
        waitlist: false
        sessions: {{days: [mon, tue, wed, thu, fri, sat, sun], times: ["08:00-08:30", "09:00-09:30", "10:00-10:30", "11:00-11:30", "13:00-13:30"], from: today+1, to: today+20}}
      - slug: warm-up
        title: {{zh: 预热场次, en: Warm-up session}}
        capacity: 10000
        per_booking: 1
        opens_days_before: 30
        waitlist: false
        sessions: {{dates: [today+1], times: ["18:00-19:00"]}}
"""


def resident(n: int) -> str:
    first = f"3407021990{1 + n // 28000 % 12:02d}{1 + n // 1000 % 28:02d}{n % 1000:03d}"
    return first + check_character(first)


#: People of the warm-up bookings (unlike any of the measured ones).
WARM_UP = 800_000
#: People of the reserve bodies that keep wrk's connections busy to the end (unlike any of the measured ones).
RESERVE = 900_000


def run_wrk(port: int, bodies: list[dict], concurrency: int, workdir: Path) -> tuple[dict, Counter, float]:
    """Send ``bodies`` with wrk (one body each request, each once); its percentiles, statuses and the wall time
    to the answer of the last of them. The statuses and percentiles include the few reserve requests answered
    before wrk stopped (at most one for each connection)."""
    file = workdir / "bodies.jsonl"
    reserve = [dict(b, id_number=resident(RESERVE + i)) for i, b in enumerate(bodies[:2 * concurrency])]
    file.write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bodies + reserve), encoding="utf-8")
    script = Path(__file__).with_name("bookings.lua")
    command = ["wrk", "-t1", f"-c{concurrency}", "-d3600s", "--timeout", "120s", "-s", str(script),
               f"http://127.0.0.1:{port}", "--", str(file), "1", str(len(bodies))]
    began = time.perf_counter()
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    lines, wall = [], 0.0
    timer = threading.Timer(600, wrk.send_signal, (signal.SIGINT,))  # a lost answer must not hang the run
    timer.start()
    for line in wrk.stdout:
        lines.append(line)
        if line.startswith("DONE"):  # every body answered: wrk would otherwise run out its -d duration
            wall = time.perf_counter() - began
            wrk.send_signal(signal.SIGINT)
    timer.cancel()
    wrk.wait()
    result = json.loads(next(x for x in lines if x.startswith("WRK "))[4:])
    statuses = Counter(result["statuses"])
    if not wall:
        statuses["no DONE from wrk"] += 1
        wall = time.perf_counter() - began
    return result, statuses, wall


def booked_in_database(database_url: str, capacities: dict[int, int]) -> tuple[int, int]:
    """Places held by confirmed bookings of these sessions and how many places over capacity, counted in the
    catalogue itself."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT session_id, SUM(size) FROM booking WHERE status IN ('confirmed', 'offered') GROUP BY session_id"))
        held = {sid: n for sid, n in rows if sid in capacities}
    engine.dispose()
    return sum(held.values()), sum(max(0, n - capacities[sid]) for sid, n in held.items())


def reference_loop_ms() -> float:
    """The time of a fixed piece of pure Python on this machine now, the best of three: the same code runs up to
    twice as slow on a shared machine at times, and the figures of a run are only comparable at a similar value."""
    work = [{"session": i, "name": "压测", "id_number": resident(i)} for i in range(2000)]
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for item in work:
            json.loads(json.dumps(item, ensure_ascii=False))
        best = min(best, time.perf_counter() - began)
    return best * 1000


def run(port: int, bodies: list[dict], concurrency: int) -> tuple[list[float], Counter, float]:
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    queue = [(i, json.dumps(b).encode()) for i, b in enumerate(bodies)]  # built before the clock starts
    queue.reverse()

    def worker() -> None:
        conn = HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                _, body = queue.pop()
            data = body
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/bookings", body=data, headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                answer = json.loads(response.read() or b"{}")
                status = f"{response.status} {answer.get('status') or answer.get('error')}"
            except (OSError, ValueError) as exc:
                conn.close()
                conn = HTTPConnection("127.0.0.1", port, timeout=120)
                status = f"error {type(exc).__name__}"
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--capacity", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help=f"gunicorn threads a worker (jinshi serve: {DEFAULT_THREADS})")
    parser.add_argument("--warm-up", type=int, default=200, help="bookings of another session sent first, not measured")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--worker-class", default=WORKER_CLASS, help=f"gunicorn worker class (jinshi serve: {WORKER_CLASS})")
    parser.add_argument("--scenario", choices=("rush", "spread"), action="append",
                        help="run only this scenario (may be repeated; default both)")
    parser.add_argument("--client", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python",
                        help="load generator (default wrk when installed)")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="jinshi-bench-bookings-"))
    env = server_env(home, JINSHI_SECRET_KEY="bench", JINSHI_DATABASE_URL=args.database_url)
    database_url = args.database_url or f"sqlite:///{home / 'catalogue.sqlite3'}"
    (home / "activities.yaml").write_text(ACTIVITIES.format(capacity=args.capacity), encoding="utf-8")
    jinshi(env, "activities", "load", str(home / "activities.yaml"))
    server = Server(home, args.workers, threads=args.threads, worker_class=args.worker_class, env=env)
    port = server.port
    try:
        server.start(ready="/api/activities")

        def sessions_of(slug: str) -> list[dict]:
            conn = HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", f"/api/activities/{slug}/sessions?to={(date.today() + timedelta(days=60)).isoformat()}")
            return json.loads(conn.getresponse().read())

        rush = sessions_of("rush")
        spread = sessions_of("spread")[:100]
        warm_up = sessions_of("warm-up")[0]["id"]
        if args.warm_up:  # a rush meets workers that have served all day: their first requests are not measured
            run(port, [{"session": warm_up, "name": "预热", "phone": "13800000000", "id_type": "resident",
                        "id_number": resident(WARM_UP + i), "waitlist": False} for i in range(args.warm_up)], 8)
        print(f"client {args.client}, gunicorn {args.workers} {args.worker_class} workers × {args.threads} threads, database {args.database_url or 'SQLite (WAL)'}, "
              f"concurrency {args.concurrency}, {os.cpu_count()} cores, load average before {loadavg()}")
        person = 0
        scenarios = []
        rush_bodies = []
        for _ in range(args.requests):
            rush_bodies.append({"session": rush[0]["id"], "name": "压测", "phone": "13800000000", "id_type": "resident",
                                "id_number": resident(person), "waitlist": False})
            person += 1
        scenarios.append(("rush (1 session, %d places)" % args.capacity, rush_bodies, {rush[0]["id"]: args.capacity}))
        # every session asked for as often (2 000 requests: 20 each), in random order
        deck = [s["id"] for s in spread] * -(-args.requests // len(spread))
        random.Random(7).shuffle(deck)
        spread_bodies = []
        for session_id in deck[:args.requests]:
            spread_bodies.append({"session": session_id, "name": "压测", "phone": "13800000000",
                                  "id_type": "resident", "id_number": resident(person), "waitlist": False})
            person += 1
        scenarios.append(("spread (100 sessions × 20 places)", spread_bodies, {s["id"]: 20 for s in spread}))
        wanted = args.scenario or ["rush", "spread"]
        for name, bodies, capacities in [s for s in scenarios if s[0].split()[0] in wanted]:
            reference = reference_loop_ms()
            cpu_before, client_before, load_before = server.cpu(), time.process_time(), load()
            workers_before = server.workers_cpu()
            children_before = children_cpu()
            if args.client == "wrk":
                result, statuses, wall = run_wrk(port, bodies, args.concurrency, home)
                p50, p95, top = result["p50_us"] / 1000, result["p95_us"] / 1000, result["max_us"] / 1000
                client = children_cpu() - children_before
            else:
                latencies, statuses, wall = run(port, bodies, args.concurrency)
                p50, p95 = percentile(latencies, .5) * 1000, percentile(latencies, .95) * 1000
                top = max(latencies) * 1000
                client = time.process_time() - client_before
            cpu = server.cpu() - cpu_before
            confirmed = sum(n for s, n in statuses.items() if s.endswith("confirmed"))
            after = {s["id"]: s for s in sessions_of("rush") + sessions_of("spread")}
            booked, oversold = booked_in_database(database_url, capacities)
            print(f"\n{name}: {len(bodies)} requests in {wall:.1f} s (reference loop before: {reference:.1f} ms)")
            rate = len(bodies) / wall
            print(f"  {rate:.0f} requests/s (target ≥ 200: {'ok' if rate >= 200 else 'MISSED'}), "
                  f"{confirmed / wall:.0f} confirmed bookings/s")
            print(f"  latency p50 {p50:.0f} ms, p95 {p95:.0f} ms (target ≤ 100: "
                  f"{'ok' if p95 <= 100 else 'MISSED'}), max {top:.0f} ms")
            print(f"  CPU: server {cpu:.1f} s ({cpu / len(bodies) * 1000:.1f} ms a request, so at most "
                  f"{len(bodies) / cpu * (os.cpu_count() or 1):.0f} requests/s on {os.cpu_count()} idle cores); "
                  f"client {client:.1f} s; load average {load_before:.1f} → {load():.1f}")
            per_worker = [seconds - workers_before.get(pid, 0) for pid, seconds in sorted(server.workers_cpu().items())]
            print(f"  CPU of each worker: {' / '.join(f'{s:.1f} s' for s in per_worker)}")
            print(f"  statuses {dict(statuses)}")
            if any(str(s).startswith("5") for s in statuses):
                print("  server errors, the end of its log:\n" + server.log_tail(6000))
            asked = Counter(b["session"] for b in bodies)
            expected = sum(min(capacity, asked[sid]) for sid, capacity in capacities.items())
            print(f"  places held in the database {booked} of {expected} asked for within capacity "
                  f"({'equal: ok' if booked == expected else 'MISSED'}; capacity {sum(capacities.values())}), "
                  f"oversold {oversold}, remaining < 0: {sum(1 for sid in capacities if after[sid]['remaining'] < 0)}; "
                  f"confirmed answers counted by the client {confirmed}")
        print(f"\nload average after {loadavg()}")
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
