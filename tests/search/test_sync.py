"""Incremental indexing, crash repair and concurrent Whoosh writers."""
import multiprocessing

import pytest
from sqlalchemy import delete, select

from exhibits.models import Change, Item
from search.query import parse_query
from search.sync import rebuild_from_catalogue, reindex_items
from search.whoosh_backend import WhooshIndex

from .conftest import build_catalogue, lm, make_db


@pytest.fixture
def world(tmp_path):
    db = make_db(tmp_path / "home")
    build_catalogue(db)
    index = WhooshIndex(tmp_path / "index")
    rebuild_from_catalogue(db, index)
    yield db, index
    index.close()
    db.dispose()


def found(index, q):
    return {h.id for h in index.search(parse_query(q, per_page=100)).hits}


def test_items_appear_when_ready_and_disappear_when_unpublished_or_deleted(world):
    db, index = world
    assert "tl-900" not in found(index, "未完成")
    with db.session() as s:
        s.get(Item, "tl-900").state = "ready"
    assert reindex_items(db, index, ["tl-900"])["upserted"] >= 1
    assert "tl-900" in found(index, "未完成")

    with db.session() as s:
        s.get(Item, "tl-001").publication = "withdrawn"
    reindex_items(db, index, ["tl-001"])
    assert "tl-001" not in found(index, "兽面纹")

    with db.session() as s:
        s.delete(s.get(Item, "tl-002"))
        s.add(Change(item_id="tl-002", action="Delete"))
    reindex_items(db, index, ["tl-002"])
    assert "tl-002" not in found(index, "簋")


def test_a_failed_index_write_is_repaired_by_the_next_ingest(world, monkeypatch):
    db, index = world
    with db.session() as s:  # the catalogue commit succeeds...
        s.get(Item, "art-001").title = lm("新山水图", "New landscape")
        s.get(Item, "art-003").publication = "draft"

    def crash(*args, **kwargs):  # ...and the process dies writing the index
        raise OSError("disk full")

    monkeypatch.setattr(index, "apply", crash)
    with pytest.raises(OSError):
        reindex_items(db, index, ["art-001", "art-003"])
    monkeypatch.undo()
    assert "art-001" not in found(index, "New landscape")
    assert "art-003" in found(index, "墨竹")

    # the next ingest touches an unrelated item; the sync marker makes it catch up
    with db.session() as s:
        s.get(Item, "ich-003").title = lm("牛歌", "Ox songs")
    reindex_items(db, index, ["ich-003"])
    assert found(index, "New landscape") == {"art-001"}
    assert "art-003" not in found(index, "墨竹")
    assert found(index, "ox songs") == {"ich-003"}


def test_deletion_without_trace_is_repaired_and_rebuild_always_works(world):
    db, index = world
    with db.session() as s:  # deleted behind the index's back, no Change row
        s.execute(delete(Item).where(Item.id == "tl-012"))
    assert "tl-012" in found(index, "拓片")
    reindex_items(db, index, [])
    assert "tl-012" not in found(index, "拓片")

    # a lost index folder content: rebuild from the catalogue restores everything
    with db.session() as s:
        visible = {i.id for i in s.scalars(select(Item)) if i.visible}
    index.rebuild([], total=0)
    assert index.count() == 0
    rebuild_from_catalogue(db, index)
    assert index.ids() == visible


def _writer(path, worker, n):
    index = WhooshIndex(path)
    for i in range(n):
        doc = {"id": f"w{worker}-{i}", "title": {"zh": [f"并发写入{worker}"], "en": [f"writer {worker}"]},
               "description": {}, "museum": "copper"}
        index.upsert([doc])
        if i % 5 == 4:
            index.delete([f"w{worker}-{i - 1}"])
    index.close()


def test_two_processes_writing_do_not_corrupt_the_index(tmp_path):
    path = tmp_path / "index"
    WhooshIndex(path).close()
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(path, w, 20)) for w in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    index = WhooshIndex(path)
    expected = {f"w{w}-{i}" for w in (1, 2) for i in range(20)} - {f"w{w}-{i - 1}" for w in (1, 2) for i in range(20) if i % 5 == 4}
    assert index.ids() == expected
    assert index.search(parse_query("writer")).total == len(expected)
    index.close()
