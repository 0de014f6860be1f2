"""The lifecycle of catalogue records, and the one rule that says what the public may see.

Two independent axes:

- :class:`ItemState` is what ingest made of the record (``pending`` while it works, ``ready``
  when every step succeeded, ``failed`` with a reason otherwise);
- :class:`Publication` is the curator's decision (``draft`` → ``published`` → ``withdrawn``, and
  back to ``draft``).

An item is public only when it is ready, published, and its hall (if any) is published too.
Every public surface (pages, search, IIIF, the JSON API, harvesting, tiles) asks :func:`visible`
or :func:`is_visible`; nothing else spells the rule out.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import and_, or_, select


class ItemState(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class Publication(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


#: Allowed publication moves (from → to): publish, withdraw, and back to draft.
TRANSITIONS: dict[Publication, frozenset[Publication]] = {
    Publication.DRAFT: frozenset({Publication.PUBLISHED}),
    Publication.PUBLISHED: frozenset({Publication.WITHDRAWN, Publication.DRAFT}),
    Publication.WITHDRAWN: frozenset({Publication.PUBLISHED, Publication.DRAFT}),
}


def can_move(current: str, target: str) -> bool:
    return Publication(target) in TRANSITIONS[Publication(current)]


def visible(item_cls: Any = None, hall_cls: Any = None):
    """The SQL condition "the public may see this item" (use in ``.where()``)."""
    from exhibits.models import Hall, Item

    item_cls = item_cls or Item
    hall_cls = hall_cls or Hall
    hall_public = select(hall_cls.id).where(hall_cls.publication == Publication.PUBLISHED.value)
    return and_(
        item_cls.state == ItemState.READY.value,
        item_cls.publication == Publication.PUBLISHED.value,
        or_(item_cls.hall_id.is_(None), item_cls.hall_id.in_(hall_public)),
    )


def hall_is_public(hall: Any) -> bool:
    """Whether the public may see this hall (its page, its IIIF collection, its place in lists)."""
    return hall is not None and hall.publication == Publication.PUBLISHED


def is_visible(item: Any) -> bool:
    """The same rule for a loaded item (its hall loaded or lazily loadable)."""
    if item.state != ItemState.READY or item.publication != Publication.PUBLISHED:
        return False
    hall = getattr(item, "hall", None)
    return hall is None or hall.publication == Publication.PUBLISHED
