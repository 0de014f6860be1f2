"""The parallel index build: worker processes each write a segment, committed together."""
import time

from search import whoosh_build
from search.query import parse_query
from search.whoosh_backend import WhooshIndex


def docs(n):
    return [{"id": f"d-{i:04d}", "title": {"zh": [f"青铜镜{i}"], "en": [f"mirror {i}"]}, "museum": "m"} for i in range(n)]


def test_a_worker_finishing_long_after_the_other_is_not_taken_for_dead(tmp_path, monkeypatch):
    # under load one worker can finish seconds after the other; the build waited 1 s and gave up
    original = whoosh_build.index_fields

    def slow_first_chunk(doc):
        if doc["id"] == f"d-{whoosh_build.BUILD_CHUNK - 1:04d}":  # the last document of worker 0's only chunk
            time.sleep(3)
        return original(doc)

    monkeypatch.setattr(whoosh_build, "index_fields", slow_first_chunk)  # forked workers inherit it
    index = WhooshIndex(tmp_path)
    assert index.rebuild(iter(docs(2 * whoosh_build.BUILD_CHUNK)), total=None, processes=2) == 400
    assert index.count() == 400
    assert index.search(parse_query("mirror", per_page=1)).total == 400
    index.close()
