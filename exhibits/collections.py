"""IIIF collections of the site, each museum and each hall, with the time they last changed.

Only what the public may see: published halls, visible items. A hall over
:data:`exhibits.iiif.COLLECTION_PAGE_SIZE` items lists page collections instead of manifests.
Last-Modified comes from the change log, which only grows, so it never goes back in time
(an item withdrawn from a hall makes the hall newer, not older).
"""
from __future__ import annotations

from datetime import datetime, timezone

from iiif_prezi3 import Collection
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from exhibits import catalogue, iiif
from exhibits.changes import hall_target, museum_target
from exhibits.models import Change, Hall, Item, Museum
from exhibits.states import Publication, visible

Result = tuple[Collection, datetime | None]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _newest(session: Session, *conditions) -> datetime | None:
    return _utc(session.scalar(select(func.max(Change.at)).where(or_(*conditions))))


def _in_set(spec: str):
    return and_(Change.kind == "item", or_(Change.set_spec == spec,
                                           and_(Change.set_spec > spec + ":", Change.set_spec < spec + ";")))


def site_newest(session: Session) -> datetime | None:
    return _utc(session.scalar(select(func.max(Change.at))))


def museum_newest(session: Session, found: Museum) -> datetime | None:
    slug = found.slug
    return _newest(session, _in_set(slug), and_(Change.kind == "collection", Change.item_id == museum_target(slug)),
                   and_(Change.kind == "collection", Change.item_id.in_([hall_target(h.slug) for h in found.halls])))


def site(session: Session, base: str) -> Result:
    from exhibits.site import current

    title = {k: v for k, v in current(session).title.items() if v} or None
    return iiif.site_collection(catalogue.museums(session), base, title), site_newest(session)


def museum(session: Session, slug: str, base: str) -> Result | None:
    found = catalogue.museum(session, slug)
    if found is None:
        return None
    return iiif.museum_collection(found, base), museum_newest(session, found)


def _public_hall(session: Session, slug: str) -> Hall | None:
    found = catalogue.hall(session, slug)
    return found if found is not None and found.publication == Publication.PUBLISHED else None


def hall_newest(session: Session, found: Hall) -> datetime | None:
    return _newest(session, _in_set(f"{found.museum.slug}:{found.slug}"),
                   and_(Change.kind == "collection", Change.item_id == hall_target(found.slug)))


def _hall_query(found: Hall):
    return (select(Item).where(visible(), Item.hall_id == found.id)
            .options(selectinload(Item.assets)).order_by(Item.position, Item.id))


def hall_total(session: Session, found: Hall) -> int:
    return session.scalar(select(func.count()).select_from(Item).where(visible(), Item.hall_id == found.id)) or 0


def hall(session: Session, slug: str, base: str) -> Result | None:
    found = _public_hall(session, slug)
    if found is None:
        return None
    total = hall_total(session, found)
    items = [] if total > iiif.COLLECTION_PAGE_SIZE else list(session.scalars(_hall_query(found)))
    return iiif.hall_collection(found, items, base, total=total), hall_newest(session, found)


def hall_page(session: Session, slug: str, number: int, base: str) -> Result | None:
    """Page ``number`` (from 1) of a large hall; None when the hall is small or has no such page."""
    found = _public_hall(session, slug)
    if found is None:
        return None
    total = hall_total(session, found)
    pages = -(-total // iiif.COLLECTION_PAGE_SIZE)
    if total <= iiif.COLLECTION_PAGE_SIZE or not 1 <= number <= pages:
        return None
    size = iiif.COLLECTION_PAGE_SIZE
    items = list(session.scalars(_hall_query(found).offset((number - 1) * size).limit(size)))
    return iiif.hall_page_collection(found, items, base, number, total), hall_newest(session, found)
