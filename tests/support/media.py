"""Real media files made by the tests (no fixtures downloaded or committed)."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pyvips
from PIL import Image


def make_photo(path: Path, width: int = 1200, height: int = 800, fmt: str | None = None, **save_options) -> Path:
    """A photo-like image with colour gradients and texture, saved by extension (or fmt)."""
    x = pyvips.Image.xyz(width, height)
    red = (x[0] * (255.0 / max(width - 1, 1)))
    green = (x[1] * (255.0 / max(height - 1, 1)))
    blue = pyvips.Image.gaussnoise(width, height, mean=128, sigma=30)
    image = red.bandjoin([green, blue]).cast("uchar").copy(interpretation="srgb")
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = fmt or path.suffix.lower()
    if suffix in (".jpg", ".jpeg", "jpeg"):
        image.jpegsave(str(path), Q=85, **save_options)
    elif suffix in (".png", "png"):
        image.pngsave(str(path), **save_options)
    elif suffix in (".tif", ".tiff", "tiff"):
        image.tiffsave(str(path), **save_options)
    else:
        raise ValueError(suffix)
    return path


def make_tiff16(path: Path, width: int = 640, height: int = 480) -> Path:
    image = pyvips.Image.xyz(width, height)[0] * (65535.0 / width)
    rgb = image.bandjoin([image, image]).cast("ushort").copy(interpretation="rgb16")
    rgb.tiffsave(str(path))
    return path


def make_cmyk_jpeg(path: Path, width: int = 500, height: int = 400) -> Path:
    Image.new("CMYK", (width, height), (20, 120, 200, 10)).save(path, "JPEG", quality=90)
    return path


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def make_png_bomb(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A tiny PNG whose header declares an enormous image (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + png_chunk(b"IEND", b"")
    path.write_bytes(data)
    return path


def make_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    return path
