"""The curator's services: reading drafts, publishing, withdrawing, deleting, editing items.

Ingest writes items only through :func:`write_ingested_item`, :func:`mark_ingest_failed` and
:func:`insert_new_items` (:mod:`exhibits.ingest_writes`), so the CLI and web jobs cannot drift apart.

Every change is one call ``f(runtime, identity, ...)``: it checks the permission
(:mod:`exhibits.identity`), writes the change, its audit row and its harvesting change in one
transaction, then brings the search index in line (``runtime.reindex``). Manifests are built
on read, so the next request already answers the new state. Views and CLI commands are glue.

``runtime`` is anything with ``.db`` (:class:`exhibits.db.Database`) and ``.reindex(ids)``
(the viewer's :class:`viewer.runtime.Runtime`); exhibits does not import the search package.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from exhibits import changes
from exhibits.audit import record
from exhibits.identity import Identity, PermissionDenied, require_museum
from exhibits.models import Asset, Hall, Item, Museum
from exhibits.states import ItemState, Publication, can_move, visible


class Runtime(Protocol):
    db: Any

    def reindex(self, item_ids: Iterable[str]) -> None: ...


class NotFound(LookupError):
    """No such item (or museum, hall...) — HTTP 404."""


class CurationError(ValueError):
    """A change that cannot be made as asked (HTTP 400/409), with the field it concerns."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


#: Actions and the publication they move an item (or hall) to.
MOVES = {"publish": Publication.PUBLISHED, "withdraw": Publication.WITHDRAWN, "draft": Publication.DRAFT}


def curated_museums(session: Session, identity: Identity) -> list[Museum]:
    """The museums this identity works on (all of them for an admin)."""
    query = select(Museum).order_by(Museum.position, Museum.slug)
    if not identity.is_admin:
        query = query.where(Museum.slug.in_(sorted(identity.museums)))
    return list(session.scalars(query))


def overview(session: Session, identity: Identity) -> list[dict]:
    """Per museum the identity curates: how many items are in each state and publication."""
    museums = curated_museums(session, identity)
    counts: dict[int, dict[str, int]] = {m.id: {} for m in museums}
    rows = session.execute(
        select(Item.museum_id, Item.state, Item.publication, func.count())
        .where(Item.museum_id.in_(list(counts)))
        .group_by(Item.museum_id, Item.state, Item.publication)
    )
    for museum_id, state, publication, count in rows:
        key = state if state in (ItemState.FAILED, ItemState.PENDING) else publication
        counts[museum_id][key] = counts[museum_id].get(key, 0) + count
    return [{"museum": m, "counts": counts[m.id], "total": sum(counts[m.id].values())} for m in museums]


def _item_options():
    return (selectinload(Item.assets), selectinload(Item.museum), selectinload(Item.hall), selectinload(Item.section))


def get_item(session: Session, identity: Identity, item_id: str) -> Item:
    """Any item the identity may curate, drafts and failures included."""
    item = session.scalar(select(Item).where(Item.id == item_id).options(*_item_options()))
    if item is None:
        raise NotFound(f"no item {item_id!r}")
    require_museum(identity, item.museum.slug)
    return item


def may_preview(session: Session, identity: Identity | None, item_id: str) -> bool:
    """Whether this identity may see the item although the public may not (a curator of its museum)."""
    if identity is None:
        return False
    slug = session.scalar(select(Museum.slug).join(Item, Item.museum_id == Museum.id).where(Item.id == item_id))
    return slug is not None and identity.can_curate(slug)


def media_is_public(session: Session, sha256: str) -> bool:
    """Whether some item the public may see uses this original (so its tiles and derivatives are public)."""
    return session.scalar(select(Asset.id).join(Item, Asset.item_id == Item.id)
                          .where(Asset.sha256 == sha256, visible()).limit(1)) is not None


def may_curate_media(session: Session, identity: Identity | None, sha256: str) -> bool:
    """Whether this identity curates a museum with an item that uses this original (drafts included)."""
    if identity is None:
        return False
    slugs = session.scalars(select(Museum.slug).join(Item, Item.museum_id == Museum.id)
                            .join(Asset, Asset.item_id == Item.id).where(Asset.sha256 == sha256).distinct())
    return any(identity.can_curate(slug) for slug in slugs)


@dataclass(frozen=True)
class ItemFilter:
    state: str | None = None  # 'failed' | 'pending' | 'draft' | 'published' | 'withdrawn'
    museum: str | None = None
    hall: str | None = None
    text: str | None = None


def list_items(session: Session, identity: Identity, where: ItemFilter = ItemFilter(),
               limit: int | None = None, offset: int = 0) -> tuple[list[Item], int]:
    """Items the identity curates, newest change first, with the total count before paging."""
    query = select(Item).join(Museum, Item.museum_id == Museum.id)
    if where.museum:
        require_museum(identity, where.museum)
        query = query.where(Museum.slug == where.museum)
    elif not identity.is_admin:
        query = query.where(Museum.slug.in_(sorted(identity.museums)))
    if where.state in (ItemState.FAILED, ItemState.PENDING):
        query = query.where(Item.state == where.state)
    elif where.state:
        if where.state not in tuple(Publication):
            raise CurationError(f"unknown state {where.state!r}: use failed, pending, draft, published or withdrawn", "state")
        query = query.where(Item.state == ItemState.READY, Item.publication == where.state)
    if where.hall:
        query = query.join(Hall, Item.hall_id == Hall.id).where(Hall.slug == where.hall)
    if where.text:
        like = f"%{where.text.strip()[:100]}%"
        query = query.where(or_(Item.id.ilike(like), Item.accession_number.ilike(like),
                                func.cast(Item.title, _text_type()).ilike(like)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    query = query.order_by(Item.updated.desc(), Item.id).options(*_item_options()).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query)), total or 0


def _text_type():
    from sqlalchemy import Text

    return Text


# -- publishing --------------------------------------------------------------------------------

def _move(session: Session, identity: Identity, item: Item, action: str) -> bool:
    target = MOVES[action]
    if item.publication == target:
        return False
    if target == Publication.PUBLISHED and item.state != ItemState.READY:
        raise CurationError(f"item {item.id} is {item.state}, not ready: fix and ingest it again before publishing",
                            "state")
    if not can_move(item.publication, target):
        raise CurationError(f"item {item.id} cannot go from {item.publication} to {target}", "publication")
    before = item.publication
    item.publication = target.value
    record(session, identity, f"item.{action}", f"item:{item.id}", before=before, after=target.value)
    changes.note_item(session, item, changed=False)  # Create/Delete for harvesters when visibility changed
    return True


def set_publication(runtime: Runtime, identity: Identity, item_ids: Iterable[str], action: str) -> list[str]:
    """Publish, withdraw or return to draft several items in one transaction; returns those that moved.

    All or nothing: one item the identity may not curate (or that cannot move) refuses the lot.
    """
    if action not in MOVES:
        raise CurationError(f"unknown action {action!r}", "action")
    moved: list[str] = []
    with runtime.db.session() as session:
        for item_id in dict.fromkeys(item_ids):
            item = get_item(session, identity, item_id)
            if _move(session, identity, item, action):
                moved.append(item.id)
    if moved:
        runtime.reindex(moved)
    return moved


def publish(runtime: Runtime, identity: Identity, item_id: str) -> bool:
    return bool(set_publication(runtime, identity, [item_id], "publish"))


def withdraw(runtime: Runtime, identity: Identity, item_id: str) -> bool:
    return bool(set_publication(runtime, identity, [item_id], "withdraw"))


def back_to_draft(runtime: Runtime, identity: Identity, item_id: str) -> bool:
    return bool(set_publication(runtime, identity, [item_id], "draft"))


def delete_items(runtime: Runtime, identity: Identity, item_ids: Iterable[str]) -> list[str]:
    """Delete items and their asset records (originals stay in the store for `jinshi verify`)."""
    deleted: list[str] = []
    with runtime.db.session() as session:
        for item_id in dict.fromkeys(item_ids):
            item = get_item(session, identity, item_id)
            record(session, identity, "item.delete", f"item:{item.id}", publication=item.publication,
                   state=item.state, title=item.title, assets=[a.sha256 for a in item.assets])
            changes.note_item_deleted(session, item.id)
            session.delete(item)
            deleted.append(item_id)
    if deleted:
        runtime.reindex(deleted)
    return deleted


# -- where items came from ------------------------------------------------------------------------

@dataclass(frozen=True)
class Missing:
    """An item a CSV listed before and no longer lists (reported after a run, never deleted)."""

    id: str
    publication: str
    row: int | None


def record_sources(session: Session, identity: Identity, source: str, rows: dict[str, int | None]) -> list[Missing]:
    """Note that the items ``rows`` (id → row number) come from the CSV ``source``; return the items that came from
    it before and that it no longer lists (withdrawn ones aside), in the museums ``identity`` curates."""
    source = source[:500]
    current: dict[str, tuple[str | None, int | None]] = {}
    ids = list(rows)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        current.update({i: (s, r) for i, s, r in session.execute(
            select(Item.id, Item.source, Item.source_row).where(Item.id.in_(chunk)))})
    for item_id, row in rows.items():
        if item_id in current and current[item_id] != (source, row):
            session.execute(Item.__table__.update().where(Item.__table__.c.id == item_id)
                            .values(source=source, source_row=row, updated=Item.__table__.c.updated))
    query = (select(Item.id, Item.publication, Item.source_row, Museum.slug).join(Museum, Item.museum_id == Museum.id)
             .where(Item.source == source, Item.publication != Publication.WITHDRAWN.value).order_by(Item.source_row, Item.id))
    missing = [Missing(i, p, r) for i, p, r, museum in session.execute(query)
               if i not in rows and identity.can_curate(museum)]
    if missing:
        record(session, identity, "ingest.missing_rows", source.rsplit("/", 1)[-1], items=[m.id for m in missing][:1000])
    return missing


# ingest's writes (they use exhibits.editing, which imports this module: imported once the names above exist)
from exhibits.ingest_writes import existing_states, insert_new_items  # noqa: E402
from exhibits.ingest_writes import mark_failed as mark_ingest_failed  # noqa: E402
from exhibits.ingest_writes import write_item as write_ingested_item  # noqa: E402

__all__ = [
    "CurationError", "ItemFilter", "Missing", "NotFound", "existing_states", "insert_new_items",
    "mark_ingest_failed", "write_ingested_item", "PermissionDenied", "back_to_draft", "curated_museums",
    "delete_items", "get_item", "list_items", "may_curate_media", "may_preview", "media_is_public", "overview", "publish",
    "record_sources", "set_publication", "withdraw",
]
