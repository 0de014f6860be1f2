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
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exhibits import curation
from exhibits.identity import SYSTEM, Identity
from exhibits.models import Asset, Hall, Item, Museum, Section
from exhibits.states import ItemState
from media.detect import Detected, detect, mislabelled
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
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("image_id", "error"):
            if data[key] is None:
                data.pop(key)
        if not self.warnings:
            data.pop("warnings")
        return data


class IngestError(ValueError):
    """The batch as a whole cannot start (bad options)."""


@dataclass
class BatchReport:
    """What a run found beyond its files, filled in once the batch generator is exhausted."""

    #: the items the CSV listed on an earlier run and no longer lists (still in the catalogue, never deleted)
    missing: list[Any] = field(default_factory=list)

    def missing_sentence(self) -> str:
        if not self.missing:
            return ""
        ids = ", ".join(m.id for m in self.missing[:50]) + (f" … ({len(self.missing)} in all)" if len(self.missing) > 50 else "")
        return f"in the catalogue but not in this CSV: {ids}"


def ingest_batch(
    runtime: Any,
    paths: Iterable[Path] = (),
    metadata: Path | None = None,
    museum: str | None = None,
    hall: str | None = None,
    draft: bool = False,
    progress: Progress | None = None,
    source: str | None = None,
    report: BatchReport | None = None,
    identity: Identity = SYSTEM,
) -> Iterator[FileResult]:
    """Ingest a batch; yields one FileResult per file (and per media-less record).

    ``runtime`` provides ``.settings``, ``.db``, ``.store`` and ``.index``. With a metadata CSV, items remember
    it (``source``: a name for it, by default its resolved path) and its rows; at the end ``report.missing``
    lists the items that came from it before and that it no longer lists, in the museums ``identity`` curates.
    Raises MetadataError (CSV refused, nothing ingested) or IngestError before any work.
    """
    places: dict[str, tuple[int, int, int | None]] = {}
    if metadata is not None:
        def check(found: list[ItemRecord]) -> list[tuple[int, str]]:
            resolved, problems = _resolve_places(runtime, found)
            places.update(resolved)
            return problems

        records = read_metadata(Path(metadata), museum=museum, hall=hall, check=check)
        source = source or str(Path(metadata).resolve())
        for record in records:
            record.source = source
    else:
        records = records_from_paths([Path(p) for p in paths], museum, hall)
        resolved, problems = _resolve_places(runtime, records)
        if problems:
            raise IngestError("; ".join(message for _, message in problems))
        places.update(resolved)
    index = _IndexBatch(runtime)
    try:
        yield from _ingest_all(runtime, records, places, draft, progress, index, identity)
    finally:
        index.close()
    if metadata is not None:
        with runtime.db.session() as session:
            missing = curation.record_sources(session, identity, source, {r.id: r.row for r in records})
        if report is not None:
            report.missing = missing


def _ingest_all(runtime: Any, records: list[ItemRecord], places: dict[str, tuple[int, int, int | None]],
                draft: bool, progress: Progress | None, index: "_IndexBatch", identity: Identity) -> Iterator[FileResult]:
    pending: list[ItemRecord] = []  # records without media, written in batched transactions
    for record in records:
        if not record.files:
            pending.append(record)
            if len(pending) >= WRITE_BATCH:
                yield from _ingest_records(runtime, pending, places, draft, progress, index, identity)
                pending = []
            continue
        if pending:
            yield from _ingest_records(runtime, pending, places, draft, progress, index, identity)
            pending = []
        results = _ingest_guarded(runtime, record, places[record.id], draft, progress, identity)
        if any(r.status == "ingested" for r in results):
            index.add([record.id])
        yield from results
    if pending:
        yield from _ingest_records(runtime, pending, places, draft, progress, index, identity)
    # even when every item was unchanged, leave the index caught up with the catalogue
    index.flush()


#: Records without media written per catalogue transaction.
WRITE_BATCH = 500
#: The search index takes the items written so far at least this often (items, seconds).
INDEX_BATCH, INDEX_SECONDS = 2000, 5.0
#: A run longer than INDEX_BATCH is indexed by worker processes beside the catalogue writes (Whoosh),
#: committed at least every BULK_BATCH items or BULK_SECONDS (the index stays locked meanwhile).
BULK_BATCH, BULK_SECONDS = 20_000, 60.0


class _IndexBatch:
    """Items waiting for the search index, written in batches (one index commit each).

    Once a run reaches INDEX_BATCH items and the backend can append in parallel (Whoosh), the items
    go to :class:`search.sync.BulkReindex`: worker processes load, analyse and write them while this
    process writes the catalogue, committed every BULK_BATCH items and at the end.
    The catalogue is the truth; if the process dies before a flush, the index's sync marker
    (search/sync.py) makes the next ingest or ``jinshi index rebuild`` catch these items up.
    """

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.ids: list[str] = []
        self.since = time.monotonic()
        self.bulk = None
        self.bulk_since = 0.0
        self.bulk_failed = False

    def add(self, item_ids: list[str]) -> None:
        if self.bulk is not None:
            try:
                self.bulk.add(item_ids)
            except Exception as exc:  # noqa: BLE001 - a worker died: the serial batches take over
                self._abandon_bulk(exc)
            else:
                if self.bulk.count >= BULK_BATCH or time.monotonic() - self.bulk_since >= BULK_SECONDS:
                    self._finish_bulk()
                return
        if not self.ids:
            self.since = time.monotonic()
        self.ids.extend(item_ids)
        if len(self.ids) >= INDEX_BATCH and not self.bulk_failed and self._start_bulk():
            return
        if len(self.ids) >= INDEX_BATCH or time.monotonic() - self.since >= INDEX_SECONDS:
            self.flush()

    def _start_bulk(self) -> bool:
        from search.sync import BulkReindex

        if not hasattr(self.runtime.index, "parallel_append"):
            return False
        try:
            self.bulk = BulkReindex(self.runtime.db, self.runtime.index)
        except Exception as exc:  # noqa: BLE001 - the index is repairable: go on with the serial batches
            log.error("the search index could not start a parallel append (%s); indexing in batches", _describe(exc))
            log.warning("parallel append failed to start", exc_info=True)
            return False
        self.bulk_since = time.monotonic()
        ids, self.ids = self.ids, []
        self.bulk.add(ids)
        return True

    def _abandon_bulk(self, exc: Exception) -> None:
        """Stop the parallel append; the marker did not move, so the next flush catches every item up."""
        log.error("the parallel search index append failed (%s); indexing in batches", _describe(exc))
        log.warning("parallel search index append failed", exc_info=True)
        bulk, self.bulk = self.bulk, None
        bulk.cancel()
        self.bulk_failed = True

    def _finish_bulk(self) -> bool:
        bulk, self.bulk = self.bulk, None
        try:
            bulk.finish()
            return True
        except Exception as exc:  # noqa: BLE001 - the catalogue write stands; the marker did not move
            log.error("the parallel search index append failed (%s); the serial sync catches the items up",
                      _describe(exc))
            log.warning("parallel search index append failed", exc_info=True)
            self.bulk_failed = True
            return False

    def flush(self) -> None:
        if self.bulk is not None and self._finish_bulk() and not self.ids:
            return  # finish() caught up and checked the index as _sync_index would
        ids, self.ids = self.ids, []
        _sync_index(self.runtime, ids)

    def close(self) -> None:
        """Stop the workers without committing (the ingest itself failed)."""
        if self.bulk is not None:
            self.bulk.cancel()
            self.bulk = None


def _ingest_records(runtime: Any, records: list[ItemRecord], places: dict[str, tuple[int, int, int | None]],
                    draft: bool, progress: Progress | None, index: _IndexBatch, identity: Identity) -> list[FileResult]:
    """Records without media: skip the unchanged ones, write the rest in one transaction.

    If that transaction fails, each record is tried on its own, so one bad record fails alone.
    """
    fingerprints = {r.id: _fingerprint(r, []) for r in records}
    try:
        results: list[FileResult] = []
        written: list[str] = []
        fresh: list[ItemRecord] = []
        with runtime.db.session() as session:
            known = curation.existing_states(session, [r.id for r in records])
            changed = [r.id for r in records if r.id in known and known[r.id] != (ItemState.READY, fingerprints[r.id])]
            existing = {i.id: i for i in session.scalars(
                select(Item).where(Item.id.in_(changed)).options(selectinload(Item.assets)))} if changed else {}
            for record in records:
                if record.id not in known:  # new: inserted in bulk below
                    fresh.append(record)
                elif record.id not in existing:
                    results.append(FileResult(None, "unchanged", record.id))
                    continue
                else:  # changed, or failed before: the ORM path, which keeps the overwrite's history
                    curation.write_ingested_item(session, identity, existing[record.id], record, places[record.id],
                                                 draft, fingerprints[record.id], [])
                written.append(record.id)
                results.append(FileResult(None, "ingested", record.id, warnings=list(record.warnings)))
            session.flush()
            curation.insert_new_items(session, identity, fresh, places, draft, fingerprints)
    except Exception:  # noqa: BLE001 - find the record that failed by trying each alone
        log.warning("a batch of %d records failed; trying each on its own", len(records), exc_info=True)
        results = []
        for record in records:
            one = _ingest_guarded(runtime, record, places[record.id], draft, None, identity)
            if any(r.status == "ingested" for r in one):
                index.add([record.id])
            results.extend(one)
        return results
    # progress only once the transaction is over: a job's progress callback writes its heartbeat, which would
    # wait for this transaction's lock on SQLite (30 s per record) if called inside it
    if progress:
        for record in records:
            progress(record.id)
    index.add(written)
    return results


def _fingerprint(record: ItemRecord, hashes: list[str]) -> str:
    return hashlib.sha256((record.fingerprint() + repr(sorted(hashes))).encode()).hexdigest()


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


def check_places(runtime: Any, records: list[ItemRecord], source: Path | None = None) -> dict[str, tuple[int, int, int | None]]:
    """Refuse records whose museum, hall or section is not defined, naming every one, before any work.

    Raises MetadataError (with ``source``, the CSV) or IngestError (files without a CSV).
    """
    places, problems = _resolve_places(runtime, records)
    if problems:
        messages = [message for _, message in sorted(problems, key=lambda p: p[0])]
        if source is not None:
            raise MetadataError(source, messages)
        raise IngestError("; ".join(messages))
    return places


def _resolve_places(runtime: Any, records: list[ItemRecord]) -> tuple[dict[str, tuple[int, int, int | None]], list[tuple[int, str]]]:
    """Resolve museum/hall/section slugs; every unknown one is a problem ``(row, message)``."""
    problems: list[tuple[int, str]] = []
    places: dict[str, tuple[int, int, int | None]] = {}
    with runtime.db.session() as session:
        museums = {m.slug: m.id for m in session.scalars(select(Museum))}
        halls = {h.slug: (h.id, h.museum_id) for h in session.scalars(select(Hall))}
        sections = {(s.hall_id, s.slug): s.id for s in session.scalars(select(Section))}
    for record in records:
        where = f"row {record.row}: " if record.row else f"{record.files[0].name}: "
        row = record.row or 0
        museum_id = museums.get(record.museum)
        if museum_id is None:
            problems.append((row, f"{where}museum {record.museum!r} is not defined (load it with 'jinshi halls load')"))
            continue
        if not record.hall:
            problems.append((row, f"{where}hall is empty"))
            continue
        hall = halls.get(record.hall)
        if hall is None or hall[1] != museum_id:
            problems.append((row, f"{where}hall {record.hall!r} is not defined in museum {record.museum!r}"))
            continue
        section_id = None
        if record.section:
            section_id = sections.get((hall[0], record.section))
            if section_id is None:
                problems.append((row, f"{where}section {record.section!r} is not defined in hall {record.hall!r}"))
                continue
        places[record.id] = (museum_id, hall[0], section_id)
    return places, problems


def _ingest_guarded(runtime: Any, record: ItemRecord, place: tuple[int, int, int | None], draft: bool,
                    progress: Progress | None, identity: Identity = SYSTEM) -> list[FileResult]:
    """One item, whatever happens: an exception anywhere in its processing fails this item only.

    Media handlers' own exceptions are caught per file in :func:`_ingest_item`; this catches the
    rest (grouping, hashing, the catalogue write), logs the traceback (``jinshi ingest --verbose``)
    and records the item as failed, so the batch goes on with the next item.
    """
    try:
        return list(_ingest_item(runtime, record, place, draft, progress, identity))
    except Exception as exc:  # noqa: BLE001 - one item never sinks the batch
        log.warning("item %s failed", record.id, exc_info=True)
        reason = f"could not be processed ({_describe(exc)})"
        kept = False
        try:
            kept = _mark_failed(runtime, record, place, reason, identity)
        except Exception:  # noqa: BLE001 - the catalogue itself is unreachable: report, go on
            log.warning("item %s: its failure could not be recorded", record.id, exc_info=True)
        notes = [_kept_note(record.id)] if kept else []
        if not record.files:
            return [FileResult(None, "failed", record.id, error=f"{record.id}: {reason}", warnings=notes)]
        return [FileResult(str(p), "failed", record.id, error=f"{p.name}: {reason}", warnings=list(notes)) for p in record.files]


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _kept_note(item_id: str) -> str:
    return f"item {item_id} keeps its last good version (still online if it was published) until this is fixed"


def _ingest_item(runtime: Any, record: ItemRecord, place: tuple[int, int, int | None], draft: bool,
                 progress: Progress | None, identity: Identity = SYSTEM) -> Iterator[FileResult]:
    results: dict[Path, FileResult] = {}
    warnings: dict[Path, list[str]] = {}
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
            continue
        if mislabelled(path, kind):
            # content decides; the name only warns (as DROID and Siegfried report an extension mismatch)
            warnings.setdefault(path, []).append(
                f"{path.name}: the content is a {kind.label} but the name ends in '{path.suffix}'; ingested as {kind.label}")
        detected.append((path, kind))
    media, orphans = group_files(detected, unknown)
    for path, reason in orphans:
        results[path] = FileResult(str(path), "failed", record.id, error=f"{path.name}: {reason}")

    hashes = {path: sha256_file(path) for path, _ in [*detected, *unknown]}  # read once: to skip and to store
    if not results:
        fingerprint = _fingerprint(record, list(hashes.values()))
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
            warnings.setdefault(entry.path, []).extend(
                f"{entry.path.name}: {w}" for w in facts.info.get("warnings") or () if isinstance(w, str))
        except MediaError as exc:
            results[entry.path] = FileResult(str(entry.path), "failed", record.id, error=f"{entry.path.name}: {exc}")
        except OSError as exc:
            results[entry.path] = FileResult(str(entry.path), "failed", record.id, error=f"{entry.path.name}: cannot be read ({exc.strerror or exc})")
        except Exception as exc:  # noqa: BLE001 - a library's bug in one file fails that file, not the batch
            log.warning("%s: the %s handler failed", entry.path, entry.detected.kind, exc_info=True)
            results[entry.path] = FileResult(
                str(entry.path), "failed", record.id,
                error=f"{entry.path.name}: could not be processed ({_describe(exc)}); 'jinshi ingest --verbose' shows the details")
        for path, _ in entry.companions:
            if path in results or entry.path in results:
                results.setdefault(path, FileResult(str(path), "failed", record.id, error=f"{path.name}: its media file {entry.path.name} failed"))

    failures = [r for r in results.values() if r.status == "failed"]
    if failures:
        companions_stored = [c.sha256 for *_, companions in processed for c in companions]
        _forget_originals(runtime, stored_here + companions_stored)
        kept = _mark_failed(runtime, record, place, "; ".join(r.error or "" for r in failures), identity)
        for path in record.files:
            result = results.get(path) or FileResult(str(path), "failed", record.id, error=f"{path.name}: not ingested because another file of item {record.id} failed")
            result.warnings = warnings.get(path, []) + ([_kept_note(record.id)] if kept else [])
            yield result
        return

    assets = _write_item(runtime, record, place, draft, fingerprint, processed, identity)
    by_path = {path: (asset_id, sha, kind) for path, asset_id, sha, kind in assets}
    if not record.files:
        yield FileResult(None, "ingested", record.id, warnings=list(record.warnings))
    for index, path in enumerate(record.files):
        asset_id, sha, kind = by_path.get(path, (None, None, None))
        notes = (list(record.warnings) if index == 0 else []) + warnings.get(path, [])
        yield FileResult(str(path), "ingested", record.id, asset_id, sha if kind == "image" else None, warnings=notes)


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


def _mark_failed(runtime: Any, record: ItemRecord, place: tuple[int, int, int | None], reason: str,
                 identity: Identity = SYSTEM) -> bool:
    """Record the failure through the curation service; True when the item keeps its last good version."""
    with runtime.db.session() as session:
        return curation.mark_ingest_failed(session, identity, record, place, reason)


def _write_item(runtime: Any, record: ItemRecord, place, draft: bool, fingerprint: str | None,
                processed, identity: Identity = SYSTEM) -> list[tuple[Path, int, str, str]]:
    """Write the item and all its assets in one transaction, as 'ready', through the curation service."""
    written: list[tuple[Path, Asset]] = []
    position = 0
    for entry, sha, size, facts, companions in processed:
        written.append((entry.path, _asset(sha, size, entry.path.name, facts, position)))
        position += 1
        for companion in companions:
            written.append((companion.path, _asset(companion.sha256, companion.size, companion.path.name,
                                                   companion.facts, position)))
            position += 1
    with runtime.db.session() as session:
        curation.write_ingested_item(session, identity, session.get(Item, record.id), record, place, draft,
                                     fingerprint, [asset for _, asset in written])
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
    except Exception as exc:  # noqa: BLE001 - the index is repairable, the catalogue write stands
        log.error("the search index was not updated (%s); the next ingest or 'jinshi index rebuild' catches it up",
                  _describe(exc))
        log.warning("search index update failed for %d items", len(item_ids), exc_info=True)
