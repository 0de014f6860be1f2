"""Real media files made by the tests (no fixtures downloaded or committed)."""
from __future__ import annotations

from pathlib import Path

import pyvips


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
