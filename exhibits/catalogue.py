"""Reading the catalogue for the public: only items under :func:`exhibits.states.visible`."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from exhibits.models import Asset, Hall, Item, Museum, Section
from exhibits.states import ItemState, Publication, visible


def visible_items():
    """A select() of the items the public may see."""
    return select(Item).where(visible())


def museums(session: Session) -> list[Museum]:
    return list(session.scalars(select(Museum).options(selectinload(Museum.halls)).order_by(Museum.position, Museum.slug)))


def museum(session: Session, slug: str) -> Museum | None:
    return session.scalar(select(Museum).where(Museum.slug == slug).options(selectinload(Museum.halls)))


def hall(session: Session, slug: str) -> Hall | None:
    return session.scalar(select(Hall).where(Hall.slug == slug).options(selectinload(Hall.sections), selectinload(Hall.museum)))


def item_counts_by_hall(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Item.hall_id, func.count()).where(visible()).group_by(Item.hall_id)
    )
    return {hall_id: count for hall_id, count in rows}


def _hall_query(hall_id: int, section_id: int | None, preview: bool):
    if preview:
        query = select(Item).where(Item.state == ItemState.READY, Item.publication == Publication.PUBLISHED)
    else:
        query = visible_items()
    query = query.where(Item.hall_id == hall_id)
    if section_id is not None:
        query = query.where(Item.section_id == section_id)
    return query


def hall_items(session: Session, hall_id: int, section_id: int | None = None, preview: bool = False,
               offset: int = 0, limit: int | None = None) -> list[Item]:
    """The hall's visible items in the hall page's order; ``preview``: as visitors will see them once the hall is
    published; ``offset``/``limit``: one page of them."""
    query = (
        _hall_query(hall_id, section_id, preview)
        .outerjoin(Section, Section.id == Item.section_id)
        .options(selectinload(Item.assets))
        .order_by(*hall_order())
    )
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def hall_item_count(session: Session, hall_id: int, section_id: int | None = None, preview: bool = False) -> int:
    query = _hall_query(hall_id, section_id, preview).with_only_columns(func.count(Item.id)).order_by(None)
    return session.scalar(query) or 0


def museum_items(session: Session, museum_id: int) -> list[Item]:
    query = visible_items().where(Item.museum_id == museum_id).options(selectinload(Item.assets))
    return list(session.scalars(query.order_by(Item.position, Item.id)))


@dataclass(frozen=True)
class Neighbours:
    """Where an item stands in its hall's order, and the items on either side (ids and titles only)."""

    previous: tuple[str, dict] | None = None
    following: tuple[str, dict] | None = None
    position: int = 0  # 1-based; 0 when the item is not in a hall
    total: int = 0


def hall_order():
    """The order of a hall's page: its sections in their order, the items without a section last, then each
    item's position (the same order :func:`hall_items` lists are grouped in)."""
    return (
        Section.position.is_(None), Section.position, Section.id, Item.position, Item.id,
    )


def neighbours(session: Session, item_: Item) -> Neighbours:
    """The visible items before and after this one in its hall, in the hall page's order, and its position."""
    if item_.hall_id is None:
        return Neighbours()
    rows = session.execute(
        select(Item.id, Item.title)
        .outerjoin(Section, Section.id == Item.section_id)
        .where(visible(), Item.hall_id == item_.hall_id)
        .order_by(*hall_order())
    ).all()
    ids = [row.id for row in rows]
    if item_.id not in ids:
        return Neighbours()
    at = ids.index(item_.id)
    return Neighbours(
        previous=tuple(rows[at - 1]) if at > 0 else None,
        following=tuple(rows[at + 1]) if at + 1 < len(rows) else None,
        position=at + 1, total=len(rows),
    )


def item(session: Session, item_id: str, public: bool = True) -> Item | None:
    query = select(Item).where(Item.id == item_id).options(
        selectinload(Item.assets), selectinload(Item.museum), selectinload(Item.hall), selectinload(Item.section)
    )
    if public:
        query = query.where(visible())
    return session.scalar(query)


def section_of(hall_: Hall, slug: str) -> Section | None:
    return next((s for s in hall_.sections if s.slug == slug), None)


def featured_items(session: Session, limit: int = 8) -> list[Item]:
    """Items for the home page: the first with an image of each hall, then more; an ICH video (a record with an
    ICH category and a video) second when one exists, else any video."""
    candidates = session.execute(
        visible_items().with_only_columns(Item.id, Item.hall_id)
        .where(Item.id.in_(select(Asset.item_id).where(Asset.kind == "image")))
        .order_by(Item.position, Item.id)
        .limit(limit * 4)
    ).all()
    chosen: list[str] = []
    seen_halls: set[int | None] = set()
    for candidate in candidates:
        if candidate.hall_id not in seen_halls:
            chosen.append(candidate.id)
            seen_halls.add(candidate.hall_id)
    chosen += [c.id for c in candidates if c.id not in chosen]
    video = featured_video(session)
    if video is not None and video.id not in chosen:
        chosen.insert(min(1, len(chosen)), video.id)
    chosen = chosen[:limit]
    loaded = {item.id: item for item in session.scalars(
        select(Item).where(Item.id.in_(chosen)).options(selectinload(Item.assets), selectinload(Item.museum)))}
    return [loaded[item_id] for item_id in chosen if item_id in loaded]


def featured_video(session: Session) -> Item | None:
    """A visible item with a video, an ICH record first (the ICH hall's story is told in its videos).

    Candidates are read as (id, metadata) rows and only the chosen item is loaded whole: the home page
    asks on every visit, and loading fifty items with their files cost most of its time."""
    videos = select(Asset.item_id).where(Asset.kind == "video")
    rows = session.execute(
        visible_items().with_only_columns(Item.id, Item.metadata_)
        .where(Item.id.in_(videos)).order_by(Item.position, Item.id).limit(50)
    ).all()
    chosen = next((row.id for row in rows if (row.metadata_ or {}).get("ich_category")), rows[0].id if rows else None)
    if chosen is None:
        return None
    return session.scalar(select(Item).where(Item.id == chosen)
                          .options(selectinload(Item.assets), selectinload(Item.museum)))


def first_image(item_: Item) -> Asset | None:
    return next((a for a in item_.assets if a.kind == "image"), None)
