"""IIIF Presentation 3.0 documents, built with iiif-prezi3 (never hand-written JSON).

Each asset kind contributes canvases through :data:`CANVAS_BUILDERS`; images are
built here, 3D/video/audio builders register themselves the same way.
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

from exhibits.i18n import langmap
from exhibits.models import Asset, Hall, Item, Museum
from exhibits.profile import FIELDS
from exhibits.rights import rights_uri

CanvasBuilder = Callable[[Item, Asset, str, int], list[Canvas]]
CANVAS_BUILDERS: dict[str, CanvasBuilder] = {}
#: Called with (manifest, item, base) once the canvases are built, e.g. to add ``structures``.
ManifestHook = Callable[[Manifest, Item, str], None]
MANIFEST_HOOKS: list[ManifestHook] = []
#: A still picture of an asset for collections and lists, by asset kind.
ThumbnailBuilder = Callable[[Asset, str], AnnotationBody]
THUMBNAILS: dict[str, ThumbnailBuilder] = {}
THUMBNAIL_WIDTH = 400


def canvas_builder(kind: str) -> Callable[[CanvasBuilder], CanvasBuilder]:
    def decorator(function: CanvasBuilder) -> CanvasBuilder:
        CANVAS_BUILDERS[kind] = function
        return function

    return decorator


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
        builder = THUMBNAILS.get(asset.kind)
        if builder:
            return builder(asset, base)
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


THUMBNAILS["image"] = lambda asset, base: image_thumbnail(base, asset)


@canvas_builder("image")
def image_canvases(item: Item, asset: Asset, base: str, index: int) -> list[Canvas]:
    canvas_id = f"{base}/iiif/items/{item.id}/canvas/{index}"
    body = AnnotationBody(
        id=f"{base}/iiif/3/{asset.sha256}/full/max/0/default.jpg", type="Image", format="image/jpeg",
        width=asset.width, height=asset.height, service=[image_service(base, asset.sha256)],
    )
    canvas = Canvas(
        id=canvas_id, width=asset.width, height=asset.height,
        label=langmap("Image %(index)d", index=index),
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
        if value:
            entries.append(KeyValueString(label=langmap(field.label), value=value))
    if item.date_start is not None or item.date_end is not None:
        entries.append(KeyValueString(label=langmap("Date"), value={lang: [format_years(item.date_start, item.date_end, lang)] for lang in ("zh", "en")}))
    entries.append(KeyValueString(label=langmap("Museum"), value=_label(item.museum.title, item.museum.slug)))
    if item.hall:
        entries.append(KeyValueString(label=langmap("Hall"), value=_label(item.hall.title, item.hall.slug)))
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
        builder = CANVAS_BUILDERS.get(asset.kind)
        if builder:
            canvases.extend(builder(item, asset, base, len(canvases) + 1))
    if not canvases:  # a record without media: one empty canvas keeps the manifest valid
        canvas_id = f"{base}/iiif/items/{item.id}/canvas/1"
        canvases.append(Canvas(id=canvas_id, width=1000, height=1000, label=langmap("No image"), items=[]))
    attribution = _label(item.museum.title, item.museum.slug)
    if item.rights:
        attribution = {lang: [f"{values[0]} · {item.rights}"] for lang, values in attribution.items()}
    manifest = Manifest(
        id=manifest_id(base, item.id),
        label=_label(item.title, item.id),
        metadata=metadata_entries(item),
        requiredStatement=KeyValueString(label=langmap("Attribution"), value=attribution),
        homepage=[{"id": f"{base}/items/{item.id}", "type": "Text", "label": _label(item.title, item.id), "format": "text/html"}],
        seeAlso=[{"id": f"{base}/api/items/{item.id}", "type": "Dataset", "format": "application/json", "label": langmap("Catalogue record (JSON)")}],
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


def hall_collection(hall: Hall, items: list[Item], base: str) -> Collection:
    return Collection(
        id=hall_collection_id(base, hall.slug),
        label=_label(hall.title, hall.slug),
        summary=hall.summary or None,
        homepage=[{"id": f"{base}/museums/{hall.museum.slug}/halls/{hall.slug}", "type": "Text", "label": _label(hall.title, hall.slug), "format": "text/html"}],
        partOf=[{"id": museum_collection_id(base, hall.museum.slug), "type": "Collection"}],
        items=[_manifest_ref(item, base) for item in items],
    )


def museum_collection(museum: Museum, base: str) -> Collection:
    return Collection(
        id=museum_collection_id(base, museum.slug),
        label=_label(museum.title, museum.slug),
        summary=museum.summary or None,
        homepage=[{"id": f"{base}/museums/{museum.slug}", "type": "Text", "label": _label(museum.title, museum.slug), "format": "text/html"}],
        items=[CollectionRef(id=hall_collection_id(base, h.slug), type="Collection", label=_label(h.title, h.slug)) for h in museum.halls],
    )


def to_json(resource: Manifest | Collection) -> str:
    return resource.json(ensure_ascii=False)
from exhibits import iiif_media  # noqa: E402,F401  (registers 3D/AV canvas builders)
