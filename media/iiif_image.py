"""IIIF Image API 3.0 (compliance level 2): request parsing and rendering from pyramids.

No Flask here. ``parse_request`` turns the four URL segments into an :class:`ImageRequest`
(or raises :class:`IIIFError` with the HTTP status to answer). :class:`ImageService`
answers ``info.json`` and renders derivatives from the pyramidal TIFF that
:func:`media.images.make_pyramid` wrote for an image:

* a request for one whole tile of a pyramid level, as JPEG, is answered by copying the
  tile's compressed bytes out of the TIFF (no decoding);
* anything else is rendered with pyvips from the smallest sufficient level, written
  atomically into a disk cache keyed by the canonical request, and served from there.
"""
from __future__ import annotations

import hashlib
import itertools
import math
import os
import re
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

import pyvips

from media.render_cache import RenderCache
from media.render_pool import Deadline, PoolBusy, RenderPool
from media.store import MediaStore, is_sha256
from media import tiff_tiles

CONTEXT = "http://iiif.io/api/image/3/context.json"
PROFILE_URI = "http://iiif.io/api/image/3/level2.json"
PYRAMID_NAME = "pyramid.tif"
#: Changes whenever rendering changes, so old cache entries and ETags are not reused.
RENDER_VERSION = "2"
#: Rotations are rendered and cached to this many decimal places (45.001 and 45.04 are one render).
ROTATION_DECIMALS = 1

QUALITIES = ("default", "color", "gray", "bitonal")
FORMATS = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
#: Formats the Image API names that this server does not produce (501, not 400).
KNOWN_FORMATS = ("tif", "gif", "jp2", "pdf")
EXTRA_FEATURES = [
    "baseUriRedirect",
    "canonicalLinkHeader",
    "cors",
    "jsonldMediaType",
    "mirroring",
    "profileLinkHeader",
    "regionByPct",
    "regionByPx",
    "regionSquare",
    "rotationArbitrary",
    "rotationBy90s",
    "sizeByConfinedWh",
    "sizeByH",
    "sizeByPct",
    "sizeByW",
    "sizeByWh",
    "sizeUpscaling",
]
#: Largest side of any output (WebP cannot be wider; JPEG stops at 65 535).
MAX_SIDE = 16383
DEFAULT_MAX_OUTPUT_PIXELS = 64_000_000
DEFAULT_CACHE_MAX_BYTES = 4 * 1024**3


class IIIFError(Exception):
    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        #: seconds, for a 503 (the render pool is full or a render ran out of time)
        self.retry_after = retry_after


# ---------------------------------------------------------------- parsing

_NUM = r"(?:\d{1,10}(?:\.\d{1,10})?|\.\d{1,10})"
_REGION_PX = re.compile(r"(\d{1,10}),(\d{1,10}),(\d{1,10}),(\d{1,10})\Z")
_REGION_PCT = re.compile(rf"pct:({_NUM}),({_NUM}),({_NUM}),({_NUM})\Z")
_SIZE = re.compile(
    rf"(\^)?(?:(max)|(\d{{1,10}}),|,(\d{{1,10}})|pct:({_NUM})|(\d{{1,10}}),(\d{{1,10}})|!(\d{{1,10}}),(\d{{1,10}}))\Z"
)
_ROTATION = re.compile(rf"(!)?({_NUM})\Z")
_QUALITY_FORMAT = re.compile(r"([a-z]+)\.([a-z0-9]+)\Z")


@dataclass(frozen=True)
class ImageRequest:
    region: tuple  # ("full",) | ("square",) | ("px", x, y, w, h) | ("pct", x, y, w, h)
    size: tuple  # ("max",) | ("w", w) | ("h", h) | ("pct", n) | ("wh", w, h) | ("fit", w, h)
    upscale: bool
    mirror: bool
    rotation: float
    quality: str
    format: str


def _bad(message: str) -> IIIFError:
    return IIIFError(400, message)


def parse_region(region: str) -> tuple:
    if region == "full":
        return ("full",)
    if region == "square":
        return ("square",)
    match = _REGION_PX.match(region)
    if match:
        x, y, w, h = (int(v) for v in match.groups())
        if w == 0 or h == 0:
            raise _bad("region width and height must be greater than zero")
        return ("px", x, y, w, h)
    match = _REGION_PCT.match(region)
    if match:
        x, y, w, h = (float(v) for v in match.groups())
        if w <= 0 or h <= 0:
            raise _bad("region width and height must be greater than zero")
        if x >= 100 or y >= 100:
            raise _bad("region lies outside the image")
        return ("pct", x, y, w, h)
    raise _bad(f"invalid region {region!r}")


def parse_size(size: str) -> tuple[tuple, bool]:
    match = _SIZE.match(size)
    if not match:
        if size == "full":
            raise _bad("size 'full' is not part of Image API 3.0; use 'max'")
        raise _bad(f"invalid size {size!r}")
    up, mx, w, h, pct, ww, wh, fw, fh = match.groups()
    upscale = up is not None
    if mx:
        return ("max",), upscale
    if w is not None:
        value = ("w", int(w))
    elif h is not None:
        value = ("h", int(h))
    elif pct is not None:
        n = float(pct)
        if n <= 0:
            raise _bad("size percentage must be greater than zero")
        if n > 100 and not upscale:
            raise _bad("a size over 100% needs the ^ (upscaling) prefix")
        return ("pct", n), upscale
    elif ww is not None:
        value = ("wh", int(ww), int(wh))
    else:
        value = ("fit", int(fw), int(fh))
    if any(v == 0 for v in value[1:]):
        raise _bad("size width and height must be greater than zero")
    return value, upscale


def parse_rotation(rotation: str) -> tuple[bool, float]:
    match = _ROTATION.match(rotation)
    if not match:
        raise _bad(f"invalid rotation {rotation!r}")
    angle = float(match.group(2))
    if angle > 360:
        raise _bad("rotation must be between 0 and 360")
    return match.group(1) is not None, normalise_angle(angle)


def normalise_angle(angle: float) -> float:
    """The angle as it is rendered and cached: ROTATION_DECIMALS places, in [0, 360)."""
    return round(angle, ROTATION_DECIMALS) % 360


def parse_quality_format(quality_format: str) -> tuple[str, str]:
    match = _QUALITY_FORMAT.match(quality_format)
    if not match:
        raise _bad(f"invalid quality and format {quality_format!r}")
    quality, fmt = match.groups()
    if quality not in QUALITIES:
        raise _bad(f"invalid quality {quality!r}")
    if fmt not in FORMATS:
        if fmt in KNOWN_FORMATS:
            raise IIIFError(501, f"format {fmt!r} is not supported (use jpg, png or webp)")
        raise _bad(f"invalid format {fmt!r}")
    return quality, fmt


def parse_request(region: str, size: str, rotation: str, quality_format: str) -> ImageRequest:
    region_value = parse_region(region)
    size_value, upscale = parse_size(size)
    mirror, angle = parse_rotation(rotation)
    quality, fmt = parse_quality_format(quality_format)
    return ImageRequest(region_value, size_value, upscale, mirror, angle, quality, fmt)


# ---------------------------------------------------------------- resolution


@dataclass(frozen=True)
class Plan:
    """A request resolved against one image: pixel region, exact output size, cache identity."""

    image_id: str
    x: int
    y: int
    w: int
    h: int
    out_w: int
    out_h: int
    request: ImageRequest
    canonical: str  # "region/size/rotation/quality.format"
    etag: str


def _fmt_number(value: float) -> str:
    if value == int(value):
        return str(int(value))
    return f"{value:.10f}".rstrip("0").rstrip(".")


def resolve_region(region: tuple, width: int, height: int) -> tuple[int, int, int, int]:
    kind = region[0]
    if kind == "full":
        return 0, 0, width, height
    if kind == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if kind == "px":
        _, x, y, w, h = region
    else:
        _, px, py, pw, ph = region
        x = int(px * width / 100)
        y = int(py * height / 100)
        w = max(1, round(pw * width / 100))
        h = max(1, round(ph * height / 100))
    if x >= width or y >= height:
        raise _bad("region lies outside the image")
    return x, y, min(w, width - x), min(h, height - y)


def rotated_size(w: int, h: int, angle: float) -> tuple[int, int]:
    """The output's size once rotated (a bound: libvips' bounding box rounds, this takes the ceiling)."""
    if angle in (0.0, 180.0):
        return w, h
    if angle in (90.0, 270.0):
        return h, w
    c, s = abs(math.cos(math.radians(angle))), abs(math.sin(math.radians(angle)))
    return math.ceil(w * c + h * s - 1e-9), math.ceil(w * s + h * c - 1e-9)


def _within(w: int, h: int, angle: float, max_w: int, max_h: int, max_area: int) -> bool:
    fw, fh = rotated_size(w, h, angle)
    return fw <= max_w and fh <= max_h and fw * fh <= max_area


def resolve_size(size: tuple, upscale: bool, rw: int, rh: int, max_w: int, max_h: int, max_area: int,
                 angle: float = 0.0) -> tuple[int, int]:
    """The output size before rotation; the limits hold for the final (rotated) output."""
    kind = size[0]
    if kind == "max":
        fw, fh = rotated_size(rw, rh, angle)
        scale = min(1.0, max_w / fw, max_h / fh, math.sqrt(max_area / (fw * fh)))
        if scale >= 1.0:
            return rw, rh
        w, h = max(1, int(rw * scale)), max(1, int(rh * scale))
        while (w > 1 or h > 1) and not _within(w, h, angle, max_w, max_h, max_area):
            scale *= 0.999  # the ceilings of the rotated box can overshoot by a pixel
            w, h = max(1, int(rw * scale)), max(1, int(rh * scale))
        return w, h
    if kind == "w":
        w = size[1]
        h = max(1, round(rh * w / rw))
    elif kind == "h":
        h = size[1]
        w = max(1, round(rw * h / rh))
    elif kind == "pct":
        w = max(1, round(rw * size[1] / 100))
        h = max(1, round(rh * size[1] / 100))
    elif kind == "wh":
        w, h = size[1], size[2]
    else:  # fit
        bw, bh = size[1], size[2]
        scale = min(bw / rw, bh / rh)
        w = max(1, min(bw, round(rw * scale)))
        h = max(1, min(bh, round(rh * scale)))
    if not upscale and (w > rw or h > rh):
        raise _bad("requested size is larger than the region; use the ^ prefix to upscale")
    if not _within(w, h, angle, max_w, max_h, max_area):
        fw, fh = rotated_size(w, h, angle)
        raise _bad(f"requested size {w}×{h} is {fw}×{fh} once rotated, over this server's limits "
                   f"(maxWidth {max_w}, maxHeight {max_h}, maxArea {max_area})")
    return w, h


# ---------------------------------------------------------------- service


@dataclass
class Rendered:
    mime: str
    etag: str
    canonical: str
    path: Path | None = None
    data: bytes | None = None


class _OpenPyramid:
    """A pyramid's directory and an open file to ``pread`` tiles from.

    Entries are never closed while cached: an evicted or replaced entry is only dropped,
    and its file is closed when the last request using it lets go of it (so a thread can
    never read through a descriptor number that was meanwhile reused for another file).
    """

    __slots__ = ("pyramid", "file", "fd", "vips_levels")

    def __init__(self, pyramid: tiff_tiles.Pyramid) -> None:
        self.pyramid = pyramid
        self.file = open(pyramid.path, "rb", buffering=0)
        self.fd = self.file.fileno()
        self.vips_levels: dict[int, object] = {}


class ImageService:
    """IIIF Image API 3.0 over the pyramids of a :class:`MediaStore`."""

    def __init__(self, store: MediaStore, cache_root: Path, max_output_pixels: int = DEFAULT_MAX_OUTPUT_PIXELS,
                 open_limit: int = 64, cache_max_bytes: int = DEFAULT_CACHE_MAX_BYTES,
                 pool: RenderPool | None = None) -> None:
        self.store = store
        #: renders (size-limited, least recently used evicted) and copied edge tiles (never evicted)
        self.cache_root = Path(cache_root) / "iiif"
        self.tiles_root = Path(cache_root) / "iiif-tiles"
        self.cache = RenderCache(self.cache_root, cache_max_bytes)
        self.pool = pool or RenderPool()
        self.max_area = int(max_output_pixels)
        self.max_side = MAX_SIDE
        self._open: OrderedDict[str, _OpenPyramid] = OrderedDict()
        self._open_limit = open_limit
        self._lock = threading.Lock()
        # libvips keeps the worker threads it starts; started from the pool, they get its lower priority
        self.pool.background(_warm_up_libvips)

    # -- pyramids

    def pyramid_path(self, image_id: str) -> Path:
        return self.store.derivative_path(image_id, PYRAMID_NAME)

    def _get(self, image_id: str) -> _OpenPyramid:
        if not is_sha256(image_id):
            raise IIIFError(404, "no such image")
        path = self.pyramid_path(image_id)
        try:
            st = os.stat(path)
        except OSError:
            self._forget(image_id)
            raise IIIFError(404, "no such image") from None
        entry = self._open.get(image_id)
        if entry is not None and entry.pyramid.mtime_ns == st.st_mtime_ns:
            return entry
        with self._lock:
            entry = self._open.get(image_id)
            if entry is not None and entry.pyramid.mtime_ns == st.st_mtime_ns:
                return entry
            try:
                entry = _OpenPyramid(tiff_tiles.open_pyramid(path))
            except FileNotFoundError:
                raise IIIFError(404, "no such image") from None
            except (OSError, tiff_tiles.TiffError, ValueError) as error:
                raise IIIFError(500, f"image derivative is unreadable ({error})") from None
            self._open.pop(image_id, None)
            self._open[image_id] = entry
            while len(self._open) > self._open_limit:
                self._open.popitem(last=False)
        return entry

    def _forget(self, image_id: str) -> None:
        with self._lock:
            self._open.pop(image_id, None)

    def close(self) -> None:
        with self._lock:
            for entry in self._open.values():
                entry.file.close()
            self._open.clear()

    # -- info.json

    def info(self, image_id: str, service_id: str) -> dict:
        pyramid = self._get(image_id).pyramid
        width, height = pyramid.width, pyramid.height
        levels = pyramid.levels
        tile = levels[0].tile_width or 512
        sizes = [{"width": level.width, "height": level.height} for level in reversed(levels)
                 if level.width * level.height <= self.max_area
                 and level.width <= self.max_side and level.height <= self.max_side]
        return {
            "@context": CONTEXT,
            "id": service_id,
            "type": "ImageService3",
            "protocol": "http://iiif.io/api/image",
            "profile": "level2",
            "width": width,
            "height": height,
            "maxWidth": self.max_side,
            "maxHeight": self.max_side,
            "maxArea": self.max_area,
            "sizes": sizes,
            "tiles": [{"width": tile, "height": tile, "scaleFactors": [2 ** k for k in range(len(levels))]}],
            "extraQualities": ["color", "gray", "bitonal"],
            "extraFormats": ["png", "webp"],
            "extraFeatures": EXTRA_FEATURES,
        }

    def info_etag(self, image_id: str, service_id: str = "") -> str:
        """Changes with the pyramid, the limits and the service id (info.json holds its own URL)."""
        entry = self._get(image_id)
        return _etag(f"{image_id}/info/{entry.pyramid.mtime_ns}/{self.max_area}/{RENDER_VERSION}/{service_id}")

    # -- images

    def plan(self, image_id: str, request: ImageRequest) -> Plan:
        pyramid = self._get(image_id).pyramid
        width, height = pyramid.width, pyramid.height
        x, y, w, h = resolve_region(request.region, width, height)
        if request.rotation != normalise_angle(request.rotation):
            request = replace(request, rotation=normalise_angle(request.rotation))
        out_w, out_h = resolve_size(request.size, request.upscale, w, h, self.max_side, self.max_side, self.max_area,
                                    request.rotation)
        region = "full" if (x, y, w, h) == (0, 0, width, height) else f"{x},{y},{w},{h}"
        if (out_w, out_h) == (w, h):
            size = "max"
        else:
            size = ("^" if out_w > w or out_h > h else "") + f"{out_w},{out_h}"
        rotation = ("!" if request.mirror else "") + _fmt_number(request.rotation)
        canonical = f"{region}/{size}/{rotation}/{request.quality}.{request.format}"
        etag = _etag(f"{image_id}/{canonical}/{RENDER_VERSION}")
        return Plan(image_id, x, y, w, h, out_w, out_h, request, canonical, etag)

    def cache_path(self, plan: Plan) -> Path:
        name = plan.canonical.replace("/", "_")
        return self.cache_root / plan.image_id[:2] / plan.image_id / name

    def tile_path(self, plan: Plan) -> Path:
        name = plan.canonical.replace("/", "_")
        return self.tiles_root / plan.image_id[:2] / plan.image_id / name

    def render(self, image_id: str, request: ImageRequest | Plan) -> Rendered:
        """The image a plan asks for: a stored tile at once, anything else from the cache or the render pool.

        Raises IIIFError 503 (with ``retry_after``) when the pool is full or the render ran out of time.
        """
        plan = request if isinstance(request, Plan) else self.plan(image_id, request)
        mime = FORMATS[plan.request.format]
        raw = self._raw_tile(plan, interior_only=True)
        if raw is not None:  # a whole stored tile: copied out of the TIFF, nothing to cache
            return Rendered(mime=mime, etag=plan.etag, canonical=plan.canonical, data=raw)
        tile = self.tile_path(plan)
        if tile.is_file():
            return Rendered(mime=mime, etag=plan.etag, canonical=plan.canonical, path=tile)
        edge = self._raw_tile(plan, interior_only=False)
        if edge is not None:  # an edge tile, cropped from the stored one: kept apart, never evicted
            with _cache_file(tile) as tmp:
                tmp.write_bytes(edge)
            return Rendered(mime=mime, etag=plan.etag, canonical=plan.canonical, data=edge)
        path = self.cache_path(plan)
        if not self.cache.hit(path):
            try:
                self.pool.run(str(path), lambda deadline: self._render_once(plan, path, deadline))
            except PoolBusy as busy:
                raise IIIFError(503, str(busy), retry_after=busy.retry_after) from None
        return Rendered(mime=mime, etag=plan.etag, canonical=plan.canonical, path=path)

    def _render_once(self, plan: Plan, path: Path, deadline: Deadline | None = None) -> None:
        """Render into the cache unless another process has just done so (runs on a pool thread)."""
        if self.cache.hit(path):
            return
        self._render_to(plan, path, deadline)
        try:
            self.cache.added(os.stat(path).st_size)
        except FileNotFoundError:  # evicted at once by a cache smaller than this one render
            pass

    def _raw_tile(self, plan: Plan, interior_only: bool = False) -> bytes | None:
        req = plan.request
        if req.format != "jpg" or req.rotation or req.mirror or req.quality not in ("default", "color"):
            return None
        entry = self._get(plan.image_id)
        pyramid = entry.pyramid
        width, height = pyramid.width, pyramid.height
        if plan.out_w > plan.w or plan.out_h > plan.h:
            return None
        # the level whose scale factor (a power of two) this request asks for; the exact
        # geometry checks below allow only the sub-pixel difference of a level's rounding
        k = round(math.log2(plan.w / plan.out_w))
        s = 1 << k
        if k >= len(pyramid.levels):
            return None
        level = pyramid.levels[k]
        if not level.can_copy_tiles or level.width != width // s or level.height != height // s:
            return None
        tw, th = level.tile_width, level.tile_height
        span_x, span_y = tw * s, th * s
        if plan.x % span_x or plan.y % span_y:
            return None
        col, row = plan.x // span_x, plan.y // span_y
        if col >= level.across or row >= level.down:
            return None
        cw = min(tw, level.width - col * tw)
        ch = min(th, level.height - row * th)
        if plan.w != min(span_x, width - plan.x) or plan.h != min(span_y, height - plan.y):
            return None
        if (plan.out_w, plan.out_h) != (cw, ch) or (interior_only and cw != tw):
            return None
        try:
            data = level.raw_tile(entry.fd, col, row, height=ch if ch != th else None)
        except (OSError, tiff_tiles.TiffError):
            return None
        if cw != tw:
            # A right-edge tile is padded to the full tile width in the TIFF: decode this one
            # tile, crop, re-encode (a few milliseconds; no TIFF or pyramid machinery involved).
            try:
                tile = pyvips.Image.jpegload_buffer(data)
                data = tile.crop(0, 0, cw, ch).jpegsave_buffer(Q=85, keep="none")
            except pyvips.Error:
                return None
        return data

    def _vips_level(self, entry: _OpenPyramid, k: int):
        image = entry.vips_levels.get(k)
        if image is None:
            image = pyvips.Image.new_from_file(str(entry.pyramid.path), page=k, access="random", fail_on="error")
            entry.vips_levels[k] = image
        return image

    def _render_to(self, plan: Plan, path: Path, deadline: Deadline | None = None) -> None:
        entry = self._get(plan.image_id)
        pyramid = entry.pyramid
        width, height = pyramid.width, pyramid.height
        # smallest level that still has at least the output's resolution
        k = 0
        for index, level in enumerate(pyramid.levels):
            if plan.w * level.width / width >= plan.out_w - 1e-6 and plan.h * level.height / height >= plan.out_h - 1e-6:
                k = index
        level = pyramid.levels[k]
        sx, sy = level.width / width, level.height / height
        x0, y0 = math.floor(plan.x * sx), math.floor(plan.y * sy)
        x1 = min(level.width, max(x0 + 1, math.ceil((plan.x + plan.w) * sx - 1e-9)))
        y1 = min(level.height, max(y0 + 1, math.ceil((plan.y + plan.h) * sy - 1e-9)))
        try:
            image = self._vips_level(entry, k).crop(x0, y0, x1 - x0, y1 - y0)
            if (image.width, image.height) != (plan.out_w, plan.out_h):
                image = image.resize(plan.out_w / image.width, vscale=plan.out_h / image.height, kernel="lanczos3")
                if (image.width, image.height) != (plan.out_w, plan.out_h):
                    image = image.gravity("north-west", plan.out_w, plan.out_h, extend="copy")
            image = _transform(image, plan.request)
            with _cache_file(path) as tmp:
                _save(image, tmp, plan.request, deadline)
        except pyvips.Error as error:
            if deadline is not None and deadline.expired:
                raise IIIFError(503, "the image render ran out of time", retry_after=5) from None
            raise IIIFError(500, f"could not render image ({str(error).splitlines()[0]})") from None


def _warm_up_libvips() -> None:
    """Start libvips' worker threads and JPEG codec now rather than in a visitor's first request."""
    try:
        tile = pyvips.Image.black(64, 64, bands=3).copy(interpretation="srgb").cast("uchar")
        pyvips.Image.jpegload_buffer(tile.jpegsave_buffer(Q=85)).crop(0, 0, 32, 32).jpegsave_buffer(Q=85)
    except pyvips.Error:
        pass


@contextmanager
def _cache_file(final: Path) -> Iterator[Path]:
    """Like media.store.atomic_path but without fsync: a cache entry can always be made again."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{final.name}")
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass


def _etag(text: str) -> str:
    return '"' + hashlib.blake2b(text.encode(), digest_size=12).hexdigest() + '"'


def _transform(image, request: ImageRequest):
    """Mirror, rotate (clockwise) and apply the quality."""
    if request.mirror:
        image = image.fliphor()
    angle = request.rotation
    if angle:
        if angle in (90.0, 180.0, 270.0):
            image = image.rot({90.0: "d90", 180.0: "d180", 270.0: "d270"}[angle])
        else:
            transparent = request.format in ("png", "webp")
            if transparent and not image.hasalpha():
                image = image.bandjoin(255)
            background = [255] * (image.bands - 1) + ([0] if transparent else [255])
            image = image.similarity(angle=angle, background=background)
    quality = request.quality
    if quality in ("gray", "bitonal"):
        alpha = None
        if image.hasalpha():
            alpha = image[image.bands - 1]
            image = image[: image.bands - 1]
        if image.bands >= 3:
            image = image.colourspace("b-w")
        if quality == "bitonal":
            image = (image > 127).cast("uchar")  # 0 or 255
        if alpha is not None:
            image = image.bandjoin(alpha)
    return image


_unique = itertools.count(1)


def _stop_at(image, deadline: Deadline | None):
    """Let libvips stop computing ``image`` once the deadline has passed (its kill flag).

    The watched image is made unique first (a copy whose resolution differs by a negligible,
    never repeated amount): libvips' operation cache would otherwise hand this very image, with its
    kill flag and a callback into a freed Python object, to a later identical request.
    """
    if deadline is not None:
        image = image.copy(xres=image.xres * (1 + next(_unique) * 1e-12) + 1e-12)
        image.set_progress(True)
        image.signal_connect("eval", lambda img, _progress: img.set_kill(True) if deadline.expired else None)
    return image


def _save(image, path: Path, request: ImageRequest, deadline: Deadline | None = None) -> None:
    fmt = request.format
    if fmt == "jpg" and image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    image = _stop_at(image, deadline)
    if fmt == "jpg":
        image.jpegsave(str(path), Q=85, keep="none", interlace=False)
    elif fmt == "png":
        if request.quality == "bitonal" and image.bands == 1:
            image.pngsave(str(path), compression=6, bitdepth=1, keep="none")
        else:
            image.pngsave(str(path), compression=6, keep="none")
    else:
        image.webpsave(str(path), Q=80, effort=2, keep="none")
