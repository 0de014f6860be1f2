"""Writing one new Whoosh segment faster, with the same files, byte for byte, as Whoosh's own writer.

Whoosh's ``SegmentWriter`` puts every posting (about 200 a catalogue record here) through its pool as a
tuple, sorts them all when the segment is finished, then hands them one at a time to its postings
writer, which looks up the document's field length for each: pure Python per posting, most of an index
build's time. :class:`FastSegmentWriter` keeps the postings grouped by field and term as documents come
(arrays of docnums and weights, and the encoded values), and gives each term's postings to Whoosh's own
block writer a block (128 postings) at a time, with the block's length statistics read from the length
column with numpy. Whoosh's code still encodes the blocks, the term infos and the per-document files, so
the segment is the one Whoosh would write (tests/search/test_whoosh_segment.py compares the files).

Text fields whose analyser only splits on white space (the pre-analysed text of search.documents) are
turned into postings here without Whoosh's token objects, as Whoosh's ``Positions``/``Frequency``
formats would. Everything else goes through the field's own ``index``.
"""
from __future__ import annotations

import re
from array import array
from typing import Any

import numpy as np
from whoosh import formats
from whoosh.analysis.tokenizers import RegexTokenizer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.fields import TEXT
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

#: The pattern of Whoosh's SpaceSeparatedTokenizer.
_WHITESPACE_TOKEN = r"[^ \t\r\n]+"
_EMPTY = b""

#: Postings kept in memory before :meth:`FastSegmentWriter.full` says to finish the segment: about
#: 65 bytes each (a docnum, a weight, the encoded value), so some 650 MB a build worker, reached at
#: about 40,000 catalogue records. Fewer, larger segments answer faster: at 20,000 records, 6 segments
#: instead of 2 made the benchmark's queries about 30 % slower.
MAX_POSTINGS = 10_000_000


_ONE_POSITION: dict[int, bytes] = {}


def _encode_positions(positions: list[int], _encode=formats.Positions().encode) -> bytes:
    if len(positions) == 1:
        found = _ONE_POSITION.get(positions[0])
        if found is None:
            found = _ONE_POSITION[positions[0]] = _encode(positions)
        return found
    return _encode(positions)


def positions_encoder(fmt):
    """``fmt.encode`` for Whoosh's ``Positions`` format (a count and a pickle of the deltas), with the
    bytes of each single position remembered: most words occur once in a field, so most postings are
    one of a few hundred values."""
    return _encode_positions if type(fmt) is formats.Positions else fmt.encode


def add_posting(terms: dict, key, docnum: int, weight: float, vbytes: bytes) -> None:
    """One posting into ``terms`` (term -> docnums, weights, values), as the indexers below do inline."""
    entry = terms.get(key)
    if entry is None:
        terms[key] = (array("I", (docnum,)), array("d", (weight,)), [vbytes])
    else:
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(vbytes)


def _indexer(field):
    """A function ``(value, terms, docnum) -> length`` that adds the value's postings to ``terms`` (keyed
    by the term as str: UTF-8 keeps the code points' order, so sorting either sorts both) and returns the
    field length Whoosh records, the same as ``field.index(value)`` would. None when only
    ``field.index`` knows how (see :func:`_generic_indexer`)."""
    into = getattr(field, "index_into", None)  # search.whoosh_schema.UnigramText
    if into is not None:
        return into
    if type(field) is not TEXT:
        return None
    analyzer = field.analyzer
    if type(analyzer) is not RegexTokenizer or analyzer.expression.pattern != _WHITESPACE_TOKEN or analyzer.gaps:
        return None
    fmt = field.format
    boost = fmt.field_boost
    split = re.compile(_WHITESPACE_TOKEN).findall
    if type(fmt) is formats.Positions:
        def positions(value: str, terms: dict, docnum: int) -> int:
            poses: dict[str, list[int]] = {}
            words = split(value)
            for pos, text in enumerate(words):
                found = poses.get(text)
                if found is None:
                    poses[text] = [pos]
                else:
                    found.append(pos)
            for text, at in poses.items():
                entry = terms.get(text)
                vbytes = _encode_positions(at)
                if entry is None:
                    terms[text] = (array("I", (docnum,)), array("d", (float(len(at)) * boost,)), [vbytes])
                else:
                    entry[0].append(docnum)
                    entry[1].append(float(len(at)) * boost)
                    entry[2].append(vbytes)
            return len(words)

        return positions
    if type(fmt) is formats.Frequency:
        from whoosh.system import pack_uint

        counts = [pack_uint(n) for n in range(256)]

        def frequency(value: str, terms: dict, docnum: int) -> int:
            freqs: dict[str, int] = {}
            words = split(value)
            for text in words:
                freqs[text] = freqs.get(text, 0) + 1
            for text, n in freqs.items():
                add_posting(terms, text, docnum, float(n) * boost, counts[n] if n < 256 else pack_uint(n))
            return len(words)

        return frequency
    return None


def _generic_indexer(field):
    """``field.index`` in the shape of :func:`_indexer`'s functions (terms keyed by bytes)."""
    index, scorable = field.index, field.scorable

    def generic(value, terms: dict, docnum: int) -> int:
        length = 0
        for tbytes, freq, weight, vbytes in index(value):
            if scorable:
                length += freq
            add_posting(terms, tbytes, docnum, weight, vbytes or _EMPTY)
        return length

    return generic


class FastSegmentWriter:
    """One new segment of ``ix``: :meth:`add_document` as many times as needed, then :meth:`finish`
    (returns the segment, for the caller to commit in a TOC) or :meth:`cancel`. Takes no lock: the
    caller holds the index's write lock, as with ``SegmentWriter(ix, _lk=False)``."""

    def __init__(self, ix) -> None:
        self._writer = SegmentWriter(ix, _lk=False, compound=False, limitmb=1)  # its pool stays empty
        self._schema = self._writer.schema
        self._fields: dict[str, tuple[Any, Any, Any]] = {}
        for name, field in self._schema.items():
            if field.separate_spelling() or field.vector:
                raise ValueError(f"field {name!r}: spelling and term vectors are not supported here")
            indexer = (_indexer(field) or _generic_indexer(field)) if field.indexed else None
            self._fields[name] = (field, indexer, field.column_type)
        self._terms: dict[str, dict[str | bytes, tuple[array, array, list[bytes]]]] = {}
        self._words = 0

    @property
    def doc_count(self) -> int:
        return self._writer.docnum

    def full(self) -> bool:
        """Whether the postings kept in memory reached about :data:`MAX_POSTINGS` (counted as the
        indexed words: a little more than the postings, as a word repeated in a field is one)."""
        return self._words >= MAX_POSTINGS

    def add_document(self, **fields: Any) -> None:
        writer = self._writer
        perdoc = writer.perdocwriter
        docnum = writer.docnum
        names = sorted(fields)
        for name in names:
            if name not in self._fields:
                raise ValueError(f"no field named {name!r} in the schema")  # also refuses Whoosh's "_boost" keys
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field, indexer, column = self._fields[name]
                length = 0
                if indexer is not None:
                    terms = self._terms.get(name)
                    if terms is None:
                        terms = self._terms[name] = {}
                    length = indexer(value, terms, docnum)
                    self._words += length or 1
                    if not field.scorable:
                        length = 0
                perdoc.add_field(name, field, value if field.stored else None, length)
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except BaseException:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        writer._added = True
        writer.docnum += 1

    def finish(self):
        """Write the postings and close the segment's files; returns the segment (not yet committed)."""
        writer = self._writer
        writer.perdocwriter.close()
        lengths = writer.per_document_reader() if writer.codec.length_stats else None
        fieldwriter = writer.fieldwriter
        try:
            for name in sorted(self._terms):
                terms = self._terms[name]
                fieldwriter.start_field(name, self._schema[name])
                field_lengths = _length_bytes(lengths, name, writer.docnum)
                for term in sorted(terms):
                    fieldwriter.start_term(term.encode("utf-8") if isinstance(term, str) else term)
                    _add_postings(fieldwriter._postwriter, *terms[term], field_lengths)
                    fieldwriter.finish_term()
                fieldwriter.finish_field()
                terms.clear()
            fieldwriter.close()
        finally:
            if lengths is not None:
                lengths.close()
        self._terms.clear()
        writer._close_segment()
        writer._assemble_segment()
        return writer.get_segment()

    def cancel(self) -> None:
        """Close the segment's files without committing it (the next commit's clean-up removes them).
        Not ``SegmentWriter.cancel``: that destroys the index's temporary folder, where the writer that
        holds the lock keeps files too."""
        self._terms.clear()
        if not self._writer.is_closed:
            self._writer._close_segment()
            self._writer.is_closed = True


def _length_bytes(reader, fieldname: str, doccount: int) -> np.ndarray | None:
    """The field's length byte of every document (0: none), as Whoosh's ``doc_field_length`` reads them."""
    if reader is None:
        return None
    column = reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    if isinstance(column, (bytes, bytearray)):  # search.whoosh_patches keeps length columns as bytes
        return np.frombuffer(column, dtype=np.uint8)
    return np.fromiter((column[d] for d in range(doccount)), dtype=np.uint8, count=doccount)


def _add_postings(postwriter, docs: array, weights: array, values: list[bytes], lengths: np.ndarray | None) -> None:
    """A term's postings, in docnum order, into Whoosh's W3PostingsWriter a block at a time: every full
    block is written; the last one is left buffered for ``finish_postings`` (which may inline it)."""
    limit = postwriter._blocklimit
    count = len(docs)
    ids_np = np.frombuffer(docs, dtype=np.uint32) if lengths is not None else None
    for start in range(0, count, limit):
        end = min(start + limit, count)
        block_weights = weights[start:end]
        postwriter._ids = docs[start:end]
        postwriter._weights = array("f", block_weights)
        postwriter._values = [v for v in values[start:end] if v]
        top = max(block_weights)
        postwriter._maxweight = top if top > 0 else 0  # Whoosh starts from 0 and keeps a greater weight
        postwriter._minlength, postwriter._maxlength = None, 0
        if ids_np is not None:
            present = lengths[ids_np[start:end]]
            present = present[present > 0]
            if present.size:
                postwriter._minlength = byte_to_length(int(present.min()))
                postwriter._maxlength = byte_to_length(int(present.max()))
        if end < count:
            postwriter._write_block()
