"""Load the halls file (museums → halls → sections) into the catalogue.

Loading again updates in place (matched by slug). The file is validated before anything
is written, and every problem is reported with its line number.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select

from exhibits import changes
from exhibits.db import Database
from exhibits.models import Hall, Museum, Section

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
#: How the walk-through room of a hall is built (``layout:`` of a hall; exhibits/walk.py).
LAYOUTS = ("gallery", "corridor", "ring")
DEFAULT_LAYOUT = "gallery"
#: The keys each level of the file may have; any other key is a mistake, named with its line.
KEYS = {
    "the file": ("site", "museums", "people"),
    "the site block": ("title", "tagline", "logo", "footer", "contact", "about", "icp", "police"),
    "a museum": ("slug", "title", "summary", "halls"),
    "a hall": ("slug", "title", "summary", "layout", "sections"),
    "a section": ("slug", "title", "summary"),
}


class YamlFileError(ValueError):
    """A YAML file (halls, activities) refused: every problem, each with its line."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


class HallsFileError(YamlFileError):
    pass


def compose_file(text: str, path: Path | str, error: type[YamlFileError]) -> yaml.Node:
    """The YAML node tree of a file (line numbers kept); ``error`` for text that is not YAML or is empty."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise error(path, [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if root is None:
        raise error(path, ["the file is empty"])
    return root


@dataclass
class SectionSpec:
    slug: str
    title: dict[str, list[str]]
    summary: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class HallSpec:
    slug: str
    title: dict[str, list[str]]
    summary: dict[str, list[str]] = field(default_factory=dict)
    sections: list[SectionSpec] = field(default_factory=list)
    layout: str = DEFAULT_LAYOUT


@dataclass
class MuseumSpec:
    slug: str
    title: dict[str, list[str]]
    summary: dict[str, list[str]] = field(default_factory=dict)
    halls: list[HallSpec] = field(default_factory=list)


@dataclass
class SiteSpec:
    """The ``site:`` block: cleaned values (exhibits.site.clean_values) and the logo file it names."""

    values: dict
    logo: str = ""
    logo_line: int = 0


@dataclass
class HallsFile:
    museums: list[MuseumSpec]
    site: SiteSpec | None = None
    people: list | None = None  # list[exhibits.people.PersonSpec]; None: the file has no people section


class _Reader:
    """Walks the YAML node tree so that every problem carries its line number."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, node: yaml.Node, message: str) -> None:
        self.problems.append(f"line {node.start_mark.line + 1}: {message}")

    def mapping(self, node: yaml.Node, what: str, keys: tuple[str, ...] | None = None) -> dict[str, yaml.Node] | None:
        """The mapping's keys and value nodes; with ``keys``, any other key is named as a problem."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping")
            return None
        allowed = keys
        if allowed is not None:
            for key, _value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value not in allowed:
                    close = difflib.get_close_matches(str(key.value).lower(), allowed, n=1, cutoff=0.6)
                    hint = f"; did you mean {close[0]!r}?" if close else f" (known keys: {', '.join(allowed)})"
                    self.fail(key, f"unknown key {key.value!r} in {what}{hint}")
        return {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a list")
            return []
        return list(node.value)

    def slug(self, fields: dict[str, yaml.Node], parent: yaml.Node, what: str) -> str | None:
        node = fields.get("slug")
        if node is None:
            self.fail(parent, f"{what} has no slug")
            return None
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        if not value or not SLUG.match(str(value)):
            self.fail(node, f"{what} slug {value!r} must be lowercase letters, digits and hyphens")
            return None
        return str(value)

    def choice(self, fields: dict[str, yaml.Node], key: str, choices: tuple[str, ...], default: str) -> str:
        """A key whose value is one of ``choices`` (the default when it is absent)."""
        node = fields.get(key)
        if node is None:
            return default
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        if value not in choices:
            close = difflib.get_close_matches(str(value).lower(), choices, n=1, cutoff=0.6) if isinstance(value, str) else []
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.fail(node, f"{key} must be one of {', '.join(choices)}, not {value!r}{hint}")
            return default
        return value

    def langmap(self, fields: dict[str, yaml.Node], key: str, parent: yaml.Node, required: bool) -> dict[str, list[str]]:
        node = fields.get(key)
        if node is None:
            if required:
                self.fail(parent, f"missing {key} (a mapping like {{zh: ..., en: ...}})")
            return {}
        if isinstance(node, yaml.ScalarNode):
            return {"none": [node.value]} if node.value else {}
        mapping = self.mapping(node, key)
        result: dict[str, list[str]] = {}
        for lang, value in (mapping or {}).items():
            if not re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$", lang):
                self.fail(value, f"{key}: {lang!r} is not a language code")
            elif isinstance(value, yaml.ScalarNode) and value.value:
                result[lang] = [value.value]
            elif isinstance(value, yaml.SequenceNode):
                result[lang] = [v.value for v in value.value if isinstance(v, yaml.ScalarNode)]
            else:
                self.fail(value, f"{key}.{lang} must be text")
        if required and not result:
            self.fail(node, f"{key} is empty")
        return result


def parse_halls(text: str, path: Path | str = "<halls>") -> list[MuseumSpec]:
    """Validate a halls file; raise HallsFileError listing every problem with its line."""
    return parse_halls_file(text, path).museums


def _parse_site(reader: _Reader, node: yaml.Node) -> SiteSpec | None:
    from exhibits.site import NUMBERS, TEXTS, clean_values

    fields = reader.mapping(node, "the site block", KEYS["the site block"])
    if fields is None:
        return None
    values: dict = {}
    for key in TEXTS:
        if key in fields:
            values[key] = reader.langmap(fields, key, node, False)
    for key in NUMBERS:
        if key in fields:
            value = fields[key]
            if not isinstance(value, yaml.ScalarNode):
                reader.fail(value, f"site {key} must be text")
                continue
            values[key] = value.value
    clean, errors = clean_values(values)
    for key, message in errors.items():
        reader.fail(fields.get(key.split(".", 1)[0], node), f"site {key} {message}")
    spec = SiteSpec(clean)
    logo = fields.get("logo")
    if logo is not None:
        if not isinstance(logo, yaml.ScalarNode) or not str(logo.value).strip():
            reader.fail(logo, "site logo must be the path of an image file (relative to this file)")
        else:
            spec.logo, spec.logo_line = str(logo.value).strip(), logo.start_mark.line + 1
    return spec


def parse_halls_file(text: str, path: Path | str = "<halls>") -> HallsFile:
    """The whole halls file (museums, the site block, people), every problem reported with its line."""
    from exhibits.people import parse_people

    reader = _Reader()
    root = compose_file(text, path, HallsFileError)
    top = reader.mapping(root, "the file", KEYS["the file"])
    if top is None or not ({"museums", "site", "people"} & top.keys()):
        raise HallsFileError(path, reader.problems + ["line 1: missing top-level 'museums' list"])
    site = _parse_site(reader, top["site"]) if "site" in top else None
    people = parse_people(reader, top["people"]) if "people" in top else None
    museums: list[MuseumSpec] = []
    seen_halls: dict[str, int] = {}
    seen_museums: set[str] = set()
    for m_node in reader.sequence(top.get("museums"), "museums"):
        m = reader.mapping(m_node, "a museum", KEYS["a museum"])
        if m is None:
            continue
        slug = reader.slug(m, m_node, "museum")
        if slug in seen_museums:
            reader.fail(m_node, f"museum {slug!r} is defined twice")
        seen_museums.add(slug or "")
        museum = MuseumSpec(slug or "", reader.langmap(m, "title", m_node, True), reader.langmap(m, "summary", m_node, False))
        for h_node in reader.sequence(m.get("halls"), "halls"):
            h = reader.mapping(h_node, "a hall", KEYS["a hall"])
            if h is None:
                continue
            h_slug = reader.slug(h, h_node, "hall")
            if h_slug and h_slug in seen_halls:
                reader.fail(h_node, f"hall {h_slug!r} is already defined on line {seen_halls[h_slug]} (hall slugs are unique across museums)")
            if h_slug:
                seen_halls[h_slug] = h_node.start_mark.line + 1
            hall = HallSpec(h_slug or "", reader.langmap(h, "title", h_node, True), reader.langmap(h, "summary", h_node, False),
                            layout=reader.choice(h, "layout", LAYOUTS, DEFAULT_LAYOUT))
            seen_sections: set[str] = set()
            for s_node in reader.sequence(h.get("sections"), "sections"):
                s = reader.mapping(s_node, "a section", KEYS["a section"])
                if s is None:
                    continue
                s_slug = reader.slug(s, s_node, "section")
                if s_slug in seen_sections:
                    reader.fail(s_node, f"section {s_slug!r} is defined twice in hall {h_slug!r}")
                seen_sections.add(s_slug or "")
                hall.sections.append(SectionSpec(s_slug or "", reader.langmap(s, "title", s_node, True), reader.langmap(s, "summary", s_node, False)))
            museum.halls.append(hall)
        museums.append(museum)
    if reader.problems:
        raise HallsFileError(path, reader.problems)
    return HallsFile(museums, site, people)


def load_halls(db: Database, path: Path) -> dict[str, int]:
    """Create or update museums, halls and sections from a halls file; returns counts."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise HallsFileError(path, [f"cannot be read ({exc})"]) from None
    parsed = parse_halls_file(text, path)
    specs = parsed.museums
    logo = _read_logo(path, parsed.site) if parsed.site else None
    counts = {"museums": 0, "halls": 0, "sections": 0}  # and "site", "people" when the file has them
    with db.session() as session:
        if parsed.site is not None:
            from exhibits.site import store

            store(session, parsed.site.values, logo)
            counts["site"] = 1
        if parsed.people is not None:
            from exhibits.people import load_people

            counts["people"] = load_people(session, parsed.people)
        for m_pos, spec in enumerate(specs):
            museum = session.scalar(select(Museum).where(Museum.slug == spec.slug)) or Museum(slug=spec.slug)
            museum_changed = museum.id is None or (museum.title, museum.summary, museum.position) != (spec.title, spec.summary, m_pos)
            museum.title, museum.summary, museum.position = spec.title, spec.summary, m_pos
            session.add(museum)
            changes.note_museum(session, museum, changed=museum_changed)
            counts["museums"] += 1
            for h_pos, h_spec in enumerate(spec.halls):
                hall = session.scalar(select(Hall).where(Hall.slug == h_spec.slug)) or Hall(slug=h_spec.slug)
                hall_changed = hall.id is None or (hall.museum_id, hall.title, hall.summary, hall.position, hall.layout) != (
                    museum.id, h_spec.title, h_spec.summary, h_pos, h_spec.layout)
                hall.museum = museum
                hall.title, hall.summary, hall.position, hall.layout = h_spec.title, h_spec.summary, h_pos, h_spec.layout
                session.add(hall)
                session.flush()
                changes.note_hall(session, hall, changed=hall_changed)
                counts["halls"] += 1
                existing = {s.slug: s for s in hall.sections}
                for s_pos, s_spec in enumerate(h_spec.sections):
                    section = existing.get(s_spec.slug) or Section(slug=s_spec.slug)
                    section.title, section.summary, section.position = s_spec.title, s_spec.summary, s_pos
                    if section not in hall.sections:
                        hall.sections.append(section)
                    counts["sections"] += 1
    return counts


def _read_logo(path: Path, site: SiteSpec) -> bytes | None:
    """The logo file the site block names, read and checked before anything is written."""
    if not site.logo:
        return None
    from exhibits.site import MAX_LOGO_BYTES, check_logo

    where = f"line {site.logo_line}: site logo {site.logo!r}"
    logo_path = (path.parent / site.logo)
    try:
        if logo_path.stat().st_size > MAX_LOGO_BYTES:
            raise HallsFileError(path, [f"{where} is {logo_path.stat().st_size} bytes (at most {MAX_LOGO_BYTES})"])
        data = logo_path.read_bytes()
    except OSError as exc:
        raise HallsFileError(path, [f"{where} cannot be read ({exc.strerror or exc})"]) from None
    try:
        check_logo(data)
    except ValueError as exc:
        raise HallsFileError(path, [f"{where} {exc}"]) from None
    return data
