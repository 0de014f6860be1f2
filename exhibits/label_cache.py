"""Label sheets made once: a PDF is kept under ``cache_root/labels/`` by a key of everything it is made from.

Making a sheet costs about 30 ms of CPU a label (a QR code and a text layout each: some 14 s for a hall
of 500), and curators print the same sheet again and again. The key is a SHA-256 of the sheet's inputs
as :func:`exhibits.labels.label_sheet` receives them: every label's texts and the URL of its QR code
(so the items, their order, their titles, period, material and accession number, the language and the
public base URL), the grid, the document title, and the code that draws it (the source of
``exhibits/labels.py``, the fpdf2 and segno versions, the font file). Editing an item changes its
label, so the key, so the next request makes a new sheet; an edit that changes nothing printed reuses
the old one, which would come out the same. Each sheet variant (hall, language, grid, public or
preview) keeps only its latest file, so the folder does not grow with edits.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import astuple
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from exhibits import labels
from media.store import atomic_path

FOLDER = "labels"


@lru_cache(maxsize=1)
def _code_version() -> str:
    import fpdf
    import segno

    source = Path(labels.__file__).read_bytes()
    return hashlib.sha256(source + f"|fpdf {fpdf.__version__}|segno {segno.__version__}".encode()).hexdigest()


def sheet_key(sheet: Sequence[labels.Label], per_page: int, title: str) -> str:
    """The cache key of a sheet: a SHA-256 of its labels, grid, title, font and drawing code."""
    font, index = labels.find_cjk_font()
    stat = Path(font).stat()
    inputs = {"labels": [astuple(label) for label in sheet], "per_page": per_page, "title": title,
              "font": [font, index, stat.st_size, stat.st_mtime_ns], "code": _code_version()}
    return hashlib.sha256(json.dumps(inputs, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def cached_sheet(cache_root: Path, variant: str, sheet: Sequence[labels.Label], per_page: int,
                 title: str = "") -> tuple[bytes, str, bool]:
    """The PDF of ``sheet``: (bytes, its key, whether it was made now rather than read from the cache).

    ``variant`` names the sheet apart from its contents (e.g. ``hall-3-en-8-public``, only letters,
    digits and dashes); a new sheet of a variant replaces its older ones.
    """
    if not variant or "--" in variant or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in variant):
        raise ValueError(f"variant {variant!r}: only letters, digits and single dashes")
    key = sheet_key(sheet, per_page, title)
    folder = Path(cache_root) / FOLDER
    path = folder / f"{variant}--{key}.pdf"
    try:
        return path.read_bytes(), key, False
    except FileNotFoundError:
        pass
    pdf = labels.label_sheet(sheet, per_page, title=title)
    with atomic_path(path) as tmp:
        tmp.write_bytes(pdf)
    for older in folder.glob(f"{variant}--*.pdf"):
        if older != path:
            older.unlink(missing_ok=True)
    return pdf, key, True
