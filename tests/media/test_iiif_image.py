"""media.iiif_image: request parsing, resolution and rendering with pixel checks."""
from __future__ import annotations

import io

import numpy as np
import pytest
import pyvips
from PIL import Image

from media.iiif_image import IIIFError, ImageService, parse_request
from media.images import make_pyramid
from media.store import MediaStore

# A 2000×1300 picture of four flat quadrants: red, green / blue, white; split at (1000, 650).
W, H = 2000, 1300
RED, GREEN, BLUE, WHITE = (220, 30, 30), (30, 200, 40), (20, 40, 210), (255, 255, 255)


def quadrants() -> np.ndarray:
    pixels = np.zeros((H, W, 3), dtype=np.uint8)
    pixels[:650, :1000] = RED
    pixels[:650, 1000:] = GREEN
    pixels[650:, :1000] = BLUE
    pixels[650:, 1000:] = WHITE
    return pixels


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    root = tmp_path_factory.mktemp("iiif")
    source = root / "quadrants.png"
    Image.fromarray(quadrants()).save(source)
    store = MediaStore(root / "media")
    stored = store.put_file(source)
    make_pyramid(stored.path, store.derivative_path(stored.sha256, "pyramid.tif"))
    # a noisy photo-like image for the raw-tile comparison
    rng = np.random.default_rng(7)
    noise = pyvips.Image.new_from_array(rng.integers(0, 255, (1500, 2100, 3), dtype=np.uint8)).gaussblur(1.2)
    noisy = root / "noisy.jpg"
    noise.cast("uchar").copy(interpretation="srgb").jpegsave(str(noisy), Q=92)
    stored2 = store.put_file(noisy)
    make_pyramid(stored2.path, store.derivative_path(stored2.sha256, "pyramid.tif"))
    svc = ImageService(store, root / "cache")
    svc.ids = {"quadrants": stored.sha256, "noisy": stored2.sha256}
    yield svc
    svc.close()


def render(service, image_id, region="full", size="max", rotation="0", qf="default.png"):
    result = service.render(image_id, parse_request(region, size, rotation, qf))
    data = result.data if result.data is not None else result.path.read_bytes()
    return result, Image.open(io.BytesIO(data))


def colour_at(image: Image.Image, x: int, y: int):
    return image.convert("RGB").getpixel((x, y))


def close(a, b, tolerance=12):
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


# ------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    "args",
    [
        ("full", "max", "0", "default.jpg"),
        ("square", "^max", "!0", "color.png"),
        ("10,20,30,40", "100,", "90", "gray.webp"),
        ("pct:10,20.5,30,40", ",100", "!180", "bitonal.jpg"),
        ("pct:0,0,100,100", "pct:50", "22.5", "default.jpg"),
        ("full", "^pct:150", "360", "default.jpg"),
        ("full", "100,200", "270", "default.jpg"),
        ("full", "^100,200", "0", "default.jpg"),
        ("full", "!100,200", "0", "default.jpg"),
        ("full", "^!100,200", "0", "default.jpg"),
        ("full", "^100,", "0", "default.jpg"),
        ("full", "^,100", "0", "default.jpg"),
    ],
)
def test_parse_valid(args):
    request = parse_request(*args)
    assert request.format in ("jpg", "png", "webp")


def test_parse_fields():
    request = parse_request("pct:10,20.5,30,40", "^!100,200", "!22.5", "gray.webp")
    assert request.region == ("pct", 10.0, 20.5, 30.0, 40.0)
    assert request.size == ("fit", 100, 200) and request.upscale
    assert request.mirror and request.rotation == 22.5
    assert (request.quality, request.format) == ("gray", "webp")


@pytest.mark.parametrize(
    "args,status",
    [
        (("fullish", "max", "0", "default.jpg"), 400),
        (("0,0,0,10", "max", "0", "default.jpg"), 400),
        (("-1,0,10,10", "max", "0", "default.jpg"), 400),
        (("pct:0,0,0,10", "max", "0", "default.jpg"), 400),
        (("pct:100,0,10,10", "max", "0", "default.jpg"), 400),
        (("full", "full", "0", "default.jpg"), 400),
        (("full", "0,", "0", "default.jpg"), 400),
        (("full", "pct:0", "0", "default.jpg"), 400),
        (("full", "pct:101", "0", "default.jpg"), 400),
        (("full", "10,10,10", "0", "default.jpg"), 400),
        (("full", "max", "361", "default.jpg"), 400),
        (("full", "max", "-90", "default.jpg"), 400),
        (("full", "max", "abc", "default.jpg"), 400),
        (("full", "max", "0", "native.jpg"), 400),
        (("full", "max", "0", "grey.jpg"), 400),
        (("full", "max", "0", "default"), 400),
        (("full", "max", "0", "default.xyz"), 400),
        (("full", "max", "0", "default.gif"), 501),
        (("full", "max", "0", "default.tif"), 501),
        (("full", "99999999999999999999,", "0", "default.jpg"), 400),
    ],
)
def test_parse_invalid(args, status):
    with pytest.raises(IIIFError) as caught:
        parse_request(*args)
    assert caught.value.status == status and caught.value.message


# ------------------------------------------------------------------ info.json


def test_info(service):
    image_id = service.ids["quadrants"]
    info = service.info(image_id, f"https://example.org/iiif/3/{image_id}")
    assert info["id"] == f"https://example.org/iiif/3/{image_id}"
    assert info["type"] == "ImageService3" and info["profile"] == "level2"
    assert (info["width"], info["height"]) == (W, H)
    assert info["tiles"] == [{"width": 512, "height": 512, "scaleFactors": [1, 2, 4]}]
    assert {"width": 1000, "height": 650} in info["sizes"]
    assert info["extraFormats"] == ["png", "webp"]
    assert set(info["extraQualities"]) == {"color", "gray", "bitonal"}
    for feature in ("mirroring", "rotationBy90s", "regionByPct", "sizeByPct", "sizeByConfinedWh", "sizeByWh",
                    "sizeUpscaling", "regionSquare", "cors", "jsonldMediaType", "profileLinkHeader"):
        assert feature in info["extraFeatures"]
    assert info["maxArea"] > 0 and info["maxWidth"] > 0


@pytest.mark.parametrize("bad", ["..", "a" * 64, "0" * 63, "../" + "0" * 61, "ABC"])
def test_unknown_or_hostile_ids(service, bad):
    with pytest.raises(IIIFError) as caught:
        service.info(bad, "http://x/")
    assert caught.value.status == 404


# ------------------------------------------------------------------ rendering


def test_region_colours(service):
    qid = service.ids["quadrants"]
    _, image = render(service, qid, "900,600,200,100")
    assert image.size == (200, 100)
    assert close(colour_at(image, 10, 10), RED)
    assert close(colour_at(image, 190, 10), GREEN)
    assert close(colour_at(image, 10, 90), BLUE)
    assert close(colour_at(image, 190, 90), WHITE)


def test_pct_region_and_square(service):
    qid = service.ids["quadrants"]
    _, image = render(service, qid, "pct:50,50,50,50")
    assert image.size == (1000, 650)
    assert close(colour_at(image, 500, 300), WHITE)
    _, image = render(service, qid, "square")
    assert image.size == (1300, 1300)


@pytest.mark.parametrize(
    "region,size,expected",
    [
        ("full", "max", (W, H)),
        ("full", "500,", (500, 325)),
        ("full", ",130", (200, 130)),
        ("full", "pct:10", (200, 130)),
        ("full", "123,45", (123, 45)),
        ("full", "!400,400", (400, 260)),
        ("0,0,100,50", "^300,", (300, 150)),
        ("0,0,100,50", "^!1000,1000", (1000, 500)),
        ("0,0,100,50", "^pct:250", (250, 125)),
        ("1900,1200,500,500", "max", (100, 100)),  # clipped at the image's edge
    ],
)
def test_sizes_exact(service, region, size, expected):
    _, image = render(service, service.ids["quadrants"], region, size, qf="default.jpg")
    assert image.size == expected


@pytest.mark.parametrize(
    "region,size",
    [("full", "2001,"), ("full", ",1301"), ("0,0,100,100", "200,200"), ("0,0,100,100", "!200,300"),
     ("full", "^99999999,"), ("full", "^,99999999"), ("full", "^pct:100000"), ("5000,0,10,10", "max"),
     ("pct:0,100,10,10", "max")],
)
def test_bad_sizes_and_regions_are_400(service, region, size):
    with pytest.raises(IIIFError) as caught:
        service.render(service.ids["quadrants"], parse_request(region, size, "0", "default.jpg"))
    assert caught.value.status == 400


def test_mirroring_and_rotation(service):
    qid = service.ids["quadrants"]
    _, image = render(service, qid, "full", "200,", "!0")
    assert close(colour_at(image, 10, 10), GREEN) and close(colour_at(image, 190, 10), RED)
    _, image = render(service, qid, "full", "200,", "90")
    assert image.size == (130, 200)
    assert close(colour_at(image, 10, 10), BLUE) and close(colour_at(image, 120, 10), RED)
    _, image = render(service, qid, "full", "200,", "180")
    assert close(colour_at(image, 10, 10), WHITE)
    _, image = render(service, qid, "full", "200,", "270")
    assert close(colour_at(image, 10, 10), GREEN)
    _, image = render(service, qid, "full", "200,", "!90")
    assert close(colour_at(image, 10, 10), WHITE)
    _, image = render(service, qid, "full", "200,", "45", "default.png")
    assert image.size[0] > 200 and image.mode == "RGBA"
    assert image.getpixel((1, 1))[3] == 0  # transparent corner


def test_gray_and_bitonal(service):
    qid = service.ids["quadrants"]
    _, image = render(service, qid, "full", "200,", "0", "gray.png")
    assert image.mode == "L"
    _, image = render(service, qid, "full", "200,", "0", "gray.jpg")
    assert image.mode == "L"
    _, image = render(service, qid, "full", "200,", "0", "bitonal.png")
    values = set(np.asarray(image.convert("L")).ravel().tolist())
    assert values <= {0, 255} and values == {0, 255}
    _, image = render(service, qid, "full", "200,", "0", "bitonal.webp")
    assert set(np.unique(np.asarray(image.convert("L")))) <= set(range(0, 8)) | set(range(248, 256))


def test_formats(service):
    qid = service.ids["quadrants"]
    for fmt, mime, pil in (("jpg", "image/jpeg", "JPEG"), ("png", "image/png", "PNG"), ("webp", "image/webp", "WEBP")):
        result, image = render(service, qid, "full", "100,", "0", f"default.{fmt}")
        assert result.mime == mime and image.format == pil


def test_cache_and_canonical(service):
    qid = service.ids["quadrants"]
    first = service.render(qid, parse_request("pct:0,0,50,50", "500,", "0", "default.png"))
    assert first.canonical == "0,0,1000,650/500,325/0/default.png"
    assert first.path.is_file() and service.cache_root in first.path.parents
    again = service.render(qid, parse_request("0,0,1000,650", "500,325", "0", "default.png"))
    assert again.path == first.path and again.etag == first.etag
    full = service.plan(qid, parse_request("0,0,2000,1300", "^max", "0", "default.jpg"))
    assert full.canonical == "full/max/0/default.jpg"


def _pixels(data_or_path) -> np.ndarray:
    data = data_or_path if isinstance(data_or_path, bytes) else data_or_path.read_bytes()
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


@pytest.mark.parametrize(
    "region,size,raw",
    [
        ("0,0,512,512", "512,", True),  # level 0
        ("512,512,512,512", "512,", True),
        ("1024,0,1024,1024", "512,", True),  # level 1
        ("0,1024,1024,476", "512,", True),  # bottom edge at level 1 (height 1500)
        ("512,1024,512,476", "512,", True),  # bottom edge at level 0
        ("0,0,2048,1500", "512,", True),  # level 2 (525×375)
        ("2048,0,52,512", "52,", True),  # right-edge tile at level 0: one tile decoded and cropped
        ("0,0,2100,1500", "262,", True),  # level 3, a single tile narrower than 512
        ("100,0,512,512", "512,", False),  # not on the tile grid
    ],
)
def test_raw_tiles_match_decoding(service, region, size, raw):
    nid = service.ids["noisy"]
    request = parse_request(region, size, "0", "default.jpg")
    fast = service.render(nid, request)
    assert (fast.data is not None) == raw
    plan = service.plan(nid, request)
    slow_path = service.cache_path(plan)
    service._render_to(plan, slow_path)  # the general decode-and-encode path
    a, b = _pixels(fast.data if fast.data is not None else fast.path), _pixels(slow_path)
    assert a.shape == b.shape == (plan.out_h, plan.out_w, 3)
    assert np.abs(a - b).mean() < 3.0


def test_raw_tile_is_used_for_aligned_tiles(service):
    nid = service.ids["noisy"]
    result = service.render(nid, parse_request("1024,0,1024,1024", "512,", "0", "default.jpg"))
    assert result.data is not None and result.data[:2] == b"\xff\xd8" and result.path is None
    result = service.render(nid, parse_request("1024,0,1024,1024", "512,", "0", "default.png"))
    assert result.data is None and result.path.is_file()
