"""Media files and their derivatives made once per test process, copied into each test that needs them.

Many page and browser tests start from the same few ingested photos, videos and models. Making the
files (ffmpeg, pyvips) and their derivatives (image pyramids, transcodes, web versions of models)
again for every test was most of their set-up time. Here:

- :func:`files` makes a folder of source files the first time a process asks for it by name, and
  copies it into the test's own folder every time (the test may change or delete its copy);
- :func:`ingest_reusing_derivatives` runs the real ingest; the first time, it keeps a copy of what the
  ingest added to the media store, and later tests get that copy in their store before the ingest runs,
  so the handlers find their derivatives already made, as on the second ingest of the same file
  (``ingest/handlers``: derivatives are immutable and keyed by the original's SHA-256). The catalogue
  rows, the search index and every check of the ingest are still made by the ingest of each test.

The copies live in one temporary folder per process, removed when it exits.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

_root: Path | None = None
_stores: dict[str, Path] = {}


def _cache() -> Path:
    global _root
    if _root is None:
        _root = Path(tempfile.mkdtemp(prefix="jinshi-made-once-"))
        atexit.register(shutil.rmtree, _root, True)
    return _root


def files(name: str, make: Callable[[Path], None], into: Path) -> Path:
    """Copy the files ``make(folder)`` writes (once per process for this ``name``) into ``into``."""
    source = _cache() / "files" / name
    if not source.is_dir():
        building = source.with_name(f"{name}.building")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        make(building)
        building.rename(source)
    shutil.copytree(source, into, dirs_exist_ok=True)
    return into


def _listing(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()


def ingest_reusing_derivatives(runtime, name: str, ingest: Callable[[], T]) -> T:
    """Run ``ingest()`` on ``runtime`` with the media store an earlier ingest named ``name`` left."""
    store = Path(runtime.settings.media_root)
    saved = _stores.get(name)
    if saved is not None:
        shutil.copytree(saved, store, dirs_exist_ok=True)
        return ingest()
    before = _listing(store)
    result = ingest()
    snapshot = _cache() / "stores" / name
    shutil.rmtree(snapshot, ignore_errors=True)
    for relative in sorted(_listing(store) - before):
        (snapshot / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(store / relative, snapshot / relative)
    snapshot.mkdir(parents=True, exist_ok=True)
    _stores[name] = snapshot
    return result
