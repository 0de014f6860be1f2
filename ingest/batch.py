"""The ingest pipeline: files and metadata in, catalogue records, derivatives and index entries out.

For each item: detect every file by content, store originals (content-addressed), make
derivatives, then write the item and its assets in ONE transaction with state 'ready',
then update the search index. A failed file fails its item (state 'failed', with the
reason) and leaves nothing of itself in the media store; the rest of the batch goes on.
Re-running a batch skips items whose metadata and files have not changed.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import select

from exhibits import changes
from exhibits import editing
from exhibits.identity import SYSTEM
from exhibits.models import Asset, Hall, Item, Museum, Section
from exhibits.states import ItemState, Publication
from ingest.detect import Detected, detect, mislabelled
from ingest.grouping import group_files
from ingest.handlers import AssetFacts, Companion, MediaFile, handler_for
from ingest.metadata import ItemRecord, MetadataError, read_metadata
from media.errors import MediaError
from media.store import sha256_file

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass
class FileResult:
    """One line of ``jinshi ingest --json`` (DESIGN.md)."""

    file: str | None
    status: str  # 'ingested' | 'unchanged' | 'failed'
    item: str | None = None
    asset: int | None = None
    image_id: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.image_id is None:
            data.pop("image_id")
        if self.error is None:
            data.pop("error")
        return data


class IngestError(ValueError):
    """The batch as a whole cannot start (bad options)."""


def ingest_batch(
    runtime: Any,
    paths: Iterable[Path] = (),
    metadata: Path | None = None,
    museum: str | None = None,
    hall: str | None = None,
    draft: bool = False,
    progress: Progress | None = None,
) -> Iterator[FileResult]:
    """Ingest a batch; yields one FileResult per file (and per media-less record).

    ``runtime`` provides ``.settings``, ``.db``, ``.store`` and ``.index``.
    Raises MetadataError (CSV refused, nothing ingested) or IngestError before any work.
    """
    if metadata is not None:
        records = read_metadata(Path(metadata), museum=museum, hall=hall)
    else:
        records = records_from_paths([Path(p) for p in paths], museum, hall)
    places = _check_places(runtime, records, metadata)
    for record in records:
        yield from _ingest_item(runtime, record, places[record.id], draft, progress)
    # even when every item was unchanged, leave the index caught up with the catalogue
    _sync_index(runtime, [])


def records_from_paths(paths: list[Path], museum: str | None, hall: str | None) -> list[ItemRecord]:
    """Without a CSV each media file becomes an item named after the file (companions join it)."""
    if not paths:
        raise IngestError("no files given (pass files or --metadata FILE.csv)")
    if not museum or not hall:
        raise IngestError("without --metadata, say where the items go with --museum SLUG and --hall SLUG")
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            expanded.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            expanded.append(path)
    by_item: dict[str, list[Path]] = {}
    for path in expanded:
        by_item.setdefault(slugify(path.name.split(".")[0]), []).append(path.resolve())
    return [
        ItemRecord(
            id=item_id, museum=museum, hall=hall, section=None, title={"none": [files[0].name.split(".")[0]]},
            description={}, metadata={}, object_type=None, date_start=None, date_end=None,
            accession_number=None, rights=None, files=files,
        )
        for item_id, files in by_item.items()
    ]


def slugify(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:128]
    if not slug:
        slug = "item-" + hashlib.sha1(text.encode()).hexdigest()[:10]
    return slug


def _check_places(runtime: Any, records: list[ItemRecord], source: Path | None) -> dict[str, tuple[int, int, int | None]]:
    """Resolve museum/hall/section slugs; refuse the batch listing every unknown one."""
    problems: list[str] = []
    places: dict[str, tuple[int, int, int | None]] = {}
    with runtime.db.session() as session:
        museums = {m.slug: m.id for m in session.scalars(select(Museum))}
        halls = {h.slug: (h.id, h.museum_id) for h in session.scalars(select(Hall))}
        sections = {(s.hall_id, s.slug): s.id for s in session.scalars(select(Section))}
    for record in records:
        where = f"row {record.row}: " if record.row else f"{record.files[0].name}: "
        museum_id = museums.get(record.museum)
        if museum_id is None:
            problems.append(f"{where}museum {record.museum!r} is not defined (load it with 'jinshi halls load')")
            continue
        if not record.hall:
            problems.append(f"{where}hall is empty")
            continue
        hall = halls.get(record.hall)
        if hall is None or hall[1] != museum_id:
            problems.append(f"{where}hall {record.hall!r} is not defined in museum {record.museum!r}")
            continue
        section_id = None
        if record.section:
            section_id = sections.get((hall[0], record.section))
            if section_id is None:
                problems.append(f"{where}section {record.section!r} is not defined in hall {record.hall!r}")
                continue
        places[record.id] = (museum_id, hall[0], section_id)
    if problems:
        if source is not None:
            raise MetadataError(source, problems)
        raise IngestError("; ".join(problems))
    return places


def _ingest_item(runtime: Any, record: ItemRecord, place: tuple[int, int, int | None], draft: bool, progress: Progress | None) -> Iterator[FileResult]:
    results: dict[Path, FileResult] = {}
    detected: list[tuple[Path, Detected]] = []
    unknown: list[tuple[Path, Detected]] = []
    for path in record.files:
        if progress:
            progress(path.name)
        problem = _check_file(path, runtime.settings.max_file_bytes)
        if problem:
            results[path] = FileResult(str(path), "failed", record.id, error=f"{path.name}: {problem}")
            continue
        kind = detect(path)
        if kind.kind == "unknown":
            unknown.append((path, kind))
        elif mislabelled(path, kind):
            results[path] = FileResult(
                str(path), "failed", record.id,
                error=f"{path.name}: content is a {kind.label} but the name ends in '{path.suffix}'; rename the file and ingest again",
            )
        else:
            detected.append((path, kind))
    media, orphans = group_files(detected, unknown)
    for path, reason in orphans:
        results[path] = FileResult(str(path), "failed", record.id, error=f"{path.name}: {reason}")

    hashes = {path: sha256_file(path) for path, _ in [*detected, *unknown]}  # read once: to skip and to store
    if not results:
        fingerprint = hashlib.sha256((record.fingerprint() + repr(sorted(hashes.values()))).encode()).hexdigest()
        if _unchanged(runtime, record.id, fingerprint):
            for path in record.files or [None]:
                yield FileResult(str(path) if path else None, "unchanged", record.id)
            return
    else:
        fingerprint = None

    stored_here: list[str] = []  # originals this run created, removed again if the item fails
    processed: list[tuple[MediaFile, str, int, AssetFacts, list[Companion]]] = []
    for entry in media:
        if entry.path in results:
            continue
        try:
            sha, size, created = _store(runtime, entry.path, hashes[entry.path])
            if created:
                stored_here.append(sha)
            handler = handler_for(entry.detected.kind)
            if handler is None:
                raise MediaError(f"{entry.detected.label} files are not supported yet")
            facts, companions = handler.process(runtime.store, runtime.settings, sha, entry)
            processed.append((entry, sha, size, facts, companions))
        except MediaError as exc:
            results[entry.path] = FileResult(str(entry.path), "failed", record.id, error=f"{entry.path.name}: {exc}")
        except OSError as exc:
            results[entry.path] = FileResult(str(entry.path), "failed", record.id, error=f"{entry.path.name}: cannot be read ({exc.strerror or exc})")
        for path, _ in entry.companions:
            if path in results or entry.path in results:
                results.setdefault(path, FileResult(str(path), "failed", record.id, error=f"{path.name}: its media file {entry.path.name} failed"))

    failures = [r for r in results.values() if r.status == "failed"]
    if failures:
        companions_stored = [c.sha256 for *_, companions in processed for c in companions]
        _forget_originals(runtime, stored_here + companions_stored)
        _mark_failed(runtime, record, place, "; ".join(r.error or "" for r in failures))
        for path in record.files:
            yield results.get(path) or FileResult(str(path), "failed", record.id, error=f"{path.name}: not ingested because another file of item {record.id} failed")
        return

    assets = _write_item(runtime, record, place, draft, fingerprint, processed)
    _sync_index(runtime, [record.id])
    by_path = {path: (asset_id, sha, kind) for path, asset_id, sha, kind in assets}
    if not record.files:
        yield FileResult(None, "ingested", record.id)
    for path in record.files:
        asset_id, sha, kind = by_path.get(path, (None, None, None))
        yield FileResult(str(path), "ingested", record.id, asset_id, sha if kind == "image" else None)


def _check_file(path: Path, max_bytes: int) -> str | None:
    if not path.exists():
        return "file not found"
    if not path.is_file():
        return "not a regular file"
    size = path.stat().st_size
    if size == 0:
        return "the file is empty (0 bytes)"
    if size > max_bytes:
        return f"the file is {size} bytes, over the limit of {max_bytes} bytes"
    return None


def _store(runtime: Any, path: Path, sha: str) -> tuple[str, int, bool]:
    """Store an original already hashed as ``sha``; copying re-hashes, so the stored name is always true."""
    if runtime.store.has_original(sha):
        return sha, path.stat().st_size, False
    stored = runtime.store.put_file(path, max_bytes=runtime.settings.max_file_bytes)
    return stored.sha256, stored.size, stored.created


def _unchanged(runtime: Any, item_id: str, fingerprint: str) -> bool:
    with runtime.db.session() as session:
        item = session.get(Item, item_id)
        return bool(item and item.state == "ready" and item.source_hash == fingerprint)


def _forget_originals(runtime: Any, shas: list[str]) -> None:
    """Remove originals this run stored for a failed item, unless another asset uses them."""
    if not shas:
        return
    with runtime.db.session() as session:
        used = set(session.scalars(select(Asset.sha256).where(Asset.sha256.in_(shas))))
    for sha in shas:
        if sha not in used:
            runtime.store.delete(sha)


def _apply_record(item: Item, record: ItemRecord, place: tuple[int, int, int | None]) -> None:
    item.museum_id, item.hall_id, item.section_id = place
    item.title = record.title
    item.description = record.description
    item.metadata_ = {**record.metadata, **({"extra": record.extra} if record.extra else {})}
    item.object_type = record.object_type
    item.date_start, item.date_end = record.date_start, record.date_end
    item.accession_number = record.accession_number
    item.rights = record.rights


def _mark_failed(runtime: Any, record: ItemRecord, place: tuple[int, int, int | None], reason: str) -> None:
    """A new item is kept as 'failed' for the curator; a published one keeps its last good version."""
    with runtime.db.session() as session:
        item = session.get(Item, record.id)
        if item is None:
            item = Item(id=record.id)
            _apply_record(item, record, place)
            item.state = "failed"
            session.add(item)
        elif item.state != "ready":
            _apply_record(item, record, place)
            item.state = "failed"
        item.error = reason[:10_000]


def _write_item(runtime: Any, record: ItemRecord, place, draft: bool, fingerprint: str | None, processed) -> list[tuple[Path, int, str, str]]:
    """Write the item and all its assets in one transaction, as 'ready'."""
    written: list[tuple[Path, Asset]] = []
    with runtime.db.session() as session:
        item = session.get(Item, record.id)
        first_version = item is None or item.state != ItemState.READY
        # a changed row overwrites what curators edited: keep the record as it was, for the history
        before = None if first_version else editing.snapshot(item)
        if item is None:
            item = Item(id=record.id, position=record.row or 0)
            session.add(item)
        _apply_record(item, record, place)
        item.assets.clear()
        session.flush()
        if before is not None:
            session.expire(item, ["section", "hall", "museum"])
            editing.record_ingest_overwrite(session, SYSTEM, item, before)
        position = 0
        for entry, sha, size, facts, companions in processed:
            asset = _asset(sha, size, entry.path.name, facts, position)
            item.assets.append(asset)
            written.append((entry.path, asset))
            position += 1
            for companion in companions:
                extra = _asset(companion.sha256, companion.size, companion.path.name, companion.facts, position)
                item.assets.append(extra)
                written.append((companion.path, extra))
                position += 1
        item.state = "ready"
        item.error = None
        if first_version:  # publication changes later only by an explicit publish or withdraw
            item.publication = Publication.DRAFT if draft else Publication.PUBLISHED
        item.source_hash = fingerprint
        changes.note_item(session, item)  # Create/Update/Delete for harvesters, only if the public sees it
        session.flush()
        return [(path, asset.id, asset.sha256, asset.kind) for path, asset in written]


def _asset(sha: str, size: int, filename: str, facts: AssetFacts, position: int) -> Asset:
    return Asset(
        sha256=sha, size=size, filename=filename, kind=facts.kind, mime=facts.mime, role=facts.role,
        width=facts.width, height=facts.height, duration=facts.duration, language=facts.language,
        info=facts.info, position=position,
    )


def _sync_index(runtime: Any, item_ids: list[str]) -> None:
    """Bring the search index in line with the catalogue for these items.

    A failure here is logged, not raised: the catalogue is the truth, and the next
    ingest or ``jinshi index rebuild`` catches the index up.
    """
    from search.sync import reindex_items

    try:
        reindex_items(runtime.db, runtime.index, item_ids)
    except Exception:  # noqa: BLE001 - the index is repairable, the catalogue write stands
        log.exception("search index update failed for %s; it will be repaired by the next ingest or 'jinshi index rebuild'", item_ids)
