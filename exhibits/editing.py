"""Editing an item's record: validation, ETags against lost updates, history with restore.

The editable record is a flat dict in the shape ``/api/items/<item>`` gives (language maps for
human-readable values). :func:`etag` fingerprints it; :func:`edit` refuses a stale ETag with
:class:`StaleEdit` (nothing written) and records every change as an :class:`ItemRevision`
(who, when, which fields, before and after), restorable with :func:`restore`.
Values are stored as text exactly as given; every page and document escapes them.
"""
from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exhibits.accounts_models import ItemRevision
from exhibits.audit import record
from exhibits import changes as harvest
from exhibits.curation import CurationError, NotFound, Runtime, get_item
from exhibits.identity import Identity
from exhibits.models import Item, Section
from exhibits.profile import FIELDS

#: Language codes a value may carry (``none``: no language, as IIIF).
LANGUAGES = ("zh", "en", "zh-Hant", "none")
#: Profile fields kept as language maps in ``Item.metadata_`` (the category's label is ``object_type_label``).
PROFILE = tuple(f.name for f in FIELDS if f.name not in ("object_type", "accession_number"))
LANGMAP_FIELDS = ("title", "description", "object_type_label", *PROFILE)
TEXT_FIELDS = ("object_type", "accession_number", "rights", "section")
YEAR_FIELDS = ("date_start", "date_end")
EDITABLE = (*LANGMAP_FIELDS, *TEXT_FIELDS, *YEAR_FIELDS)
MAX_CHARS = {"description": 20_000, "rights": 512, "accession_number": 128, "object_type": 64, "section": 64}
DEFAULT_MAX = 2_000
MAX_VALUES = 20


class ValidationFailed(CurationError):
    """Some fields are invalid; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), next(iter(errors), ""))
        self.errors = errors


class StaleEdit(CurationError):
    """The record changed since the editor loaded it (HTTP 412); nothing was written."""

    def __init__(self, current: dict[str, Any], current_etag: str) -> None:
        super().__init__("the item was changed by someone else since you loaded it", "etag")
        self.current = current
        self.current_etag = current_etag


# -- the editable record -----------------------------------------------------------------------

def snapshot(item: Item) -> dict[str, Any]:
    """The editable fields of an item, as plain JSON values."""
    meta = item.metadata_ or {}
    values: dict[str, Any] = {
        "title": _clean_map(item.title), "description": _clean_map(item.description),
        "object_type": item.object_type, "object_type_label": _clean_map(meta.get("object_type")),
        "accession_number": item.accession_number, "rights": item.rights,
        "section": item.section.slug if item.section is not None else None,
        "date_start": item.date_start, "date_end": item.date_end,
    }
    for name in PROFILE:
        values[name] = _clean_map(meta.get(name))
    return values


def etag(item: Item) -> str:
    """A strong ETag of the editable record and its files' order (quoted, as HTTP sends it)."""
    state = {"fields": snapshot(item), "assets": [(a.sha256, a.role, a.position) for a in item.assets]}
    digest = hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    return f'"{digest[:32]}"'


def _clean_map(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {}
    out = {}
    for lang, vals in value.items():
        vals = vals if isinstance(vals, list) else [vals]
        vals = [str(v) for v in vals if v not in (None, "")]
        if vals:
            out[str(lang)] = vals
    return out


# -- validation ---------------------------------------------------------------------------------

def _text(value: Any, field: str, errors: dict[str, str], limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        errors[field] = "must be text"
        return None
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        errors[field] = "contains control characters"
        return None
    if len(text) > limit:
        errors[field] = f"is {len(text)} characters long; at most {limit} are allowed"
        return None
    return text or None


def _langmap(value: Any, field: str, errors: dict[str, str]) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors[field] = 'must be a language map such as {"zh": ["…"], "en": ["…"]}'
        return {}
    out: dict[str, list[str]] = {}
    for lang, vals in value.items():
        key = f"{field}.{lang}"
        if lang not in LANGUAGES:
            errors[key] = f"unknown language {str(lang)[:20]!r}: use {', '.join(LANGUAGES)}"
            continue
        vals = vals if isinstance(vals, list) else [vals]
        if len(vals) > MAX_VALUES:
            errors[key] = f"at most {MAX_VALUES} values"
            continue
        cleaned = [t for t in (_text(v, key, errors, MAX_CHARS.get(field, DEFAULT_MAX)) for v in vals) if t]
        if cleaned:
            out[lang] = cleaned
    return out


def _year(value: Any, field: str, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        year = None
    if year is None or not -10_000 <= year <= 3_000:
        errors[field] = "must be a year between -10000 and 3000 (years before the common era are negative)"
        return None
    return year


def validate(changes: dict[str, Any], item: Item, session: Session) -> dict[str, Any]:
    """Clean ``changes`` (field → new value) or raise :class:`ValidationFailed` naming each bad field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if not isinstance(changes, dict):
        raise ValidationFailed({"": "send a JSON object of the fields to change"})
    for field, value in changes.items():
        if field not in EDITABLE:
            errors[str(field)[:64]] = "is not an editable field"
        elif field in LANGMAP_FIELDS:
            clean[field] = _langmap(value, field, errors)
        elif field in YEAR_FIELDS:
            clean[field] = _year(value, field, errors)
        else:
            clean[field] = _text(value, field, errors, MAX_CHARS[field])
    if "title" in clean and not clean["title"]:
        errors["title"] = "an item needs a title in at least one language"
    start = clean.get("date_start", item.date_start)
    end = clean.get("date_end", item.date_end)
    if start is not None and end is not None and start > end and not ({"date_start", "date_end"} & errors.keys()):
        errors["date_end"] = f"ends ({end}) before it starts ({start})"
    if clean.get("section"):
        known = [s.slug for s in item.hall.sections] if item.hall is not None else []
        if clean["section"] not in known:
            errors["section"] = f"no section {clean['section']!r} in this hall" + (f" (sections: {', '.join(known)})" if known else "")
    if errors:
        raise ValidationFailed(errors)
    return clean


# -- writing ------------------------------------------------------------------------------------

def _apply(session: Session, item: Item, values: dict[str, Any]) -> None:
    meta = dict(item.metadata_ or {})
    for field, value in values.items():
        if field in ("title", "description"):
            setattr(item, field, value)
        elif field == "object_type_label":
            meta["object_type"] = value
            if "object_type" not in values:
                first = (value.get("zh") or value.get("en") or value.get("none") or [None])[0]
                item.object_type = first[:64] if first else None
        elif field in PROFILE:
            if value:
                meta[field] = value
            else:
                meta.pop(field, None)
        elif field == "section":
            item.section = (session.scalar(select(Section).where(Section.hall_id == item.hall_id, Section.slug == value))
                            if value else None)
        else:
            setattr(item, field, value)
    item.metadata_ = meta


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


def apply_changes(session: Session, identity: Identity, item: Item, changes: dict[str, Any],
                  action: str = "edit") -> ItemRevision | None:
    """Validate and apply changes to a loaded item in ``session``; a revision and an audit row if anything changed."""
    clean = validate(changes, item, session)
    before_all = snapshot(item)
    _apply(session, item, clean)
    session.flush()
    before, after = _diff(before_all, snapshot(item))
    if not after:
        return None
    revision = ItemRevision(item_id=item.id, actor=identity.name, action=action, before=before, after=after)
    session.add(revision)
    record(session, identity, f"item.{action}", f"item:{item.id}", fields=sorted(after), before=before, after=after)
    harvest.note_item(session, item)
    return revision


def edit(runtime: Runtime, identity: Identity, item_id: str, changes: dict[str, Any],
         if_match: str | None) -> tuple[dict[str, Any], str, bool]:
    """Change fields of an item when ``if_match`` is its current ETag; returns (record, new ETag, changed)."""
    with runtime.db.session() as session:
        item = get_item(session, identity, item_id)
        current = etag(item)
        if if_match is None or if_match.strip().removeprefix("W/") != current:
            raise StaleEdit(snapshot(item), current)
        revision = apply_changes(session, identity, item, changes)
        result = snapshot(item), etag(item)
    if revision is not None:
        runtime.reindex([item_id])
    return result[0], result[1], revision is not None


def history(session: Session, identity: Identity, item_id: str) -> list[ItemRevision]:
    get_item(session, identity, item_id)
    return list(session.scalars(select(ItemRevision).where(ItemRevision.item_id == item_id)
                                .order_by(ItemRevision.id.desc())))


def version_at(session: Session, item: Item, revision_id: int) -> dict[str, Any]:
    """The editable record as it was right after revision ``revision_id`` (0: before the first one)."""
    values = snapshot(item)
    later = session.scalars(select(ItemRevision).where(ItemRevision.item_id == item.id, ItemRevision.id > revision_id)
                            .order_by(ItemRevision.id.desc()))
    for revision in later:
        values.update({k: v for k, v in revision.before.items() if k in EDITABLE})
    return values


def restore(runtime: Runtime, identity: Identity, item_id: str, revision_id: int,
            if_match: str | None) -> tuple[dict[str, Any], str, bool]:
    """Make the record what it was right after a revision (0: as first recorded); itself a new revision."""
    with runtime.db.session() as session:
        item = get_item(session, identity, item_id)
        current = etag(item)
        if if_match is None or if_match.strip().removeprefix("W/") != current:
            raise StaleEdit(snapshot(item), current)
        if revision_id and session.scalar(select(ItemRevision.id).where(
                ItemRevision.id == revision_id, ItemRevision.item_id == item_id)) is None:
            raise NotFound(f"item {item_id} has no revision {revision_id}")
        target = version_at(session, item, revision_id)
        now = snapshot(item)
        changes = {k: v for k, v in target.items() if now.get(k) != v}
        revision = apply_changes(session, identity, item, changes, action="restore") if changes else None
        if revision is not None:
            revision.after = {**revision.after, "_restored_from": revision_id}
        result = snapshot(item), etag(item)
    if revision is not None:
        runtime.reindex([item_id])
    return result[0], result[1], revision is not None


def record_ingest_overwrite(session: Session, identity: Identity, item: Item, before: dict[str, Any]) -> None:
    """Called by ingest when a changed CSV row overwrote the record: the history says so."""
    old, new = _diff(before, snapshot(item))
    if new:
        session.add(ItemRevision(item_id=item.id, actor=identity.name, action="ingest", before=old, after=new))


def arrange_assets(runtime: Runtime, identity: Identity, item_id: str, order: list[int], remove: list[int],
                   if_match: str | None) -> tuple[str, bool]:
    """Put the item's files in ``order`` (asset ids) and remove ``remove``; a revision records both lists."""
    with runtime.db.session() as session:
        item = get_item(session, identity, item_id)
        current = etag(item)
        if if_match is None or if_match.strip().removeprefix("W/") != current:
            raise StaleEdit(snapshot(item), current)
        by_id = {a.id: a for a in item.assets}
        unknown = [i for i in [*order, *remove] if i not in by_id]
        if unknown:
            raise ValidationFailed({"assets": f"not files of this item: {', '.join(map(str, unknown[:5]))}"})
        before = [f"{a.filename} ({a.sha256[:12]})" for a in item.assets]
        removed = set(remove)
        rest = [by_id[i] for i in order if i not in removed] + [a for a in item.assets if a.id not in order and a.id not in removed]
        for asset in [a for a in item.assets if a.id in removed]:
            item.assets.remove(asset)
        for position, asset in enumerate(rest):
            asset.position = position
        session.flush()
        session.expire(item, ["assets"])
        after = [f"{a.filename} ({a.sha256[:12]})" for a in sorted(rest, key=lambda a: a.position)]
        changed = before != after
        if changed:
            session.add(ItemRevision(item_id=item.id, actor=identity.name, action="assets",
                                     before={"files": before}, after={"files": after}))
            record(session, identity, "item.assets", f"item:{item.id}", before=before, after=after)
            harvest.note_item(session, item)
        new_tag = etag(item)
    if changed:
        runtime.reindex([item_id])
    return new_tag, changed
