"""Ingest's writes of items, behind the curation service (re-exported by :mod:`exhibits.curation`): the CLI and
web jobs write an item only through these functions, which check that the identity curates the item's museum
(and, for an item that exists, the museum it is in) and add an audit row in the same transaction.

- :func:`write_item`: an ingested item and its assets as 'ready' (the ORM path: changed rows keep the history of
  what the overwrite replaced);
- :func:`mark_failed`: a failed ingest (a new item kept as 'failed'; a ready one keeps its last good version);
- :func:`insert_new_items`: new records without media in bulk, as below.

New records without media are written in bulk: Core ``INSERT`` statements, one per table and chunk.
What :func:`write_item` does for one new item through the ORM (an ``Item`` row as
'ready', its publication, and the change-log row :func:`exhibits.changes.note_item` would add),
done here for a chunk of new items in the caller's transaction with two executemany inserts and
two lookups: the ORM's per-item flushes, lazy loads and change-log queries were most of an ingest's
catalogue time. Items that already exist (changed rows, failed items) keep going through the ORM
path, which also records the curator-visible history of the overwrite.
"""
from __future__ import annotations

from typing import Any, Iterable, Protocol, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from exhibits import changes as change_log
from exhibits import editing
from exhibits.audit import record as audit
from exhibits.changes import action_for
from exhibits.identity import Identity, require_museum
from exhibits.models import Asset, Change, Hall, Item, Museum, utcnow
from exhibits.states import ItemState, Publication

Place = tuple[int, int | None, int | None]


class Record(Protocol):
    """What ingest knows of an item (``ingest.metadata.ItemRecord``)."""

    id: str
    title: dict[str, list[str]]
    description: dict[str, list[str]]
    metadata: dict[str, Any]
    extra: dict[str, str]
    object_type: str | None
    date_start: int | None
    date_end: int | None
    accession_number: str | None
    rights: str | None
    row: int | None
    source: str | None


def _require(session: Session, identity: Identity, museum_ids: Iterable[int]) -> None:
    """PermissionDenied unless ``identity`` curates every one of these museums."""
    wanted = set(museum_ids)
    if not wanted:
        return
    slugs = dict(session.execute(select(Museum.id, Museum.slug).where(Museum.id.in_(wanted))).tuples().all())
    for museum_id in sorted(wanted):
        require_museum(identity, slugs.get(museum_id))


def apply_record(item: Item, record: Record, place: Place) -> None:
    item.museum_id, item.hall_id, item.section_id = place
    item.title = record.title
    item.description = record.description
    item.metadata_ = {**record.metadata, **({"extra": record.extra} if record.extra else {})}
    item.object_type = record.object_type
    item.date_start, item.date_end = record.date_start, record.date_end
    item.accession_number = record.accession_number
    item.rights = record.rights
    if record.source is not None:
        item.source, item.source_row = record.source[:500], record.row


def write_item(session: Session, identity: Identity, item: Item | None, record: Record, place: Place, draft: bool,
               fingerprint: str | None, assets: Sequence[Asset]) -> Item:
    """Write an ingested item (``item``: the catalogue's row, or None) and its ``assets`` as 'ready' in ``session``."""
    _require(session, identity, {place[0]} | ({item.museum_id} if item is not None and item.museum_id else set()))
    first_version = item is None or item.state != ItemState.READY
    # a changed row overwrites what curators edited: keep the record as it was, for the history
    before = None if first_version else editing.snapshot(item)
    if item is None:
        item = Item(id=record.id, position=record.row or 0)
        session.add(item)
    apply_record(item, record, place)
    if item.assets:
        item.assets.clear()
        session.flush()
    if before is not None:
        session.expire(item, ["section", "hall", "museum"])
        editing.record_ingest_overwrite(session, identity, item, before)
    for asset in assets:
        item.assets.append(asset)
    item.state = ItemState.READY.value
    item.error = None
    if first_version:  # publication changes later only by an explicit publish or withdraw
        item.publication = Publication.DRAFT.value if draft else Publication.PUBLISHED.value
    item.source_hash = fingerprint
    audit(session, identity, "item.ingest", f"item:{record.id}", version="first" if first_version else "changed",
          assets=[a.sha256 for a in assets][:100])
    change_log.note_item(session, item)  # Create/Update/Delete for harvesters, only if the public sees it
    if assets:
        session.flush()  # the assets' ids
    return item


def mark_failed(session: Session, identity: Identity, record: Record, place: Place, reason: str) -> bool:
    """A new item is kept as 'failed' for the curator; a ready one keeps its last good version.

    Returns True when an earlier good version stays (still online if it was published); its
    stored error tells the curator why the new version was not taken, until a later run succeeds.
    """
    item = session.get(Item, record.id)
    _require(session, identity, {place[0]} | ({item.museum_id} if item is not None and item.museum_id else set()))
    kept = item is not None and item.state == ItemState.READY
    if item is None:
        item = Item(id=record.id)
        apply_record(item, record, place)
        item.state = ItemState.FAILED.value
        session.add(item)
    elif not kept:
        apply_record(item, record, place)
        item.state = ItemState.FAILED.value
    item.error = reason[:10_000]
    audit(session, identity, "item.ingest_failed", f"item:{record.id}", kept=kept, reason=reason[:500])
    return kept


def existing_states(session: Session, ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """``{id: (state, source_hash)}`` of the items among ``ids`` that the catalogue has."""
    rows = session.execute(select(Item.id, Item.state, Item.source_hash).where(Item.id.in_(ids)))
    return {row.id: (row.state, row.source_hash) for row in rows}


def _last_actions(session: Session, ids: list[str]) -> dict[str, str]:
    """The newest change-log action of each of ``ids`` (only ids that were ever public have one)."""
    rows = session.execute(select(Change.item_id, Change.action)
                           .where(Change.kind == "item", Change.item_id.in_(ids)).order_by(Change.id))
    return {row.item_id: row.action for row in rows}  # later rows overwrite earlier ones


def _place_facts(session: Session, places: Iterable[Place]) -> tuple[dict[int, str], dict[int, tuple[str, bool]]]:
    places = list(places)
    museum_ids = {p[0] for p in places}
    hall_ids = {p[1] for p in places if p[1] is not None}
    museums = dict(session.execute(select(Museum.id, Museum.slug).where(Museum.id.in_(museum_ids))).tuples().all())
    halls = {row.id: (row.slug, row.publication == Publication.PUBLISHED)
             for row in session.execute(select(Hall.id, Hall.slug, Hall.publication).where(Hall.id.in_(hall_ids)))}
    return museums, halls


def insert_new_items(session: Session, identity: Identity, records: Sequence[Record], places: dict[str, Place],
                     draft: bool, fingerprints: dict[str, str]) -> None:
    """Insert ``records`` (none of them in the catalogue yet) as ready items, with their change-log rows and one
    audit row for the chunk."""
    if not records:
        return
    ids = [r.id for r in records]
    _require(session, identity, {places[i][0] for i in ids})
    museums, halls = _place_facts(session, (places[i] for i in ids))
    previous = _last_actions(session, ids)
    publication = Publication.DRAFT.value if draft else Publication.PUBLISHED.value
    now = utcnow()
    rows: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for record in records:
        museum_id, hall_id, section_id = places[record.id]
        rows.append({
            "id": record.id, "position": record.row or 0,
            "museum_id": museum_id, "hall_id": hall_id, "section_id": section_id,
            "title": record.title, "description": record.description,
            "metadata": {**record.metadata, **({"extra": record.extra} if record.extra else {})},
            "object_type": record.object_type, "date_start": record.date_start, "date_end": record.date_end,
            "accession_number": record.accession_number, "rights": record.rights,
            "state": ItemState.READY.value, "error": None, "publication": publication,
            "source_hash": fingerprints[record.id], "created": now, "updated": now,
            "source": record.source[:500] if record.source else None,
            "source_row": record.row if record.source else None,
        })
        hall = halls.get(hall_id) if hall_id is not None else None
        visible = not draft and (hall_id is None or (hall is not None and hall[1]))
        action = action_for(previous.get(record.id), visible)
        if action is not None:
            museum = museums[museum_id]
            spec = f"{museum}:{hall[0]}" if hall is not None else museum
            changes.append({"item_id": record.id, "kind": "item", "action": action, "set_spec": spec, "at": now})
    # Core inserts on the tables (keys are column names): the ORM's bulk insert costs more than SQLite's work
    session.execute(Item.__table__.insert(), rows)
    audit(session, identity, "item.ingest", f"items:{len(ids)}", version="first", items=ids[:1000])
    if changes:
        session.execute(Change.__table__.insert(), changes)
