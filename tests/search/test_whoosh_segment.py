"""search.whoosh_segment writes the segment Whoosh's own writer would, byte for byte."""
from __future__ import annotations

import copy

import pytest
from whoosh import index as windex
from whoosh.writing import SegmentWriter

from search import whoosh_patches, whoosh_segment
from search.documents import index_fields
from search.query import parse_query
from search.sync import iter_visible_documents
from search.whoosh_backend import WhooshIndex
from search.whoosh_schema import make_schema, whoosh_fields


@pytest.fixture(scope="module")
def documents(catalogue_db):
    """The fixture catalogue twenty times over (other ids): common terms span several 128-posting blocks."""
    base = list(iter_visible_documents(catalogue_db))
    out = []
    for copy_number in range(20):
        for doc in base:
            doc = copy.deepcopy(doc)
            doc["id"] = f"{doc['id']}-{copy_number}"
            out.append(doc)
    return [whoosh_fields(index_fields(doc)) for doc in out]


def segment_files(path, segment) -> dict[str, bytes]:
    """The segment's files by extension (segment ids are random)."""
    prefix = f"{segment.make_filename('')}"
    return {f.name[len(prefix):]: f.read_bytes() for f in path.iterdir() if f.name.startswith(prefix)}


def write_with_whoosh(path, fields_list):
    ix = windex.create_in(str(path), make_schema())
    writer = SegmentWriter(ix, _lk=False, compound=False)
    for fields in fields_list:
        writer.add_document(**fields)
    return segment_files(path, writer._finalize_segment())


def write_fast(path, fields_list):
    ix = windex.create_in(str(path), make_schema())
    writer = whoosh_segment.FastSegmentWriter(ix)
    for fields in fields_list:
        writer.add_document(**fields)
    return segment_files(path, writer.finish())


class Forgetful(dict):
    def __setitem__(self, key, value):
        pass


@pytest.fixture
def no_position_cache(monkeypatch):
    """Whoosh pickles each block's values with a memo, so the one bytes object of a remembered single
    position is written once a block (smaller, decoded the same): for a byte comparison, remember none."""
    monkeypatch.setattr(whoosh_segment, "_ONE_POSITION", Forgetful())


@pytest.mark.parametrize("patched", [True, False])
def test_the_fast_writer_writes_whooshs_segment_byte_for_byte(tmp_path, documents, patched, monkeypatch, no_position_cache):
    if not patched:  # the length cache of search.whoosh_patches off: Whoosh's own column readers
        from whoosh.codec.whoosh3 import W3PerDocReader

        assert whoosh_patches.apply()
        monkeypatch.setattr(W3PerDocReader, "_cached_reader", W3PerDocReader._jinshi_original_cached_reader)
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "fast").mkdir()
    expected = write_with_whoosh(tmp_path / "whoosh", documents)
    got = write_fast(tmp_path / "fast", documents)
    assert set(got) == set(expected) and len(expected) >= 4
    for ext in expected:
        assert got[ext] == expected[ext], f"segment file *{ext} differs"


def test_whoosh_stock_text_fields_are_written_as_whoosh_analyses_them(tmp_path, no_position_cache):
    """The white-space text path is Whoosh's Positions/Frequency analysis, odd white space included."""
    from whoosh.analysis import SpaceSeparatedTokenizer
    from whoosh.fields import ID, TEXT, Schema

    schema = Schema(id=ID(stored=True), words=TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=True),
                    counts=TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False, field_boost=2.5))
    values = ["a b a\tc\nd  a", "x\u3000y x\xa0x", "青铜 镜 青铜", "  ", "b"]
    docs = [{"id": str(n), "words": v, "counts": v} for n, v in enumerate(values * 150)]
    out = {}
    for name, make in (("whoosh", lambda ix: SegmentWriter(ix, _lk=False, compound=False)),
                       ("fast", whoosh_segment.FastSegmentWriter)):
        (tmp_path / name).mkdir()
        ix = windex.create_in(str(tmp_path / name), schema)
        writer = make(ix)
        for doc in docs:
            writer.add_document(**doc)
        segment = writer._finalize_segment() if name == "whoosh" else writer.finish()
        out[name] = segment_files(tmp_path / name, segment)
    assert out["fast"] == out["whoosh"]


def postings_of(path, segment) -> dict:
    """Every term's statistics and postings (docnum, weight, value) as Whoosh reads them back."""
    from whoosh.codec import default_codec

    ix = windex.open_dir(str(path))
    reader = default_codec().terms_reader(ix.storage, segment)
    out = {}
    for fieldname, text in reader.terms():
        info = reader.term_info(fieldname, text)
        matcher = reader.matcher(fieldname, text, ix.schema[fieldname].format)
        postings = []
        while matcher.is_active():
            postings.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        out[fieldname, text] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                                info.max_weight(), postings)
    return out


def test_with_single_positions_remembered_the_postings_read_back_the_same(tmp_path, documents):
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "fast").mkdir()
    ix = windex.create_in(str(tmp_path / "whoosh"), make_schema())
    writer = SegmentWriter(ix, _lk=False, compound=False)
    for fields in documents:
        writer.add_document(**fields)
    expected = postings_of(tmp_path / "whoosh", writer._finalize_segment())
    ix = windex.create_in(str(tmp_path / "fast"), make_schema())
    fast = whoosh_segment.FastSegmentWriter(ix)
    for fields in documents:
        fast.add_document(**fields)
    got = postings_of(tmp_path / "fast", fast.finish())
    assert len(expected) > 1000 and got == expected


def test_an_index_built_in_several_fast_segments_answers_as_one(tmp_path, monkeypatch):
    monkeypatch.setattr(whoosh_segment, "MAX_POSTINGS", 2_000)  # a worker finishes a segment and starts another
    docs = [{"id": f"d-{i:04d}", "title": {"zh": [f"青铜镜{i}"], "en": [f"mirror {i}"]}, "museum": "m"} for i in range(3000)]
    index = WhooshIndex(tmp_path)
    assert index.rebuild(iter(docs), total=len(docs), processes=2) == 3000
    assert len(index.ix.reader().leaf_readers()) > 2
    assert index.search(parse_query("mirror", per_page=1)).total == 3000
    assert index.search(parse_query("青铜镜", per_page=1)).total == 3000
    assert [h.id for h in index.search(parse_query("mirror 1234", per_page=3)).hits][0] == "d-1234"
    index.close()
