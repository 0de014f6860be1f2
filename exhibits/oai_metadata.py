"""The metadata formats of the OAI-PMH repository (:mod:`exhibits.oai`): simple Dublin Core (``oai_dc``)
and Jinshi's own record (``jinshi``, the whole profile in every language), written as lxml elements."""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from exhibits.i18n import langmap
from exhibits.iiif import format_years
from exhibits.models import Item
from exhibits.profile import FIELDS
from exhibits.rights import rights_uri

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
RECORD_NS = "urn:jinshi:oai:record:1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
RECORD_SCHEMA_PATH = "/oai/schemas/jinshi-record-1.0.xsd"

S = etree.SubElement


def dc_root(parent):
    dc = S(parent, f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    return dc


def _clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters: drop them rather than fail the page."""
    return _CONTROL.sub("", text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def lang_elements(parent, tag: str, value: dict | None) -> None:
    for lang, texts in (value or {}).items():
        for text in texts:
            if text:
                element = S(parent, tag)
                element.text = _clean(str(text))
                if lang != "none":
                    element.set(XML_LANG, lang)


_years = lru_cache(maxsize=4096)(format_years)
_rights_uri = lru_cache(maxsize=1024)(rights_uri)


def dublin_core(parent, item: Item, base: str):
    """Simple Dublin Core (``oai_dc``), each value with its ``xml:lang``."""
    dc = dc_root(parent)
    d = f"{{{DC_NS}}}"
    lang_elements(dc, d + "title", item.title)
    meta = item.metadata_ or {}
    for profile_field in FIELDS:
        if profile_field.dc in ("creator", "subject", "contributor"):
            lang_elements(dc, d + profile_field.dc, meta.get(profile_field.name))
    lang_elements(dc, d + "description", item.description)
    lang_elements(dc, d + "publisher", item.museum.title if item.museum else None)
    if item.date_start is not None or item.date_end is not None:
        for lang in ("zh", "en"):
            element = S(dc, d + "date")
            element.text = _years(item.date_start, item.date_end, lang)
            element.set(XML_LANG, lang)
    for profile_field in FIELDS:
        if profile_field.dc in ("type", "format", "coverage", "source"):
            lang_elements(dc, d + profile_field.dc, meta.get(profile_field.name))
    if item.object_type and not meta.get("object_type"):
        S(dc, d + "type").text = _clean(item.object_type)
    S(dc, d + "type").text = "PhysicalObject" if not any(a.kind in ("video", "audio") for a in _assets(item)) else "MovingImage"
    S(dc, d + "identifier").text = f"{base}/items/{item.id}"
    if item.accession_number:
        S(dc, d + "identifier").text = _clean(item.accession_number)
    S(dc, d + "relation").text = f"{base}/iiif/items/{item.id}/manifest"
    if item.rights:
        S(dc, d + "rights").text = _clean(item.rights)
        uri = _rights_uri(item.rights)
        if uri:
            S(dc, d + "rights").text = uri
    return dc


def _assets(item) -> list:
    return item.assets if "assets" in item.__dict__ else []


def jinshi_record(parent, item: Item, base: str):
    """The whole profile in every language (``jinshi``; schema at :data:`RECORD_SCHEMA_PATH`)."""
    j = f"{{{RECORD_NS}}}"
    record = S(parent, j + "record", nsmap={"j": RECORD_NS, "xsi": XSI_NS}, id=item.id)
    record.set(f"{{{XSI_NS}}}schemaLocation", f"{RECORD_NS} {base}{RECORD_SCHEMA_PATH}")

    def values_of(tag: str, value: dict | None, fallback: str = "", **attrs):
        texts = [(lang, text) for lang, values in (value or {}).items() for text in values if text]
        if not texts and not fallback:
            return None
        element = S(record, j + tag, **attrs)
        for lang, text in texts or [("none", fallback)]:
            S(element, j + "value", lang=lang if re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", lang) else "none").text = _clean(str(text))
        return element

    values_of("title", item.title, item.id)
    values_of("description", item.description)
    values_of("museum", item.museum.title, item.museum.slug, slug=item.museum.slug)
    if item.hall is not None:
        values_of("hall", item.hall.title, item.hall.slug, slug=item.hall.slug)
    if item.section is not None:
        values_of("section", item.section.title, item.section.slug, slug=item.section.slug)
    if item.object_type:
        S(record, j + "objectType").text = _clean(item.object_type)
    if item.date_start is not None or item.date_end is not None:
        attrs = {k: str(v) for k, v in (("start", item.date_start), ("end", item.date_end)) if v is not None}
        values_of("date", {lang: [format_years(item.date_start, item.date_end, lang)] for lang in ("zh", "en")}, **attrs)
    meta = item.metadata_ or {}
    for profile_field in FIELDS:
        value = meta.get(profile_field.name)
        texts = [(lang, text) for lang, values in (value or {}).items() if isinstance(values, list) for text in values if text]
        if not texts:
            continue
        element = S(record, j + "field", name=profile_field.name)
        if profile_field.dc:
            element.set("dc", profile_field.dc)
        for lang, labels in langmap(profile_field.label, ("zh", "en", "zh-Hant")).items():
            S(element, j + "label", lang=lang).text = labels[0]
        for lang, text in texts:
            S(element, j + "value", lang=lang).text = _clean(str(text))
    if item.accession_number:
        S(record, j + "accessionNumber").text = _clean(item.accession_number)
    if item.rights:
        rights = S(record, j + "rights")
        rights.text = _clean(item.rights)
        uri = rights_uri(item.rights)
        if uri:
            rights.set("uri", uri)
    for name, text in sorted((meta.get("extra") or {}).items()):
        S(record, j + "extra", name=_clean(str(name))).text = _clean(str(text))
    for asset in _assets(item):
        attrs = {"kind": asset.kind, "mime": asset.mime, "sha256": asset.sha256, "filename": _clean(asset.filename)}
        for key in ("width", "height"):
            if getattr(asset, key):
                attrs[key] = str(getattr(asset, key))
        if asset.duration:
            attrs["duration"] = f"{asset.duration:.3f}"
        if asset.language:
            attrs["lang"] = asset.language
        S(record, j + "media", **attrs)
    S(record, j + "link", rel="page", href=f"{base}/items/{item.id}")
    S(record, j + "link", rel="manifest", href=f"{base}/iiif/items/{item.id}/manifest")
    S(record, j + "link", rel="json", href=f"{base}/api/items/{item.id}")
    if item.hall is not None:
        S(record, j + "link", rel="collection", href=f"{base}/iiif/halls/{item.hall.slug}/collection")
    return record


