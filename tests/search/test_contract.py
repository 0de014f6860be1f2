"""The backend contract: every backend (Whoosh always, Elasticsearch with
JINSHI_TEST_ELASTICSEARCH_URL) answers these alike."""
import pytest

from search.errors import QueryError
from search.query import parse_query, walk_terms


def ids(index, q, **kw):
    return [h.id for h in index.search(parse_query(q, per_page=100, **kw)).hits]


@pytest.mark.parametrize("q,expected", [
    ("青銅觚", {"tl-011"}),  # traditional query, traditional title
    ("青铜觚", {"tl-011"}),  # simplified finds traditional
    ("編鐘", {"tl-003"}),  # traditional finds simplified
    ("qingtong", {"tl-001", "tl-002", "tl-011"}),
    ("qīngtóng", {"tl-001", "tl-002", "tl-011"}),
    ("qt", {"tl-001", "tl-002", "tl-011"}),
    ("bronze 鼎", {"tl-001"}),
    ("mirrors", {"tl-005", "tl-006", "tl-009", "tl-012"}),
    ('"wine vessel"', {"tl-004"}),
    ("inheritor:张三", {"ich-001"}),
    ("creator:文徵明", {"art-002"}),
    ("place:景德镇", {"art-004"}),
    ("accession_number:acc-tl-001", {"tl-001"}),
    ("museum:ich ich_level:国家级", {"ich-001", "ich-004"}),
    ("object_type:mirror NOT 唐代", {"tl-005", "tl-009"}),
    ("(铜镜 OR 编钟) -汉代", {"tl-003", "tl-006", "tl-009", "tl-012"}),  # tl-009's type is mirror: a 铜镜
    ("ich_category:传统音乐", {"ich-003"}),
    ("region:池州", {"ich-004"}),
])
def test_matching(built_index, q, expected):
    assert set(ids(built_index, q)) == expected


def test_period_names_match_date_ranges(built_index):
    # tl-007 has no period text: found by its dates; tl-002 (Western Zhou, from -1046) is not Shang
    assert set(ids(built_index, "period:商")) == {"tl-001", "tl-007", "tl-011"}
    assert set(ids(built_index, "商代")) == {"tl-001", "tl-007", "tl-011"}
    assert set(ids(built_index, "period:Shang")) == {"tl-001", "tl-007", "tl-011"}
    assert set(ids(built_index, "date:-1046..-771")) == {"tl-001", "tl-002"}
    assert set(ids(built_index, "date:..-1300")) == {"tl-001", "tl-007"}


def test_hidden_items_are_not_indexed(built_index):
    assert not {"tl-900", "tl-901"} & set(ids(built_index, "鼎"))
    assert built_index.search(parse_query("")).total == 21


def test_facets_and_filters(built_index):
    res = built_index.search(parse_query("", {"museum": ["copper"]}))
    assert res.total == 12
    facets = {k: {f["value"]: f["count"] for f in v} for k, v in res.facets.items()}
    assert facets["museum"] == {"copper": 12}
    assert facets["hall"] == {"bronze-vessels": 8, "mirrors": 4}
    assert facets["material"]["青铜"] == 8
    assert facets["period"]["商"] == 3
    assert facets["has_3d"] == {"true": 2, "false": 10}
    res = built_index.search(parse_query("", {"has_video": ["true"]}))
    assert {h.id for h in res.hits} == {"ich-001", "ich-002", "ich-004"}
    res = built_index.search(parse_query("铜陵", {"ich_level": ["国家级", "省级"]}))
    assert {h.id for h in res.hits} == {"ich-001", "ich-002"}
    assert res.to_api()["facets"]["ich_category"] == [{"value": "传统技艺", "count": 1}, {"value": "传统美术", "count": 1}]


def test_sorting_and_paging(built_index):
    by_date = ids(built_index, "material:青铜", sort="date")
    assert by_date[:3] == ["tl-007", "tl-001", "tl-011"]
    assert ids(built_index, "material:青铜", sort="-date")[0] == "tl-006"
    titles = ids(built_index, "museum:art", sort="title")
    assert titles == ["art-005", "art-003", "art-004", "art-001", "art-002"]  # min, mo, qing, shan, xing
    page1 = built_index.search(parse_query("", per_page=5, page=1, sort="title"))
    page2 = built_index.search(parse_query("", per_page=5, page=2, sort="title"))
    assert page1.total == page2.total == 21
    assert not {h.id for h in page1.hits} & {h.id for h in page2.hits}
    assert built_index.search(parse_query("", per_page=5, page=9)).hits == []


def test_api_shape_and_highlights(built_index):
    api = built_index.search(parse_query("腌制")).to_api()
    assert set(api) == {"total", "page", "per_page", "hits", "facets"}
    hit = api["hits"][0]
    assert hit["id"] == "ich-001" and hit["title"]["zh"] == ["铜陵白姜制作技艺"] and hit["museum"] == "ich"
    assert "<mark>腌制</mark>" in hit["snippet"]
    assert hit["highlights"][0]["field"] == "transcript" and hit["highlights"][0]["start"] == 4.0
    assert isinstance(hit["score"], float)
    assert api["hits"][0]["has_video"] is True


def test_prefix_is_bounded(built_index):
    # the bound is the number of expansions (qm.MAX_EXPANSIONS); benchmarks/search.py times such queries
    assert {"tl-001", "tl-011"} <= set(ids(built_index, "bron*"))
    parsed = parse_query("ab* OR bc* OR ca* OR de* OR ea* OR ta* OR ti*")
    assert all(t.prefix for t in walk_terms(parsed.tree))
    together = {h.id for h in built_index.search(parse_query("ab* OR bc* OR ca* OR de* OR ea* OR ta* OR ti*", per_page=100)).hits}
    apart = set().union(*(ids(built_index, p) for p in ("ab*", "bc*", "ca*", "de*", "ea*", "ta*", "ti*")))
    assert together == apart and len(together) >= 5  # OR of prefixes is the union of each prefix's hits


ALL = 21  # items of the fixture catalogue


@pytest.mark.parametrize("q, expected", [
    ("*", ALL), ("。，、", ALL),  # nothing searchable: every item, as an empty query
    ("NOT 鼎", ALL - 1), ("-鼎 -镜", ALL - 5),  # one 鼎, four 镜 in the fixture
    ("the", 0), ("a" * 400, 0),
    ('""x""', "QueryError"),
])
def test_odd_but_valid_queries_are_sane(built_index, q, expected):
    if expected == "QueryError":
        with pytest.raises(QueryError) as error:
            parse_query(q)
        assert error.value.message
        return
    assert built_index.search(parse_query(q, per_page=100)).total == expected


def test_negation_removes_exactly_the_matches(built_index):
    everything = set(ids(built_index, ""))
    assert set(ids(built_index, "NOT 鼎")) == everything - set(ids(built_index, "鼎"))
