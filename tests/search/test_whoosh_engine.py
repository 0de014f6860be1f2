"""The Whoosh backend evaluates queries over numpy posting arrays; it must answer exactly as
Whoosh's own matchers do (same documents, same BM25F scores, same order)."""
import pytest
from whoosh import query as wq

from search.query import parse_query
from search.sync import rebuild_from_catalogue
from search.whoosh_backend import WhooshIndex

from .whoosh_oracle import compile_whoosh, filter_query

QUERIES = [
    ("", None), ("*", {"has_3d": ["true"]}), ("青铜", None), ("bronze", {"museum": ["copper"]}), ("mirrors", None),
    ('"wine vessel"', None), ('"青铜 鼎"', None), ('"bronze mirror"', None), ("material:青铜", None), ("period:商", None),
    ("商代", None), ("date:-1046..-771", None), ("date:..-1300", None), ("date:1368..", None), ("qingtong", None),
    ("qt", None), ("bron*", None), ("porc*", None), ("bron* OR mir*", None), ("(铜镜 OR 编钟) -汉代", None),
    ("object_type:mirror NOT 唐代", None), ("NOT 鼎", None), ("-鼎 -镜", None), ("museum:ich ich_level:国家级", None),
    ("铜陵", {"ich_level": ["国家级", "省级"]}), ("writer", None), ("copper", {"material": ["铜", "青铜"]}),
    # character unigrams: single characters, substrings jieba cuts otherwise, words-or-characters alternatives
    ("镜", None), ("弦纹铜镜", None), ("面纹青铜", None), ('"青铜镜"', None), ("title:镜", None), ("description:铜镜", None),
    ("铜镜 -镜拓", None), ("青銅镜 bronze", None),
]


@pytest.fixture(scope="module")
def segmented(catalogue_db, tmp_path_factory):
    """The fixture catalogue in two segments, with deletions and updates."""
    index = WhooshIndex(tmp_path_factory.mktemp("segmented"))
    rebuild_from_catalogue(catalogue_db, index)
    extra = [{"id": f"x-{i}", "title": {"zh": [f"青铜镜{i}"], "en": [f"bronze mirror writer {i}"]},
              "description": {"en": ["a bronze wine vessel" if i % 2 else "copper"]}, "museum": "copper",
              "date_start": -1200 + 40 * i, "date_end": -1100 + 40 * i, "material": {"zh": ["青铜"]}} for i in range(30)]
    index.upsert(extra)
    index.delete(["tl-005", "x-3"])
    index.upsert([dict(extra[4], title={"zh": ["改名"]})])
    yield index
    index.close()


@pytest.mark.parametrize("sort", ["relevance", "date", "-date", "title"])
@pytest.mark.parametrize("q,filters", QUERIES)
def test_same_answers_as_whoosh_matchers(segmented, q, filters, sort):
    parsed = parse_query(q, filters, sort=sort, per_page=100)
    searcher = segmented.searcher()
    assert len(list(searcher.reader().leaf_readers())) > 1
    reference = compile_whoosh(parsed.tree, searcher.reader())
    fq = filter_query(parsed.filters)
    reference = reference if fq is None else wq.And([reference, fq])
    kwargs = {"limit": None}  # unlimited: Whoosh's block-quality shortcut can miss a top document
    if sort in ("date", "-date"):
        kwargs.update(sortedby="date_start", reverse=sort == "-date")
    elif sort == "title":
        kwargs.update(sortedby="title_sort")
    expected = searcher.search(reference, **kwargs)
    got = segmented.search(parsed)
    assert got.total == len(expected)
    assert [h.id for h in got.hits] == [h["id"] for h in expected][:100]
    if sort == "relevance":
        assert [h.score for h in got.hits] == pytest.approx([h.score for h in expected][:100], rel=1e-9)


def test_an_index_written_with_the_previous_schema_answers_alike(catalogue_db, tmp_path):
    # before date_end had a column and dates had tiered range terms: dates are read from the terms
    from whoosh import index as windex
    from whoosh.fields import NUMERIC

    from search import whoosh_backend

    schema = whoosh_backend.make_schema()
    schema.remove("date_start")
    schema.remove("date_end")
    schema.add("date_start", NUMERIC(int, bits=32, signed=True, sortable=True))
    schema.add("date_end", NUMERIC(int, bits=32, signed=True))
    windex.create_in(str(tmp_path), schema)
    index = WhooshIndex(tmp_path)
    rebuild_from_catalogue(catalogue_db, index)
    searcher = index.searcher()
    assert not searcher.reader().has_column("date_end")
    for q in ("period:商", "date:-1046..-771", "date:..-1300", "date:1368..", "商代 OR 明代"):
        for sort in ("relevance", "date", "-date"):
            parsed = parse_query(q, sort=sort, per_page=100)
            kwargs = {"limit": None}
            if sort != "relevance":
                kwargs.update(sortedby="date_start", reverse=sort == "-date")
            expected = searcher.search(compile_whoosh(parsed.tree, searcher.reader()), **kwargs)
            got = index.search(parsed)
            assert got.total == len(expected) > 0
            assert [h.id for h in got.hits] == [h["id"] for h in expected][:100]
    index.close()
