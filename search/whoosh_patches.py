"""The private patches Jinshi applies to Whoosh, explicitly and only on the pinned version.

Both make an index build faster without changing what is written (the same runs, the same
lengths); they reach into ``whoosh-reloaded`` internals (``W3PerDocReader._cached_reader``,
``NumericColumn.Reader._fixedlen``/``_dbfile``, ``PostingPool.add``), as does the query engine
(search.whoosh_engine reads ``W3LeafMatcher`` blocks and column bytes). setup.cfg pins the version;
:func:`apply` installs the patches on that version only, and tests/search/test_whoosh_patches.py
fails loudly on any other, before the internals silently mean something else.
"""
from __future__ import annotations

import warnings

import whoosh
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.columns import NumericColumn

#: The whoosh-reloaded release the patches and the engine were written against (setup.cfg pins it).
PINNED = (2, 7, 5)

_applied = False


def installed_version() -> tuple[int, ...]:
    return tuple(whoosh.__version__[:3])


def apply() -> bool:
    """Install the patches once; on another Whoosh version, warn and leave Whoosh as it is (slower,
    still correct for its own code). Returns True when they are installed."""
    global _applied
    if _applied:
        return True
    if installed_version() != PINNED:
        warnings.warn(f"whoosh-reloaded {installed_version()} is not the pinned {PINNED}: Jinshi's Whoosh "
                      "patches are not applied (see search/whoosh_patches.py)", RuntimeWarning, stacklevel=2)
        return False
    _install_length_cache()
    _install_lean_pool_add()
    _applied = True
    return True


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
    W3PerDocReader._jinshi_original_cached_reader = original


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
