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
from itertools import chain
from pickle import loads
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import SpaceSeparatedTokenizer, Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.scoring import BM25F
from whoosh.writing import CLEAR
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.columns import NumericColumn
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from search import query as qm
from search.documents import FACET_FIELDS, FACET_LABEL_FIELD, index_fields
from search.errors import IndexLockTimeout
from search.results import Hit, SearchResults, facet_list, label_facets, make_snippets

LOCK_NAME = "jinshi-write.lock"
MARKER_NAME = "jinshi-sync.json"
LOCK_TIMEOUT = 120.0
SCHEMA_VERSION = 2


class GapTokenizer(Tokenizer):
    """Whitespace-separated tokens, where a lone :data:`search.analysis.GAP` token is not indexed but
    skips :data:`search.analysis.GAP_POSITIONS` positions (so no phrase crosses it), as Elasticsearch's
    ``position_increment_gap`` does between the array values the ES backend sends instead."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        from search.analysis import GAP, GAP_POSITIONS

        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        offset = 0
        for text in value.split():
            if chars:
                offset = value.index(text, offset)
            if text == GAP:
                pos += GAP_POSITIONS
                offset += len(text)
                continue
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + offset
                t.endchar = start_char + offset + len(text)
                offset += len(text)
            pos += 1
            yield t


class UnigramText(TEXT):
    """A ``*_chars`` field: :class:`GapTokenizer`'s postings, made without Whoosh's token objects (these
    fields hold about as many tokens as all the others together, so the writer's time matters)."""

    def index(self, value, **kwargs):
        from search.analysis import GAP, GAP_POSITIONS

        poses: dict[str, list[int]] = {}
        pos = 0
        for text in value.split():
            if text == GAP:
                pos += GAP_POSITIONS
                continue
            found = poses.get(text)
            if found is None:
                poses[text] = [pos]
            else:
                found.append(pos)
            pos += 1
        boost = self.format.field_boost
        encode = self.format.encode
        for text, positions in poses.items():  # what Positions.word_values yields, in the same order
            yield text.encode("utf-8"), len(positions), float(len(positions)) * boost, encode(positions)


def make_schema() -> Schema:
    ws = SpaceSeparatedTokenizer()
    positional = dict(analyzer=ws, phrase=True, stored=False)
    gapped = dict(analyzer=GapTokenizer(), phrase=True, stored=False)
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
        # character unigrams of the Chinese runs (search.analysis.char_tokens), for substring matches
        "title_chars": UnigramText(**gapped), "meta_chars": UnigramText(**gapped), "text_chars": UnigramText(**gapped),
        "transcript_chars": UnigramText(**gapped),
        # dates are matched from their columns (see _View.evaluate), so no tiered range terms (shift_step=0)
        "date_start": NUMERIC(int, bits=32, signed=True, sortable=True, shift_step=0),
        "date_end": NUMERIC(int, bits=32, signed=True, sortable=True, shift_step=0),
        "title_sort": ID(sortable=True),
        "facet_material": KEYWORD(**kw), "facet_period": KEYWORD(**kw),
        "facet_ich_category": KEYWORD(**kw), "facet_ich_level": KEYWORD(**kw),
        "has_3d": ID, "has_video": ID, "has_audio": ID,
        FACET_LABEL_FIELD: KEYWORD(**kw),  # translations of facet values (search.documents.facet_label_terms)
        "updated": ID,
        "stored": STORED,
    }
    for name in ("material", "period", "creator", "place", "dimensions", "ich_category", "ich_level", "inheritor", "region"):
        fields[f"f_{name}"] = TEXT(**plain)
    return Schema(**fields)


def _add_missing_fields(ix) -> None:
    """Add the fields of a newer schema to an index written before them (their documents have no
    postings there until they are indexed again: search.sync rebuilds an index whose marker
    records an older analysis version)."""
    missing = [(name, field) for name, field in make_schema().items() if name not in ix.schema]
    if not missing:
        return
    writer = ix.writer(timeout=5.0)
    try:
        for name, field in missing:
            writer.add_field(name, field)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


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


def _install_length_cache() -> None:
    """Make Whoosh's per-document length lookups cheap while it writes postings.

    ``W3PerDocReader._cached_reader`` forgets columns that do not exist, so for every posting of a
    field without lengths (IDs, keywords, numbers) Whoosh checks the file system again, and for the
    others it reads one byte from the file per posting. Here a missing column is remembered and a
    length column is read into memory once (the same bytes, so the same lengths): about a third of
    the commit time of a rebuild.
    """
    from whoosh.codec.whoosh3 import W3PerDocReader

    if getattr(W3PerDocReader, "_jinshi_length_cache", False):
        return
    original = W3PerDocReader._cached_reader

    def _cached_reader(self, fieldname, column):
        readers = self._readers
        if fieldname in readers:
            return readers[fieldname]
        reader = original(self, fieldname, column)
        if reader is None:
            readers[fieldname] = None
        elif column is LENGTHS_COLUMN and isinstance(reader, NumericColumn.Reader) and reader._fixedlen == 1:
            count = min(reader._count, reader._doccount)
            data = bytes(reader._dbfile.get(reader._basepos, count)) if count else b""
            readers[fieldname] = data + bytes(reader._doccount - count)
        return readers[fieldname]

    W3PerDocReader._cached_reader = _cached_reader
    W3PerDocReader._jinshi_length_cache = True


_install_length_cache()


def _install_lean_pool_add() -> None:
    """Whoosh's ``PostingPool.add`` (called once per posting: about 300 a record) without its type
    asserts, with the same size accounting, so the same runs are written."""
    from whoosh.writing import PostingPool

    if getattr(PostingPool, "_jinshi_lean_add", False):
        return

    def add(self, item):
        # item = (fieldname, tbytes, docnum, weight, vbytes); 150 = the constant part of Whoosh's estimate
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    PostingPool.add = add
    PostingPool._jinshi_lean_add = True


_install_lean_pool_add()

BUILD_LIMIT_MB = 256
BUILD_CHUNK = 200


def _put(jobs, item, workers) -> None:
    import queue as queue_mod

    while True:
        try:
            jobs.put(item, timeout=1.0)
            return
        except queue_mod.Full:
            if not all(w.is_alive() for w in workers):
                raise RuntimeError("a search index build worker died") from None


def _segment_worker(path: str, jobs, results, number: int) -> None:
    """A build process: analyse documents and write them into one new segment of its own."""
    from whoosh.writing import SegmentWriter

    try:
        ix = windex.open_dir(path)
        writer = SegmentWriter(ix, _lk=False, limitmb=BUILD_LIMIT_MB, compound=False)
        added = 0
        try:
            while True:
                chunk = jobs.get()
                if chunk is None:
                    break
                for doc in chunk:
                    writer.add_document(**whoosh_fields(index_fields(doc)))
                    added += 1
            if added:
                segment = writer._finalize_segment()
            else:
                writer._close_segment()
                segment = None
        except BaseException:
            writer.cancel()
            raise
        results.put(("ok", number, segment))
    except BaseException as exc:  # reported to the parent, which cancels the build
        results.put(("error", number, f"{type(exc).__name__}: {exc}"))


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
                count = self._rebuild_parallel(docs, processes, progress)
            else:
                count = self._rebuild_serial(docs, progress)
            self._write_marker(marker or {})
        return count

    def _rebuild_serial(self, docs: Iterable[dict], progress) -> int:
        count = 0
        writer = self.ix.writer(timeout=5.0, limitmb=BUILD_LIMIT_MB)
        try:
            for doc in docs:
                writer.add_document(**whoosh_fields(index_fields(doc)))
                count += 1
                if progress is not None and count % 100 == 0:
                    progress(100)
            writer.commit(mergetype=CLEAR)
        except BaseException:
            writer.cancel()
            raise
        if progress is not None and count % 100:
            progress(count % 100)
        return count

    def _rebuild_parallel(self, docs: Iterable[dict], processes: int, progress) -> int:
        import multiprocessing
        import queue as queue_mod

        ctx = multiprocessing.get_context("fork")
        writer = self.ix.writer(timeout=5.0)  # holds Whoosh's lock and numbers the new generation
        # one queue a worker, chunks dealt round-robin: worker 0 gets the first chunk, and its segment comes
        # first, so docnums (which break score ties) follow the input order as far as they can
        jobs = [ctx.Queue(maxsize=4) for _ in range(processes)]
        results = ctx.Queue()
        workers = [ctx.Process(target=_segment_worker, args=(str(self.path), jobs[number], results, number), daemon=True)
                   for number in range(processes)]
        dealt = 0
        count = 0
        try:
            for w in workers:
                w.start()
            chunk: list[dict] = []
            for doc in docs:
                chunk.append(doc)
                if len(chunk) == BUILD_CHUNK:
                    _put(jobs[dealt % processes], chunk, workers)
                    dealt += 1
                    count += len(chunk)
                    if progress is not None:
                        progress(len(chunk))
                    chunk = []
            if chunk:
                _put(jobs[dealt % processes], chunk, workers)
                count += len(chunk)
                if progress is not None:
                    progress(len(chunk))
            for queue in jobs:
                _put(queue, None, workers)
            segments = []
            for _ in workers:
                while True:
                    try:
                        status, number, value = results.get(timeout=1.0)
                        break
                    except queue_mod.Empty:
                        if not all(w.is_alive() for w in workers) and results.empty():
                            raise RuntimeError("a search index build worker died") from None
                if status != "ok":
                    raise RuntimeError(f"a search index build worker failed: {value}")
                if value is not None:
                    segments.append((number, value))
            for w in workers:
                w.join()
            # what commit(mergetype=CLEAR) does, with the workers' segments as the new generation
            writer._close_segment()
            writer._commit_toc([segment for _n, segment in sorted(segments, key=lambda ns: ns[0])])
            writer._finish()
        except BaseException:
            for w in workers:
                if w.is_alive():
                    w.terminate()
            writer.cancel()
            raise
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


# ---------------------------------------------------------------- query evaluation over numpy arrays
#
# Whoosh's own matchers walk every matching posting in Python twice per query (once to count and
# facet, once to score), and its NumericRange queries expand to dozens of terms. The index is read
# here instead as whole posting lists (one numpy array per posting block) and the query tree is
# evaluated as boolean masks and BM25F score arrays over docnums, with exactly Whoosh's formula
# and parameters (``searcher.idf``, ``avg_field_length``, the stored length bytes), so scores and
# ranking are the ones ``searcher.search(compile_whoosh(...))`` gives. Dates, facet values and
# field lengths are per-segment arrays, read once per segment (segments never change, only their
# deletions), so a new index generation reuses the arrays of the segments it kept.

_B, _K1 = 0.75, 1.2
#: Unigram field → the word field analysed from the same text.
_WORD_FIELD = {chars: word for word, chars in qm.CHAR_FIELDS.items()}
_LENGTHS = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_W = np.zeros(0, dtype=np.float64)


def _raw_postings(segreader, fieldname: str, btext: bytes, values: bool = False):
    """(segment docnums, weights[, encoded values]) of one term, deleted documents included."""
    try:
        m = segreader.postings(fieldname, btext)
    except TermNotFound:
        return (_EMPTY_IDS, _EMPTY_W, []) if values else (_EMPTY_IDS, _EMPTY_W)
    if isinstance(m, FilterMatcher):  # the deleted-docs filter: deletions are masked by the caller
        m = m.child
    vals: list = []
    if isinstance(m, W3LeafMatcher):
        ids_parts, w_parts = [], []
        while True:
            if m._data is None:
                m._read_data()
            data = m._data
            ids = np.cumsum(np.asarray(data[0], dtype=np.int64))
            weights = data[1]
            if weights is None:
                w = np.ones(ids.size)
            elif isinstance(weights, float):
                w = np.full(ids.size, weights)
            else:
                w = np.asarray(weights, dtype=np.float64)
            ids_parts.append(ids)
            w_parts.append(w)
            if values:
                vals.extend(data[2])
            if m._lastblock:
                break
            m._goto(m._nextoffset)
        ids, w = np.concatenate(ids_parts), np.concatenate(w_parts)
        return (ids, w, vals) if values else (ids, w)
    ids_l, weights_l = [], []
    while m.is_active():
        ids_l.append(m.id())
        weights_l.append(m.weight())
        if values:
            vals.append(m.value())
        m.next()
    ids, w = np.asarray(ids_l, dtype=np.int64), np.asarray(weights_l, dtype=np.float64)
    return (ids, w, vals) if values else (ids, w)


_PICKLED_DELTAS = b"\x80\x02]"


def _position_keys(fmt, encoded: list[bytes], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, position) of every position in ``encoded`` (Whoosh's Positions values), row i for encoded[i]."""
    if isinstance(fmt, Positions) and all(v[4:7] == _PICKLED_DELTAS for v in encoded):
        # each value is a 4-byte count and a pickled list of position deltas: unpickle them all at once
        # as one list of lists (MARK, the lists, LIST) instead of one pickle.loads a posting
        deltas = loads(b"\x80\x02(" + b"".join([v[6:-1] for v in encoded]) + b"l.")
    else:
        deltas = []
        for v in encoded:
            poses = fmt.decode_positions(v)
            deltas.append([poses[0]] + [b - a for a, b in zip(poses, poses[1:])] if poses else [])
    counts = np.fromiter((len(d) for d in deltas), dtype=np.int64, count=len(deltas))
    flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(counts.sum()))
    csum = np.cumsum(flat)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    before = np.where(starts > 0, csum[np.maximum(starts - 1, 0)], 0)
    positions = csum - np.repeat(before, counts)
    return np.repeat(rows, counts), positions


def _numeric_column(segreader, fieldname: str, n: int) -> np.ndarray | None:
    """A numeric column of the segment as an int64 array, or None when the segment has none."""
    if not segreader.has_column(fieldname):
        return None
    creader = segreader.column_reader(fieldname, translate=False)
    if isinstance(creader, NumericColumn.Reader):
        count = min(creader._count, n)
        raw = creader._dbfile.get(creader._basepos, count * creader._fixedlen)
        values = np.frombuffer(raw, dtype=np.dtype(">" + creader._typecode)).astype(np.int64)
        if count < n:
            values = np.concatenate([values, np.full(n - count, creader._default, dtype=np.int64)])
        return values
    return np.fromiter((creader[i] for i in range(n)), dtype=np.int64, count=n)


class _Segment:
    """Arrays of one (immutable) segment: dates, facet values, field lengths, title sort keys."""

    def __init__(self, segreader) -> None:
        self.reader = segreader
        self.segid = segreader.segment().segment_id()
        self.n = n = segreader.doc_count_all()
        self.date_start, self.date_end, self.dated, self.date_key = self._dates(segreader, n)
        self.facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        indexed = set(segreader.indexed_field_names())
        for fieldname in set(FACET_FIELDS.values()):
            terms: list[str] = []
            docs, codes = [], []
            if fieldname in indexed:
                for btext in segreader.lexicon(fieldname):
                    ids, _w = _raw_postings(segreader, fieldname, btext)
                    if ids.size:
                        docs.append(ids)
                        codes.append(np.full(ids.size, len(terms), dtype=np.int32))
                        terms.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
            self.facets[fieldname] = (terms, np.concatenate(docs) if docs else _EMPTY_IDS,
                                      np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32))
        self._lengths: dict[str, np.ndarray] = {}
        self._titles: list | None = None
        self._labels: list[str] | None = None

    def label_terms(self) -> list[str]:
        """The facet label terms of the segment (its lexicon only: no postings are read)."""
        if self._labels is None:
            self._labels = []
            if FACET_LABEL_FIELD in set(self.reader.indexed_field_names()):
                self._labels = [t.decode("utf-8") if isinstance(t, bytes) else t
                                for t in self.reader.lexicon(FACET_LABEL_FIELD)]
        return self._labels

    @staticmethod
    def _dates(segreader, n):
        """Years (date_start, date_end), which documents have them, and the date_start sort key."""
        field = segreader.schema["date_start"]
        start = _numeric_column(segreader, "date_start", n)
        end = _numeric_column(segreader, "date_end", n)
        if start is not None and end is not None:
            # column values are stored shifted to unsigned; a missing value is the column default
            dated = start != field.default
            shift = (1 << (field.bits - 1)) if field.signed else 0
            return start - shift, end - shift, dated, start
        # an index written before date_end had a column: read the full-precision terms
        start, dated = _numeric_from_terms(segreader, "date_start", n)
        end, _ = _numeric_from_terms(segreader, "date_end", n)
        key = np.where(dated, start, np.iinfo(np.int64).max)
        return start, end, dated, key

    def lengths(self, fieldname: str) -> np.ndarray:
        found = self._lengths.get(fieldname)
        if found is None:
            found = np.ones(self.n)  # Whoosh's default length when a field has no length column
            col = _numeric_column_raw(self.reader, "_%s_len" % fieldname, self.n)
            if col is not None:
                found = _LENGTHS[col]
            self._lengths[fieldname] = found
        return found

    def titles(self) -> list:
        if self._titles is None:
            creader = self.reader.column_reader("title_sort", translate=False)
            self._titles = [creader[i] for i in range(self.n)]
        return self._titles


def _numeric_column_raw(segreader, colname: str, n: int) -> np.ndarray | None:
    """A per-document length column (one byte a document) of the segment, or None."""
    perdoc = getattr(segreader, "_perdoc", None)
    if perdoc is None or not perdoc.has_column(colname):
        return None
    creader = perdoc.column_reader(colname, LENGTHS_COLUMN)
    count = min(creader._count, n)
    raw = np.frombuffer(creader._dbfile.get(creader._basepos, count), dtype=np.uint8)
    if count < n:
        raw = np.concatenate([raw, np.zeros(n - count, dtype=np.uint8)])
    return raw


def _numeric_from_terms(segreader, fieldname: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    field = segreader.schema[fieldname]
    out = np.zeros(n, dtype=np.int64)
    present = np.zeros(n, dtype=bool)
    for btext in field.sortable_terms(segreader, fieldname):
        ids, _w = _raw_postings(segreader, fieldname, btext)
        out[ids] = field.from_bytes(btext)
        present[ids] = True
    return out, present


class _View:
    """One index generation: the per-segment arrays laid end to end in docnum order."""

    def __init__(self, searcher, cache: dict[str, _Segment]) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        self.n = n = reader.doc_count_all()
        self.segments: list[_Segment] = []
        self.offsets: list[int] = []
        live = np.ones(n, dtype=bool)
        for segreader, offset in reader.leaf_readers():
            if not hasattr(segreader, "segment") or not segreader.doc_count_all():
                continue  # an empty index (EmptyReader) or segment
            segid = segreader.segment().segment_id()
            seg = cache.get(segid)
            if seg is None or seg.n != segreader.doc_count_all():
                seg = cache[segid] = _Segment(segreader)
            seg.reader = segreader  # the current generation's reader (deletions may differ)
            self.segments.append(seg)
            self.offsets.append(offset)
            deleted = list(segreader.deleted_docs_set) if segreader.has_deletions() else []
            if deleted:
                live[np.asarray(deleted, dtype=np.int64) + offset] = False
        self.live = live
        self.date_start = self._cat([s.date_start for s in self.segments], np.int64)
        self.date_end = self._cat([s.date_end for s in self.segments], np.int64)
        self.dated = self._cat([s.dated for s in self.segments], bool)
        self.date_key = self._cat([s.date_key for s in self.segments], np.int64)
        self._facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        for fieldname in set(FACET_FIELDS.values()):
            terms: dict[str, int] = {}
            docs, codes = [], []
            for seg, offset in zip(self.segments, self.offsets):
                sterms, sdocs, scodes = seg.facets[fieldname]
                remap = np.asarray([terms.setdefault(t, len(terms)) for t in sterms], dtype=np.int32)
                if sdocs.size:
                    docs.append(sdocs + offset)
                    codes.append(remap[scodes])
            self._facets[fieldname] = (list(terms), self._cat(docs, np.int64), self._cat(codes, np.int32))
        self._lengths: dict[str, np.ndarray] = {}
        self._title_rank: np.ndarray | None = None

    def label_terms(self) -> list[str]:
        return [t for seg in self.segments for t in seg.label_terms()]

    @staticmethod
    def _cat(parts, dtype):
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)

    # ------------------------------------------------------------ leaves

    def lengths(self, fieldname: str) -> np.ndarray:
        found = self._lengths.get(fieldname)
        if found is None:
            found = self._lengths[fieldname] = self._cat([s.lengths(fieldname) for s in self.segments], np.float64)
        return found

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Global docnums and weights of a term (deleted documents included)."""
        schema = self.searcher.schema
        if fieldname not in schema:
            return _EMPTY_IDS, _EMPTY_W
        btext = schema[fieldname].to_bytes(text)
        ids_parts, w_parts = [], []
        for seg, offset in zip(self.segments, self.offsets):
            if (fieldname, btext) not in seg.reader:
                continue
            ids, w = _raw_postings(seg.reader, fieldname, btext)
            ids_parts.append(ids + offset)
            w_parts.append(w)
        if not ids_parts:
            return _EMPTY_IDS, _EMPTY_W
        return np.concatenate(ids_parts), np.concatenate(w_parts)

    def term_scores(self, fieldname: str, text: str, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F score of the term in each of ``ids`` (its weight in unscored fields)."""
        field = self.searcher.schema[fieldname]
        if not field.scorable:
            return weights
        idf = self.searcher.idf(fieldname, field.to_bytes(text))
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        fl = self.lengths(fieldname)[ids]
        return idf * ((weights * (_K1 + 1)) / (weights + _K1 * ((1 - _B) + _B * fl / avgfl)))

    def term(self, fieldname: str, text: str, boost: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        mask = np.zeros(self.n, dtype=bool)
        score = np.zeros(self.n)
        ids, w = self.postings(fieldname, text)
        if ids.size:
            mask[ids] = True
            s = self.term_scores(fieldname, text, ids, w)
            score[ids] = s * boost if boost != 1.0 else s
        return mask, score

    def any_terms(self, fieldname: str, values: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Documents with any of ``values`` (an Or of Terms: the scores add up)."""
        mask = np.zeros(self.n, dtype=bool)
        score = np.zeros(self.n)
        for value in values:
            m, s = self.term(fieldname, value)
            mask |= m
            score += s
        return mask, score

    def phrase(self, clause: qm.Clause, known: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Documents with the clause's tokens in order (each 1..slop positions after the previous one)
        and Whoosh's phrase score (the sum of the tokens' term scores). ``known``: documents already
        known to contain the phrase, whose positions need no checking (see :meth:`groups`)."""
        fieldname = clause.field
        mask = np.zeros(self.n, dtype=bool)
        score = np.zeros(self.n)
        schema = self.searcher.schema
        if fieldname not in schema:
            return mask, score
        field = schema[fieldname]
        btexts = [field.to_bytes(t) for t in clause.tokens]
        slop = clause.slop
        for seg, offset in zip(self.segments, self.offsets):
            reader = seg.reader
            if any((fieldname, b) not in reader for b in btexts):
                continue
            lists = {b: _raw_postings(reader, fieldname, b, values=True) for b in set(btexts)}
            cand = lists[btexts[0]][0]
            for b in btexts[1:]:
                cand = np.intersect1d(cand, lists[b][0], assume_unique=True)
            if not cand.size:
                continue
            sure = known[cand + offset] if known is not None else None
            if sure is not None and sure.any():
                surely, cand = cand[sure], cand[~sure]
            else:
                surely = cand[:0]
            if not cand.size:
                self._phrase_score(clause, lists, btexts, surely, offset, mask, score)
                continue
            # Whoosh's SpanNear2(ordered, mindist=1): each word 1..slop positions after the previous one;
            # positions are keyed (candidate row, position) and chained word by word
            rows = np.arange(cand.size, dtype=np.int64)
            found = {}
            for b in set(btexts):
                ids, _w, vals = lists[b]
                where = np.searchsorted(ids, cand)
                found[b] = _position_keys(field.format, [vals[i] for i in where.tolist()], rows)
            width = max((int(p.max()) for _r, p in found.values() if p.size), default=0) + slop + 2
            ends = None
            for b in btexts:
                r, p = found[b]
                if ends is None:
                    ends = r * width + p
                    continue
                keys = r * width + p
                ok = np.zeros(keys.size, dtype=bool)
                for d in range(1, slop + 1):
                    ok |= np.isin(keys - d, ends)
                ends = keys[ok]
                if not ends.size:
                    break
            docs = cand[np.unique(ends // width)] if ends is not None and ends.size else cand[:0]
            if surely.size:
                docs = np.union1d(docs, surely)
            self._phrase_score(clause, lists, btexts, docs, offset, mask, score)
        return mask, score

    def _phrase_score(self, clause, lists, btexts, docs, offset, mask, score) -> None:
        if not docs.size:
            return
        total = np.zeros(docs.size)
        for b, tok in zip(btexts, clause.tokens):
            ids, w, _v = lists[b]
            where = np.searchsorted(ids, docs)
            total += self.term_scores(clause.field, tok, docs + offset, w[where])
        mask[docs + offset] = True
        score[docs + offset] = total * clause.boost if clause.boost != 1.0 else total

    def clause(self, clause: qm.Clause) -> tuple[np.ndarray, np.ndarray] | None:
        if clause.prefix:
            words = []
            for term in self.searcher.reader().expand_prefix(clause.field, clause.tokens[0]):
                words.append(term.decode("utf-8") if isinstance(term, bytes) else term)
                if len(words) >= qm.MAX_EXPANSIONS:
                    break
            if not words:
                return None
            mask, score = self.any_terms(clause.field, words)
            if clause.boost != 1.0 and len(words) > 1:
                # Whoosh drops the boost of an Or with a single subquery (CompoundQuery.matcher)
                score *= clause.boost
            return mask, score
        if len(clause.tokens) > 1:
            return self.phrase(clause)
        return self.term(clause.field, clause.tokens[0], clause.boost)

    # ------------------------------------------------------------ the tree

    def evaluate(self, node: qm.Node) -> tuple[np.ndarray, np.ndarray]:
        """(matching mask, scores) of a query tree; scores are 0 where the mask is False."""
        if isinstance(node, qm.MatchAll):
            return self.live.copy(), self.live.astype(np.float64)
        if isinstance(node, qm.And):
            pos = [self.evaluate(c) for c in node.children if not isinstance(c, qm.Not)]
            neg = [self.evaluate(c.child)[0] for c in node.children if isinstance(c, qm.Not)]
            if not pos:
                pos = [self.evaluate(qm.MatchAll())]
            mask, score = pos[0]
            for m, s in pos[1:]:
                mask &= m
                score += s
            for m in neg:
                mask &= ~m
            score *= mask
            return mask, score
        if isinstance(node, qm.Or):
            parts = [self.evaluate(c) for c in node.children]
            mask, score = parts[0]
            for m, s in parts[1:]:
                mask |= m
                score += s
            return mask, score
        if isinstance(node, qm.Not):
            mask = self.live & ~self.evaluate(node.child)[0]
            return mask, mask.astype(np.float64)
        if isinstance(node, qm.DateRange):
            # NumericRange queries score a constant 1.0 each; both bounds make an And of two
            mask = self.dated.copy()
            if node.end is not None:
                mask &= self.date_start <= node.end
            if node.start is not None:
                mask &= self.date_end >= node.start
            bounds = (node.end is not None) + (node.start is not None)
            return mask, mask * float(bounds)
        if isinstance(node, qm.Term):
            found = self.groups(qm.expand(node))
            return found if found is not None else (np.zeros(self.n, dtype=bool), np.zeros(self.n))
        raise TypeError(node)

    def groups(self, groups) -> tuple[np.ndarray, np.ndarray] | None:
        """An AND of ORs of clauses (query.expand); None when nothing can match (Whoosh's NullQuery)."""
        done = []
        for alternatives in groups:
            found = []
            words: dict[tuple[str, str], np.ndarray] = {}
            for c in alternatives:
                if isinstance(c, qm.AllOf):
                    r = self.groups(c.groups)
                elif len(c.tokens) > 1 and not c.prefix and c.field in _WORD_FIELD:
                    # the characters of a Chinese word, in the unigram field beside the word's field: every
                    # document with the word there has them in a row (a jieba word is a piece of a run)
                    r = self.phrase(c, known=words.get((_WORD_FIELD[c.field], "".join(c.tokens))))
                else:
                    r = self.clause(c)
                    if r is not None and len(c.tokens) == 1 and not c.prefix:
                        words[(c.field, c.tokens[0])] = r[0]
                if r is not None:
                    found.append(r)
            if not found:
                return None
            mask, score = found[0]
            for m, s in found[1:]:
                mask |= m
                score += s
            done.append((mask, score))
        if not done:
            return None
        mask, score = done[0]
        for m, s in done[1:]:
            mask &= m
            score += s
        score *= mask
        return mask, score

    # ------------------------------------------------------------ results

    def facets(self, mask: np.ndarray) -> dict[str, list[dict]]:
        out = {}
        for name, fieldname in FACET_FIELDS.items():
            terms, docs, codes = self._facets[fieldname]
            if not terms:
                out[name] = []
                continue
            counts = np.bincount(codes[mask[docs]], minlength=len(terms))
            out[name] = facet_list({t: int(c) for t, c in zip(terms, counts.tolist()) if c})
        return out

    def top(self, mask: np.ndarray, score: np.ndarray, sort: str, limit: int) -> np.ndarray:
        """The first ``limit`` matching docnums in Whoosh's order (ties: lower docnum first,
        reversed with the sort for -date)."""
        docs = np.flatnonzero(mask)
        if sort == "relevance":
            s = score[docs]
            if docs.size > limit:
                kth = np.partition(s, docs.size - limit)[docs.size - limit]
                keep = s >= kth
                docs, s = docs[keep], s[keep]
            return docs[np.lexsort((docs, -s))][:limit]
        if sort in ("date", "-date"):
            key = self._date_sort_key()[docs]
        else:
            key = self._title_ranks()[docs]
        if sort == "-date":
            return docs[np.lexsort((-docs, -key))][:limit]
        return docs[np.lexsort((docs, key))][:limit]

    def _date_sort_key(self) -> np.ndarray:
        return self.date_key  # the raw column: missing dates hold its default (the largest value), as in Whoosh

    def _title_ranks(self) -> np.ndarray:
        if self._title_rank is None:
            values = [v for seg in self.segments for v in seg.titles()]
            order = sorted(range(len(values)), key=values.__getitem__)
            rank = np.empty(len(values), dtype=np.int64)
            prev, r = object(), -1
            for i in order:
                if values[i] != prev:
                    r += 1
                    prev = values[i]
                rank[i] = r
            self._title_rank = rank
        return self._title_rank


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
        return _groups(qm.expand(node), reader)
    raise TypeError(node)


def _groups(groups, reader) -> wq.Query:
    out = []
    for alternatives in groups:
        clauses = [_groups(c.groups, reader) if isinstance(c, qm.AllOf) else _clause(c, reader) for c in alternatives]
        clauses = [c for c in clauses if c is not None and c is not wq.NullQuery]
        out.append(wq.NullQuery if not clauses else clauses[0] if len(clauses) == 1 else wq.Or(clauses))
    if not out:
        return wq.NullQuery
    return out[0] if len(out) == 1 else wq.And(out)


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
