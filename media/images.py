"""Photo probing and pyramid derivatives (pyvips).

``probe_image`` reads only a file's header (plus a cheap end-of-file check) and refuses
what ingest must not take: empty, truncated or corrupt files, images over the pixel
limit, unsupported kinds. ``make_pyramid`` streams a photo into a pyramidal tiled TIFF
(JPEG Q85, 512-px tiles, 8-bit sRGB or 8-bit grey) that the IIIF image service reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyvips

from media.errors import MediaError, UnsupportedMedia
from media.store import atomic_path
from media import tiff_tiles

TILE = 512
QUALITY = 85

_BITS = {"uchar": 8, "char": 8, "ushort": 16, "short": 16, "uint": 32, "int": 32,
         "float": 32, "double": 64, "complex": 64, "dpcomplex": 128}


@dataclass(frozen=True)
class ImageInfo:
    width: int
    height: int
    format: str  # 'jpeg' | 'png' | 'tiff' | 'webp'
    bands: int
    bits: int
    interpretation: str  # e.g. 'srgb', 'cmyk', 'b-w', 'rgb16'


def sniff_format(head: bytes) -> str | None:
    """The image kind from its first bytes (never from the file name)."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _megapixels(pixels: int) -> str:
    mp = pixels / 1_000_000
    return f"{mp:.0f}" if mp >= 10 else f"{mp:.1f}".rstrip("0").rstrip(".")


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise MediaError(f"image declares an empty size ({width}×{height} pixels)")
    if width * height > max_pixels:
        raise MediaError(
            f"image is {width}×{height} pixels ({_megapixels(width * height)} megapixels), "
            f"over the limit of {_megapixels(max_pixels)} megapixels"
        )


def _vips_message(error: Exception) -> str:
    text = str(error).strip().splitlines()
    # pyvips messages start with "unable to call ..."; keep the lines libvips wrote.
    lines = [line.strip() for line in text if line.strip() and not line.startswith("unable to call")]
    return "; ".join(lines[:3]) or "unreadable image"


def _tail_ok(path: Path, kind: str, size: int) -> bool:
    """Cheap truncation check: does the file end the way its format says it must?"""
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 65536))
        tail = handle.read()
    if kind == "jpeg":
        stripped = tail.rstrip(b"\x00\xff\r\n ")
        return stripped.endswith(b"\xff\xd9") or (tail.rstrip(b"\x00").endswith(b"\xff\xd9"))
    if kind == "png":
        return b"IEND\xaeB`\x82" in tail
    return True


def _open(path: Path, kind: str, access: str = "sequential") -> pyvips.Image:
    try:
        return pyvips.Image.new_from_file(str(path), access=access, fail_on="error")
    except pyvips.Error as error:
        raise MediaError(f"corrupt or unreadable {kind.upper()} image ({_vips_message(error)})") from None


def probe_image(path: Path, max_pixels: int) -> ImageInfo:
    """Read an image's header and check it is whole, of a supported kind and not too big."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise MediaError(f"cannot read file ({error.strerror})") from None
    if size == 0:
        raise MediaError("file is empty (0 bytes)")
    with open(path, "rb") as handle:
        head = handle.read(64)
    kind = sniff_format(head)
    if kind is None:
        raise UnsupportedMedia("unsupported image format (Jinshi takes JPEG, PNG, TIFF and WebP)")
    # Size first, from the header alone, so a decompression bomb is never decoded.
    declared = _declared_size(path, kind, head)
    if declared is not None:
        _check_pixels(*declared, max_pixels)
    image = _open(path, kind)
    _check_pixels(image.width, image.height, max_pixels)
    if kind == "tiff":
        problem = tiff_tiles.check_tiff_extents(path)
        if problem:
            raise MediaError(f"truncated or corrupt TIFF image ({problem})")
    elif not _tail_ok(path, kind, size):
        # Trailing data after the end marker is legal, so decode to be sure before refusing.
        _full_decode_check(path, kind)
    return ImageInfo(
        width=image.width,
        height=image.height,
        format=kind,
        bands=image.bands,
        bits=_BITS.get(image.format, 8),
        interpretation=str(image.interpretation),
    )


def _declared_size(path: Path, kind: str, head: bytes) -> tuple[int, int] | None:
    if kind == "png" and len(head) >= 24 and head[12:16] == b"IHDR":
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    return None


def _full_decode_check(path: Path, kind: str) -> None:
    try:
        if kind == "jpeg":
            # shrink=8 decodes only DC coefficients but still reads every scan.
            image = pyvips.Image.jpegload(str(path), shrink=8, access="sequential", fail_on="truncated")
        else:
            image = pyvips.Image.new_from_file(str(path), access="sequential", fail_on="truncated")
        image.avg()
    except pyvips.Error as error:
        raise MediaError(f"truncated or corrupt {kind.upper()} image ({_vips_message(error)})") from None


def _orientation(image: pyvips.Image) -> int:
    try:
        return int(image.get("orientation")) if image.get_typeof("orientation") else 1
    except (pyvips.Error, ValueError):
        return 1


def _is_srgb_profile(profile: bytes) -> bool:
    return b"sRGB" in profile or "sRGB".encode("utf-16-be") in profile


def to_display(image: pyvips.Image) -> pyvips.Image:
    """Autorotate, colour-manage and flatten ``image`` to 8-bit sRGB (or 8-bit grey)."""
    if _orientation(image) != 1:
        image = image.autorot()
    interpretation = str(image.interpretation)
    has_profile = bool(image.get_typeof("icc-profile-data"))
    if interpretation == "cmyk" or image.bands - (1 if image.hasalpha() else 0) == 4 and interpretation != "srgb":
        if has_profile:
            image = image.icc_transform("srgb", embedded=True, intent="perceptual")
        else:
            image = image.icc_transform("srgb", input_profile="cmyk", intent="perceptual")
    elif has_profile and interpretation in ("srgb", "rgb16", "rgb", "scrgb") and not _is_srgb_profile(
        image.get("icc-profile-data")
    ):
        try:
            image = image.icc_transform("srgb", embedded=True, intent="perceptual")
        except pyvips.Error:
            pass  # a broken profile: show the pixels as they are
    if image.hasalpha():
        max_alpha = 65535 if image.format == "ushort" else 255
        image = image.flatten(background=[max_alpha] * (image.bands - 1), max_alpha=max_alpha)
    interpretation = str(image.interpretation)
    if image.bands == 1 or interpretation in ("b-w", "grey16"):
        if image.bands > 1:
            image = image[0]
        if image.format != "uchar":
            image = image.colourspace("b-w") if interpretation == "grey16" else image
            if image.format == "ushort":
                image = (image >> 8)
            image = image.cast("uchar")
        image = image.copy(interpretation="b-w")
    else:
        if interpretation != "srgb" or image.format != "uchar":
            image = image.colourspace("srgb")
        if image.bands > 3:
            image = image[:3]
        if image.format != "uchar":
            image = image.cast("uchar")
    return image


def make_pyramid(source: Path, dest: Path) -> dict:
    """Write ``source`` as a pyramidal tiled JPEG TIFF at ``dest`` (atomically); return its geometry."""
    source, dest = Path(source), Path(dest)
    with open(source, "rb") as handle:
        head = handle.read(64)
    kind = sniff_format(head)
    if kind is None:
        raise UnsupportedMedia("unsupported image format (Jinshi takes JPEG, PNG, TIFF and WebP)")
    if kind == "tiff":
        problem = tiff_tiles.check_tiff_extents(source)
        if problem:
            raise MediaError(f"truncated or corrupt TIFF image ({problem})")
    image = _open(source, kind)
    if _orientation(image) not in (1, 2):
        # Rotations and vertical flips need the whole image: let libvips decode it
        # (to memory for ordinary photos, to a temporary file beyond its disc threshold).
        image = _open(source, kind, access="random")
    try:
        image = to_display(image)
        # libvips refuses to read back tiles much larger than a small image: shrink them to fit
        tile = min(TILE, max(16, -(-max(image.width, image.height) // 16) * 16))
        with atomic_path(dest) as tmp:
            image.tiffsave(
                str(tmp),
                tile=True,
                tile_width=tile,
                tile_height=tile,
                pyramid=True,
                compression="jpeg",
                Q=QUALITY,
                keep="none",
                bigtiff=image.width * image.height > 200_000_000,
            )
    except pyvips.Error as error:
        raise MediaError(f"corrupt or unreadable {kind.upper()} image ({_vips_message(error)})") from None
    return pyramid_geometry(dest)


def pyramid_geometry(path: Path) -> dict:
    pyramid = tiff_tiles.open_pyramid(Path(path))
    return {
        "width": pyramid.width,
        "height": pyramid.height,
        "tile": pyramid.levels[0].tile_width,
        "levels": [{"width": level.width, "height": level.height} for level in pyramid.levels],
    }


def limit_memory_growth() -> None:
    """For long-running ingest processes: keep peak memory flat across many photos.

    libvips runs its work on several threads and glibc gives each thread its own malloc
    arena, so freed pixel buffers are spread over many arenas and the process grows photo
    after photo (about 190 MB after 16 photos of 24 MP instead of about 100 MB). Limiting the
    arenas to two and switching off libvips' operation cache (useful to a web server, not to
    ingest) keeps it flat. Call once, early, in an ingest worker or CLI process.
    """
    import ctypes
    import ctypes.util

    pyvips.cache_set_max(0)
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return
    try:
        libc = ctypes.CDLL(libc_name)
        m_arena_max = -8
        libc.mallopt(m_arena_max, 2)
    except (OSError, AttributeError):
        pass
