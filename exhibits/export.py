"""Export of the public catalogue as the ingest CSV, JSON Lines or an Excel workbook (no Flask).

The CSV is the batch metadata CSV ingest reads (DESIGN.md), so it round-trips: every profile
field goes in its ``<field>_zh`` and ``<field>_en`` columns (never guessed back from the
script), extra metadata in its own columns, and ``files`` names each item's originals as
``files/<item>/<filename>``; :func:`copy_files` puts the originals there, beside the CSV.
Only what the public may see is exported (visible items), in museum, hall and item order.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from exhibits import links
from exhibits.models import Hall, Item, Museum
from exhibits.profile import CSV_COLUMNS, FIELDS, ICH_COLUMNS
from exhibits.states import visible

FORMATS = ("csv", "jsonl", "xlsx")
BATCH = 500
#: Plain columns the CSV fills itself; profile fields use ``_zh``/``_en`` columns instead.
_PLAIN = {"id", "museum", "hall", "section", "title_zh", "title_en", "object_type", "date_start", "date_end",
          "accession_number", "description_zh", "description_en", "rights", "files"}
_LANG_FIELDS = [f.name for f in FIELDS if f.name not in ("accession_number",)]


class ExportError(ValueError):
    pass


def _query(session: Session, museum: str | None, hall: str | None):
    query = select(Item).where(visible()).options(
        selectinload(Item.museum), selectinload(Item.hall), selectinload(Item.section), selectinload(Item.assets))
    if museum:
        museum_id = session.scalar(select(Museum.id).where(Museum.slug == museum))
        if museum_id is None:
            raise ExportError(f"no museum {museum!r}")
        query = query.where(Item.museum_id == museum_id)
    if hall:
        found = session.scalar(select(Hall).where(Hall.slug == hall))
        if found is None or (museum and found.museum.slug != museum):
            raise ExportError(f"no hall {hall!r}" + (f" in museum {museum!r}" if museum else ""))
        query = query.where(Item.hall_id == found.id)
    return query.join(Museum, Item.museum_id == Museum.id).outerjoin(Hall, Item.hall_id == Hall.id).order_by(
        Museum.position, Museum.slug, Hall.position, Item.position, Item.id)


def items(db, museum: str | None = None, hall: str | None = None, ids: Iterable[str] | None = None) -> Iterator[Item]:
    """Visible items in export order, read in batches (memory stays flat)."""
    offset = 0
    wanted = list(ids) if ids is not None else None
    while True:
        with db.session() as session:
            query = _query(session, museum, hall)
            if wanted is not None:
                chunk = wanted[offset:offset + BATCH]
                if not chunk:
                    return
                found = {it.id: it for it in session.scalars(query.where(Item.id.in_(chunk)))}
                batch = [found[i] for i in chunk if i in found]
            else:
                batch = list(session.scalars(query.offset(offset).limit(BATCH)))
                if not batch:
                    return
        yield from batch
        offset += BATCH


def file_path(item: Item, filename: str) -> str:
    return f"files/{item.id}/{filename}"


def _first(value: Any, lang: str) -> str:
    texts = (value or {}).get(lang) or []
    return texts[0] if texts else ""


def csv_row(item: Item) -> dict[str, str]:
    meta = item.metadata_ or {}
    row = {
        "id": item.id, "museum": item.museum.slug, "hall": item.hall.slug if item.hall else "",
        "section": item.section.slug if item.section else "",
        "title_zh": _first(item.title, "zh"), "title_en": _first(item.title, "en"),
        "object_type": item.object_type or "",
        "date_start": "" if item.date_start is None else str(item.date_start),
        "date_end": "" if item.date_end is None else str(item.date_end),
        "accession_number": item.accession_number or "",
        "description_zh": _first(item.description, "zh"), "description_en": _first(item.description, "en"),
        "rights": item.rights or "",
        "files": ";".join(file_path(item, asset.filename) for asset in item.assets),
    }
    for name in _LANG_FIELDS:
        for lang in ("zh", "en"):
            row[f"{name}_{lang}"] = _first(meta.get(name), lang)
    for name, value in (meta.get("extra") or {}).items():
        if name not in row:
            row[name] = str(value)
    return row


def columns(rows: list[dict[str, str]]) -> list[str]:
    base = [c for c in CSV_COLUMNS if c in _PLAIN]
    lang = [f"{n}_{lang}" for n in _LANG_FIELDS for lang in ("zh", "en")]
    known = set(base) | set(lang) | set(CSV_COLUMNS) | set(ICH_COLUMNS)
    extra = sorted({k for row in rows for k in row} - known)
    return base + lang + extra


def record(item: Item, base: str = "") -> dict[str, Any]:
    """One item as a JSON record (``jsonl``): the whole profile with its language maps and files."""
    meta = dict(item.metadata_ or {})
    extra = meta.pop("extra", {}) or {}
    return {
        "id": item.id, "museum": item.museum.slug, "hall": item.hall.slug if item.hall else None,
        "section": item.section.slug if item.section else None, "title": item.title or {},
        "description": item.description or {}, "metadata": meta, "extra": extra, "object_type": item.object_type,
        "date_start": item.date_start, "date_end": item.date_end, "accession_number": item.accession_number,
        "rights": item.rights,
        "files": [{"filename": a.filename, "path": file_path(item, a.filename), "sha256": a.sha256, "kind": a.kind,
                   "mime": a.mime, "size": a.size} for a in item.assets],
        **({"links": {"page": links.item_page(base, item.id), "manifest": f"{base}/iiif/items/{item.id}/manifest",
                      "json": links.api_item(base, item.id)}} if base else {}),
    }


def write(db, fmt: str, out: IO[bytes], museum: str | None = None, hall: str | None = None,
          ids: Iterable[str] | None = None, base: str = "") -> int:
    """Write the export in ``fmt`` to a binary stream; returns the number of items."""
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    count = 0
    if fmt == "jsonl":
        for item in items(db, museum, hall, ids):
            out.write((json.dumps(record(item, base), ensure_ascii=False) + "\n").encode("utf-8"))
            count += 1
        return count
    rows = [csv_row(item) for item in items(db, museum, hall, ids)]
    header = columns(rows)
    if fmt == "csv":
        text = io.StringIO(newline="")
        writer = csv.DictWriter(text, fieldnames=header, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        out.write(text.getvalue().encode("utf-8"))
        return len(rows)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("items")
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(row.get(column, "")) for column in header])
    book.save(out)
    return len(rows)


def _cell(value: str) -> str:
    """A spreadsheet cell never starts a formula (CSV/formula injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") and not value.lstrip("-").isdigit() else value


def copy_files(db, store, folder: Path, museum: str | None = None, hall: str | None = None) -> int:
    """Put each exported item's originals at ``folder/files/<item>/<filename>``; returns how many."""
    copied = 0
    for item in items(db, museum, hall):
        for asset in item.assets:
            target = folder / file_path(item, asset.filename)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = store.original_path(asset.sha256)
            if not source.is_file():
                raise ExportError(f"the original {asset.sha256} of {item.id}/{asset.filename} is missing (run jinshi verify)")
            tmp = target.with_name(target.name + ".part")
            shutil.copyfile(source, tmp)  # a copy, never a link: editing the export must not touch the store
            os.replace(tmp, target)
            copied += 1
    return copied
