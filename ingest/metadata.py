"""Reading the batch metadata CSV (DESIGN.md "Batch metadata CSV") into item records.

Every row is checked before anything is ingested; problems are reported by row number
(the spreadsheet's: the header is row 1), and a CSV with any problem is refused whole.
The file is read by :mod:`ingest.tables` (UTF-8 or GB18030 CSV, or .xlsx).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from exhibits.dates import read_dates
from exhibits.profile import (
    CSV_COLUMNS,
    FIELD_BY_NAME,
    ICH_COLUMNS,
    REQUIRED_COLUMNS,
    lang_value,
    with_known_translations,
)
from ingest.tables import TableError, read_table

ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
#: Columns folded into the record; every other column is kept as extra metadata.
_KNOWN = set(CSV_COLUMNS) | set(ICH_COLUMNS)


class MetadataError(ValueError):
    """The CSV cannot be used; ``problems`` lists each one with its row number."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
        super().__init__(f"{path}: " + "; ".join(shown))


@dataclass
class ItemRecord:
    """One item to ingest: its metadata and the files that belong to it."""

    id: str
    museum: str
    hall: str | None
    section: str | None
    title: dict[str, list[str]]
    description: dict[str, list[str]]
    metadata: dict[str, dict[str, list[str]]]
    object_type: str | None
    date_start: int | None
    date_end: int | None
    accession_number: str | None
    rights: str | None
    files: list[Path] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    row: int | None = None
    #: problems that do not stop the record (a date text that cannot be read), for the report
    warnings: list[str] = field(default_factory=list)
    #: the CSV the record was read from (see ``Item.source``); not part of the fingerprint
    source: str | None = None

    def fingerprint(self) -> str:
        """A hash of the metadata, to recognise a row that has not changed."""
        data = {k: v for k, v in self.__dict__.items() if k not in ("files", "row", "warnings", "source")}
        data["files"] = [p.name for p in self.files]
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _years(row: dict[str, str], index: int, warnings: list[str]) -> tuple[int | None, int | None]:
    """``date_start``/``date_end`` of a row as catalogues write them (:mod:`exhibits.dates`), else
    from its ``period``; unreadable or contradictory years become empty, with a warning."""
    period = row.get("period") or row.get("period_zh") or row.get("period_en") or None
    reading = read_dates(row.get("date_start") or None, row.get("date_end") or None, period)
    warnings.extend(f"row {index}: {w}" for w in reading.warnings)
    start, end = reading.start, reading.end
    if start is not None and end is not None and start > end:
        warnings.append(f"row {index}: date_start {start} is after date_end {end}; the record is kept without years")
        return None, None
    return start, end


def _resolve_file(base: Path, name: str, problems: list[str], row: int) -> Path | None:
    name = name.strip()
    if not name:
        return None
    candidate = Path(name)
    if candidate.is_absolute() or "\\" in name or any(part == ".." for part in candidate.parts):
        problems.append(f"row {row}: file {name!r} must be a path inside the CSV's folder")
        return None
    resolved = (base / candidate).resolve()
    if not resolved.is_relative_to(base.resolve()):
        problems.append(f"row {row}: file {name!r} leaves the CSV's folder")
        return None
    return resolved


def read_metadata(path: Path, museum: str | None = None, hall: str | None = None,
                  check: Callable[[list[ItemRecord]], list[tuple[int, str]]] | None = None) -> list[ItemRecord]:
    """Parse and check the whole table (CSV or .xlsx); raise MetadataError listing every problem.

    ``museum`` and ``hall`` are defaults for rows that leave those columns empty. ``check``
    adds problems found elsewhere (unknown museums, halls, sections) as ``(row, message)``,
    so every problem of the table is reported in one pass.
    """
    path = Path(path)
    try:
        table = read_table(path)
    except TableError as exc:
        raise MetadataError(path, [exc.problem]) from None
    header = [h.strip() for h in table.header]
    defaults = {"museum": museum, "hall": hall}
    if not any(header):
        raise MetadataError(path, ["the CSV is empty (no header row)"])
    missing = [c for c in REQUIRED_COLUMNS if c not in header and not defaults.get(c)]
    if missing:
        raise MetadataError(path, [f"row 1: missing required column(s): {', '.join(missing)}"])
    if "title_zh" not in header and "title_en" not in header:
        raise MetadataError(path, ["row 1: needs a title_zh or title_en column"])
    duplicates = {h for h in header if h and header.count(h) > 1}
    if duplicates:
        raise MetadataError(path, [f"row 1: column(s) {', '.join(sorted(duplicates))} appear more than once"])
    base = path.parent
    problems: list[tuple[int, str]] = []
    records: list[ItemRecord] = []
    first_row_of: dict[str, int] = {}
    for index, cells in table.rows:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append((index, f"row {index}: has more fields than the header"))
            continue
        row = {name: (cells[i] if i < len(cells) else "").strip() for i, name in enumerate(header) if name}
        if not any(row.values()):
            continue
        row["museum"] = row.get("museum") or museum or ""
        row["hall"] = row.get("hall") or hall or ""
        row_problems: list[str] = []
        item_id = row.get("id", "")
        if not ITEM_ID.match(item_id):
            row_problems.append(f"row {index}: id {item_id!r} must be letters, digits, '.', '_' or '-' (at most 128)")
        elif item_id in first_row_of:
            row_problems.append(f"row {index}: id {item_id!r} is a duplicate of row {first_row_of[item_id]}")
        else:
            first_row_of[item_id] = index
        if not row.get("museum"):
            row_problems.append(f"row {index}: museum is empty")
        title = lang_value(None, row.get("title_zh"), row.get("title_en"))
        if not title:
            row_problems.append(f"row {index}: needs title_zh or title_en")
        row_warnings: list[str] = []
        start, end = _years(row, index, row_warnings)
        files = []
        for name in row.get("files", "").split(";"):
            resolved = _resolve_file(base, name, row_problems, index)
            if resolved is not None:
                files.append(resolved)
        problems.extend((index, p) for p in row_problems)
        metadata: dict[str, dict[str, list[str]]] = {}
        for name in FIELD_BY_NAME:
            value = lang_value(row.get(name), row.get(f"{name}_zh"), row.get(f"{name}_en"))
            value = with_known_translations(name, value)
            if value:
                metadata[name] = value
        consumed = _KNOWN | {f"{n}_{lang}" for n in FIELD_BY_NAME for lang in ("zh", "en")}
        extra = {k: v for k, v in row.items() if k not in consumed and v}
        records.append(
            ItemRecord(
                id=item_id,
                museum=row.get("museum", ""),
                hall=row.get("hall") or None,
                section=row.get("section") or None,
                title=title,
                description=lang_value(None, row.get("description_zh"), row.get("description_en")),
                metadata=metadata,
                object_type=row.get("object_type") or None,
                date_start=start,
                date_end=end,
                accession_number=row.get("accession_number") or None,
                rights=row.get("rights") or None,
                files=files,
                extra=extra,
                row=index,
                warnings=row_warnings,
            )
        )
    if check is not None:
        problems.extend(check([r for r in records if ITEM_ID.match(r.id) and r.museum]))
    if problems:
        raise MetadataError(path, [message for _, message in sorted(problems, key=lambda p: p[0])])
    if not records:
        raise MetadataError(path, ["the CSV has a header but no rows"])
    if table.warnings and records:
        records[0].warnings[:0] = table.warnings
    return records
