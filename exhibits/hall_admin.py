"""Arranging museums, halls and sections from the workspace (the structure ``jinshi halls load`` reads).

Services ``f(runtime, identity, ...)`` like :mod:`exhibits.curation`: permission, change, audit
row in one transaction, then the search index for the items whose visibility moved. Halls made
in the browser start as drafts; a hall's publication decides whether its items are public.
"""
from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from exhibits.audit import record
from exhibits import changes as harvest
from exhibits.curation import CurationError, NotFound, Runtime, curated_museums
from exhibits.editing import ValidationFailed, _langmap
from exhibits.halls import SLUG
from exhibits.identity import Identity, require_admin, require_museum
from exhibits.models import Asset, Hall, Item, Museum, Section
from exhibits.states import Publication, can_move

MOVES = {"publish": Publication.PUBLISHED, "withdraw": Publication.WITHDRAWN, "draft": Publication.DRAFT}


def _slug(value: str, what: str, errors: dict[str, str]) -> str:
    value = (value or "").strip()
    if not SLUG.match(value):
        errors["slug"] = f"a {what} slug is lowercase letters, digits and hyphens (at most 63), like 'bronze-vessels'"
    return value


def _texts(title: Any, summary: Any, errors: dict[str, str]) -> tuple[dict, dict]:
    title_map = _langmap(title, "title", errors)
    summary_map = _langmap(summary, "summary", errors)
    if not title_map and "title" not in errors:
        errors["title"] = "a title is needed in at least one language"
    return title_map, summary_map


def get_museum(session: Session, identity: Identity, slug: str) -> Museum:
    museum = session.scalar(select(Museum).where(Museum.slug == slug).options(selectinload(Museum.halls)))
    if museum is None:
        raise NotFound(f"no museum {slug!r}")
    require_museum(identity, museum.slug)
    return museum


def get_hall(session: Session, identity: Identity, slug: str) -> Hall:
    hall = session.scalar(select(Hall).where(Hall.slug == slug).options(selectinload(Hall.sections), selectinload(Hall.museum)))
    if hall is None:
        raise NotFound(f"no hall {slug!r}")
    require_museum(identity, hall.museum.slug)
    return hall


def structure(session: Session, identity: Identity) -> list[Museum]:
    """The museums the identity curates, with their halls and sections loaded, in order."""
    museums = curated_museums(session, identity)
    for museum in museums:
        for hall in museum.halls:
            _ = hall.sections
    return museums


def create_museum(runtime: Runtime, identity: Identity, slug: str, title: Any, summary: Any = None) -> None:
    require_admin(identity)
    errors: dict[str, str] = {}
    slug = _slug(slug, "museum", errors)
    title_map, summary_map = _texts(title, summary, errors)
    with runtime.db.session() as session:
        if not errors and session.scalar(select(Museum.id).where(Museum.slug == slug)) is not None:
            errors["slug"] = f"there is already a museum {slug!r}"
        if errors:
            raise ValidationFailed(errors)
        position = len(list(session.scalars(select(Museum.id))))
        session.add(Museum(slug=slug, title=title_map, summary=summary_map, position=position))
        record(session, identity, "museum.create", f"museum:{slug}", title=title_map)


def create_hall(runtime: Runtime, identity: Identity, museum_slug: str, slug: str, title: Any, summary: Any = None) -> None:
    errors: dict[str, str] = {}
    slug = _slug(slug, "hall", errors)
    title_map, summary_map = _texts(title, summary, errors)
    with runtime.db.session() as session:
        museum = get_museum(session, identity, museum_slug)
        if not errors and session.scalar(select(Hall.id).where(Hall.slug == slug)) is not None:
            errors["slug"] = f"there is already a hall {slug!r} (hall slugs are unique across museums)"
        if errors:
            raise ValidationFailed(errors)
        museum.halls.append(Hall(slug=slug, title=title_map, summary=summary_map, position=len(museum.halls),
                                 publication=Publication.DRAFT.value))
        record(session, identity, "hall.create", f"hall:{slug}", museum=museum_slug, title=title_map)


def update_hall(runtime: Runtime, identity: Identity, hall_slug: str, title: Any, summary: Any,
                cover_item: str | None) -> None:
    errors: dict[str, str] = {}
    title_map, summary_map = _texts(title, summary, errors)
    with runtime.db.session() as session:
        hall = get_hall(session, identity, hall_slug)
        if cover_item:
            has_image = session.scalar(select(Asset.id).join(Item, Asset.item_id == Item.id).where(
                Item.id == cover_item, Item.hall_id == hall.id, Asset.kind == "image").limit(1))
            if has_image is None:
                errors["cover_item"] = f"{cover_item!r} is not an item of this hall with an image"
        if errors:
            raise ValidationFailed(errors)
        before = {"title": hall.title, "summary": hall.summary, "cover_item": hall.cover_item}
        hall.title, hall.summary, hall.cover_item = title_map, summary_map, cover_item or None
        after = {"title": hall.title, "summary": hall.summary, "cover_item": hall.cover_item}
        if before != after:
            record(session, identity, "hall.edit", f"hall:{hall_slug}", before=before, after=after)
        items = list(session.scalars(select(Item.id).where(Item.hall_id == hall.id)))
    runtime.reindex(items)  # hall titles are facet labels and part of each item's document


def create_section(runtime: Runtime, identity: Identity, hall_slug: str, slug: str, title: Any, summary: Any = None) -> None:
    errors: dict[str, str] = {}
    slug = _slug(slug, "section", errors)
    title_map, summary_map = _texts(title, summary, errors)
    with runtime.db.session() as session:
        hall = get_hall(session, identity, hall_slug)
        if not errors and slug in {s.slug for s in hall.sections}:
            errors["slug"] = f"hall {hall_slug!r} already has a section {slug!r}"
        if errors:
            raise ValidationFailed(errors)
        hall.sections.append(Section(slug=slug, title=title_map, summary=summary_map, position=len(hall.sections)))
        record(session, identity, "section.create", f"hall:{hall_slug}", section=slug, title=title_map)


def update_section(runtime: Runtime, identity: Identity, hall_slug: str, slug: str, title: Any, summary: Any) -> None:
    errors: dict[str, str] = {}
    title_map, summary_map = _texts(title, summary, errors)
    with runtime.db.session() as session:
        hall = get_hall(session, identity, hall_slug)
        section = next((s for s in hall.sections if s.slug == slug), None)
        if section is None:
            raise NotFound(f"hall {hall_slug!r} has no section {slug!r}")
        if errors:
            raise ValidationFailed(errors)
        before = {"title": section.title, "summary": section.summary}
        section.title, section.summary = title_map, summary_map
        record(session, identity, "section.edit", f"hall:{hall_slug}", section=slug, before=before,
               after={"title": title_map, "summary": summary_map})


def _reorder(children: list, order: list[str], what: str) -> list[str]:
    by_slug = {c.slug: c for c in children}
    unknown = [s for s in order if s not in by_slug]
    if unknown or len(set(order)) != len(order):
        raise ValidationFailed({"order": f"not {what} here, or given twice: {', '.join(unknown[:5]) or 'duplicates'}"})
    ordered = [by_slug[s] for s in order] + [c for c in children if c.slug not in order]
    for position, child in enumerate(ordered):
        child.position = position
    return [c.slug for c in ordered]


def _reorder_and_record(session: Session, identity: Identity, children: list, order: list[str], what: str,
                        action: str, target: str) -> None:
    """Put ``children`` (halls of a museum, sections of a hall) in ``order``; audited when it changed."""
    before = [c.slug for c in children]
    after = _reorder(children, order, what)
    if before != after:
        record(session, identity, action, target, before=before, after=after)


def reorder_halls(runtime: Runtime, identity: Identity, museum_slug: str, order: list[str]) -> None:
    with runtime.db.session() as session:
        museum = get_museum(session, identity, museum_slug)
        _reorder_and_record(session, identity, list(museum.halls), order, "halls", "hall.reorder", f"museum:{museum_slug}")


def reorder_sections(runtime: Runtime, identity: Identity, hall_slug: str, order: list[str]) -> None:
    with runtime.db.session() as session:
        hall = get_hall(session, identity, hall_slug)
        _reorder_and_record(session, identity, list(hall.sections), order, "sections", "section.reorder", f"hall:{hall_slug}")


def set_hall_publication(runtime: Runtime, identity: Identity, hall_slug: str, action: str) -> bool:
    """Publish, withdraw or return a hall to draft; its items appear or vanish everywhere with it."""
    if action not in MOVES:
        raise CurationError(f"unknown action {action!r}", "action")
    target = MOVES[action]
    with runtime.db.session() as session:
        hall = get_hall(session, identity, hall_slug)
        if hall.publication == target:
            return False
        if not can_move(hall.publication, target):
            raise CurationError(f"hall {hall_slug} cannot go from {hall.publication} to {target}", "publication")
        record(session, identity, f"hall.{action}", f"hall:{hall_slug}", before=hall.publication, after=target.value)
        hall.publication = target.value
        harvest.note_hall(session, hall, changed=False)
        hall_items = list(session.scalars(select(Item).where(Item.hall_id == hall.id)))
        for item in hall_items:
            harvest.note_item(session, item, changed=False)  # Create/Delete for harvesters as visibility moved
        items = [item.id for item in hall_items]
    runtime.reindex(items)
    return True


def halls_yaml(session: Session, identity: Identity) -> str:
    """The museums, halls and sections the identity curates as a halls file (``jinshi halls load``)."""
    def langmap(value: dict) -> Any:
        if set(value) == {"none"}:  # a plain value, as the file wrote it
            return "; ".join(value["none"])
        return {k: (v[0] if len(v) == 1 else v) for k, v in value.items() if k != "none"}

    def texts(node: dict, title: dict, summary: dict) -> dict:
        node["title"] = langmap(title or {})
        if summary:
            node["summary"] = langmap(summary)
        return node

    museums = []
    for museum in structure(session, identity):
        halls = []
        for hall in museum.halls:
            node = texts({"slug": hall.slug}, hall.title, hall.summary)
            if (hall.layout or "gallery") != "gallery":
                node["layout"] = hall.layout
            sections = [texts({"slug": s.slug}, s.title, s.summary) for s in hall.sections]
            if sections:
                node["sections"] = sections
            halls.append(node)
        museums.append({**texts({"slug": museum.slug}, museum.title, museum.summary), "halls": halls})
    document: dict[str, Any] = {}
    if identity.is_admin:  # the site block is the admins' (its logo stays in the catalogue: the file names none)
        from exhibits.site import NUMBERS, TEXTS, current

        info = current(session)
        block = {k: langmap(getattr(info, k)) for k in TEXTS if getattr(info, k)}
        block.update({k: getattr(info, k) for k in NUMBERS if getattr(info, k)})
        if block:
            document["site"] = block
    document["museums"] = museums
    from exhibits.people import all_people, people_yaml

    everyone = all_people(session)
    if everyone:
        document["people"] = people_yaml(everyone)
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
