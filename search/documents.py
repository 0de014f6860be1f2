"""Catalogue items as search documents.

:func:`item_document` turns an :class:`exhibits.models.Item` into a flat, JSON-able dict
(the unit every backend indexes); :func:`index_fields` analyses it into the index fields
both backends store, so Whoosh and Elasticsearch see exactly the same tokens.
"""
from __future__ import annotations

import json
from urllib.parse import quote, unquote
from datetime import datetime, timezone
from typing import Any

from exhibits import dates
from search import analysis, periods, vocabulary

#: Profile fields copied from ``Item.metadata_`` (each a language map).
PROFILE_FIELDS = (
    "material", "period", "creator", "place", "dimensions", "category", "grade", "provenance",
    "condition", "ich_category", "ich_level", "inheritor", "region",
)
#: Profile fields searchable one by one (``material:青铜``); the rest go to the general fields.
FIELDED = ("material", "period", "creator", "place", "dimensions", "ich_category", "ich_level", "inheritor", "region")
MEDIA_FLAGS = {"image": "has_image", "model": "has_3d", "video": "has_video", "audio": "has_audio"}
SNIPPET_SOURCE_CHARS = 1200


def _langmap(value: Any) -> dict[str, list[str]]:
    if not value:
        return {}
    if isinstance(value, str):
        return {"none": [value]}
    if isinstance(value, list):
        return {"none": [str(v) for v in value]}
    out: dict[str, list[str]] = {}
    for lang, vals in value.items():
        vals = vals if isinstance(vals, list) else [vals]
        vals = [str(v) for v in vals if v not in (None, "")]
        if vals:
            out[str(lang)] = vals
    return out


def item_document(item) -> dict[str, Any]:
    """The flat search document of a catalogue item."""
    meta = item.metadata_ or {}
    assets = list(item.assets or [])
    kinds = {a.kind for a in assets}
    cues = _cues(assets, "transcript") or _cues(assets, "captions")
    thumb = next((a.sha256 for a in assets if a.kind == "image"), None)
    updated = item.updated
    if updated is not None and updated.tzinfo is None:
        updated = updated.replace(tzinfo=timezone.utc)
    doc: dict[str, Any] = {
        "id": item.id,
        "museum": item.museum.slug if item.museum is not None else None,
        "hall": item.hall.slug if item.hall is not None else None,
        "section": item.section.slug if item.section is not None else None,
        "title": _langmap(item.title),
        "description": _langmap(item.description),
        "object_type": item.object_type,
        "accession_number": item.accession_number or _first(meta.get("accession_number")),
        "date_start": item.date_start,
        "date_end": item.date_end,
        "thumbnail": thumb,
        "thumbnail_url": still_url(item),
        "object_type_label": _langmap(meta.get("object_type")),
        "transcript": cues,
        "names": place_names(item),
        "updated": updated.isoformat() if updated else None,
        # the CSV's own columns beyond the profile (DESIGN.md: kept as extra metadata), by column name
        "extra": {str(k): str(v) for k, v in (meta.get("extra") or {}).items() if v not in (None, "")},
    }
    for name in PROFILE_FIELDS:
        doc[name] = _langmap(meta.get(name))
    for kind, flag in MEDIA_FLAGS.items():
        doc[flag] = kind in kinds
    return doc


def _cues(assets, kind: str) -> list[dict[str, Any]]:
    """The timed lines of the item's ``kind`` tracks: its transcripts, or (a video without one) its
    captions, so their words are searchable and a hit links to the moment."""
    cues: list[dict[str, Any]] = []
    for asset in assets:
        if asset.kind == kind:
            for cue in (asset.info or {}).get("cues") or []:
                if cue.get("text"):
                    cues.append({"start": cue.get("start"), "end": cue.get("end"), "text": str(cue["text"]),
                                 "lang": asset.language})
    return cues


def place_names(item) -> dict[str, list[str]]:
    """The titles of the item's museum, hall and section in every language (书法 and Painting find a
    hall's works)."""
    out: dict[str, list[str]] = {}
    for owner in (item.museum, item.hall, item.section):
        if owner is None:
            continue
        for lang, values in _langmap(owner.title).items():
            out.setdefault(lang, []).extend(v for v in values if v not in out.get(lang, []))
    return out


def still_url(item) -> str | None:
    """Path of the item's still picture, whatever its media: the first asset that has one, as the
    IIIF manifest's ``thumbnail`` (each kind's ``MediaKind.thumbnail``: an IIIF image, a 3D rendering, a video
    poster or an audio waveform), relative to the server."""
    from exhibits.iiif import NoMediaKinds, thumbnail_of

    base = "https://jinshi.invalid"  # the manifest's ids are absolute URLs; the path is kept
    try:
        body = thumbnail_of(item, base)
    except NoMediaKinds:  # this process never registered the media kinds: every still would be missing
        raise
    except Exception:  # a still is a nicety; a malformed asset record must not keep the item out of the index
        return None
    url = str(body.id) if body is not None else ""
    return url[len(base):] if url.startswith(base + "/") else None


#: Facets whose values get labels in other languages from the documents' language maps
#: (``period`` values are canonical period names, labelled from search.periods).
LABELLED_FACETS = ("object_type", "material")
#: Index field of the facet labels: one term ``facet value lang label`` (each part URL-quoted) per label.
FACET_LABEL_FIELD = "facet_label"


def facet_label_terms(doc: dict[str, Any]) -> list[str]:
    """Terms recording the labels a document gives its object_type and material facet values."""
    out = []
    pairs = [("object_type", object_type_facet(doc), doc.get("object_type_label") or {}),
             ("material", material_facet(doc), doc.get("material") or {})]
    for facet, values, langmap in pairs:
        for value in values:  # controlled values the catalogue does not translate: the vocabulary's label
            entry = vocabulary.lookup(facet, value)
            if entry is not None and entry.en and not any(l for k, l in langmap.items() if k not in ("zh", "none")):
                out.append(label_term(facet, value, "en", entry.en[0]))
        if not values or not langmap:
            continue
        zh = langmap.get("zh") or []
        for lang, labels in langmap.items():
            if lang in ("zh", "none"):
                continue
            for i, value in enumerate(values):
                # the i-th value's label: its position in the zh list (the facet value's source), or the only one
                if facet == "object_type":
                    match = [j for j, z in enumerate(zh) if vocabulary.canonical(facet, analysis.to_simplified(z).strip()) == value]
                    j = match[0] if match else (0 if len(labels) == 1 else None)
                else:
                    j = i if len(labels) == len(values) else None
                if j is not None and j < len(labels) and labels[j].strip() and labels[j].strip() != value:
                    out.append(label_term(facet, value, lang, labels[j].strip()))
    return out[:16]


def label_term(facet: str, value: str, lang: str, label: str) -> str:
    return " ".join(quote(part, safe="") for part in (facet, value, lang, label))


def parse_label_term(term: str) -> tuple[str, str, str, str] | None:
    parts = term.split(" ")
    if len(parts) != 4:
        return None
    facet, value, lang, label = (unquote(p) for p in parts)
    return facet, value, lang, label


def _first(value: Any) -> str | None:
    for values in _langmap(value).values():
        if values:
            return values[0]
    return None


def _all_text(langmap: dict[str, list[str]] | None) -> str:
    return " ".join(v for vals in (langmap or {}).values() for v in vals)


def facet_value(langmap: dict[str, list[str]] | None) -> list[str]:
    """Facet keys of a profile value: its zh values, else its other values (commas removed)."""
    langmap = langmap or {}
    values = langmap.get("zh") or next((v for v in langmap.values() if v), [])
    return [analysis.to_simplified(v).replace(",", " ").strip() for v in values if v.strip()][:8]


def object_type_facet(doc: dict[str, Any]) -> list[str]:
    """The object type's facet value: the canonical form of a controlled value (镜 → 铜镜)."""
    value = (doc.get("object_type") or "").strip()
    return [vocabulary.canonical("object_type", analysis.to_simplified(value))] if value else []


def material_facet(doc: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(vocabulary.canonical("material", v) for v in facet_value(doc.get("material"))))


def controlled_text(doc: dict[str, Any]) -> str:
    """Every way of writing the document's controlled values, in both languages (铜镜 镜 mirror ...)."""
    types = [doc.get("object_type") or ""] + [v for vals in (doc.get("object_type_label") or {}).values() for v in vals]
    materials = [v for vals in (doc.get("material") or {}).values() for v in vals]
    # a Chinese object's name ends with what it is (宣德炉 is a 炉, 山水图 a painting): its title counts too
    titles = [v for v in (doc.get("title") or {}).get("zh") or [] if vocabulary.lookup("object_type", v)]
    words = vocabulary.expansion("object_type", [t for t in types + titles if t]) + vocabulary.expansion("material", materials)
    return " ".join(dict.fromkeys(words))


def period_years(doc: dict[str, Any]) -> tuple[int, int] | None:
    """Years of an undated document read from its period text (明万历 → 1573–1620), as ingest reads
    date text (exhibits.dates), so ``date:1600..1610`` finds it."""
    for values in (doc.get("period") or {}).values():
        for value in values:
            span = dates.parse_years(value)
            if span is not None:
                return span
    return None


def period_facet(doc: dict[str, Any]) -> list[str]:
    found = []
    for values in (doc.get("period") or {}).values():
        for value in values:
            zh = periods.canonical(value)
            if zh:
                found.append(zh)
    if not found:
        derived = periods.from_years(doc.get("date_start"), doc.get("date_end")) or periods.from_years(*(period_years(doc) or (None, None)))
        if derived:
            found.append(derived)
        else:
            found.extend(facet_value(doc.get("period")))
    return list(dict.fromkeys(found))


def title_sort_key(doc: dict[str, Any]) -> str:
    title = doc.get("title") or {}
    for lang in ("zh", "en", "none"):
        if title.get(lang):
            text = title[lang][0]
            pinyin = analysis.pinyin_tokens(text)
            # Chinese titles sort by their pinyin syllables, as library catalogues do
            key = " ".join(p for p in pinyin if len(p) > 0) if analysis.has_han(text) else text.lower()
            return (key or text.lower())[:64]
    return ""


def object_type_text(doc: dict[str, Any]) -> str:
    """The object type as searchable words: its value and its labels (铜镜, mirror)."""
    parts = [doc.get("object_type") or "", _all_text(doc.get("object_type_label"))]
    return " ".join(p for p in parts if p)


def index_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The analysed fields of a document (identical input for every backend)."""
    title_text = _all_text(doc.get("title"))
    meta_parts = [_all_text(doc.get(name)) for name in PROFILE_FIELDS]
    meta_parts.append(doc.get("accession_number") or "")
    meta_parts.extend((doc.get("extra") or {}).values())  # extra CSV columns are searchable
    meta_parts.append(object_type_text(doc))
    meta_parts.append(_all_text(doc.get("names")))
    known = " ".join(p for p in meta_parts if p)
    # names of the controlled values the text does not already hold (no term counted twice)
    meta_parts.append(" ".join(w for w in controlled_text(doc).split(" ") if w and w not in known))
    transcript = " ".join(c["text"] for c in doc.get("transcript") or [])
    meta_text = " ".join(p for p in meta_parts if p)
    text = _all_text(doc.get("description")) + " " + transcript
    date_start, date_end = doc.get("date_start"), doc.get("date_end")
    if date_start is None and date_end is None:
        date_start, date_end = period_years(doc) or (None, None)
    if date_start is None and date_end is not None:
        date_start = date_end
    if date_end is None and date_start is not None:
        date_end = date_start
    fields: dict[str, Any] = {
        "id": doc["id"],
        "museum": doc.get("museum") or "",
        "hall": doc.get("hall") or "",
        "section": doc.get("section") or "",
        "object_type": (object_type_facet(doc) or [""])[0],
        "accession_number": (doc.get("accession_number") or "").lower(),
        "title": analysis.analyze(title_text),
        "title_py": " ".join(analysis.pinyin_tokens(title_text)),
        # part by part: the same tokens as the joined text, and profile values, names and controlled
        # values repeat across a catalogue, so most parts come from analyze's cache
        "meta": " ".join(a for a in (analysis.analyze(p) for p in meta_parts if p) if a),
        "text": analysis.analyze(text),
        "transcript": analysis.analyze(transcript),
        "title_chars": analysis.char_tokens(title_text),
        "meta_chars": analysis.char_tokens(meta_text),
        "text_chars": analysis.char_tokens(text),
        "transcript_chars": analysis.char_tokens(transcript),
        "date_start": date_start,
        "date_end": date_end,
        "title_sort": title_sort_key(doc),
        "facet_material": material_facet(doc),
        "facet_period": period_facet(doc),
        "facet_ich_category": facet_value(doc.get("ich_category")),
        "facet_ich_level": facet_value(doc.get("ich_level")),
        "has_3d": "true" if doc.get("has_3d") else "false",
        "has_video": "true" if doc.get("has_video") else "false",
        "has_audio": "true" if doc.get("has_audio") else "false",
        FACET_LABEL_FIELD: facet_label_terms(doc),
        "updated": doc.get("updated") or "",
        "stored": json.dumps(display(doc), ensure_ascii=False, separators=(",", ":")),
    }
    for name in FIELDED:
        fields[f"f_{name}"] = analysis.analyze(_all_text(doc.get(name)))
    # material:bronze finds a material written only 青铜 (its controlled value's names in both languages)
    names = [w for v in material_facet(doc) if (e := vocabulary.lookup("material", v)) for w in (e.zh,) + e.en[:1]
             if w not in _all_text(doc.get("material"))]
    if names:
        fields["f_material"] = " ".join([fields["f_material"], analysis.analyze(" ".join(names))]).strip()
    # a reign's dynasty is searchable as its period: period:明 finds 明弘光 (after 1644) by its name
    named = [p for p in fields["facet_period"] if p in periods.PERIODS]
    if named:
        fields["f_period"] = " ".join([fields["f_period"]] + named).strip()
    return fields


def display(doc: dict[str, Any]) -> dict[str, Any]:
    """What a hit shows, kept in the index so results need no catalogue query."""
    desc = doc.get("description") or {}
    return {
        "title": doc.get("title") or {},
        "museum": doc.get("museum"),
        "hall": doc.get("hall"),
        "object_type": doc.get("object_type"),
        "date_start": doc.get("date_start"),
        "date_end": doc.get("date_end"),
        "period": doc.get("period") or {},
        "thumbnail": doc.get("thumbnail"),
        "thumbnail_url": doc.get("thumbnail_url"),
        "has_3d": bool(doc.get("has_3d")), "has_video": bool(doc.get("has_video")),
        "has_audio": bool(doc.get("has_audio")),
        "description": {k: [" ".join(v)[:SNIPPET_SOURCE_CHARS]] for k, v in desc.items() if v},
        "transcript": [{"start": c.get("start"), "text": c["text"][:300]} for c in (doc.get("transcript") or [])[:200]],
    }


#: Index field of each facet.
FACET_FIELDS = {
    "museum": "museum", "hall": "hall", "object_type": "object_type",
    "material": "facet_material", "period": "facet_period",
    "ich_category": "facet_ich_category", "ich_level": "facet_ich_level",
    "has_3d": "has_3d", "has_video": "has_video", "has_audio": "has_audio",
}


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()
