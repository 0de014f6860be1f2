"""The Elasticsearch backend's requests, checked without a server against recorded expectations
(tests/search/es_recorded.json; re-record with JINSHI_RECORD_ES=1 after reviewing a change)."""
import json
import os
from pathlib import Path


from search.es_backend import ElasticsearchIndex, bulk_actions, index_body, search_body
from search.query import parse_query

RECORDED = Path(__file__).with_name("es_recorded.json")

DOC = {"id": "tl-001", "museum": "copper", "hall": "bronze-vessels", "section": "shang",
       "title": {"zh": ["兽面纹青銅鼎"], "en": ["Bronze ding"]}, "description": {"zh": ["商代晚期礼器。"]},
       "object_type": "vessel", "accession_number": "ACC-1", "date_start": -1300, "date_end": -1046,
       "material": {"zh": ["青铜"], "en": ["bronze"]}, "period": {"zh": ["商代晚期"]}, "thumbnail": "ab" * 32,
       "transcript": [], "has_image": True, "has_3d": True, "has_video": False, "has_audio": False,
       "updated": "2026-01-01T00:00:00+00:00"}

QUERIES = {
    "words": ("青銅 鼎", {}, "relevance"),
    "pinyin": ("qingtong", {}, "relevance"),
    "phrase_fielded_period": ('"wine vessel" material:青铜 period:商', {}, "relevance"),
    "bool_date_prefix": ("(铜镜 OR bron*) NOT 唐代 date:-1046..-771", {}, "date"),
    "filters": ("", {"museum": ["copper"], "has_3d": ["true"]}, "title"),
    "substrings": ('镜 弦纹铜镜 "青铜 鼎" title:镜', {}, "relevance"),
}


def current() -> dict:
    return {
        "mapping": index_body({"updated": "2026-01-01T00:00:00+00:00", "change_id": 3}),
        "bulk": bulk_actions("jinshi-items", [DOC], ["gone-1"]),
        "queries": {name: search_body(parse_query(q, f, sort=s)) for name, (q, f, s) in QUERIES.items()},
    }


def test_requests_match_the_recording():
    now = json.loads(json.dumps(current(), ensure_ascii=False))
    if os.environ.get("JINSHI_RECORD_ES") or not RECORDED.exists():
        RECORDED.write_text(json.dumps(now, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert now["mapping"] == recorded["mapping"]
    assert now["bulk"] == recorded["bulk"]
    for name in QUERIES:
        assert now["queries"][name] == recorded["queries"][name], name


def test_mapping_is_explicit_and_pre_analysed():
    body = index_body()
    props = body["mappings"]["properties"]
    assert body["mappings"]["dynamic"] == "strict"
    assert props["title"] == {"type": "text", "analyzer": "whitespace", "norms": True}
    assert props["facet_material"] == {"type": "keyword"}
    assert props["date_start"] == {"type": "integer"}


def test_bulk_body_carries_the_shared_analysis():
    lines = bulk_actions("jinshi-items", [DOC], ["gone-1"])
    assert lines[0] == {"delete": {"_index": "jinshi-items", "_id": "gone-1"}}
    assert lines[1] == {"index": {"_index": "jinshi-items", "_id": "tl-001"}}
    source = lines[2]
    assert "青铜" in source["title"].split()  # OpenCC t2s before indexing
    assert {"qingtong", "qt"} <= set(source["title_py"].split())
    assert source["facet_period"] == ["商"] and source["has_3d"] == "true"


def test_query_dsl():
    body = search_body(parse_query("period:商", {"museum": ["copper"]}, page=2, per_page=10))
    assert body["from"] == 10 and body["size"] == 10 and body["track_total_hits"] is True
    assert body["query"]["bool"]["filter"] == [{"terms": {"museum": ["copper"]}}]
    should = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert should[1] == {"bool": {"filter": [{"range": {"date_start": {"lte": -1047}}}, {"range": {"date_end": {"gte": -1600}}}]}}
    prefix = search_body(parse_query("bron*"))["query"]["bool"]["must"][0]["bool"]["should"][0]
    assert prefix == {"prefix": {"title": {"value": "bron", "boost": 4.0, "rewrite": "top_terms_64"}}}


class FakeIndices:
    def __init__(self, log):
        self.log = log
        self.aliases = {}

    def exists_alias(self, name):
        return any(name == a for a in self.aliases.values())

    def get_alias(self, name):
        return {i: {"aliases": {name: {}}} for i, a in self.aliases.items() if a == name}

    def create(self, index, **body):
        self.log.append(("create", index, sorted(body)))

    def put_alias(self, index, name):
        self.aliases[index] = name

    def refresh(self, index):
        self.log.append(("refresh", index))

    def update_aliases(self, actions):
        self.log.append(("update_aliases", actions))
        for a in actions:
            if "remove" in a:
                self.aliases.pop(a["remove"]["index"], None)
            else:
                self.aliases[a["add"]["index"]] = a["add"]["alias"]

    def delete(self, index):
        self.log.append(("delete", index))


class FakeES:
    def __init__(self):
        self.log = []
        self.indices = FakeIndices(self.log)

    def bulk(self, operations, refresh=False):
        self.log.append(("bulk", len(operations), refresh))
        return {"errors": False, "items": []}


def test_rebuild_swaps_the_alias_atomically():
    es = FakeES()
    index = ElasticsearchIndex("http://es:9200", client=es)
    es.indices.aliases["jinshi-items-old"] = "jinshi-items"
    count = index.rebuild([dict(DOC, id=f"x{i}") for i in range(1200)], marker={"change_id": 1})
    assert count == 1200
    kinds = [entry[0] for entry in es.log]
    assert kinds == ["create", "bulk", "bulk", "bulk", "refresh", "update_aliases", "delete"]
    new = es.log[0][1]
    assert es.log[5][1] == [{"remove": {"index": "jinshi-items-old", "alias": "jinshi-items"}},
                            {"add": {"index": new, "alias": "jinshi-items"}}]
    assert es.log[6] == ("delete", "jinshi-items-old")
    assert es.log[1] == ("bulk", 1000, False)
