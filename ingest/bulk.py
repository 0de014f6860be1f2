"""New records without media written in bulk: Core ``INSERT`` statements, one per table and chunk.

What :func:`ingest.batch._write_item_in` does for one new item through the ORM (an ``Item`` row as
'ready', its publication, and the change-log row :func:`exhibits.changes.note_item` would add),
done here for a chunk of new items in the caller's transaction with two executemany inserts and
two lookups: the ORM's per-item flushes, lazy loads and change-log queries were most of an ingest's
catalogue time. Items that already exist (changed rows, failed items) keep going through the ORM
path, which also records the curator-visible history of the overwrite.
"""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from exhibits.changes import action_for
from exhibits.models import Change, Hall, Item, Museum, utcnow
from exhibits.states import ItemState, Publication
from ingest.metadata import ItemRecord

Place = tuple[int, int | None, int | None]


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


def insert_new_items(session: Session, records: list[ItemRecord], places: dict[str, Place], draft: bool,
                     fingerprints: dict[str, str]) -> None:
    """Insert ``records`` (none of them in the catalogue yet) as ready items, with their change-log rows."""
    if not records:
        return
    ids = [r.id for r in records]
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
            "metadata_": {**record.metadata, **({"extra": record.extra} if record.extra else {})},
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
    session.execute(insert(Item), rows)
    if changes:
        session.execute(insert(Change), changes)
