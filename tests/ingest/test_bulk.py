"""Records without media in bulk (Core inserts, the index written by worker processes) give exactly what
the per-item path gives: the same items, change log, index documents and warnings; a crash in the middle
leaves a state the next sync repairs."""
from __future__ import annotations

import csv
import dataclasses
import os
import signal
import uuid

import pytest
from sqlalchemy import select

from exhibits.halls import load_halls
from exhibits.models import Change, Item
from exhibits import curation
from ingest import batch
from search.query import parse_query
from search.sync import reindex_items, visible_count
from search.whoosh_build import ParallelAppend
from viewer.runtime import Runtime

HEADER = ["id", "museum", "hall", "section", "title_zh", "title_en", "object_type", "period", "date_start",
          "date_end", "material", "description_zh", "description_en", "rights", "files", "来源"]
PERIODS = [("商", "", ""), ("明万历", "", ""), ("唐", "618", "907"), ("", "c.1850", ""), ("", "no date", ""),
           ("清乾隆年间", "", ""), ("", "公元前1046年", ""), ("", "1997-9", ""), ("", "19世纪", ""), ("汉", "这不是日期", "")]


def write_csv(path, count: int, prefix: str = "rec", changed: set[int] = frozenset()) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(count):
            period, start, end = PERIODS[n % len(PERIODS)]
            hall, section = [("bronze-vessels", "shang"), ("bronze-vessels", "zhou"), ("mirrors", ""),
                             ("crafts", "")][n % 4]
            museum = "ich" if hall == "crafts" else "copper"
            title = f"第{n}号{'镜' if n % 3 else '鼎'}" + ("（改）" if n in changed else "")
            out.writerow([f"{prefix}-{n:04d}", museum, hall, section, title, f"Object <b>{n}</b> & co",
                          "镜" if n % 3 else "鼎", period, start, end, ["青铜", "铜", "黄铜"][n % 3],
                          f"铜陵出土。\n第{n}件，纹饰清晰。", f"Found in Tongling.\nNumber {n}.", "CC BY 4.0", "",
                          ["旧藏", "征集", ""][n % 3]])


def fresh_runtime(settings, tmp_path, postgres_server, halls_file, name: str) -> Runtime:
    home = tmp_path / name
    home.mkdir()
    url = f"sqlite:///{home / 'catalogue.sqlite3'}"
    if postgres_server is not None:
        url = postgres_server.create_database(f"jinshi_{uuid.uuid4().hex[:12]}")
    rt = Runtime(dataclasses.replace(settings, home=home, database_url=url, search_url=None).resolved())
    load_halls(rt.db, halls_file)
    return rt


@pytest.fixture
def two_runtimes(settings, tmp_path, postgres_server, halls_file):
    made = [fresh_runtime(settings, tmp_path, postgres_server, halls_file, name) for name in ("per-item", "bulk")]
    yield made
    for rt in made:
        rt.close()


@pytest.fixture
def small_batches(monkeypatch):
    """Bulk mode after 10 items, 7 ids a worker chunk: several chunks per worker in a small test."""
    monkeypatch.setattr(batch, "INDEX_BATCH", 10)
    monkeypatch.setattr(batch, "WRITE_BATCH", 25)
    monkeypatch.setattr("search.whoosh_build.BUILD_CHUNK", 7)


def per_item(monkeypatch) -> None:
    """The per-item path: every record alone through the ORM writer (the fallback of a failed chunk)."""
    def refuse(*args, **kwargs):
        raise RuntimeError("per-item reference run")

    monkeypatch.setattr(curation, "existing_states", refuse)
    monkeypatch.setattr(batch, "INDEX_BATCH", 10**9)


def catalogue(rt: Runtime) -> tuple[list, list]:
    skip = {"created", "updated"}
    with rt.db.session() as session:
        items = [{c.key: getattr(i, c.key) for c in Item.__mapper__.column_attrs if c.key not in skip}
                 for i in session.scalars(select(Item).order_by(Item.id))]
        changes = sorted((c.item_id, c.kind, c.action, c.set_spec) for c in session.scalars(select(Change)))
    return items, changes


def indexed(rt: Runtime) -> dict:
    index = rt.index
    index.close()
    return {item_id: index.get(item_id) for item_id in sorted(index.ids())}


def outcomes(results) -> list:
    return [(r.file, r.status, r.item, r.error, r.warnings) for r in results]


def test_bulk_writes_exactly_what_the_per_item_path_writes(two_runtimes, tmp_path, small_batches, monkeypatch):
    reference, fast = two_runtimes
    path = tmp_path / "records.csv"
    write_csv(path, 97)
    calls = []
    original = ParallelAppend.commit
    monkeypatch.setattr(ParallelAppend, "commit", lambda self, *a, **k: (calls.append(len(self.ids)), original(self, *a, **k))[1])
    fast_results = outcomes(batch.ingest_batch(fast, metadata=path))
    assert calls == [97], "the parallel append was not used"
    with monkeypatch.context() as patch:
        per_item(patch)
        reference_results = outcomes(batch.ingest_batch(reference, metadata=path))

    assert fast_results == reference_results
    assert any(warnings for *_, warnings in fast_results)  # the unreadable dates are reported
    assert catalogue(fast) == catalogue(reference)
    docs = indexed(fast)
    assert len(docs) == visible_count(fast.db) == 97
    assert docs == indexed(reference)
    for q in ("镜", "铜陵 出土", "period:明", "date:1600..1610", "object"):
        assert (fast.index.search(parse_query(q, per_page=100)).total
                == reference.index.search(parse_query(q, per_page=100)).total > 0), q


def test_a_second_run_updates_changed_rows_in_place(two_runtimes, tmp_path, small_batches):
    rt = two_runtimes[1]
    path = tmp_path / "records.csv"
    write_csv(path, 40)
    assert {r.status for r in batch.ingest_batch(rt, metadata=path)} == {"ingested"}
    changed = {3, 17, 31}
    write_csv(path, 60, changed=changed)  # 20 new rows, three changed
    statuses = {r.item: r.status for r in batch.ingest_batch(rt, metadata=path)}
    assert {i for i, s in statuses.items() if s == "ingested"} == {f"rec-{n:04d}" for n in [*changed, *range(40, 60)]}
    index = rt.index
    assert index.count() == len(index.ids()) == visible_count(rt.db) == 60  # no duplicate of a changed item
    assert index.get("rec-0017")["title"]["zh"] == ["第17号镜（改）"]
    assert rt.index.search(parse_query("改", per_page=100)).total == 3
    with rt.db.session() as session:
        creates = session.scalars(select(Change.item_id).where(Change.kind == "item", Change.action == "Create")).all()
        updates = session.scalars(select(Change.item_id).where(Change.kind == "item", Change.action == "Update")).all()
    assert sorted(creates) == [f"rec-{n:04d}" for n in range(60)] and sorted(updates) == sorted(f"rec-{n:04d}" for n in changed)


def test_a_worker_dying_in_the_middle_is_caught_up_by_the_serial_sync(two_runtimes, tmp_path, small_batches,
                                                                      monkeypatch, caplog):
    rt = two_runtimes[1]
    path = tmp_path / "records.csv"
    write_csv(path, 80)
    killed = []
    original = ParallelAppend.add

    def add_then_kill(self, ids):
        original(self, ids)
        if len(self.ids) > 40 and not killed:
            os.kill(self.workers[0].pid, signal.SIGKILL)  # as the OOM killer would
            killed.append(self.workers[0].pid)

    monkeypatch.setattr(ParallelAppend, "add", add_then_kill)
    results = list(batch.ingest_batch(rt, metadata=path))
    assert killed and {r.status for r in results} == {"ingested"}
    assert "the parallel search index append failed" in caplog.text
    assert rt.index.ids() == {f"rec-{n:04d}" for n in range(80)}
    assert rt.index.count() == visible_count(rt.db) == 80


def _ingest_and_die(settings, path, after: int) -> None:
    """In a child process: ingest, and die (no cleanup at all) once ``after`` ids went to the workers."""
    original = ParallelAppend.add

    def add_then_die(self, ids):
        original(self, ids)
        if len(self.ids) >= after:
            os._exit(9)

    ParallelAppend.add = add_then_die
    batch.INDEX_BATCH, batch.WRITE_BATCH = 10, 25
    rt = Runtime(settings, migrate=False)
    for _ in batch.ingest_batch(rt, metadata=path):
        pass
    os._exit(0)


def test_a_crash_in_the_middle_leaves_a_state_the_next_sync_repairs(two_runtimes, tmp_path):
    import multiprocessing

    rt = two_runtimes[1]
    path = tmp_path / "records.csv"
    write_csv(path, 30, prefix="old")
    list(batch.ingest_batch(rt, metadata=path))
    marker = rt.index.get_marker()
    write_csv(path, 200)
    rt.index.close()
    child = multiprocessing.get_context("fork").Process(target=_ingest_and_die, args=(rt.settings, path, 60))
    child.start()
    child.join(120)
    assert child.exitcode == 9
    with rt.db.session() as session:
        written = session.scalars(select(Item.id).where(Item.id.like("rec-%"))).all()
    assert 60 <= len(written) < 200  # the catalogue took the chunks it committed...
    assert rt.index.get_marker() == marker and rt.index.count() == 30  # ...the index nothing, its marker unmoved
    # the workers noticed their parent is gone and let go of the index's lock: the next sync runs
    reindex_items(rt.db, rt.index, [])
    assert rt.index.ids() == {f"old-{n:04d}" for n in range(30)} | set(written)
    assert rt.index.count() == visible_count(rt.db) == 30 + len(written)
