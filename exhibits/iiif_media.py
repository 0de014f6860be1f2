"""IIIF Presentation 3 canvases for 3D models, video and audio (each kind's ``MediaKind.canvas`` and
``MediaKind.thumbnail``, named by the default plugins in ``ingest/handlers``).

- video: a Canvas with ``duration``, ``width`` and ``height``, painted by a ``Video`` body (the web MP4),
  a ``placeholderCanvas`` with the poster, and ``supplementing`` annotations with the WebVTT captions and
  transcripts (``Text`` bodies, ``text/vtt``, with their ``language``);
- audio: the same with a ``Sound`` body (AAC in MP4) and an ``accompanyingCanvas`` showing the waveform;
- 3D: a Canvas painted by a ``Model`` body (``model/gltf-binary``, the web LOD; the full model is its
  ``rendering``), with the rendered thumbnail as ``thumbnail`` and ``placeholderCanvas``, as the IIIF 3D
  community group does until Presentation 4 Scenes are in iiif-prezi3.

Chapters become ``Range``s in ``manifest.structures`` targeting ``<canvas>#t=start,end``. A canvas builder
returns canvases only, so :func:`add_chapter_structures` adds them as a manifest hook.
All media URLs are ``<base>/media/<sha256>/<derivative>`` (served by ``viewer.blueprints.media_files``).
"""
from __future__ import annotations

from urllib.parse import urlencode

import json

import re

from iiif_prezi3 import (
    AccompanyingCanvas,
    ServiceV3,
    TextualBody,
    Annotation,
    AnnotationBody,
    AnnotationPage,
    Canvas,
    CanvasRef,
    Manifest,
    PlaceholderCanvas,
    Range,
)

from exhibits import iiif
from exhibits.iiif import manifest_hook
from exhibits.i18n import N_, langmap, translate
from exhibits.models import Asset, Item

#: A companion track's label, with and without the name of its language.
TRACK_LABELS = {
    "captions": (N_("Captions"), N_("Captions (%(language)s)")),
    "transcript": (N_("Transcript"), N_("Transcript (%(language)s)")),
    "chapters": (N_("Chapters"), N_("Chapters (%(language)s)")),
}
LANGUAGE_NAMES = {"zh": N_("Chinese"), "en": N_("English")}
LABEL_LANGUAGES = ("zh", "en")
_MEDIA_URL = re.compile(r"/media/([0-9a-f]{64})/")


def media_url(base: str, sha: str, name: str) -> str:
    return f"{base}/media/{sha}/{name}"


def companions_of(item: Item, asset: Asset, kinds: tuple[str, ...]) -> list[Asset]:
    """The caption, chapter or transcript assets that belong to ``asset`` (same item)."""
    return [a for a in item.assets if a.kind in kinds and (a.info or {}).get("media") == asset.sha256]


def _derivative(asset: Asset, key: str, default: str) -> str:
    return ((asset.info or {}).get("derivatives") or {}).get(key, default)


def _image(base: str, sha: str, name: str, size: dict | None) -> AnnotationBody:
    size = size or {}
    return AnnotationBody(id=media_url(base, sha, name), type="Image", format="image/png" if name.endswith(".png") else "image/jpeg",
                          width=size.get("width"), height=size.get("height"))


def _image_canvas(cls, canvas_id: str, image: AnnotationBody, label: dict | None = None, duration: float | None = None):
    return cls(
        id=canvas_id, width=image.width, height=image.height, label=label, duration=duration,
        items=[AnnotationPage(id=f"{canvas_id}/page", items=[
            Annotation(id=f"{canvas_id}/page/image", motivation="painting", body=image, target=canvas_id)
        ])],
    )


def _track_label(kind: str, language: str | None) -> dict:
    """``{"zh": ["字幕（中文）"], "en": ["Captions (Chinese)"]}``; a language without a name is shown as its tag."""
    if kind not in TRACK_LABELS:
        return {"none": [kind]}
    plain, with_language = TRACK_LABELS[kind]
    if not language:
        return langmap(plain, LABEL_LANGUAGES)
    name = LANGUAGE_NAMES.get(language.split("-")[0])
    return {lang: [translate(with_language, lang, language=translate(name, lang) if name else language)]
            for lang in LABEL_LANGUAGES}


def _text_tracks(item: Item, asset: Asset, base: str, canvas_id: str) -> list[AnnotationPage]:
    annotations = []
    for number, track in enumerate(companions_of(item, asset, ("captions", "transcript")), 1):
        body = AnnotationBody(
            id=media_url(base, track.sha256, (track.info or {}).get("vtt") or "captions.vtt"),
            type="Text", format="text/vtt", label=_track_label(track.kind, track.language),
        )
        if track.language:
            body.language = track.language
        annotations.append(Annotation(id=f"{canvas_id}/supplementing/{number}", motivation="supplementing", body=body, target=canvas_id))
    if not annotations:
        return []
    return [AnnotationPage(id=f"{canvas_id}/supplementing", items=annotations)]


def _painted(canvas_id: str, body: AnnotationBody, **canvas) -> Canvas:
    return Canvas(
        id=canvas_id, **{k: v for k, v in canvas.items() if v is not None},
        items=[AnnotationPage(id=f"{canvas_id}/page", items=[
            Annotation(id=f"{canvas_id}/page/1", motivation="painting", body=body, target=canvas_id)
        ])],
    )


def _still(kind_key: str, default: str):
    def build(asset: Asset, base: str) -> AnnotationBody:
        return _image(base, asset.sha256, _derivative(asset, kind_key, default), (asset.info or {}).get(kind_key))

    return build


#: ``MediaKind.thumbnail`` of each kind: its poster, waveform or rendering
video_thumbnail = _still("poster", "poster.jpg")
audio_thumbnail = _still("waveform", "waveform.png")
model_thumbnail = _still("thumbnail", "thumbnail.jpg")


def video_canvases(item: Item, asset: Asset, base: str, index: int) -> list[Canvas]:
    info = asset.info or {}
    canvas_id = f"{base}/iiif/items/{item.id}/canvas/{index}"
    duration = float(asset.duration or info.get("duration") or 0) or None
    width = info.get("web_width") or asset.width
    height = info.get("web_height") or asset.height
    body = AnnotationBody(id=media_url(base, asset.sha256, _derivative(asset, "video", "web.mp4")), type="Video",
                          format="video/mp4", width=width, height=height, duration=duration)
    poster = _image(base, asset.sha256, _derivative(asset, "poster", "poster.jpg"), info.get("poster"))
    canvas = _painted(canvas_id, body, width=width, height=height, duration=duration,
                      label=langmap(N_("Video %(index)d"), index=index))
    canvas.thumbnail = [poster]
    canvas.placeholderCanvas = _image_canvas(PlaceholderCanvas, f"{canvas_id}/placeholder", poster)
    tracks = _text_tracks(item, asset, base, canvas_id)
    if tracks:
        canvas.annotations = tracks
    return [canvas]


def audio_canvases(item: Item, asset: Asset, base: str, index: int) -> list[Canvas]:
    info = asset.info or {}
    canvas_id = f"{base}/iiif/items/{item.id}/canvas/{index}"
    duration = float(asset.duration or info.get("duration") or 0) or None
    body = AnnotationBody(id=media_url(base, asset.sha256, _derivative(asset, "audio", "web.m4a")), type="Sound",
                          format="audio/mp4", duration=duration)
    canvas = _painted(canvas_id, body, duration=duration, label=langmap(N_("Audio %(index)d"), index=index))
    waveform = _image(base, asset.sha256, _derivative(asset, "waveform", "waveform.png"), info.get("waveform"))
    canvas.thumbnail = [waveform]
    canvas.accompanyingCanvas = _image_canvas(AccompanyingCanvas, f"{canvas_id}/accompanying", waveform,
                                              label=langmap(N_("Waveform")))
    tracks = _text_tracks(item, asset, base, canvas_id)
    if tracks:
        canvas.annotations = tracks
    return [canvas]


def model_canvases(item: Item, asset: Asset, base: str, index: int) -> list[Canvas]:
    info = asset.info or {}
    canvas_id = f"{base}/iiif/items/{item.id}/canvas/{index}"
    thumb = _image(base, asset.sha256, _derivative(asset, "thumbnail", "thumbnail.jpg"), info.get("thumbnail") or {"width": 800, "height": 800})
    body = AnnotationBody(id=media_url(base, asset.sha256, _derivative(asset, "web", "model-web.glb")), type="Model",
                          format="model/gltf-binary")
    canvas = _painted(canvas_id, body, width=thumb.width, height=thumb.height,
                      label=langmap(N_("3D model %(index)d"), index=index))
    canvas.thumbnail = [thumb]
    canvas.placeholderCanvas = _image_canvas(PlaceholderCanvas, f"{canvas_id}/placeholder", thumb)
    canvas.rendering = [{
        "id": media_url(base, asset.sha256, _derivative(asset, "full", "model.glb")), "type": "Model",
        "format": "model/gltf-binary", "label": langmap(N_("Full-resolution 3D model (GLB)")),
    }]
    return [canvas]


def _timecode(seconds: float) -> str:
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def media_canvases(manifest: Manifest) -> dict[str, Canvas]:
    """The canvas painted by each media derivative, keyed by the original's sha256."""
    found: dict[str, Canvas] = {}
    for canvas in manifest.items:
        try:
            body_id = str(canvas.items[0].items[0].body.id)
        except (AttributeError, IndexError, TypeError):
            continue
        match = _MEDIA_URL.search(body_id)
        if match:
            found.setdefault(match.group(1), canvas)
    return found


def chapter_ranges(item: Item, manifest: Manifest, base: str) -> list[Range]:
    """One 'Chapters' range per video or audio canvas with a chapters track, a sub-range per chapter."""
    by_sha = {a.sha256: a for a in item.assets}  # a chapters track names the asset it belongs to
    ranges: list[Range] = []
    for sha, canvas in media_canvases(manifest).items():
        media = by_sha.get(sha)
        if media is None:
            continue
        for track in companions_of(item, media, ("chapters",)):
            number = len(ranges) + 1
            range_id = f"{base}/iiif/items/{item.id}/range/{number}"
            children = []
            for n, cue in enumerate((track.info or {}).get("cues") or [], 1):
                target = f"{canvas.id}#t={_timecode(cue['start'])},{_timecode(cue['end'])}"
                children.append(Range(id=f"{range_id}/{n}", label={"none": [cue.get("text") or str(n)]},
                                      items=[CanvasRef(id=target, type="Canvas")]))
            if children:
                ranges.append(Range(id=range_id, label=_track_label("chapters", track.language), items=children))
    return ranges


@manifest_hook
def add_chapter_structures(manifest: Manifest, item: Item, base: str) -> None:
    """Chapters tracks become the manifest's ``structures``."""
    ranges = chapter_ranges(item, manifest, base)
    if ranges:
        manifest.structures = (manifest.structures or []) + ranges


SEARCHABLE_TRACKS = ("captions", "transcript")
SEARCH_CONTEXT = "http://iiif.io/api/search/2/context.json"


def search_service_id(base: str, item_id: str) -> str:
    return f"{base}/iiif/items/{item_id}/search"


@manifest_hook
def add_search_service(manifest: Manifest, item: Item, base: str) -> None:
    """Items with caption or transcript cues offer IIIF Content Search 2.0 inside them."""
    if any(a.kind in SEARCHABLE_TRACKS and (a.info or {}).get("cues") for a in item.assets):
        manifest.service = [ServiceV3(id=search_service_id(base, item.id), type="SearchService2")]


def search_within(item: Item, base: str, terms: list[str], normalise) -> dict:
    """A Content Search 2.0 answer: the cues of the item's tracks that contain every term.

    ``normalise`` folds text and terms alike (case, tone marks, traditional → simplified).
    Each hit targets its media canvas at the cue's time, ``<canvas>#t=start,end``.
    """
    manifest = iiif.item_manifest(item, base)
    canvases = media_canvases(manifest)
    wanted = [normalise(term) for term in terms if term.strip()]
    annotations = []
    for track in (a for a in item.assets if a.kind in SEARCHABLE_TRACKS):
        canvas = canvases.get((track.info or {}).get("media"))
        if canvas is None:
            continue
        for cue in (track.info or {}).get("cues") or []:
            text = cue.get("text") or ""
            folded = normalise(text)
            if wanted and all(term in folded for term in wanted):
                body = TextualBody(type="TextualBody", value=text, format="text/plain")
                if track.language:
                    body.language = track.language
                annotations.append(Annotation(
                    id=f"{search_service_id(base, item.id)}/annotation/{track.sha256[:12]}-{_timecode(cue['start'])}",
                    motivation="supplementing", body=body,
                    target=f"{canvas.id}#t={_timecode(cue['start'])},{_timecode(cue['end'])}",
                ))
    page = AnnotationPage(id=f"{search_service_id(base, item.id)}?{urlencode({'q': ' '.join(terms)})}",
                          items=annotations)
    return {**json.loads(page.json(ensure_ascii=False)), "@context": SEARCH_CONTEXT}
