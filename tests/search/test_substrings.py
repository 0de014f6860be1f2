"""Chinese recall as researchers type: single characters and any substring of a title or
description match (character-unigram fields beside the jieba words), whole words rank higher,
and both backends are given the same analysis."""
import re

import pytest

from search import analysis
from search.es_backend import es_source, search_body
from search.query import AllOf, Clause, expand, parse_query
from search.sync import reindex_items, visible_count
from search.whoosh_backend import WhooshIndex, make_schema

from .conftest import RECORDS, build_catalogue, make_db


def ids(index, q, **kw):
    return [h.id for h in index.search(parse_query(q, per_page=100, **kw)).hits]


def _substrings():
    out = []
    for rec in RECORDS:
        item, title, desc = rec[0], rec[4], rec[6]
        for text in (title, desc):
            for run in re.findall(r"[\u4e00-\u9fff]+", analysis.to_simplified(text)):
                for size in (1, 2, 3, 4, 5):
                    out.extend((item, run[i:i + size]) for i in range(len(run) - size + 1))
    return out


def test_every_substring_of_titles_and_descriptions_matches(built_index):
    # jieba alone missed 723 of these 1 094 (e.g. 镜 in 铜镜拓片, 面纹青铜, 姜, 爵, 钟)
    missed = [(item, q) for item, q in _substrings() if item not in ids(built_index, q)]
    assert not missed, missed[:20]


@pytest.mark.parametrize("q,item", [("镜", "tl-012"), ("钟", "tl-003"), ("鐘", "tl-003"), ("面纹青铜", "tl-001"),
                                    ("铜鼎", "tl-001"), ("兽葡萄镜", "tl-006"), ("嫩姜", "ich-001"),
                                    ("title:镜", "tl-012"), ("description:腌制技", "ich-001"), ('"兽面纹青铜"', "tl-001")])
def test_substrings_that_jieba_cut_differently(built_index, q, item):
    assert item in ids(built_index, q)


def test_transcripts_match_by_substring_too(built_index):
    assert ids(built_index, "transcript:腌制七") == ["ich-001"]
    assert "ich-001" in ids(built_index, "祖传")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    index = WhooshIndex(tmp_path_factory.mktemp("small"))
    docs = [
        {"id": "word", "title": {"zh": ["四山纹铜镜"]}},
        {"id": "substring", "title": {"zh": ["紫铜镜面"]}},
        {"id": "split", "title": {"zh": ["黄铜（镜架）"]}, "description": {"zh": ["铜 镜"]}},
        {"id": "desc", "title": {"zh": ["残片"]}, "description": {"zh": ["背面有铭文：弦纹铜镜之一。"]}},
        {"id": "xian", "title": {"zh": ["四乳弦纹铜镜（三维扫描）"]}},
    ]
    index.rebuild(docs)
    yield index
    index.close()


def test_whole_words_rank_above_substrings_and_titles_above_descriptions(small):
    assert analysis.tokens("四山纹铜镜", for_query=True)[-1] == "铜镜"
    assert "铜镜" not in analysis.tokens("紫铜镜面")  # jieba: 紫铜 镜面
    got = ids(small, "铜镜")
    assert got[:2] == ["word", "xian"] and set(got[2:]) == {"substring", "desc"}
    assert ids(small, "镜")[-1] == "desc"


def test_a_phrase_of_characters_does_not_cross_punctuation_or_spaces(small):
    assert "split" not in ids(small, "铜镜")
    assert "split" in ids(small, "铜 镜")  # two words: both present


def test_compound_substring_as_words_or_characters(small):
    assert set(ids(small, "弦纹铜镜")) == {"xian", "desc"}
    assert ids(small, "乳弦纹铜") == ["xian"]


def test_char_tokens_keep_runs_apart():
    assert analysis.char_tokens("四乳弦纹铜镜（三維扫描） bronze 镜") == "四 乳 弦 纹 铜 镜 | 三 维 扫 描 | 镜"
    assert analysis.char_tokens("bronze mirror") == ""


def test_expansion_words_or_characters():
    (group,) = expand(parse_query("弦纹铜镜").tree)
    words = [a for a in group if isinstance(a, AllOf)]
    assert len(words) == 1 and [g[0].tokens for g in words[0].groups] == [("弦",), ("纹",), ("铜镜",)]
    assert Clause("title_chars", tuple("弦纹铜镜"), 2.0, slop=1) in group
    (single,) = expand(parse_query("镜").tree)
    assert Clause("title", ("镜",), 4.0) in single and Clause("text_chars", ("镜",), 0.5) in single
    # profile fields keep their words only; pinyin is untouched
    assert expand(parse_query("material:青铜").tree) == [[Clause("f_material", ("青铜",))]]
    assert any(c.field == "title_py" for c in expand(parse_query("qingtong").tree)[0])
    assert "弦纹铜镜" in parse_query("弦纹铜镜").highlight_terms()


def test_elasticsearch_gets_the_same_unigrams_as_array_runs():
    source = es_source({"id": "x", "title": {"zh": ["四乳弦纹铜镜（三维扫描）"]}, "description": {"zh": ["铜镜。"]}})
    assert source["title_chars"] == ["四 乳 弦 纹 铜 镜", "三 维 扫 描"]
    assert source["text_chars"] == ["铜 镜"]
    body = search_body(parse_query("弦纹铜镜"))
    should = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert should[0] == {"bool": {"must": [
        {"bool": {"should": [{"term": {f: {"value": w, "boost": b}}} for f, b in (("title", 4.0), ("meta", 1.5), ("text", 1.0))],
                  "minimum_should_match": 1}} for w in ("弦", "纹", "铜镜")]}}
    assert should[1] == {"match_phrase": {"title_chars": {"query": "弦 纹 铜 镜", "slop": 0, "analyzer": "whitespace", "boost": 2.0}}}


def test_an_index_from_before_the_unigrams_is_upgraded(tmp_path):
    from whoosh import index as windex

    db = make_db(tmp_path / "home")
    build_catalogue(db)
    schema = make_schema()
    for name in ("title_chars", "meta_chars", "text_chars", "transcript_chars"):
        schema.remove(name)
    (tmp_path / "index").mkdir()
    windex.create_in(str(tmp_path / "index"), schema)
    ix = windex.open_dir(str(tmp_path / "index"))
    writer = ix.writer()
    writer.add_document(id="old", title="铜镜")
    writer.commit()
    index = WhooshIndex(tmp_path / "index")  # the new fields are added to the old schema
    assert "title_chars" in index.ix.schema
    index.set_marker({"updated": None, "change_id": 0})  # a marker written before analysis versions
    assert ids(index, "镜") == []
    assert reindex_items(db, index, ["tl-012"])["upserted"] == visible_count(db)  # rebuilt as a whole
    assert index.get_marker()["analysis"] == analysis.VERSION
    assert "tl-012" in ids(index, "镜") and "old" not in index.ids()
    assert reindex_items(db, index, ["tl-012"])["upserted"] == 1
    index.close()
    db.dispose()
