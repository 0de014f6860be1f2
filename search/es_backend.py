"""The Elasticsearch backend (selected by an ``http(s)://`` JINSHI_SEARCH_URL).

No ES plugin is assumed: text is analysed in Python by :mod:`search.analysis` (OpenCC,
jieba, pinyin, stemming) exactly as for Whoosh, and sent pre-analysed to fields with the
``whitespace`` analyzer, so both backends match alike. Every request body is built by a pure
function (:func:`index_body`, :func:`bulk_actions`, :func:`search_body`) that the tests
compare with recorded expectations.

Zero-downtime rebuild: searches go through the alias ``<prefix>-items``; a rebuild fills a
new concrete index ``<prefix>-items-<timestamp>``, then moves the alias in one atomic
``_aliases`` call and deletes the old index.
"""
from __future__ import annotations

import json
import time
from typing import Any, Callable, Iterable

from search import analysis, query as qm
from search.documents import FACET_FIELDS, FACET_LABEL_FIELD, index_fields
from search.results import Hit, SearchResults, facet_list, label_facets, make_snippets

#: Character-unigram fields: sent as one array value per Chinese run (search.analysis.char_tokens).
CHAR_FIELDS = tuple(qm.CHAR_FIELDS.values())
TEXT_FIELDS = ("title", "title_py", "meta", "text", "transcript") + CHAR_FIELDS + tuple(
    f"f_{n}" for n in ("material", "period", "creator", "place", "dimensions", "ich_category", "ich_level", "inheritor", "region"))
KEYWORD_FIELDS = ("id", "museum", "hall", "section", "object_type", "accession_number", "title_sort",
                  "facet_material", "facet_period", "facet_ich_category", "facet_ich_level",
                  "has_3d", "has_video", "has_audio", "updated", FACET_LABEL_FIELD)
#: Aggregation that brings the facet label terms of the matching documents.
LABELS_AGG = "facet_labels"
LABELS_SIZE = 300
FACET_SIZE = 30
BULK_CHUNK = 500


def index_body(marker: dict | None = None) -> dict[str, Any]:
    """Settings and the explicit mapping of a concrete index."""
    properties: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        spec: dict[str, Any] = {"type": "text", "analyzer": "whitespace", "norms": True}
        if name not in qm.POSITIONAL:
            spec["index_options"] = "freqs"
        if name in CHAR_FIELDS:
            spec["position_increment_gap"] = analysis.GAP_POSITIONS
        properties[name] = spec
    for name in KEYWORD_FIELDS:
        properties[name] = {"type": "keyword"}
    properties["date_start"] = {"type": "integer"}
    properties["date_end"] = {"type": "integer"}
    properties["stored"] = {"type": "keyword", "index": False, "doc_values": False}
    return {
        "settings": {"index": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "1s",
                               "max_result_window": qm.MAX_PAGE * qm.MAX_PER_PAGE}},
        "mappings": {"dynamic": "strict", "_meta": {"jinshi_sync": marker or {}, "schema": 2},
                     "properties": properties},
    }


def es_source(doc: dict[str, Any]) -> dict[str, Any]:
    fields = index_fields(doc)
    for name in CHAR_FIELDS:
        # runs as array values: ES puts position_increment_gap positions between them, as the Whoosh
        # backend's GapTokenizer does at the GAP token
        fields[name] = [run for run in fields[name].split(f" {analysis.GAP} ") if run] if fields.get(name) else []
    return {k: v for k, v in fields.items() if v is not None}


def bulk_actions(index: str, upserts: Iterable[dict] = (), deletes: Iterable[str] = ()) -> list[dict]:
    """The NDJSON lines of a ``_bulk`` request (deletes first, then index operations)."""
    lines: list[dict] = []
    for item_id in deletes:
        lines.append({"delete": {"_index": index, "_id": item_id}})
    for doc in upserts:
        lines.append({"index": {"_index": index, "_id": doc["id"]}})
        lines.append(es_source(doc))
    return lines


def compile_es(node: qm.Node) -> dict[str, Any]:
    if isinstance(node, qm.MatchAll):
        return {"match_all": {}}
    if isinstance(node, qm.And):
        must = [compile_es(c) for c in node.children if not isinstance(c, (qm.Not, qm.MatchAll))]
        must_not = [compile_es(c.child) for c in node.children if isinstance(c, qm.Not)]
        body: dict[str, Any] = {"must": must or [{"match_all": {}}]}
        if must_not:
            body["must_not"] = must_not
        return {"bool": body}
    if isinstance(node, qm.Or):
        return {"bool": {"should": [compile_es(c) for c in node.children], "minimum_should_match": 1}}
    if isinstance(node, qm.Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [compile_es(node.child)]}}
    if isinstance(node, qm.DateRange):
        parts = []
        if node.end is not None:
            parts.append({"range": {"date_start": {"lte": node.end}}})
        if node.start is not None:
            parts.append({"range": {"date_end": {"gte": node.start}}})
        return parts[0] if len(parts) == 1 else {"bool": {"filter": parts}}
    if isinstance(node, qm.Term):
        return _groups(qm.expand(node))
    raise TypeError(node)


def _groups(groups: list) -> dict[str, Any]:
    out = []
    for alternatives in groups:
        clauses = [_groups(list(c.groups)) if isinstance(c, qm.AllOf) else _clause(c) for c in alternatives]
        out.append(clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}})
    if not out:
        return {"match_none": {}}
    return out[0] if len(out) == 1 else {"bool": {"must": out}}


def _clause(clause: qm.Clause) -> dict[str, Any]:
    if clause.prefix:
        return {"prefix": {clause.field: {"value": clause.tokens[0], "boost": clause.boost,
                                          "rewrite": f"top_terms_{qm.MAX_EXPANSIONS}"}}}
    if len(clause.tokens) > 1:
        # Whoosh's slop counts the distance allowed between neighbours (1 = adjacent), ES's the extra moves (0 = adjacent)
        return {"match_phrase": {clause.field: {"query": " ".join(clause.tokens), "slop": clause.slop - 1,
                                                "analyzer": "whitespace", "boost": clause.boost}}}
    return {"term": {clause.field: {"value": clause.tokens[0], "boost": clause.boost}}}


def filter_clauses(filters: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [{"terms": {FACET_FIELDS[name]: list(values)}} for name, values in filters.items()]


def search_body(query: qm.SearchQuery) -> dict[str, Any]:
    """The ``_search`` request body of a parsed query."""
    body: dict[str, Any] = {
        "query": {"bool": {"must": [compile_es(query.tree)], "filter": filter_clauses(query.filters)}},
        "from": query.offset,
        "size": query.per_page,
        "track_total_hits": True,
        "_source": ["id", "stored"],
        "aggs": {name: {"terms": {"field": field, "size": FACET_SIZE}} for name, field in FACET_FIELDS.items()},
    }
    body["aggs"][LABELS_AGG] = {"terms": {"field": FACET_LABEL_FIELD, "size": LABELS_SIZE}}
    if query.sort in ("date", "-date"):
        body["sort"] = [{"date_start": {"order": "asc" if query.sort == "date" else "desc", "missing": "_last"}}, {"id": "asc"}]
    elif query.sort == "title":
        body["sort"] = [{"title_sort": {"order": "asc"}}, {"id": "asc"}]
    return body


class ElasticsearchIndex:
    backend = "elasticsearch"

    def __init__(self, url: str, prefix: str = "jinshi", refresh: bool | str = "wait_for", client=None) -> None:
        if client is None:
            from elasticsearch import Elasticsearch

            client = Elasticsearch(url, request_timeout=30)
        self.es = client
        self.alias = f"{prefix}-items"
        self.prefix = prefix
        self.refresh = refresh
        self._ensured = False

    def _ensure(self) -> None:
        if self._ensured:
            return
        if not self.es.indices.exists_alias(name=self.alias):
            name = self._new_name()
            self.es.indices.create(index=name, **index_body())
            self.es.indices.put_alias(index=name, name=self.alias)
        self._ensured = True

    def _new_name(self) -> str:
        return f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{int(time.time() * 1000) % 1000:03d}"

    def _bulk(self, lines: list[dict], refresh: Any = False) -> None:
        for start in range(0, len(lines), BULK_CHUNK * 2):
            chunk = lines[start:start + BULK_CHUNK * 2]
            last = start + BULK_CHUNK * 2 >= len(lines)
            response = self.es.bulk(operations=chunk, refresh=refresh if last else False)
            if response.get("errors"):
                bad = [i for i in response["items"] for op in i.values()
                       if op.get("error") and not (op.get("status") == 404 and "delete" in i)]
                if bad:
                    raise RuntimeError(f"Elasticsearch bulk request failed: {json.dumps(bad[:3])[:500]}")

    def apply(self, upserts: Iterable[dict] = (), deletes: Iterable[str] = (), marker: dict | None = None) -> None:
        self._ensure()
        lines = bulk_actions(self.alias, list(upserts), [d for d in deletes if d])
        if lines:
            self._bulk(lines, refresh=self.refresh)
        if marker is not None:
            self.set_marker(marker)

    def upsert(self, docs: Iterable[dict]) -> None:
        self.apply(upserts=docs)

    def delete(self, item_ids: Iterable[str]) -> None:
        self.apply(deletes=item_ids)

    def rebuild(self, docs: Iterable[dict], total: int | None = None,
                progress: Callable[[int], None] | None = None, marker: dict | None = None) -> int:
        name = self._new_name()
        self.es.indices.create(index=name, **index_body(marker))
        count = 0
        batch: list[dict] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= BULK_CHUNK:
                self._bulk(bulk_actions(name, batch))
                count += len(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            self._bulk(bulk_actions(name, batch))
            count += len(batch)
            if progress:
                progress(len(batch))
        self.es.indices.refresh(index=name)
        old = list(self.es.indices.get_alias(name=self.alias).keys()) if self.es.indices.exists_alias(name=self.alias) else []
        actions = [{"remove": {"index": o, "alias": self.alias}} for o in old] + [{"add": {"index": name, "alias": self.alias}}]
        self.es.indices.update_aliases(actions=actions)
        for o in old:
            self.es.indices.delete(index=o)
        self._ensured = True
        return count

    def get_marker(self) -> dict:
        self._ensure()
        mapping = self.es.indices.get_mapping(index=self.alias)
        for body in mapping.values():
            return (body.get("mappings", {}).get("_meta") or {}).get("jinshi_sync") or {}
        return {}

    def set_marker(self, marker: dict) -> None:
        self._ensure()
        self.es.indices.put_mapping(index=self.alias, meta={"jinshi_sync": marker, "schema": 2})

    def count(self) -> int:
        self._ensure()
        return int(self.es.count(index=self.alias)["count"])

    def ids(self) -> set[str]:
        from elasticsearch.helpers import scan

        self._ensure()
        return {hit["_id"] for hit in scan(self.es, index=self.alias, query={"query": {"match_all": {}}}, _source=False)}

    def get(self, item_id: str) -> dict | None:
        self._ensure()
        found = self.es.options(ignore_status=404).get(index=self.alias, id=item_id)
        if not found.get("found"):
            return None
        return json.loads(found["_source"]["stored"])

    def search(self, query: qm.SearchQuery, lang: str | None = None) -> SearchResults:
        self._ensure()
        response = self.es.search(index=self.alias, **search_body(query))
        return results_from_response(query, response, lang)

    def drop(self) -> None:
        if self.es.indices.exists_alias(name=self.alias):
            for name in self.es.indices.get_alias(name=self.alias):
                self.es.indices.delete(index=name)
        self._ensured = False

    def close(self) -> None:
        self.es.close()


def results_from_response(query: qm.SearchQuery, response: dict, lang: str | None = None) -> SearchResults:
    terms = query.highlight_terms()
    hits = []
    for raw in response["hits"]["hits"]:
        stored = json.loads(raw["_source"]["stored"])
        snippet, highlights = make_snippets(stored, terms, lang)
        score = raw.get("_score") if query.sort == "relevance" else None
        hits.append(Hit(id=raw["_id"], score=score, stored=stored, snippet=snippet, highlights=highlights))
    facets = {}
    for name in FACET_FIELDS:
        buckets = (response.get("aggregations") or {}).get(name, {}).get("buckets", [])
        facets[name] = facet_list({str(b["key"]): b["doc_count"] for b in buckets})
    labels = [str(b["key"]) for b in (response.get("aggregations") or {}).get(LABELS_AGG, {}).get("buckets", [])]
    facets = label_facets(facets, labels)
    total = response["hits"]["total"]
    total = total["value"] if isinstance(total, dict) else int(total)
    return SearchResults(total=total, page=query.page, per_page=query.per_page, hits=hits, facets=facets)
