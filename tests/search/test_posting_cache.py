"""The decoded posting lists a Chinese query reads are cached per (immutable) segment: answers stay those of
an empty cache through upserts, deletions and evictions."""
import pytest

from search import whoosh_engine
from search.query import parse_query
from search.whoosh_backend import WhooshIndex

QUERIES = ["青铜镜", "唐代铜镜", "镜", "纹青铜", '"青铜 镜"', "铜镜 -唐代", "bronze mirror"]


def doc(n: int, title: str, text: str) -> dict:
    return {"id": f"d-{n}", "title": {"zh": [title]}, "description": {"zh": [text]}, "museum": "copper"}


def answers(index: WhooshIndex) -> dict:
    return {q: [(h.id, round(h.score, 9)) for h in index.search(parse_query(q, per_page=100)).hits] for q in QUERIES}


def cold(index: WhooshIndex) -> dict:
    saved = whoosh_engine._positions
    whoosh_engine._positions = whoosh_engine._PositionCache(whoosh_engine.POSITION_CACHE_BYTES)
    try:
        return answers(index)
    finally:
        whoosh_engine._positions = saved


@pytest.mark.parametrize("limit", [whoosh_engine.POSITION_CACHE_BYTES, 2_000])  # 2 kB: evicts all the time
def test_cached_answers_equal_cold_ones_through_index_changes(tmp_path, monkeypatch, limit):
    monkeypatch.setattr(whoosh_engine, "_positions", whoosh_engine._PositionCache(limit))
    index = WhooshIndex(tmp_path / "index")
    index.upsert([doc(n, f"唐代铜镜{n}" if n % 3 else f"青铜镜{n}", "铜镜纹青铜，唐代出土 bronze mirror") for n in range(40)])
    first = answers(index)
    assert first["唐代铜镜"] and first["纹青铜"] and first == answers(index) == cold(index)
    # a new segment, deletions in the old one, and a document whose text no longer holds the phrase
    index.upsert([doc(5, "无关", "瓷瓶"), doc(99, "唐代铜镜新", "新的铜镜")])
    index.delete(["d-7", "d-8"])
    after = answers(index)
    assert after == cold(index)
    found = {i for i, _ in after["唐代铜镜"]}
    assert "d-99" in found and not {"d-5", "d-7", "d-8"} & found
    if limit < 10_000:
        assert whoosh_engine._positions.size <= limit or len(whoosh_engine._positions._entries) == 1
    index.close()
