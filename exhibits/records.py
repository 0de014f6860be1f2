"""JSON records of museums and halls for ``/api/museums`` and ``/api/halls`` (no Flask).

Only what the public may see (published halls, visible items). Each function returns the
record and the time it last changed (from the change log), for Last-Modified.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exhibits import catalogue, collections, iiif, links
from exhibits.models import Hall, Item, Museum
from exhibits.states import Publication, visible

MAX_PER_PAGE = 100
MAX_PAGE = 10_000


class RecordQueryError(ValueError):
    """A bad parameter; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _links_of_museum(base: str, slug: str) -> dict[str, str]:
    return {"self": links.api_museum(base, slug), "page": links.museum_page(base, slug),
            "collection": iiif.museum_collection_id(base, slug), "oai_set": links.oai_set(base, slug)}


def _links_of_hall(base: str, museum: str, slug: str) -> dict[str, str]:
    return {"self": links.api_hall(base, slug), "page": links.hall_page(base, museum, slug),
            "collection": iiif.hall_collection_id(base, slug), "oai_set": links.oai_set(base, f"{museum}:{slug}")}


def _public_halls(museum: Museum) -> list[Hall]:
    return [h for h in museum.halls if h.publication == Publication.PUBLISHED]


def museums(session: Session, base: str) -> tuple[dict[str, Any], datetime | None]:
    counts = catalogue.item_counts_by_hall(session)
    result = []
    for museum in catalogue.museums(session):
        halls = _public_halls(museum)
        result.append({
            "slug": museum.slug, "title": museum.title or {}, "summary": museum.summary or {},
            "items": sum(counts.get(h.id, 0) for h in halls),
            "halls": [{"slug": h.slug, "title": h.title or {}, "links": _links_of_hall(base, museum.slug, h.slug)} for h in halls],
            "links": _links_of_museum(base, museum.slug),
        })
    newest = collections.site_newest(session)
    return {"museums": result, "links": {"collection": iiif.site_collection_id(base)}}, newest


def museum(session: Session, slug: str, base: str) -> tuple[dict[str, Any], datetime | None] | None:
    found = catalogue.museum(session, slug)
    if found is None:
        return None
    counts = catalogue.item_counts_by_hall(session)
    halls = _public_halls(found)
    record = {
        "slug": found.slug, "title": found.title or {}, "summary": found.summary or {},
        "items": sum(counts.get(h.id, 0) for h in halls),
        "halls": [{"slug": h.slug, "title": h.title or {}, "summary": h.summary or {}, "items": counts.get(h.id, 0),
                   "links": _links_of_hall(base, found.slug, h.slug)} for h in halls],
        "links": _links_of_museum(base, found.slug),
    }
    return record, collections.museum_newest(session, found)


def page_arguments(page: str | None, per_page: str | None) -> tuple[int, int]:
    """``page`` from 1 to :data:`MAX_PAGE`, ``per_page`` from 1 to :data:`MAX_PER_PAGE` (default 20)."""
    def number(name: str, text: str | None, default: int, largest: int) -> int:
        if text is None or text == "":
            return default
        if not text.isascii() or not text.isdigit():
            raise RecordQueryError(name, f"{name} must be a whole number from 1 to {largest}")
        value = int(text)
        if not 1 <= value <= largest:
            raise RecordQueryError(name, f"{name} must be from 1 to {largest}, not {value}")
        return value

    return number("page", page, 1, MAX_PAGE), number("per_page", per_page, 20, MAX_PER_PAGE)


def hall(session: Session, slug: str, base: str, page: int = 1, per_page: int = 20) -> tuple[dict[str, Any], datetime | None] | None:
    found = catalogue.hall(session, slug)
    if found is None or found.publication != Publication.PUBLISHED:
        return None
    total = session.scalar(select(func.count()).select_from(Item).where(visible(), Item.hall_id == found.id)) or 0
    rows = session.execute(
        select(Item.id, Item.title, Item.section_id).where(visible(), Item.hall_id == found.id)
        .order_by(Item.position, Item.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    sections = {s.id: s.slug for s in found.sections}
    record = {
        "slug": found.slug, "museum": found.museum.slug, "title": found.title or {}, "summary": found.summary or {},
        "sections": [{"slug": s.slug, "title": s.title or {}} for s in found.sections],
        "total": total, "page": page, "per_page": per_page,
        "items": [{"id": row.id, "title": row.title or {}, "section": sections.get(row.section_id),
                   "links": {"self": links.api_item(base, row.id), "page": links.item_page(base, row.id),
                             "manifest": iiif.manifest_id(base, row.id)}} for row in rows],
        "links": _links_of_hall(base, found.museum.slug, found.slug),
    }
    return record, collections.hall_newest(session, found)


def item_updated(session: Session, item_id: str) -> datetime | None:
    """When the item's record last changed (for Last-Modified)."""
    return collections._utc(session.scalar(select(Item.updated).where(Item.id == item_id)))
