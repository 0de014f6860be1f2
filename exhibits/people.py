"""The ICH hall's people: inheritors (传承人), their recognition, lineage and the works that show them.

People are defined by the ``people:`` section of the halls file (see :func:`parse_people`); the section is
the whole list, so loading it again updates people in place and removes those no longer in it. People are
public (never drafts), but everything shown with them goes through :func:`exhibits.states.visible`:
a person's page lists only visible items, and a portrait shows only while its item is visible.

Items name their inheritor in the ``inheritor`` profile field, in any language; an item shows a person's
work when one of its inheritor values is the person's slug or one of their names (traditional characters,
case and spaces folded), see :func:`matches`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

import yaml
from sqlalchemy import Text, cast, delete, select
from sqlalchemy.orm import Session, selectinload

from exhibits.models import Asset, Item
from exhibits.people_models import Person
from exhibits.states import visible

#: Levels of recognition of a representative inheritor (代表性传承人), highest first, with the Chinese the
#: file may use instead.
LEVELS = ("national", "provincial", "city", "county")
LEVEL_ALIASES = {"国家级": "national", "省级": "provincial", "市级": "city", "县级": "county", "区级": "county",
                 "national": "national", "provincial": "provincial", "city": "city", "county": "county"}
KEYS = ("slug", "name", "level", "ich", "region", "summary", "portrait", "master", "born")
MAX_PEOPLE = 5000
#: Separators between several inheritors in one value: 王建国、陈秀英 / Wang Jianguo; Chen Xiuying
_SEPARATORS = re.compile(r"[、;；,，/|]")
_SPACES = re.compile(r"[\s·・.\-]+")


@dataclass
class PersonSpec:
    slug: str
    name: dict[str, list[str]]
    level: str = ""
    ich: dict[str, list[str]] = field(default_factory=dict)
    region: dict[str, list[str]] = field(default_factory=dict)
    summary: dict[str, list[str]] = field(default_factory=dict)
    portrait: str = ""
    master: str = ""
    born: int | None = None
    line: int = 0


def parse_people(reader: Any, node: yaml.Node | None) -> list[PersonSpec]:
    """The ``people:`` list, validated with line numbers through the halls file's reader.

    Problems found: unknown keys, missing names, bad slugs, duplicate slugs, unknown levels, a master
    who is not in the list, a person who is their own master, and masters going round in a circle.
    """
    from exhibits.halls import SLUG

    people: list[PersonSpec] = []
    seen: dict[str, int] = {}
    nodes = reader.sequence(node, "people")
    if len(nodes) > MAX_PEOPLE:
        reader.fail(node, f"people lists {len(nodes)} people (at most {MAX_PEOPLE})")
        return []
    for p_node in nodes:
        fields = reader.mapping(p_node, "a person", KEYS)
        if fields is None:
            continue
        slug = reader.slug(fields, p_node, "person")
        line = p_node.start_mark.line + 1
        if slug and slug in seen:
            reader.fail(p_node, f"person {slug!r} is already defined on line {seen[slug]}")
            slug = None
        if slug:
            seen[slug] = line
        spec = PersonSpec(slug or "", reader.langmap(fields, "name", p_node, True), line=line)
        for key in ("ich", "region", "summary"):
            setattr(spec, key, reader.langmap(fields, key, p_node, False))
        for key in ("level", "portrait", "master", "born"):
            value_node = fields.get(key)
            if value_node is None:
                continue
            if not isinstance(value_node, yaml.ScalarNode):
                reader.fail(value_node, f"{key} of person {slug!r} must be a single value")
                continue
            value = str(value_node.value).strip()
            if key == "level":
                spec.level = LEVEL_ALIASES.get(value.lower(), "")
                if value and not spec.level:
                    reader.fail(value_node, f"level {value!r} of person {slug!r} is not one of {', '.join(LEVELS)} (or 国家级, 省级, 市级, 县级)")
            elif key == "born":
                if not re.fullmatch(r"\d{4}", value):
                    reader.fail(value_node, f"born of person {slug!r} must be a year like 1956, not {value!r}")
                else:
                    spec.born = int(value)
            elif key == "portrait":
                if value and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}", value):
                    reader.fail(value_node, f"portrait of person {slug!r} must be an item id or an image id, not {value[:40]!r}")
                spec.portrait = value
            else:
                spec.master = value
                spec._master_line = value_node.start_mark.line + 1  # type: ignore[attr-defined]
        people.append(spec)
    by_slug = {p.slug: p for p in people if p.slug}
    for person in people:
        if not person.master:
            continue
        line = getattr(person, "_master_line", person.line)
        if person.master == person.slug:
            reader.problems.append(f"line {line}: person {person.slug!r} cannot be their own master")
        elif person.master not in by_slug:
            close = [s for s in by_slug if s.startswith(person.master[:3])][:1]
            hint = f"; did you mean {close[0]!r}?" if close else ""
            reader.problems.append(f"line {line}: master {person.master!r} of person {person.slug!r} is not in people{hint}")
    reported: set[str] = set()
    for person in people:
        chain, current = [], person
        while current is not None and current.master and current.master != current.slug:
            if current.slug in chain:
                circle = chain[chain.index(current.slug):]
                if not reported & set(circle):
                    reader.problems.append(f"line {by_slug[circle[0]].line}: masters go round in a circle: "
                                           + " → ".join(circle + [circle[0]]))
                    reported.update(circle)
                break
            chain.append(current.slug)
            current = by_slug.get(current.master)
    return people


def load_people(session: Session, specs: list[PersonSpec]) -> int:
    """Make the people table what the file says (update in place by slug, remove the rest)."""
    existing = {p.slug: p for p in session.scalars(select(Person))}
    rows: dict[str, Person] = {}
    for position, spec in enumerate(specs):
        row = existing.get(spec.slug) or Person(slug=spec.slug)
        row.name, row.level, row.ich, row.region, row.summary = spec.name, spec.level, spec.ich, spec.region, spec.summary
        row.portrait, row.born, row.position, row.master_id = spec.portrait, spec.born, position, None
        session.add(row)
        rows[spec.slug] = row
    gone = [slug for slug in existing if slug not in rows]
    if gone:
        for row in existing.values():
            if row.slug not in rows:
                row.master_id = None
        session.flush()
        session.execute(delete(Person).where(Person.slug.in_(gone)))
    session.flush()
    for spec in specs:
        if spec.master:
            rows[spec.slug].master_id = rows[spec.master].id
    return len(specs)


# -- reading ---------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """A name as compared: simplified characters, case, width and spaces folded (``Wáng  Jiànguó`` ~ ``wangjianguo``)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub("", _t2s().convert(text).casefold())


def person_keys(person: Person) -> set[str]:
    """Everything an item's inheritor value may say to name this person."""
    keys = {fold(person.slug)}
    for values in (person.name or {}).values():
        keys.update(fold(v) for v in values if v and v.strip())
    keys.discard("")
    return keys


def value_keys(value: Any) -> set[str]:
    """The folded names an ``inheritor`` value (a language map, a list or text) gives."""
    if isinstance(value, dict):
        texts = [t for vs in value.values() for t in (vs if isinstance(vs, list) else [vs])]
    elif isinstance(value, list):
        texts = value
    else:
        texts = [value]
    out = set()
    for text in texts:
        if isinstance(text, str):
            out.update(fold(part) for part in _SEPARATORS.split(text) if part.strip())
    out.discard("")
    return out


def matches(person: Person, inheritor_value: Any) -> bool:
    return bool(person_keys(person) & value_keys(inheritor_value))


def all_people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).order_by(Person.position, Person.slug)))


def get(session: Session, slug: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slug == slug))


def for_item(session: Session, item: Item) -> list[Person]:
    """The people an item's ``inheritor`` field names, in the order of the people list."""
    value = (item.metadata_ or {}).get("inheritor")
    if not value:
        return []
    wanted = value_keys(value)
    return [p for p in all_people(session) if person_keys(p) & wanted]


def visible_works(session: Session, person: Person) -> list[Item]:
    """Every visible item whose inheritor field names the person (the hall's order)."""
    keys = person_keys(person)
    # only rows whose metadata has an inheritor are decoded (the JSON text names the key; SQLite and PostgreSQL alike)
    has_inheritor = cast(Item.metadata_, Text).like('%"inheritor"%')
    rows = session.execute(select(Item.id, Item.metadata_).where(visible(), has_inheritor).order_by(Item.position, Item.id))
    ids = [row.id for row in rows if (row.metadata_ or {}).get("inheritor") and keys & value_keys(row.metadata_["inheritor"])]
    if not ids:
        return []
    found = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(ids)).options(selectinload(Item.assets)))}
    return [found[i] for i in ids if i in found]


def portrait(session: Session, person: Person) -> Asset | None:
    """The portrait image: the first image of the named item, or the named image, of a visible item only."""
    ref = (person.portrait or "").strip()
    if not ref:
        return None
    if re.fullmatch(r"[0-9a-f]{64}", ref):
        query = select(Asset).join(Item).where(visible(), Asset.sha256 == ref, Asset.kind == "image")
    else:
        query = select(Asset).join(Item).where(visible(), Item.id == ref, Asset.kind == "image").order_by(Asset.position)
    return session.scalars(query.limit(1)).first()


@dataclass
class Branch:
    """One person in a lineage tree with their apprentices."""

    person: Person
    apprentices: list["Branch"] = field(default_factory=list)


def lineage(session: Session, person: Person, max_depth: int = 12) -> Branch:
    """The tree the person belongs to, from their earliest master down through every apprentice."""
    people = all_people(session)
    by_id = {p.id: p for p in people}
    root, seen = person, {person.id}
    while root.master_id in by_id and root.master_id not in seen and len(seen) < max_depth:
        root = by_id[root.master_id]
        seen.add(root.id)
    children: dict[int | None, list[Person]] = {}
    for p in people:
        children.setdefault(p.master_id, []).append(p)

    def grow(p: Person, depth: int, path: frozenset[int]) -> Branch:
        branch = Branch(p)
        if depth < max_depth:
            branch.apprentices = [grow(c, depth + 1, path | {c.id}) for c in children.get(p.id, []) if c.id not in path]
        return branch

    return grow(root, 0, frozenset({root.id}))


def master_of(session: Session, person: Person) -> Person | None:
    return session.get(Person, person.master_id) if person.master_id else None


def apprentices_of(session: Session, person: Person) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.master_id == person.id).order_by(Person.position, Person.slug)))


def find(session: Session, text: str, limit: int = 12) -> list[Person]:
    """People whose name, slug, ICH item or region contains the search text (folded like names)."""
    words = [fold(w) for w in re.split(r"\s+", text or "") if w.strip()]
    words = [w for w in words if w][:8]
    if not words:
        return []
    found = []
    for person in all_people(session):
        haystack = " ".join([fold(person.slug)] + [fold(v) for field_ in (person.name, person.ich, person.region)
                                                    for vs in (field_ or {}).values() for v in vs])
        whole = fold("".join(text.split()))
        if all(w in haystack for w in words) or (whole and whole in haystack):
            found.append(person)
            if len(found) >= limit:
                break
    return found


def people_yaml(people: Iterable[Person]) -> list[dict]:
    """The people as the halls file writes them (for the workspace's halls.yaml download)."""
    def langmap(value: dict) -> Any:
        if set(value) == {"none"}:
            return "; ".join(value["none"])
        return {k: (v[0] if len(v) == 1 else v) for k, v in value.items() if k != "none"}

    people = list(people)
    slugs = {p.id: p.slug for p in people}
    out = []
    for p in people:
        node: dict[str, Any] = {"slug": p.slug, "name": langmap(p.name or {})}
        if p.level:
            node["level"] = p.level
        for key in ("ich", "region", "summary"):
            if getattr(p, key):
                node[key] = langmap(getattr(p, key))
        if p.portrait:
            node["portrait"] = p.portrait
        if p.master_id in slugs:
            node["master"] = slugs[p.master_id]
        if p.born:
            node["born"] = p.born
        out.append(node)
    return out
