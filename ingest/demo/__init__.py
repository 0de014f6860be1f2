"""The demo museums behind ``jinshi demo``: halls, catalogue records and procedural media.

Contents of this folder:

* ``halls.yaml`` — three museums (``copper``, ``art``, ``ich``) with their halls and sections,
  in the format of ``jinshi halls load``.
* ``items.csv`` — the batch metadata (DESIGN.md columns, plus ``material_en``, ``period_en``,
  ``place_en``, ``creator_en`` and ``object_type_en`` English translations of the plain Chinese
  columns). Some rows have an empty ``files`` column: records without media.
* ``images.py`` — draws every image ``items.csv`` lists, procedurally and deterministically.

:func:`build_demo` generates the media under ``<JINSHI_HOME>/demo-source/``, copies the CSV
next to it (``files`` paths are relative to the CSV), loads the halls and ingests the batch.
Running it again is cheap: existing images are kept and ingest answers ``unchanged``.

Extension point (3D models, video, audio...)
--------------------------------------------
Two ways, use either:

1. Put a second CSV, ``items_media.csv``, in this folder (same columns as ``items.csv``; its
   ``files`` are relative to ``demo-source/`` too) and append a generator to
   :data:`EXTRA_GENERATORS` that creates those files. ``images.py`` never reads it.
2. Or let the generator return the rows itself: each callable in :data:`EXTRA_GENERATORS`
   is called as ``generator(out_dir)`` with ``out_dir = <JINSHI_HOME>/demo-source``; it must
   create its files under ``out_dir`` (idempotently) and return a list of CSV rows (dicts keyed
   by column name, ``files`` relative to ``out_dir``), possibly empty. The rows of all generators
   are written to ``out_dir/items_extra.csv`` and ingested after ``items.csv``.

Register a generator from its own module, e.g. in ``ingest/demo/media.py``::

    from ingest.demo import EXTRA_GENERATORS
    EXTRA_GENERATORS.append(make_models_and_clips)

and import that module from :func:`build_demo`'s caller, or list it in :data:`EXTRA_MODULES`.
"""
from __future__ import annotations

import csv
import importlib
import shutil
from pathlib import Path
from typing import Callable

DEMO_DIR = Path(__file__).parent
HALLS_FILE = DEMO_DIR / "halls.yaml"
ACTIVITIES_FILE = DEMO_DIR / "activities.yaml"
ITEMS_CSV = DEMO_DIR / "items.csv"
MEDIA_CSV = DEMO_DIR / "items_media.csv"  # optional, see the module docstring

#: Callables ``(out_dir: Path) -> list[dict]`` that create extra demo media (3D, video, audio...).
EXTRA_GENERATORS: list[Callable[[Path], list[dict]]] = []
#: Modules imported by :func:`build_demo` before it runs the generators (they register themselves).
EXTRA_MODULES: list[str] = ["ingest.demo.media_items"]


def _copy_if_changed(src: Path, dst: Path) -> None:
    if not dst.exists() or dst.read_bytes() != src.read_bytes():
        tmp = dst.with_name(f".{dst.name}.part")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)


def _write_rows(rows: list[dict], path: Path) -> None:
    with open(ITEMS_CSV, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    for row in rows:
        header += [key for key in row if key not in header]
    tmp = path.with_name(f".{path.name}.part")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    if path.exists() and path.read_bytes() == tmp.read_bytes():
        tmp.unlink()
    else:
        tmp.replace(path)


def build_demo(runtime, progress=None) -> dict:
    """Generate demo media under runtime.settings.home / "demo-source", load the halls, ingest the batch. Idempotent.

    Returns ``{"ingested": n, "unchanged": n, "failed": [{"file": ..., "error": ...}], "source": path}``.
    """
    from exhibits.bookings.activities import load_activities
    from exhibits.halls import load_halls
    from ingest.batch import ingest_batch

    from .images import generate_images

    out_dir = Path(runtime.settings.home) / "demo-source"
    out_dir.mkdir(parents=True, exist_ok=True)

    def image_progress(_done: int, _total: int, path: Path) -> None:
        if progress:
            progress(f"drawing {Path(path).name}")

    generate_images(ITEMS_CSV, out_dir, progress=image_progress)
    metadata = [out_dir / "items.csv"]
    _copy_if_changed(ITEMS_CSV, metadata[0])

    for name in EXTRA_MODULES:
        importlib.import_module(name)
    extra_rows: list[dict] = []
    for generator in EXTRA_GENERATORS:
        extra_rows.extend(generator(out_dir) or [])
    if MEDIA_CSV.exists():
        metadata.append(out_dir / MEDIA_CSV.name)
        _copy_if_changed(MEDIA_CSV, metadata[-1])
    if extra_rows:
        metadata.append(out_dir / "items_extra.csv")
        _write_rows(extra_rows, metadata[-1])

    load_halls(runtime.db, HALLS_FILE)
    load_activities(runtime.db, ACTIVITIES_FILE)

    summary: dict = {"ingested": 0, "unchanged": 0, "failed": [], "source": str(out_dir)}
    for csv_path in metadata:
        for result in ingest_batch(runtime, paths=[], metadata=csv_path, progress=progress):
            status = getattr(result, "status", None)
            if status in ("ingested", "unchanged"):
                summary[status] += 1
            else:
                summary["failed"].append({
                    "file": str(getattr(result, "file", "") or ""),
                    "error": getattr(result, "error", None) or f"status {status!r}",
                })
    return summary
