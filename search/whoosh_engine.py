"""The Whoosh backend's query engine: a query tree evaluated over numpy posting arrays.

Whoosh's own matchers walk every matching posting in Python twice per query (once to count and
facet, once to score), and its NumericRange queries expand to dozens of terms. The index is read
here instead as whole posting lists (one numpy array per posting block) and the query tree is
evaluated as boolean masks and BM25F score arrays over docnums, with exactly Whoosh's formula
and parameters (``searcher.idf``, ``avg_field_length``, the stored length bytes), so scores and
ranking are the ones Whoosh's searcher gives (tests/search/whoosh_oracle.py compiles the same tree
to Whoosh queries, and tests/search/test_whoosh_engine.py compares). Dates, facet values and
field lengths are per-segment arrays, read once per segment (segments never change, only their
deletions), so a new index generation reuses the arrays of the segments it kept.
"""
from __future__ import annotations

from itertools import chain
from pickle import loads

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.columns import NumericColumn
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from search import query as qm
from search.documents import FACET_FIELDS, FACET_LABEL_FIELD
from search.results import facet_list

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


class _PositionCache:
    """Decoded posting lists with positions, by (segment, field, term): a phrase over the character
    unigram fields reads the lists of common characters (铜, 代 are in most descriptions) again for every
    query, and decoding them (a pickle a block, then the positions) was most of a Chinese query's time.
    Segments never change, so an entry never goes stale; least recently used entries leave beyond
    ``limit`` bytes (positions as int32)."""

    def __init__(self, limit: int) -> None:
        import threading
        from collections import OrderedDict

        self.limit = limit
        self.size = 0
        self._entries: "OrderedDict[tuple, tuple]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, segment: "_Segment", fieldname: str, btext: bytes, fmt=None):
        """(ids, weights, starts, counts, positions) of the term in the segment; without ``fmt`` (no
        positions wanted) only (ids, weights)."""
        key = (segment.segid, fieldname, btext, fmt is not None)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry
        if fmt is None:
            entry = _raw_postings(segment.reader, fieldname, btext)
            return self._put(key, entry)
        ids, w, vals = _raw_postings(segment.reader, fieldname, btext, values=True)
        if ids.size:
            rows, positions = _position_keys(fmt, vals, np.arange(ids.size, dtype=np.int64))
            counts = np.bincount(rows, minlength=ids.size).astype(np.int64)
        else:
            positions, counts = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        starts = np.cumsum(counts) - counts
        return self._put(key, (ids, w, starts, counts, positions.astype(np.int32)))

    def _put(self, key: tuple, entry: tuple) -> tuple:
        cost = sum(a.nbytes for a in entry) + 200
        with self._lock:
            if key not in self._entries:
                self._entries[key] = entry
                self.size += cost
                while self.size > self.limit and len(self._entries) > 1:
                    _k, old = self._entries.popitem(last=False)
                    self.size -= sum(a.nbytes for a in old) + 200
        return entry


#: Up to this many bytes of decoded positions are kept (a process-wide cache, shared by every index).
POSITION_CACHE_BYTES = 96 * 1024 * 1024
_positions = _PositionCache(POSITION_CACHE_BYTES)


def _select_positions(entry, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, position) keys of the postings at ``where`` (indices into the entry's ids), row i for where[i]."""
    _ids, _w, starts, counts, positions = entry
    picked = counts[where]
    total = int(picked.sum())
    if not total:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first = starts[where] - (np.cumsum(picked) - picked)
    index = np.repeat(first, picked) + np.arange(total, dtype=np.int64)
    rows = np.repeat(np.arange(where.size, dtype=np.int64), picked)
    return rows, positions[index].astype(np.int64)


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
            ids, w = _positions.get(seg, fieldname, btext)
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
            lists = {b: _positions.get(seg, fieldname, b, field.format) for b in set(btexts)}
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
            found = {b: _select_positions(lists[b], np.searchsorted(lists[b][0], cand)) for b in set(btexts)}
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
            ids, w = lists[b][0], lists[b][1]
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
