"""OAI-PMH harvest benchmark: a full ListRecords harvest of generated metadata-only records
with oaipmh-scythe, through Jinshi's production server (gunicorn) on loopback.

    .venv/bin/python benchmarks/harvest.py [--records 100000] [--prefix oai_dc] [--workers 2] [--keep]

The catalogue (SQLite in a temporary JINSHI_HOME) is filled with bilingual records spread over
three museums and nine halls, published, each with its Create row in the change log (written
in bulk, as many ingests would have left them). The server is ``gunicorn
'viewer.app:create_app(migrate=False)'`` with gthread workers, as ``jinshi serve`` runs it. The harvester
follows the resumption tokens to the end. Printed: records, seconds, records/s, the number of
pages, the server's peak resident memory (master and workers together, sampled every 50 ms)
and at which point of the harvest it was reached, the memory at 25/50/75/100 % of the
harvest (flat memory means it does not grow with the number of records), and the load
average before and after (figures are only comparable at similar load).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from oaipmh_scythe import Scythe  # noqa: E402
from oaipmh_scythe.config import HTTPConfig  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from benchmarks.support import MATERIALS, OBJECTS, PERIODS, MemorySampler, Server  # noqa: E402
from exhibits.db import Database, upgrade  # noqa: E402
from exhibits.models import Change, Hall, Item, Museum  # noqa: E402
from exhibits.settings import Settings  # noqa: E402


def fill(db: Database, count: int) -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with db.session() as session:
        halls = []
        for m in range(3):
            museum = Museum(slug=f"museum-{m}", title={"zh": [f"博物馆{m}"], "en": [f"Museum {m}"]}, summary={}, position=m)
            session.add(museum)
            for h in range(3):
                hall = Hall(slug=f"hall-{m}-{h}", museum=museum, title={"zh": [f"展厅{m}-{h}"], "en": [f"Hall {m}-{h}"]},
                            summary={}, position=h)
                session.add(hall)
                halls.append(hall)
        session.flush()
        places = [(hall.museum_id, hall.id, f"museum-{hall.museum_id - 1}:{hall.slug}") for hall in halls]
    batch = 5000
    for first in range(0, count, batch):
        items, changes = [], []
        for n in range(first, min(count, first + batch)):
            museum_id, hall_id, spec = places[n % len(places)]
            zh_obj, en_obj = OBJECTS[n % len(OBJECTS)]
            zh_mat, en_mat = MATERIALS[n % len(MATERIALS)]
            zh_per, en_per, year_from, year_to = PERIODS[n % len(PERIODS)]
            at = start + timedelta(seconds=n)
            items.append({
                "id": f"rec-{n:06d}", "museum_id": museum_id, "hall_id": hall_id, "section_id": None,
                "title": {"zh": [f"{zh_per}{zh_mat}{zh_obj} 第{n}号"], "en": [f"{en_per} {en_mat} {en_obj} no. {n}"]},
                "description": {"zh": [f"{zh_per}时期的{zh_mat}{zh_obj}，馆藏编号 {n}。"], "en": [f"A {en_mat} {en_obj} of the {en_per} period & more."]},
                "metadata": {"material": {"zh": [zh_mat], "en": [en_mat]}, "period": {"zh": [zh_per], "en": [en_per]},
                             "object_type": {"zh": [zh_obj], "en": [en_obj]}},
                "object_type": zh_obj, "date_start": year_from, "date_end": year_to, "accession_number": f"TL-{n:06d}",
                "rights": "CC BY-NC 4.0", "source_hash": None, "state": "ready", "error": None, "publication": "published",
                "position": n, "created": at, "updated": at,
            })
            changes.append({"item_id": f"rec-{n:06d}", "kind": "item", "action": "Create", "at": at, "set_spec": spec})
        with db.session() as session:
            session.execute(insert(Item), items)
            session.execute(insert(Change), changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--prefix", default="oai_dc", choices=["oai_dc", "jinshi"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary JINSHI_HOME")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="jinshi-harvest-"))
    settings = Settings(home=home, base_url="").resolved()
    db = Database(settings.database_url)
    upgrade(db.engine)
    began = time.perf_counter()
    fill(db, args.records)
    db.dispose()
    print(f"catalogue: {args.records} records written in {time.perf_counter() - began:.1f} s")

    server = Server(home, args.workers, threads=4, migrate=False)
    endpoint = f"{server.base}/oai"
    try:
        server.start(ready="/oai?verb=Identify")
        for _ in range(args.workers * 2):  # every worker has imported and opened the catalogue
            server.wait_until_up("/oai?verb=Identify")
        sampler = MemorySampler(server)
        baseline = server.rss()
        sampler.start()
        load_before = os.getloadavg()
        cpu_before, client_before = server.cpu(), time.process_time()
        harvested = 0
        seen: set[str] = set()
        progress: list[tuple[float, int]] = []
        started = time.perf_counter()
        with Scythe(endpoint, http_config=HTTPConfig(timeout=120)) as scythe:
            for record in scythe.list_records(metadata_prefix=args.prefix):
                harvested += 1
                seen.add(record.header.identifier)
                if harvested % 1000 == 0:
                    progress.append((time.perf_counter(), harvested))
        elapsed = time.perf_counter() - started
        server_cpu, client_cpu = server.cpu() - cpu_before, time.process_time() - client_before
        sampler.stop()
        load_after = os.getloadavg()
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)

    from exhibits import oai

    pages = -(-harvested // oai.RECORDS_PER_PAGE)
    peak_time, peak = max(sampler.samples, key=lambda s: s[1])

    def at_fraction(fraction: float) -> int:
        if not progress:
            return peak
        moment = progress[min(len(progress) - 1, int(len(progress) * fraction) - 1)][0]
        return max((rss for t, rss in sampler.samples if t <= moment), default=baseline)

    mib = 1024 * 1024
    print(f"harvested: {harvested} records ({len(seen)} distinct) in {elapsed:.1f} s = {harvested / elapsed:,.0f} records/s, "
          f"{pages} pages of {oai.RECORDS_PER_PAGE}, metadataPrefix={args.prefix}")
    print(f"server memory (gunicorn master + {args.workers} workers, RSS): before {baseline / mib:.0f} MiB, "
          f"peak {peak / mib:.0f} MiB at {100 * (peak_time - started) / elapsed:.0f} % of the harvest; "
          + ", ".join(f"{int(f * 100)} %: {at_fraction(f) / mib:.0f} MiB" for f in (0.25, 0.5, 0.75, 1.0)))
    rate = harvested / elapsed
    print(f"target ≥ 2000 records/s: {'ok' if rate >= 2000 else 'MISSED'}")
    print(f"CPU: server {server_cpu:.1f} s ({harvested / server_cpu:,.0f} records per server CPU-second), harvester "
          f"{client_cpu:.1f} s ({harvested / client_cpu:,.0f} records per CPU-second); a harvest is one request at a "
          f"time, so on an idle machine it takes about server + harvester CPU: "
          f"{harvested / (server_cpu + client_cpu):,.0f} records/s")
    print(f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f} ({os.cpu_count()} cores)")
    if len(seen) != args.records:
        raise SystemExit(f"expected {args.records} distinct records, got {len(seen)}")


if __name__ == "__main__":
    main()
