"""The change log: one append-only row per change the public can see, for harvesters.

IIIF Change Discovery (``/iiif/activity/all-changes``) publishes these rows as Create, Update
and Delete activities, and OAI-PMH (``/oai``) takes each record's datestamp and deleted status
from its newest row. So every writer that changes what the public sees of an item or a
collection calls :func:`record_change` (or :func:`note_item`, which picks the action) in the
same transaction as the change:

- publish an item that was never public, or was withdrawn: ``Create``;
- edit a visible item, or re-ingest it: ``Update``;
- withdraw, unpublish (back to draft) or delete a visible item, or withdraw its hall: ``Delete``;
- museums and halls (``kind="collection"``, target ``museum/<slug>`` or ``hall/<slug>``): the
  same three actions when a halls file creates or changes them or a hall is withdrawn.

Drafts are never logged: a harvester must not learn of a record the public cannot see. A
withdrawn item stays a *deleted* record for harvesters for ever (OAI-PMH
``deletedRecord=persistent``), because its Delete row is never removed.
"""
from __future__ import annotations

from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from exhibits.models import Change, Hall, Item, Museum
from exhibits.states import is_visible

Kind = Literal["item", "collection"]
Action = Literal["Create", "Update", "Delete"]
KINDS = ("item", "collection")
ACTIONS = ("Create", "Update", "Delete")


def museum_target(slug: str) -> str:
    return f"museum/{slug}"


def hall_target(slug: str) -> str:
    return f"hall/{slug}"


def set_spec_of(item: Item) -> str | None:
    """The item's OAI-PMH set: ``<museum>`` or ``<museum>:<hall>``."""
    museum = item.museum
    if museum is None:
        return None
    return f"{museum.slug}:{item.hall.slug}" if item.hall is not None else museum.slug


def record_change(session: Session, kind: Kind, target_id: str, action: Action) -> Change:
    """Append one change (``kind`` 'item' with an item id, or 'collection' with
    :func:`museum_target`/:func:`hall_target`) in the caller's transaction; returns the row."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {ACTIONS}, not {action!r}")
    spec = None
    if kind == "item":
        item = session.get(Item, target_id)
        spec = set_spec_of(item) if item is not None else _previous_set(session, target_id)
    change = Change(item_id=target_id, kind=kind, action=action, set_spec=spec)
    session.add(change)
    return change


def last_action(session: Session, kind: Kind, target_id: str) -> str | None:
    """The action of the newest change of this target (None when it was never public)."""
    session.flush()
    return session.scalar(
        select(Change.action).where(Change.kind == kind, Change.item_id == target_id)
        .order_by(Change.id.desc()).limit(1)
    )


def action_for(previous: str | None, visible_now: bool) -> Action | None:
    """What a harvester must be told when a target's visibility is now ``visible_now``."""
    if visible_now:
        return "Create" if previous in (None, "Delete") else "Update"
    return "Delete" if previous in ("Create", "Update") else None


def note_item(session: Session, item: Item, changed: bool = True) -> Change | None:
    """Record what a write did to ``item`` for the public, judged by :func:`exhibits.states.is_visible`.

    Call it after changing the item (publication, metadata, assets) in the same transaction.
    ``changed=False`` says the content did not change (only visibility may have): a still
    visible item then gets no Update. Returns the new row, or None when nothing public changed.
    """
    session.flush()
    session.expire(item, ["hall", "museum"])  # follow hall_id/museum_id as just written
    previous = last_action(session, "item", item.id)
    action = action_for(previous, is_visible(item))
    if action is None or (action == "Update" and not changed):
        return None
    return record_change(session, "item", item.id, action)


def note_item_deleted(session: Session, item_id: str) -> Change | None:
    """Before or after removing an item from the catalogue: a Delete if it was public."""
    if action_for(last_action(session, "item", item_id), False) is None:
        return None
    return record_change(session, "item", item_id, "Delete")


def note_collection(session: Session, target_id: str, visible_now: bool, changed: bool = True) -> Change | None:
    """The same for a museum or hall collection (``museum/<slug>``, ``hall/<slug>``)."""
    action = action_for(last_action(session, "collection", target_id), visible_now)
    if action is None or (action == "Update" and not changed):
        return None
    return record_change(session, "collection", target_id, action)


def note_hall(session: Session, hall: Hall, changed: bool = True) -> Change | None:
    from exhibits.states import Publication

    return note_collection(session, hall_target(hall.slug), hall.publication == Publication.PUBLISHED, changed)


def note_museum(session: Session, museum: Museum, changed: bool = True) -> Change | None:
    return note_collection(session, museum_target(museum.slug), True, changed)


def _previous_set(session: Session, item_id: str) -> str | None:
    return session.scalar(
        select(Change.set_spec).where(Change.kind == "item", Change.item_id == item_id)
        .order_by(Change.id.desc()).limit(1)
    )
