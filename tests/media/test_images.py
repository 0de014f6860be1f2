"""media.images: probing and pyramids on real files made here (JPEG, PNG, TIFF, CMYK, 16-bit, alpha, EXIF)."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import pyvips
from PIL import Image

from media.errors import MediaError, UnsupportedMedia
from media.images import ImageInfo, make_pyramid, probe_image
from media.tiff_tiles import open_pyramid

LIMIT = 400_000_000


def gradient(width: int, height: int) -> np.ndarray:
    """An RGB test picture: red rises left→right, green top→bottom, blue constant."""
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :].repeat(height, 0)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None].repeat(width, 1)
    return np.stack([x, y, np.full_like(x, 96)], axis=2).astype(np.uint8)


def pyramid_pixels(path: Path, page: int = 0) -> np.ndarray:
    return pyvips.Image.new_from_file(str(path), page=page).numpy()


@pytest.fixture
def jpeg(tmp_path) -> Path:
    path = tmp_path / "photo.jpg"
    Image.fromarray(gradient(1200, 800)).save(path, quality=92)
    return path


def test_probe_jpeg(jpeg):
    info = probe_image(jpeg, LIMIT)
    assert info == ImageInfo(width=1200, height=800, format="jpeg", bands=3, bits=8, interpretation="srgb")


def test_probe_png_grey_and_16bit_tiff(tmp_path):
    grey = tmp_path / "grey.png"
    Image.fromarray(gradient(300, 200)[:, :, 0]).save(grey)
    info = probe_image(grey, LIMIT)
    assert (info.format, info.bands, info.bits, info.interpretation) == ("png", 1, 8, "b-w")

    deep = tmp_path / "deep.tif"
    pixels = (gradient(300, 200).astype(np.uint16) * 257)
    pyvips.Image.new_from_array(pixels).copy(interpretation="rgb16").cast("ushort").tiffsave(str(deep))
    info = probe_image(deep, LIMIT)
    assert (info.format, info.bits, info.interpretation, info.width) == ("tiff", 16, "rgb16", 300)


def test_make_pyramid_geometry_and_pixels(jpeg, tmp_path):
    dest = tmp_path / "out" / "pyramid.tif"
    geometry = make_pyramid(jpeg, dest)
    assert geometry["width"] == 1200 and geometry["height"] == 800 and geometry["tile"] == 512
    assert geometry["levels"][0] == {"width": 1200, "height": 800}
    assert geometry["levels"][1] == {"width": 600, "height": 400}
    assert geometry["levels"][-1]["width"] <= 512
    pyramid = open_pyramid(dest)
    assert pyramid.levels[0].tile_width == 512 and pyramid.levels[0].compression == 7
    pixels = pyramid_pixels(dest)
    expected = gradient(1200, 800)
    assert np.abs(pixels.astype(int) - expected.astype(int)).mean() < 3
    assert not list(dest.parent.glob(".tmp-*"))


def test_16bit_tiff_becomes_8bit_srgb(tmp_path):
    src = tmp_path / "deep.tif"
    pixels = gradient(400, 300).astype(np.uint16) * 257
    pyvips.Image.new_from_array(pixels).cast("ushort").copy(interpretation="rgb16").tiffsave(str(src))
    dest = tmp_path / "p.tif"
    make_pyramid(src, dest)
    out = pyvips.Image.new_from_file(str(dest))
    assert out.format == "uchar" and out.bands == 3
    assert np.abs(out.numpy().astype(int) - gradient(400, 300).astype(int)).mean() < 3


@pytest.mark.parametrize("suffix", [".jpg", ".tif"])
def test_cmyk_without_profile_becomes_srgb(tmp_path, suffix):
    src = tmp_path / f"cmyk{suffix}"
    # pure cyan ink on the left half, no ink on the right half
    cmyk = np.zeros((200, 300, 4), dtype=np.uint8)
    cmyk[:, :150, 0] = 255
    Image.fromarray(cmyk, mode="CMYK").save(src)
    assert probe_image(src, LIMIT).interpretation == "cmyk"
    dest = tmp_path / "p.tif"
    make_pyramid(src, dest)
    out = pyvips.Image.new_from_file(str(dest)).numpy().astype(int)
    assert out.shape == (200, 300, 3)
    left, right = out[100, 50], out[100, 250]
    assert left[0] < 100 and left[2] > 150  # cyan: little red, much blue
    assert (right > 230).all()  # paper white


def test_cmyk_with_profile(tmp_path):
    src = tmp_path / "cmyk-icc.jpg"
    image = pyvips.Image.new_from_array(np.full((64, 64, 4), [0, 0, 0, 0], dtype=np.uint8)).copy(
        interpretation="cmyk"
    )
    image.jpegsave(str(src), profile="cmyk")  # embeds libvips' CMYK profile
    assert pyvips.Image.new_from_file(str(src)).get_typeof("icc-profile-data")
    dest = tmp_path / "p.tif"
    make_pyramid(src, dest)
    out = pyvips.Image.new_from_file(str(dest)).numpy()
    assert out.shape[2] == 3 and (out > 230).all()


def test_greyscale_stays_grey(tmp_path):
    src = tmp_path / "grey.png"
    Image.fromarray(np.full((100, 100), 77, dtype=np.uint8)).save(src)
    dest = tmp_path / "p.tif"
    make_pyramid(src, dest)
    out = pyvips.Image.new_from_file(str(dest))
    assert out.bands == 1 and abs(out.avg() - 77) < 2


def test_alpha_flattened_on_white(tmp_path):
    src = tmp_path / "alpha.png"
    rgba = np.zeros((100, 100, 4), dtype=np.uint8)
    rgba[:, :50] = [200, 0, 0, 255]  # opaque red on the left, transparent on the right
    Image.fromarray(rgba, mode="RGBA").save(src)
    dest = tmp_path / "p.tif"
    make_pyramid(src, dest)
    out = pyvips.Image.new_from_file(str(dest)).numpy().astype(int)
    assert out.shape == (100, 100, 3)
    assert abs(out[50, 20] - [200, 0, 0]).max() < 12
    assert (out[50, 80] > 245).all()


def test_exif_orientation_is_applied(tmp_path):
    src = tmp_path / "rotated.jpg"
    pixels = np.zeros((100, 200, 3), dtype=np.uint8)  # landscape, stored sideways
    pixels[:, :100] = [255, 0, 0]  # left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    Image.fromarray(pixels).save(src, exif=exif.tobytes(), quality=95)
    dest = tmp_path / "p.tif"
    geometry = make_pyramid(src, dest)
    assert (geometry["width"], geometry["height"]) == (100, 200)
    out = pyvips.Image.new_from_file(str(dest))
    assert out.get_typeof("orientation") == 0 or out.get("orientation") == 1
    arr = out.numpy().astype(int)
    assert arr[20, 50, 0] > 200 and arr[20, 50, 1] < 60  # red is now on top
    assert arr[180, 50, 0] < 60


def _truncate(path: Path, keep: float = 0.6) -> Path:
    data = path.read_bytes()
    out = path.with_name("cut-" + path.name)
    out.write_bytes(data[: int(len(data) * keep)])
    return out


@pytest.mark.parametrize("kind", ["jpg", "png", "tif"])
def test_truncated_files_are_refused(tmp_path, kind):
    src = tmp_path / f"whole.{kind}"
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 255, (400, 600, 3), dtype=np.uint8)).save(src)
    cut = _truncate(src)
    with pytest.raises(MediaError, match="(?i)truncated|corrupt"):
        probe_image(cut, LIMIT)
    dest = tmp_path / "p.tif"
    with pytest.raises(MediaError):
        make_pyramid(cut, dest)
    assert not dest.exists()
    assert not list(tmp_path.glob(".tmp-*"))


def test_zero_byte_file(tmp_path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(MediaError, match="empty"):
        probe_image(empty, LIMIT)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_decompression_bomb_header(tmp_path):
    bomb = tmp_path / "bomb.png"
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    body = _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + _png_chunk(b"IEND", b"")
    bomb.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    with pytest.raises(MediaError) as caught:
        probe_image(bomb, LIMIT)
    assert str(caught.value) == (
        "image is 100000×100000 pixels (10000 megapixels), over the limit of 400 megapixels"
    )


def test_unsupported_format(tmp_path):
    gif = tmp_path / "anim.gif"
    Image.new("RGB", (10, 10)).save(gif)
    with pytest.raises(UnsupportedMedia):
        probe_image(gif, LIMIT)
    text = tmp_path / "notes.jpg"
    text.write_text("not an image at all")
    with pytest.raises(MediaError):
        probe_image(text, LIMIT)


def test_webp_probe(tmp_path):
    src = tmp_path / "x.webp"
    buffer = io.BytesIO()
    Image.fromarray(gradient(64, 48)).save(buffer, format="WEBP")
    src.write_bytes(buffer.getvalue())
    assert probe_image(src, LIMIT).format == "webp"
