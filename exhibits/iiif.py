"""IIIF Presentation 3.0 documents, built with iiif-prezi3 (never hand-written JSON).

Each asset kind contributes canvases through its ``MediaKind.canvas`` and its still picture through
``MediaKind.thumbnail``, looked up in the media-kind registry (:mod:`media.kinds`); the image builders
are here, the 3D/video/audio ones in :mod:`exhibits.iiif_media`, and the default plugins
(``ingest/handlers``) name them.
"""
from __future__ import annotations

from typing import Callable

from iiif_prezi3 import (
    Annotation,
    AnnotationBody,
    AnnotationPage,
    Canvas,
    Collection,
    CollectionRef,
    KeyValueString,
    Manifest,
    ManifestRef,
    ServiceV3,
)

from exhibits import links
from exhibits.dimensions import with_english
from exhibits.i18n import N_, langmap
from exhibits.models import Asset, Hall, Item, Museum
from exhibits.profile import FIELDS, language_of
from exhibits.rights import rights_uri
from media.kinds import NoMediaKinds, media_kind  # noqa: F401  (NoMediaKinds: for search.documents)

CanvasBuilder = Callable[[Item, Asset, str, int], list[Canvas]]
#: Called with (manifest, item, base) once the canvases are built, e.g. to add ``structures``.
ManifestHook = Callable[[Manifest, Item, str], None]
MANIFEST_HOOKS: list[ManifestHook] = []
#: A still picture of an asset for collections and lists.
ThumbnailBuilder = Callable[[Asset, str], AnnotationBody]
THUMBNAIL_WIDTH = 400


def manifest_hook(function: ManifestHook) -> ManifestHook:
    MANIFEST_HOOKS.append(function)
    return function


def manifest_id(base: str, item_id: str) -> str:
    return f"{base}/iiif/items/{item_id}/manifest"


def image_service(base: str, sha: str) -> ServiceV3:
    return ServiceV3(id=f"{base}/iiif/3/{sha}", type="ImageService3", profile="level2")


def thumbnail_of(item: Item, base: str) -> AnnotationBody | None:
    """The first asset's still picture (image, 3D rendering, video poster, waveform)."""
    for asset in item.assets:
        kind = media_kind(asset.kind)
        if kind is not None and kind.thumbnail is not None:
            return kind.thumbnail(asset, base)
    return None


def image_thumbnail(base: str, asset: Asset) -> AnnotationBody:
    width = min(THUMBNAIL_WIDTH, asset.width or THUMBNAIL_WIDTH)
    height = round((asset.height or width) * width / (asset.width or width))
    return AnnotationBody(
        id=f"{base}/iiif/3/{asset.sha256}/full/{width},/0/default.jpg", type="Image", format="image/jpeg",
        width=width, height=height, service=[image_service(base, asset.sha256)],
    )


def _label(value: dict[str, list[str]] | None, fallback: str) -> dict[str, list[str]]:
    return {k: v for k, v in (value or {}).items() if v} or {"none": [fallback]}


def image_still(asset: Asset, base: str) -> AnnotationBody:
    """``MediaKind.thumbnail`` of images."""
    return image_thumbnail(base, asset)


def image_canvases(item: Item, asset: Asset, base: str, index: int) -> list[Canvas]:
    canvas_id = f"{base}/iiif/items/{item.id}/canvas/{index}"
    body = AnnotationBody(
        id=f"{base}/iiif/3/{asset.sha256}/full/max/0/default.jpg", type="Image", format="image/jpeg",
        width=asset.width, height=asset.height, service=[image_service(base, asset.sha256)],
    )
    canvas = Canvas(
        id=canvas_id, width=asset.width, height=asset.height,
        label=langmap(N_("Image %(index)d"), index=index),
        thumbnail=[image_thumbnail(base, asset)],
        items=[AnnotationPage(id=f"{canvas_id}/page", items=[
            Annotation(id=f"{canvas_id}/page/image", motivation="painting", body=body, target=canvas_id)
        ])],
    )
    return [canvas]


def metadata_entries(item: Item) -> list[KeyValueString]:
    entries = []
    for field in FIELDS:
        value = (item.metadata_ or {}).get(field.name)
        if field.name == "dimensions":
            value = with_english(value)
        if value:
            entries.append(KeyValueString(label=langmap(field.label), value=value))
    for key, text in ((item.metadata_ or {}).get("extra") or {}).items():  # the CSV's extra columns
        if text:
            entries.append(KeyValueString(label={language_of(str(key)): [str(key)]}, value={language_of(str(text)): [str(text)]}))
    if item.date_start is not None or item.date_end is not None:
        entries.append(KeyValueString(label=langmap(N_("Date")), value={lang: [format_years(item.date_start, item.date_end, lang)] for lang in ("zh", "en")}))
    entries.append(KeyValueString(label=langmap(N_("Museum")), value=_label(item.museum.title, item.museum.slug)))
    if item.hall:
        entries.append(KeyValueString(label=langmap(N_("Hall")), value=_label(item.hall.title, item.hall.slug)))
    return entries


def format_years(start: int | None, end: int | None, lang: str = "en") -> str:
    """``-1046, -771`` → "1046 BCE – 771 BCE" or "公元前1046年—前771年"."""
    def one(year: int | None, first: bool = True) -> str:
        if year is None:
            return "?"
        if lang.startswith("zh"):
            if year < 0:
                return f"{'公元' if first else ''}前{-year}年"
            return f"{'公元' if first else ''}{year}年"
        return f"{-year} BCE" if year < 0 else f"{year} CE"

    if start == end or end is None:
        return one(start)
    if lang.startswith("zh"):
        return f"{one(start)}—{one(end, first=(start or 0) < 0 <= end)}"
    return f"{one(start)} – {one(end)}"


def item_manifest(item: Item, base: str) -> Manifest:
    """The manifest of one item: every media asset becomes one or more canvases."""
    canvases: list[Canvas] = []
    for asset in item.assets:
        kind = media_kind(asset.kind)
        if kind is not None and kind.canvas is not None:
            canvases.extend(kind.canvas(item, asset, base, len(canvases) + 1))
    if not canvases:  # a record without media: one empty canvas keeps the manifest valid
        canvas_id = f"{base}/iiif/items/{item.id}/canvas/1"
        canvases.append(Canvas(id=canvas_id, width=1000, height=1000, label=langmap(N_("No image")), items=[]))
    attribution = _label(item.museum.title, item.museum.slug)
    if item.rights:
        attribution = {lang: [f"{values[0]} · {item.rights}"] for lang, values in attribution.items()}
    manifest = Manifest(
        id=manifest_id(base, item.id),
        label=_label(item.title, item.id),
        metadata=metadata_entries(item),
        requiredStatement=KeyValueString(label=langmap(N_("Attribution")), value=attribution),
        homepage=[{"id": f"{base}/items/{item.id}", "type": "Text", "label": _label(item.title, item.id), "format": "text/html"}],
        seeAlso=item_see_also(item, base),
        provider=[provider(item.museum, base)],
        items=canvases,
    )
    if item.description:
        manifest.summary = _label(item.description, "")
    uri = rights_uri(item.rights)
    if uri:
        manifest.rights = uri
    if item.hall:
        manifest.partOf = [{"id": hall_collection_id(base, item.hall.slug), "type": "Collection"}]
    thumbs = [canvas.thumbnail[0] for canvas in canvases if getattr(canvas, "thumbnail", None)]
    if thumbs:
        manifest.thumbnail = [thumbs[0]]
    for hook in MANIFEST_HOOKS:
        hook(manifest, item, base)
    return manifest


def hall_collection_id(base: str, slug: str) -> str:
    return f"{base}/iiif/halls/{slug}/collection"


def museum_collection_id(base: str, slug: str) -> str:
    return f"{base}/iiif/museums/{slug}/collection"


def _manifest_ref(item: Item, base: str) -> ManifestRef:
    ref = ManifestRef(id=manifest_id(base, item.id), type="Manifest", label=_label(item.title, item.id))
    thumbnail = thumbnail_of(item, base)
    if thumbnail is not None:
        ref.thumbnail = [thumbnail]
    return ref


#: A hall with more visible items than this is a collection of page collections (Presentation 3
#: has no paging of its own: large collections nest).
COLLECTION_PAGE_SIZE = 500


def site_collection_id(base: str) -> str:
    return f"{base}/iiif/collection"


def hall_page_id(base: str, slug: str, number: int) -> str:
    return f"{hall_collection_id(base, slug)}/{number}"


def _homepage(url: str, label: dict) -> list[dict]:
    return [{"id": url, "type": "Text", "label": label, "format": "text/html"}]


def provider(museum: Museum, base: str) -> dict:
    """The museum as the IIIF ``provider`` (an Agent with its homepage)."""
    label = _label(museum.title, museum.slug)
    return {"id": links.museum_page(base, museum.slug), "type": "Agent", "label": label,
            "homepage": _homepage(links.museum_page(base, museum.slug), label)}


def item_see_also(item: Item, base: str) -> list[dict]:
    """The machine-readable records of an item: its JSON record and its Dublin Core record."""
    return [
        {"id": links.api_item(base, item.id), "type": "Dataset", "format": "application/json",
         "label": langmap(N_("Catalogue record (JSON)"))},
        {"id": links.oai_record(base, item.id), "type": "Dataset", "format": "text/xml",
         "profile": "http://www.openarchives.org/OAI/2.0/oai_dc/",
         "label": {"en": ["Dublin Core record (OAI-PMH)"], "zh": ["都柏林核心记录（OAI-PMH）"]}},
    ]


def _set_see_also(base: str, api_url: str, spec: str) -> list[dict]:
    return [
        {"id": api_url, "type": "Dataset", "format": "application/json", "label": {"en": ["Record (JSON)"], "zh": ["记录（JSON）"]}},
        {"id": links.oai_set(base, spec), "type": "Dataset", "format": "text/xml",
         "profile": "http://www.openarchives.org/OAI/2.0/oai_dc/",
         "label": {"en": ["Dublin Core records (OAI-PMH)"], "zh": ["都柏林核心记录（OAI-PMH）"]}},
    ]


def hall_collection(hall: Hall, items: list[Item], base: str, total: int | None = None) -> Collection:
    """A hall's collection: its manifests, or (over :data:`COLLECTION_PAGE_SIZE`) its page collections."""
    total = len(items) if total is None else total
    label = _label(hall.title, hall.slug)
    if total > COLLECTION_PAGE_SIZE:
        pages = -(-total // COLLECTION_PAGE_SIZE)
        members = [CollectionRef(id=hall_page_id(base, hall.slug, n), type="Collection",
                                 label=_page_label(label, n, total)) for n in range(1, pages + 1)]
    else:
        members = [_manifest_ref(item, base) for item in items]
    return Collection(
        id=hall_collection_id(base, hall.slug),
        label=label,
        summary=hall.summary or None,
        homepage=_homepage(links.hall_page(base, hall.museum.slug, hall.slug), label),
        partOf=[{"id": museum_collection_id(base, hall.museum.slug), "type": "Collection"}],
        seeAlso=_set_see_also(base, links.api_hall(base, hall.slug), f"{hall.museum.slug}:{hall.slug}"),
        provider=[provider(hall.museum, base)],
        items=members,
    )


def _page_label(label: dict, number: int, total: int) -> dict:
    first = (number - 1) * COLLECTION_PAGE_SIZE + 1
    last = min(number * COLLECTION_PAGE_SIZE, total)
    return {lang: [f"{values[0]} ({first}–{last})"] for lang, values in label.items()}


def hall_page_collection(hall: Hall, items: list[Item], base: str, number: int, total: int) -> Collection:
    """Page ``number`` (from 1) of a large hall: up to :data:`COLLECTION_PAGE_SIZE` manifests."""
    label = _label(hall.title, hall.slug)
    return Collection(
        id=hall_page_id(base, hall.slug, number),
        label=_page_label(label, number, total),
        homepage=_homepage(links.hall_page(base, hall.museum.slug, hall.slug), label),
        partOf=[{"id": hall_collection_id(base, hall.slug), "type": "Collection"}],
        provider=[provider(hall.museum, base)],
        items=[_manifest_ref(item, base) for item in items],
    )


def museum_collection(museum: Museum, base: str) -> Collection:
    """A museum's collection of its published halls."""
    from exhibits.states import Publication

    label = _label(museum.title, museum.slug)
    return Collection(
        id=museum_collection_id(base, museum.slug),
        label=label,
        summary=museum.summary or None,
        homepage=_homepage(links.museum_page(base, museum.slug), label),
        partOf=[{"id": site_collection_id(base), "type": "Collection"}],
        seeAlso=_set_see_also(base, links.api_museum(base, museum.slug), museum.slug),
        provider=[provider(museum, base)],
        items=[CollectionRef(id=hall_collection_id(base, h.slug), type="Collection", label=_label(h.title, h.slug))
               for h in museum.halls if h.publication == Publication.PUBLISHED],
    )


def site_collection(museums: list[Museum], base: str, label: dict | None = None) -> Collection:
    """The whole site: one collection per museum."""
    # the site block's title when there is one, else the interface's words (gettext catalogues) in zh and en
    label = label or langmap(N_("Digital Museum"))
    return Collection(
        id=site_collection_id(base),
        label=label,
        homepage=_homepage(f"{base}/", label),
        items=[CollectionRef(id=museum_collection_id(base, m.slug), type="Collection", label=_label(m.title, m.slug))
               for m in museums],
    )


def to_json(resource: Manifest | Collection) -> str:
    return resource.json(ensure_ascii=False)
from exhibits import iiif_media  # noqa: E402,F401  (its manifest hooks: chapters, content search)
