"""The Whoosh index's schema and its analysis side: what each index field holds and how the
pre-analysed text (search.documents.index_fields) is turned into postings."""
from __future__ import annotations

from typing import Any

from whoosh.analysis import SpaceSeparatedTokenizer, Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from search.documents import FACET_LABEL_FIELD

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

    @staticmethod
    def _positions(value: str) -> dict[str, list[int]]:
        """Each character's positions, a lone GAP token skipping GAP_POSITIONS (see GapTokenizer)."""
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
        return poses

    def index(self, value, **kwargs):
        from search.whoosh_segment import positions_encoder

        boost = self.format.field_boost
        encode = positions_encoder(self.format)
        for text, positions in self._positions(value).items():  # what Positions.word_values yields, in order
            yield text.encode("utf-8"), len(positions), float(len(positions)) * boost, encode(positions)

    def index_into(self, value: str, terms: dict, docnum: int) -> int:
        """:meth:`index`'s postings straight into :class:`search.whoosh_segment.FastSegmentWriter`'s
        ``terms`` (keyed by str); returns the field length (the indexed characters)."""
        from search.whoosh_segment import add_posting, positions_encoder

        boost = self.format.field_boost
        encode = positions_encoder(self.format)
        length = 0
        for text, positions in self._positions(value).items():
            length += len(positions)
            add_posting(terms, text, docnum, float(len(positions)) * boost, encode(positions))
        return length


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
