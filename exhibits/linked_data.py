"""schema.org JSON-LD and share-card facts (Open Graph, Twitter) for item, hall, museum and person pages.

Pure data: the templates serialise it with Jinja's ``tojson`` (which escapes ``<``, ``>``, ``&`` and ``'``),
so a ``</script>`` in a title cannot end the ``<script type="application/ld+json">`` element.
"""
from __future__ import annotations

from typing import Any

from exhibits.i18n import pick_with_language
from exhibits.models import Asset, Item
from exhibits.people_models import Person
from exhibits.rights import rights_uri

#: The share image's longest side (Open Graph asks for about 1200 px).
SHARE_SIZE = 1200
_SCHEMA_LANG = {"zh": "zh-Hans", "zh-Hant": "zh-Hant", "en": "en"}


def share_image(base: str, asset: Asset | None) -> dict[str, Any] | None:
    """An absolute IIIF URL of the image at most 1200 px on its longest side, with its size when known."""
    if asset is None or asset.kind != "image":
        return None
    url = f"{base}/iiif/3/{asset.sha256}/full/!{SHARE_SIZE},{SHARE_SIZE}/0/default.jpg"
    out: dict[str, Any] = {"url": url}
    if asset.width and asset.height:
        scale = min(1.0, SHARE_SIZE / max(asset.width, asset.height))
        out["width"], out["height"] = max(1, round(asset.width * scale)), max(1, round(asset.height * scale))
    return out


def first_image(item: Item) -> Asset | None:
    return next((a for a in item.assets if a.kind == "image"), None)


def _text(value: dict | None, lang: str) -> str:
    return pick_with_language(value, lang)[0] if value else ""


def _texts(value: dict | None) -> list[dict[str, str]]:
    """Every language of a language map as schema.org language-tagged values."""
    out = []
    for lang, values in (value or {}).items():
        for text in values or []:
            if text:
                out.append({"@value": text, "@language": _SCHEMA_LANG.get(lang, lang)} if lang != "none" else {"@value": text})
    return out


def item_jsonld(item: Item, base: str, lang: str, people: list[Person] = ()) -> dict[str, Any]:
    """schema.org ``VisualArtwork`` (objects) or ``CreativeWork`` (ICH records) of a visible item."""
    meta = item.metadata_ or {}
    ich = bool(meta.get("ich_category"))
    url = f"{base}/items/{item.id}"
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork" if ich else "VisualArtwork",
        "@id": url, "url": url,
        "name": _text(item.title, lang) or item.id,
        "inLanguage": _SCHEMA_LANG.get(lang, lang),
    }
    alternates = [t["@value"] for t in _texts(item.title) if t["@value"] != doc["name"]]
    if alternates:
        doc["alternateName"] = alternates
    if item.description:
        doc["description"] = _text(item.description, lang)[:5000]
    image = share_image(base, first_image(item))
    if image:
        doc["image"] = image["url"]
        doc["thumbnailUrl"] = f"{base}/iiif/3/{first_image(item).sha256}/full/!400,400/0/default.jpg"
    if item.accession_number:
        doc["identifier"] = item.accession_number
    if meta.get("material") and not ich:
        doc["artMedium"] = _text(meta["material"], lang)
    if meta.get("object_type") or item.object_type:
        doc["genre" if ich else "artform"] = _text(meta.get("object_type"), lang) or item.object_type
    if meta.get("period"):
        doc["temporalCoverage"] = _text(meta["period"], lang)
    if item.date_start is not None and item.date_start > 0:
        doc["dateCreated"] = f"{item.date_start:04d}" if item.date_end in (None, item.date_start) else f"{item.date_start:04d}/{item.date_end:04d}"
    if meta.get("place"):
        doc["locationCreated"] = {"@type": "Place", "name": _text(meta["place"], lang)}
    creators: list[dict[str, Any]] = [{"@type": "Person", "name": _text(p.name, lang), "url": f"{base}/people/{p.slug}"} for p in people]
    if not creators and meta.get("creator"):
        creators = [{"@type": "Person", "name": _text(meta["creator"], lang)}]
    if creators:
        doc["creator"] = creators
    if item.rights:
        doc["license"] = rights_uri(item.rights) or item.rights
    if item.museum is not None:
        doc["isPartOf"] = {"@type": "Collection", "name": _text(item.museum.title, lang) or item.museum.slug,
                           "url": f"{base}/museums/{item.museum.slug}"}
    doc["subjectOf"] = {"@type": "WebPage", "encodingFormat": "application/ld+json",
                        "url": f"{base}/iiif/items/{item.id}/manifest", "name": "IIIF Presentation 3 manifest"}
    return doc


def person_jsonld(person: Person, base: str, lang: str, portrait: Asset | None = None,
                  master: Person | None = None, apprentices: list[Person] = ()) -> dict[str, Any]:
    url = f"{base}/people/{person.slug}"
    doc: dict[str, Any] = {"@context": "https://schema.org", "@type": "Person", "@id": url, "url": url,
                           "name": _text(person.name, lang) or person.slug}
    alternates = [t["@value"] for t in _texts(person.name) if t["@value"] != doc["name"]]
    if alternates:
        doc["alternateName"] = alternates
    if person.summary:
        doc["description"] = _text(person.summary, lang)[:5000]
    if person.ich:
        doc["knowsAbout"] = _text(person.ich, lang)
    if person.region:
        doc["homeLocation"] = {"@type": "Place", "name": _text(person.region, lang)}
    if person.born:
        doc["birthDate"] = str(person.born)
    image = share_image(base, portrait)
    if image:
        doc["image"] = image["url"]
    if master is not None:
        doc["colleague"] = [{"@type": "Person", "name": _text(master.name, lang), "url": f"{base}/people/{master.slug}"}]
    if apprentices:
        doc.setdefault("colleague", []).extend(
            {"@type": "Person", "name": _text(a.name, lang), "url": f"{base}/people/{a.slug}"} for a in apprentices)
    return doc
