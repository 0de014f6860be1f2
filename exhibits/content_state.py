"""IIIF Content State 1.0: links that open an item page at an exact detail.

A content state names a part of a IIIF resource: a region of a photo (``#xywh=``), a moment of a
recording (``#t=``), or, for a 3D model, a camera orbit. The item page takes one as ``?iiif-content=``
(https://iiif.io/api/content-state/1.0/) in any of the forms the specification allows:

* content-state-encoded JSON (``encodeURIComponent``, then base64url without padding, section 6);
* plain JSON (lenient: the specification asks for the encoded form in a query string);
* a plain URI of our own manifest or of one of its canvases (``…/canvas/2#t=14.5``). Other URIs are
  never dereferenced (no request to a server a link names).

The JSON may be a full Annotation with the ``contentState`` motivation, or its target alone: a Canvas
whose ``id`` carries a media fragment and whose ``partOf`` is the manifest, or a ``SpecificResource``
with a ``FragmentSelector`` (``xywh=…``, ``t=…``) or a ``PointSelector`` (``t``).

3D camera orbits have no IIIF selector yet, so Jinshi uses a ``FragmentSelector`` whose ``conformsTo`` is
:data:`CAMERA_ORBIT` and whose value is model-viewer's ``camera-orbit`` syntax
(``camera-orbit=30deg 75deg 1.5m``): other viewers that do not know it still open the canvas.

Nothing here trusts its input: every value is parsed into numbers, clipped to the canvas, and what the
page receives is rebuilt from those numbers. A state that is malformed, too large, or about another
object is *ignored* (:class:`Ignored` with the reason), never an error page.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable
from urllib.parse import quote, unquote

#: The ``conformsTo`` of Jinshi's camera-orbit selector (model-viewer's attribute, documented there).
CAMERA_ORBIT = "https://modelviewer.dev/docs/#entrydocs-stagingandcameras-attributes-cameraorbit"
MEDIA_FRAGMENTS = "http://www.w3.org/TR/media-frags/"
#: Longest ``iiif-content`` value read; longer ones are ignored (a QR code holds far less).
MAX_LENGTH = 8192
#: JSON nesting accepted (a content state is three or four levels deep).
MAX_DEPTH = 8


class ContentStateError(ValueError):
    """The value is not a content state Jinshi can read; the message says why (shown quietly)."""


@dataclass(frozen=True)
class CanvasInfo:
    """One canvas of the item's manifest, as the page shows it."""

    id: str
    kind: str  # image | video | audio | model | none
    index: int  # position among the page's viewers of this kind (the image's page in the deep zoom)
    width: int | None = None
    height: int | None = None
    duration: float | None = None


@dataclass(frozen=True)
class Target:
    """Where the page opens: one canvas, and the region, moment or camera orbit in it."""

    canvas: CanvasInfo
    xywh: tuple[int, int, int, int] | None = None
    t: float | None = None
    orbit: tuple[float, float, float] | None = None  # theta deg, phi deg, radius m

    def as_data(self) -> dict[str, Any]:
        """What the page's script gets (a data attribute): numbers only, rebuilt from the parse."""
        data: dict[str, Any] = {"kind": self.canvas.kind, "index": self.canvas.index}
        if self.xywh is not None:
            data["xywh"] = list(self.xywh)
            data["width"], data["height"] = self.canvas.width, self.canvas.height
        if self.t is not None:
            data["t"] = self.t
        if self.orbit is not None:
            data["orbit"] = format_orbit(self.orbit)
        return data


@dataclass(frozen=True)
class Ignored:
    """A content state that was given but cannot be opened here, and why."""

    reason: str


# -- section 6: content-state-encoding ---------------------------------------------------------------

def encode(plain: str) -> str:
    """Content-state-encode a JSON string: encodeURIComponent, base64url, padding removed."""
    uri_encoded = quote(plain, safe="-_.!~*'()")  # exactly what encodeURIComponent leaves alone
    return base64.urlsafe_b64encode(uri_encoded.encode("ascii")).decode("ascii").rstrip("=")


def decode(encoded: str) -> str:
    """The JSON string of a content-state-encoded value (raises :class:`ContentStateError`)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", encoded or ""):
        raise ContentStateError("not base64url")
    if len(encoded) % 4 == 1:
        raise ContentStateError("base64url of an impossible length")
    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ContentStateError("not base64url of UTF-8 text") from None
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise ContentStateError("percent-encoding of something that is not UTF-8") from None


def _loads(text: str) -> Any:
    try:
        value = json.loads(text)
    except RecursionError:
        raise ContentStateError("nested too deeply") from None
    except ValueError:
        raise ContentStateError("not JSON") from None
    if _depth(value) > MAX_DEPTH:
        raise ContentStateError("nested too deeply")
    return value


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()], default=level + 1)
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value], default=level + 1)
    return level


def read_parameter(value: str) -> Any:
    """The content state of an ``iiif-content`` value: a URI string, or the decoded JSON."""
    value = (value or "").strip()
    if not value:
        raise ContentStateError("empty")
    if len(value) > MAX_LENGTH:
        raise ContentStateError(f"longer than {MAX_LENGTH} characters")
    if value.startswith(("http://", "https://")):
        return value  # section 3.1.1: a URI is never content-state-encoded
    if value.startswith(("{", "[")):
        return _loads(value)
    text = decode(value)
    if text.startswith(("http://", "https://")):
        return text
    return _loads(text)


# -- building (for links and QR codes) ---------------------------------------------------------------

def target_body(manifest_id: str, canvas_id: str, xywh: tuple[int, int, int, int] | None = None,
                t: float | None = None, orbit: tuple[float, float, float] | None = None) -> dict[str, Any]:
    """The compact target-body form (section 2.2.3) of a region, moment or camera orbit of a canvas."""
    part_of = [{"id": manifest_id, "type": "Manifest"}]
    if orbit is not None:
        return {
            "type": "SpecificResource",
            "source": {"id": canvas_id, "type": "Canvas", "partOf": part_of},
            "selector": {"type": "FragmentSelector", "conformsTo": CAMERA_ORBIT, "value": f"camera-orbit={format_orbit(orbit)}"},
        }
    fragment = ""
    if xywh is not None:
        fragment = "#xywh=" + ",".join(str(int(v)) for v in xywh)
    elif t is not None:
        fragment = f"#t={_number(t)}"
    return {"id": canvas_id + fragment, "type": "Canvas", "partOf": part_of}


def encoded_target(manifest_id: str, canvas_id: str, **view) -> str:
    """:func:`target_body`, content-state-encoded for ``?iiif-content=``."""
    return encode(json.dumps(target_body(manifest_id, canvas_id, **view), separators=(",", ":"), ensure_ascii=False))


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def format_orbit(orbit: tuple[float, float, float]) -> str:
    theta, phi, radius = orbit
    return f"{_number(theta)}deg {_number(phi)}deg {_number(radius)}m"


# -- reading (for the item page) ---------------------------------------------------------------------

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_ANGLE = re.compile(rf"({_NUMBER})(deg|rad)")
_LENGTH = re.compile(rf"({_NUMBER})(m|cm|mm)")
_UNITS = {"deg": 1.0, "rad": 180 / math.pi, "m": 1.0, "cm": 0.01, "mm": 0.001}


def parse_orbit(text: str) -> tuple[float, float, float]:
    """model-viewer's ``camera-orbit`` (``30deg 75deg 1.5m``; rad, cm and mm too) as degrees and metres."""
    parts = (text or "").split()
    if len(parts) != 3:
        raise ContentStateError("a camera orbit is three values: theta phi radius")
    angles = [_ANGLE.fullmatch(part) for part in parts[:2]]
    length = _LENGTH.fullmatch(parts[2])
    if not all(angles) or not length:
        raise ContentStateError("a camera orbit is like 30deg 75deg 1.5m")
    theta, phi = (float(m.group(1)) * _UNITS[m.group(2)] for m in angles)
    radius = float(length.group(1)) * _UNITS[length.group(2)]
    if not all(math.isfinite(v) for v in (theta, phi, radius)) or radius <= 0 or radius > 10_000:
        raise ContentStateError("camera orbit out of range")
    return ((theta + 180) % 360 - 180, min(max(phi, 0.0), 180.0), radius)


def _clock(text: str) -> float:
    """A media-fragments time: seconds, or ``h:mm:ss(.f)`` / ``mm:ss``, optionally ``npt:``."""
    text = text.removeprefix("npt:")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    match = re.fullmatch(r"(?:(\d+):)?([0-5]?\d):([0-5]\d(?:\.\d+)?)", text)
    if not match:
        raise ContentStateError(f"{text[:20]!r} is not a time")
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)


def parse_fragment(fragment: str) -> dict[str, Any]:
    """``xywh=…`` and ``t=…`` of a media fragment (others are ignored, as the W3C note asks)."""
    found: dict[str, Any] = {}
    for pair in fragment.split("&"):
        name, _, value = pair.partition("=")
        value = unquote(value)
        if name == "xywh":
            unit = "pixel"
            if value.startswith(("pixel:", "percent:")):
                unit, value = value.split(":", 1)
            numbers = value.split(",")
            if len(numbers) != 4 or not all(re.fullmatch(r"\d+(\.\d+)?", n) for n in numbers):
                raise ContentStateError("xywh must be four numbers")
            found["xywh"] = (unit, tuple(float(n) for n in numbers))
        elif name == "t":
            start = value.split(",", 1)[0]
            found["t"] = _clock(start) if start else 0.0
    return found


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def _targets(state: Any) -> Iterable[Any]:
    """The targets a content state names (an Annotation's, or itself when it is a target)."""
    if isinstance(state, dict) and state.get("type") == "Annotation":
        motivation = _as_list(state.get("motivation"))
        if "contentState" not in motivation:
            raise ContentStateError("an Annotation without the contentState motivation")
        yield from _as_list(state.get("target"))
    elif isinstance(state, list):
        yield from state
    else:
        yield state


def resolve(state: Any, manifest_id: str, canvases: list[CanvasInfo]) -> Target | None:
    """The place on this item a content state names; None for the whole object (the manifest itself).

    Raises :class:`ContentStateError` when it names something else, or cannot be read.
    """
    by_id = {canvas.id: canvas for canvas in canvases}
    reasons: list[str] = []
    for target in _targets(state):
        try:
            return _resolve_one(target, manifest_id, by_id)
        except ContentStateError as exc:
            reasons.append(str(exc))
    raise ContentStateError(reasons[0] if reasons else "no target")


def _resolve_one(target: Any, manifest_id: str, by_id: dict[str, CanvasInfo]) -> Target | None:
    selectors: list[Any] = []
    if isinstance(target, dict) and target.get("type") == "SpecificResource":
        selectors = _as_list(target.get("selector"))
        target = target.get("source")
    target_id = _id(target)
    if not target_id:
        raise ContentStateError("the target has no id")
    kind = target.get("type") if isinstance(target, dict) else None
    base_id, _, fragment = target_id.partition("#")
    if base_id == manifest_id and kind in (None, "Manifest"):
        return None
    canvas = by_id.get(base_id)
    if canvas is None:
        raise ContentStateError("it is about another object")
    if kind not in (None, "Canvas"):
        raise ContentStateError(f"a {str(kind)[:20]} is not a canvas")
    if isinstance(target, dict) and "partOf" in target:
        if manifest_id not in [_id(part) for part in _as_list(target["partOf"])]:
            raise ContentStateError("the canvas is said to be part of another manifest")
    view = parse_fragment(fragment) if fragment else {}
    orbit = None
    for selector in selectors:
        if not isinstance(selector, dict):
            continue
        if selector.get("type") == "FragmentSelector" and isinstance(selector.get("value"), str):
            if selector.get("conformsTo") == CAMERA_ORBIT:
                name, _, value = selector["value"].partition("=")
                if name != "camera-orbit":
                    raise ContentStateError("the camera selector's value is camera-orbit=…")
                orbit = parse_orbit(value)
            else:
                view.update(parse_fragment(selector["value"]))
        elif selector.get("type") == "PointSelector" and "t" in selector:
            seconds = selector["t"]
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
                raise ContentStateError("the PointSelector's t is not a number")
            view["t"] = float(seconds)
    return _fit(canvas, view, orbit)


def _fit(canvas: CanvasInfo, view: dict[str, Any], orbit: tuple[float, float, float] | None) -> Target:
    """The view clipped to what the canvas has; a view of the wrong kind is refused."""
    xywh = t = None
    if "xywh" in view:
        if canvas.kind != "image" or not canvas.width or not canvas.height:
            raise ContentStateError("a region of a canvas that is not a photo")
        unit, (x, y, w, h) = view["xywh"]
        if unit == "percent":
            x, w = x * canvas.width / 100, w * canvas.width / 100
            y, h = y * canvas.height / 100, h * canvas.height / 100
        left, top = max(0, int(x)), max(0, int(y))
        right, bottom = min(canvas.width, int(math.ceil(x + w))), min(canvas.height, int(math.ceil(y + h)))
        if right <= left or bottom <= top:
            raise ContentStateError("the region lies outside the photo")
        xywh = (left, top, right - left, bottom - top)
    if "t" in view:
        if canvas.kind not in ("video", "audio"):
            raise ContentStateError("a moment of a canvas that is not a recording")
        t = max(0.0, float(view["t"]))
        if canvas.duration:
            t = min(t, canvas.duration)
        t = round(t, 3)
    if orbit is not None and canvas.kind != "model":
        raise ContentStateError("a camera orbit of a canvas that is not a 3D model")
    return Target(canvas, xywh=xywh, t=t, orbit=orbit)


def open_from_parameter(value: str | None, manifest_id: str, canvases: list[CanvasInfo]) -> Target | Ignored | None:
    """What the item page does with ``?iiif-content=``: a target, the whole object (None), or Ignored."""
    if value is None:
        return None
    try:
        state = read_parameter(value)
        if isinstance(state, str):
            state = {"id": state}  # a URI: only our own manifest or canvases are understood, never fetched
        return resolve(state, manifest_id, canvases)
    except ContentStateError as exc:
        return Ignored(str(exc))


def item_canvases(manifest: Any) -> list[CanvasInfo]:
    """The canvases of an item manifest (iiif-prezi3), with the kind of what paints each."""
    found: list[CanvasInfo] = []
    counts: dict[str, int] = {}
    for canvas in manifest.items or []:
        kind = "none"
        for page in canvas.items or []:
            for annotation in page.items or []:
                body = getattr(annotation, "body", None)
                body_type = getattr(body, "type", None)
                kind = {"Image": "image", "Video": "video", "Sound": "audio", "Model": "model"}.get(body_type, kind)
        index = counts.get(kind, 0)
        counts[kind] = index + 1
        duration = getattr(canvas, "duration", None)
        found.append(CanvasInfo(id=str(canvas.id), kind=kind, index=index, width=getattr(canvas, "width", None),
                                height=getattr(canvas, "height", None), duration=float(duration) if duration else None))
    return found


def view_target(canvas: CanvasInfo, xywh: str | None = None, t: str | None = None, orbit: str | None = None) -> Target:
    """The view a curator's page reports (query arguments) on one canvas, checked and clipped like a link's."""
    view: dict[str, Any] = {}
    parsed_orbit = None
    if canvas.kind == "image":
        parts = (xywh or "").split(",")
        if len(parts) != 4 or not all(re.fullmatch(r"\d{1,9}", p) for p in parts):
            raise ContentStateError("xywh must be four whole numbers x,y,w,h")
        view["xywh"] = ("pixel", tuple(float(p) for p in parts))
    elif canvas.kind in ("video", "audio"):
        try:
            seconds = float(t or "")
        except ValueError:
            raise ContentStateError("t must be a number of seconds") from None
        if not math.isfinite(seconds) or seconds < 0:
            raise ContentStateError("t must be a number of seconds")
        view["t"] = seconds
    elif canvas.kind == "model":
        parsed_orbit = parse_orbit(orbit or "")
    else:
        raise ContentStateError("this canvas has nothing to point at")
    return _fit(canvas, view, parsed_orbit)
