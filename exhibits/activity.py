"""IIIF Change Discovery 1.0: the change log as an Activity Streams OrderedCollection.

``/iiif/activity/all-changes`` names the first and last pages; page *n* holds changes
``n*PAGE_SIZE`` … in log order (oldest first, newest last), so every page but the last never
changes again and caches well. Objects are item manifests and museum/hall collections; a
harvester reads from the last page backwards and keeps the newest activity of each object.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exhibits.iiif import hall_collection_id, manifest_id, museum_collection_id
from exhibits.models import Change

CONTEXT = "http://iiif.io/api/discovery/1/context.json"
PAGE_SIZE = 100
PATH = "/iiif/activity/all-changes"


def collection_url(base: str) -> str:
    return f"{base}{PATH}"


def page_url(base: str, number: int) -> str:
    return f"{base}{PATH}/{number}"


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def _time(value: datetime) -> str:
    value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def object_of(change: Change, base: str) -> dict[str, str] | None:
    """The IIIF resource a change is about."""
    if change.kind == "item":
        return {"id": manifest_id(base, change.item_id), "type": "Manifest"}
    kind, _, slug = change.item_id.partition("/")
    if kind == "hall":
        return {"id": hall_collection_id(base, slug), "type": "Collection"}
    if kind == "museum":
        return {"id": museum_collection_id(base, slug), "type": "Collection"}
    return None


def total(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Change)) or 0


def ordered_collection(session: Session, base: str) -> tuple[dict[str, Any], datetime | None]:
    count = total(session)
    last = page_count(count) - 1
    newest = session.scalar(select(func.max(Change.at)))
    document = {
        "@context": CONTEXT,
        "id": collection_url(base),
        "type": "OrderedCollection",
        "totalItems": count,
        "first": {"id": page_url(base, 0), "type": "OrderedCollectionPage"},
        "last": {"id": page_url(base, last), "type": "OrderedCollectionPage"},
    }
    return document, newest


def page(session: Session, base: str, number: int) -> tuple[dict[str, Any], datetime | None] | None:
    """Page ``number`` (0-based), or None when there is no such page."""
    count = total(session)
    last = page_count(count) - 1
    if number < 0 or number > last:
        return None
    rows = list(session.scalars(select(Change).order_by(Change.id).offset(number * PAGE_SIZE).limit(PAGE_SIZE)))
    items = []
    for row in rows:
        target = object_of(row, base)
        if target is not None:
            items.append({"type": row.action, "object": target, "endTime": _time(row.at)})
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": page_url(base, number),
        "type": "OrderedCollectionPage",
        "startIndex": number * PAGE_SIZE,
        "partOf": {"id": collection_url(base), "type": "OrderedCollection"},
    }
    if number > 0:
        document["prev"] = {"id": page_url(base, number - 1), "type": "OrderedCollectionPage"}
    if number < last:
        document["next"] = {"id": page_url(base, number + 1), "type": "OrderedCollectionPage"}
    document["orderedItems"] = items
    newest = max((row.at for row in rows), default=None)
    return document, newest
