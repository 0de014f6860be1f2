"""The embedded default backend: a Whoosh index folder in JINSHI_HOME.

Writes from several processes (the web upload worker and the CLI) are serialised by an
``fcntl`` lock on ``<folder>/jinshi-write.lock``; readers never block. A rebuild writes a
complete new generation and swaps it in at commit (``mergetype=CLEAR``), so searches keep
answering from the old one meanwhile.

The backend is split by job: :mod:`search.whoosh_schema` (fields and their analysis),
:mod:`search.whoosh_build` (the serial and parallel index builds), :mod:`search.whoosh_engine`
(queries evaluated over numpy posting arrays) and :mod:`search.whoosh_patches` (the private
patches, applied here explicitly and only on the pinned whoosh-reloaded release).
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
from typing import Callable, Iterable, Iterator

import numpy as np
from whoosh import index as windex
from whoosh.scoring import BM25F

from search import query as qm, whoosh_patches
from search.documents import FACET_FIELDS, index_fields
from search.errors import IndexLockTimeout
from search.results import Hit, SearchResults, label_facets, make_snippets
from search.whoosh_build import ParallelAppend, rebuild_parallel, rebuild_serial
from search.whoosh_engine import _Segment, _View
from search.whoosh_schema import (SCHEMA_VERSION, GapTokenizer, UnigramText, _add_missing_fields,  # noqa: F401
                                  make_schema, whoosh_fields)

LOCK_NAME = "jinshi-write.lock"
MARKER_NAME = "jinshi-sync.json"
LOCK_TIMEOUT = 120.0

whoosh_patches.apply()


class WhooshIndex:
    backend = "whoosh"

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._thread_lock = threading.RLock()
        with self.write_lock():
            if not windex.exists_in(str(self.path)):
                windex.create_in(str(self.path), make_schema())
            else:
                _add_missing_fields(windex.open_dir(str(self.path)))
        self.ix = windex.open_dir(str(self.path))
        self._searcher = None
        self._view_cache: _View | None = None
        self._segments: dict[str, _Segment] = {}

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
        """Replace the whole index by ``docs``; searches see the old index until the commit.

        With several CPUs, worker processes each analyse and write their own segment (Whoosh's
        writer, not the analysis, is the bottleneck) and the segments are committed together.
        """
        processes = processes if processes is not None else (os.cpu_count() or 1)
        with self.write_lock():
            if processes > 1 and (total is None or total >= 2000):
                count = rebuild_parallel(self.ix, self.path, docs, processes, progress)
            else:
                count = rebuild_serial(self.ix, docs, progress)
            self._write_marker(marker or {})
        return count


    @contextmanager
    def parallel_append(self, loader_factory, processes: int | None = None) -> Iterator[ParallelAppend]:
        """Hold the write lock while worker processes write new segments (:class:`ParallelAppend`).

        The caller adds item ids, then calls ``commit(upserts, deletes)`` and :meth:`_write_marker`
        inside the block; leaving it without a commit (an exception) cancels the workers, and the
        index stays as it was.
        """
        processes = processes if processes is not None else max(2, os.cpu_count() or 1)
        with self.write_lock():
            appender = ParallelAppend(self.ix, self.path, processes, loader_factory)
            try:
                yield appender
            finally:
                appender.cancel()

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
        view = self._view(searcher)
        # the whole query as numpy arrays over docnums: which documents match, and their BM25F scores
        mask, score = view.evaluate(query.tree)
        for name, values in query.filters.items():
            fmask, fscore = view.any_terms(FACET_FIELDS[name], values)
            mask &= fmask
            if score is not None:
                score += fscore
        mask &= view.live
        total = int(np.count_nonzero(mask))
        facets = label_facets(view.facets(mask), view.label_terms())
        hits: list[Hit] = []
        limit = query.offset + query.per_page
        if total and query.offset < total:
            docnums = view.top(mask, score, query.sort, limit)[query.offset:limit]
            terms = query.highlight_terms()
            for docnum in docnums:
                fields = searcher.stored_fields(int(docnum))
                stored = json.loads(fields["stored"])
                snippet, highlights = make_snippets(stored, terms, lang)
                hit_score = float(score[docnum]) if query.sort == "relevance" else None
                hits.append(Hit(id=fields["id"], score=hit_score, stored=stored, snippet=snippet, highlights=highlights))
        return SearchResults(total=total, page=query.page, per_page=query.per_page, hits=hits, facets=facets)

    def _view(self, searcher) -> "_View":
        view = self._view_cache
        if view is not None and view.searcher is searcher:
            return view
        view = _View(searcher, self._segments)
        # forget the arrays of segments merged away
        keep = {seg.segid for seg in view.segments}
        for segid in [k for k in self._segments if k not in keep]:
            del self._segments[segid]
        self._view_cache = view
        return view

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._view_cache = None
        self._segments = {}
