"""The embedded default backend: a Whoosh index folder in JINSHI_HOME.

Writes from several processes (the web upload worker and the CLI) are serialised by an
``fcntl`` lock on ``<folder>/jinshi-write.lock``; readers never block. A rebuild writes a
complete new generation and swaps it in at commit (``mergetype=CLEAR``), so searches keep
answering from the old one meanwhile.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.scoring import BM25F
from whoosh.writing import CLEAR

from search import query as qm
from search.documents import FACET_FIELDS, index_fields
from search.errors import IndexLockTimeout
from search.results import Hit, SearchResults, facet_list, make_snippets

LOCK_NAME = "jinshi-write.lock"
MARKER_NAME = "jinshi-sync.json"
LOCK_TIMEOUT = 120.0
SCHEMA_VERSION = 1


def make_schema() -> Schema:
    ws = SpaceSeparatedTokenizer()
    positional = dict(analyzer=ws, phrase=True, stored=False)
    plain = dict(analyzer=ws, phrase=False, stored=False)
    kw = dict(commas=True, lowercase=False, scorable=False, stored=False)
    fields: dict[str, Any] = {
        "id": ID(unique=True, stored=True),
        "museum": ID, "hall": ID, "section": ID, "object_type": ID, "accession_number": ID,
        "title": TEXT(field_boost=1.0, **positional),
        "title_py": TEXT(**plain),
        "meta": TEXT(**positional),
        "text": TEXT(**positional),
        "transcript": TEXT(**positional),
        "date_start": NUMERIC(int, bits=32, signed=True, sortable=True),
        "date_end": NUMERIC(int, bits=32, signed=True),
        "title_sort": ID(sortable=True),
        "facet_material": KEYWORD(**kw), "facet_period": KEYWORD(**kw),
        "facet_ich_category": KEYWORD(**kw), "facet_ich_level": KEYWORD(**kw),
        "has_3d": ID, "has_video": ID, "has_audio": ID,
        "updated": ID,
        "stored": STORED,
    }
    for name in ("material", "period", "creator", "place", "dimensions", "ich_category", "ich_level", "inheritor", "region"):
        fields[f"f_{name}"] = TEXT(**plain)
    return Schema(**fields)


def whoosh_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Index fields in the shape Whoosh's add_document wants (no None, lists joined)."""
    out = {}
    for key, value in fields.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list):
            value = ",".join(value)
        out[key] = value
    return out


def _analysed_in_pool(doc: dict[str, Any]) -> dict[str, Any]:
    return whoosh_fields(index_fields(doc))


class WhooshIndex:
    backend = "whoosh"

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._thread_lock = threading.RLock()
        with self.write_lock():
            if not windex.exists_in(str(self.path)):
                windex.create_in(str(self.path), make_schema())
        self.ix = windex.open_dir(str(self.path))
        self._searcher = None
        self._facet_cache: tuple[Any, dict[str, dict[str, np.ndarray]]] | None = None

    # ------------------------------------------------------------ locking

    @contextmanager
    def write_lock(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """An exclusive lock across processes (fcntl) and threads."""
        with self._thread_lock:
            fd = os.open(self.path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                deadline = time.monotonic() + timeout
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except OSError as exc:
                        if exc.errno not in (errno.EAGAIN, errno.EACCES):
                            raise
                        if time.monotonic() > deadline:
                            raise IndexLockTimeout(f"the search index at {self.path} stayed locked for {timeout:.0f}s") from None
                        time.sleep(0.05)
                yield
            finally:
                os.close(fd)  # closing the descriptor releases the flock

    # ------------------------------------------------------------ writing

    def apply(self, upserts: Iterable[dict] = (), deletes: Iterable[str] = (), marker: dict | None = None) -> None:
        """Upsert and delete in one commit, then record the sync marker."""
        upserts = list(upserts)
        deletes = [d for d in deletes if d]
        with self.write_lock():
            if upserts or deletes:
                writer = self.ix.writer(timeout=5.0)
                try:
                    for item_id in deletes:
                        writer.delete_by_term("id", item_id)
                    for doc in upserts:
                        writer.update_document(**whoosh_fields(index_fields(doc)))
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
            if marker is not None:
                self._write_marker(marker)

    def upsert(self, docs: Iterable[dict]) -> None:
        self.apply(upserts=docs)

    def delete(self, item_ids: Iterable[str]) -> None:
        self.apply(deletes=item_ids)

    def rebuild(self, docs: Iterable[dict], total: int | None = None,
                progress: Callable[[int], None] | None = None, marker: dict | None = None,
                processes: int | None = None) -> int:
        """Replace the whole index by ``docs``; searches see the old index until the commit."""
        processes = processes if processes is not None else (os.cpu_count() or 1)
        count = 0
        with self.write_lock():
            writer = self.ix.writer(timeout=5.0, limitmb=256)
            pool = None
            try:
                if processes > 1 and (total is None or total >= 2000):
                    import multiprocessing

                    pool = multiprocessing.get_context("fork").Pool(processes)
                    stream = pool.imap(_analysed_in_pool, docs, chunksize=64)
                else:
                    stream = (_analysed_in_pool(d) for d in docs)
                for fields in stream:
                    writer.add_document(**fields)
                    count += 1
                    if progress is not None and count % 100 == 0:
                        progress(100)
                writer.commit(mergetype=CLEAR)
            except BaseException:
                writer.cancel()
                raise
            finally:
                if pool is not None:
                    pool.terminate()
            if progress is not None and count % 100:
                progress(count % 100)
            self._write_marker(marker or {})
        return count

    # ------------------------------------------------------------ sync marker

    def get_marker(self) -> dict:
        try:
            return json.loads((self.path / MARKER_NAME).read_text())
        except (FileNotFoundError, ValueError):
            return {}

    def _write_marker(self, marker: dict) -> None:
        tmp = self.path / (MARKER_NAME + ".tmp")
        tmp.write_text(json.dumps(marker))
        os.replace(tmp, self.path / MARKER_NAME)

    def set_marker(self, marker: dict) -> None:
        with self.write_lock():
            self._write_marker(marker)

    # ------------------------------------------------------------ reading

    def searcher(self):
        if self._searcher is None:
            self._searcher = self.ix.searcher(weighting=BM25F())
        elif not self._searcher.up_to_date():
            # a fresh reader: Searcher.refresh() reuses segment readers and can miss new deletions;
            # the old searcher is not closed here (another thread may still read it), refcounting closes it
            self._searcher = self.ix.searcher(weighting=BM25F())
        return self._searcher

    def count(self) -> int:
        return self.searcher().doc_count()

    def ids(self) -> set[str]:
        # stored fields skip deleted documents (term statistics do not until a merge)
        return {fields["id"] for fields in self.searcher().reader().all_stored_fields()}

    def get(self, item_id: str) -> dict | None:
        fields = self.searcher().document(id=item_id)
        return json.loads(fields["stored"]) if fields else None

    def search(self, query: qm.SearchQuery, lang: str | None = None) -> SearchResults:
        searcher = self.searcher()
        q = compile_whoosh(query.tree, searcher.reader())
        fq = filter_query(query.filters)
        combined = q if fq is None else wq.And([q, fq])
        # every match, unscored: for the total and the facet counts
        if isinstance(combined, wq.Every):
            docnums = None
            total = searcher.doc_count()
        else:
            docnums = np.fromiter(combined.docs(searcher), dtype=np.int64)
            total = int(docnums.size)
        facets = self._facets(searcher, docnums)
        hits: list[Hit] = []
        limit = query.offset + query.per_page
        if total and query.offset < total:
            kwargs: dict[str, Any] = {"limit": limit}
            if query.sort in ("date", "-date"):
                kwargs.update(sortedby="date_start", reverse=query.sort == "-date")
            elif query.sort == "title":
                kwargs.update(sortedby="title_sort")
            results = searcher.search(combined, **kwargs)
            terms = query.highlight_terms()
            for hit in results[query.offset:limit]:
                stored = json.loads(hit["stored"])
                snippet, highlights = make_snippets(stored, terms, lang)
                score = hit.score if query.sort == "relevance" else None
                hits.append(Hit(id=hit["id"], score=score, stored=stored, snippet=snippet, highlights=highlights))
        return SearchResults(total=total, page=query.page, per_page=query.per_page, hits=hits, facets=facets)

    def _facet_postings(self, searcher) -> dict[str, dict[str, np.ndarray]]:
        reader = searcher.reader()
        if self._facet_cache is not None and self._facet_cache[0] is reader:
            return self._facet_cache[1]
        table: dict[str, dict[str, np.ndarray]] = {}
        for name, fieldname in FACET_FIELDS.items():
            terms: dict[str, np.ndarray] = {}
            if fieldname in reader.indexed_field_names():
                for term in reader.lexicon(fieldname):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    ids = np.fromiter(reader.postings(fieldname, term).all_ids(), dtype=np.int64)
                    if ids.size:
                        terms[text] = ids
            table[name] = terms
        self._facet_cache = (reader, table)
        return table

    def _facets(self, searcher, docnums: np.ndarray | None) -> dict[str, list[dict]]:
        table = self._facet_postings(searcher)
        if docnums is not None:
            mask = np.zeros(searcher.reader().doc_count_all() + 1, dtype=bool)
            mask[docnums] = True
        out = {}
        for name, terms in table.items():
            if docnums is None:
                counts = {t: int(ids.size) for t, ids in terms.items()}
            else:
                counts = {t: int(np.count_nonzero(mask[ids])) for t, ids in terms.items()} if docnums.size else {}
            out[name] = facet_list(counts)
        return out

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._facet_cache = None


# ---------------------------------------------------------------- query compilation


def compile_whoosh(node: qm.Node, reader) -> wq.Query:
    if isinstance(node, qm.MatchAll):
        return wq.Every()
    if isinstance(node, qm.And):
        pos = [compile_whoosh(c, reader) for c in node.children if not isinstance(c, qm.Not)]
        neg = [compile_whoosh(c.child, reader) for c in node.children if isinstance(c, qm.Not)]
        pos = pos or [wq.Every()]
        base = pos[0] if len(pos) == 1 else wq.And(pos)
        if neg:
            return wq.AndNot(base, neg[0] if len(neg) == 1 else wq.Or(neg))
        return base
    if isinstance(node, qm.Or):
        return wq.Or([compile_whoosh(c, reader) for c in node.children])
    if isinstance(node, qm.Not):
        return wq.AndNot(wq.Every(), compile_whoosh(node.child, reader))
    if isinstance(node, qm.DateRange):
        parts = []
        if node.end is not None:
            parts.append(wq.NumericRange("date_start", None, node.end))
        if node.start is not None:
            parts.append(wq.NumericRange("date_end", node.start, None))
        return parts[0] if len(parts) == 1 else wq.And(parts)
    if isinstance(node, qm.Term):
        groups = []
        for alternatives in qm.expand(node):
            clauses = [_clause(c, reader) for c in alternatives]
            clauses = [c for c in clauses if c is not None]
            groups.append(wq.NullQuery if not clauses else clauses[0] if len(clauses) == 1 else wq.Or(clauses))
        if not groups:
            return wq.NullQuery
        return groups[0] if len(groups) == 1 else wq.And(groups)
    raise TypeError(node)


def _clause(clause: qm.Clause, reader) -> wq.Query | None:
    if clause.prefix:
        words = []
        for term in reader.expand_prefix(clause.field, clause.tokens[0]):
            words.append(term.decode("utf-8") if isinstance(term, bytes) else term)
            if len(words) >= qm.MAX_EXPANSIONS:
                break
        if not words:
            return None
        return wq.Or([wq.Term(clause.field, w) for w in words], boost=clause.boost)
    if len(clause.tokens) > 1:
        return wq.Phrase(clause.field, list(clause.tokens), slop=clause.slop, boost=clause.boost)
    return wq.Term(clause.field, clause.tokens[0], boost=clause.boost)


def filter_query(filters: dict[str, list[str]]) -> wq.Query | None:
    parts = []
    for name, values in filters.items():
        fieldname = FACET_FIELDS[name]
        terms = [wq.Term(fieldname, v) for v in values]
        parts.append(terms[0] if len(terms) == 1 else wq.Or(terms))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)
