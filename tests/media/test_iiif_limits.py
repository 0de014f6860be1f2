"""The server's output limit (``maxArea``) holds for
every size form, and info.json advertises exactly the limit it enforces."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from media.iiif_image import IIIFError, ImageService, parse_request
from media.images import make_pyramid
from media.store import MediaStore

LIMIT = 10_000  # pixels


def _image(rendered) -> Image.Image:
    return Image.open(rendered.path) if rendered.path else Image.open(io.BytesIO(rendered.data))


@pytest.fixture(scope="module")
def small_limit(tmp_path_factory):
    root = tmp_path_factory.mktemp("limits")
    Image.new("RGB", (400, 300), (120, 80, 40)).save(root / "plain.png")
    store = MediaStore(root / "media")
    stored = store.put_file(root / "plain.png")
    make_pyramid(stored.path, store.derivative_path(stored.sha256, "pyramid.tif"))
    return ImageService(store, root / "cache", max_output_pixels=LIMIT), stored.sha256


@pytest.mark.parametrize("size", ["200,200", "120,", ",101", "pct:30", "!400,300", "^200,200"])
def test_sizes_over_max_area_are_refused(small_limit, size):
    service, image = small_limit
    with pytest.raises(IIIFError) as caught:
        service.render(image, parse_request("full", size, "0", "default.jpg"))
    assert caught.value.status == 400 and "maxArea" in str(caught.value)


@pytest.mark.parametrize("size, expected", [("100,100", (100, 100)), ("100,", (100, 75)), ("pct:25", (100, 75))])
def test_sizes_within_max_area_are_served(small_limit, size, expected):
    service, image = small_limit
    rendered = service.render(image, parse_request("full", size, "0", "default.png"))
    assert _image(rendered).size == expected


def test_max_is_scaled_down_to_max_area_and_advertised(small_limit):
    service, image = small_limit
    info = service.info(image, "http://museum.test/iiif/3/" + image)
    assert info["maxArea"] == LIMIT
    rendered = service.render(image, parse_request("full", "max", "0", "default.png"))
    width, height = _image(rendered).size
    assert width * height <= LIMIT and width >= 110  # as large as allowed (115×86), not a tiny thumbnail
