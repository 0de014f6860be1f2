"""Hostile IIIF Image requests: limits on the final (rotated) output, normalised angles, the bounded
render pool (single flight, 503 when full, time limit) and the size-limited render cache."""
from __future__ import annotations

import io
import resource
import threading
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from PIL import Image

from media.iiif_image import IIIFError, ImageService, parse_request
from media.images import make_pyramid
from media.render_pool import PoolBusy, RenderPool
from media.store import MediaStore

MAX_AREA = 2_000_000
MAX_SIDE = 3000


@pytest.fixture(scope="module")
def store_and_id(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    rng = np.random.default_rng(3)
    source = root / "photo.png"
    Image.fromarray(rng.integers(0, 255, (1300, 2000, 3), dtype=np.uint8)).save(source)
    store = MediaStore(root / "media")
    stored = store.put_file(source)
    make_pyramid(stored.path, store.derivative_path(stored.sha256, "pyramid.tif"))
    return store, stored.sha256


def _service(store, tmp_path, **options) -> ImageService:
    svc = ImageService(store, tmp_path / "cache", max_output_pixels=MAX_AREA, **options)
    svc.max_side = MAX_SIDE
    return svc


def _size(svc, image_id, region, size, rotation, qf="default.png") -> tuple[int, int]:
    rendered = svc.render(image_id, parse_request(region, size, rotation, qf))
    data = rendered.data if rendered.data is not None else rendered.path.read_bytes()
    return Image.open(io.BytesIO(data)).size


def test_limits_hold_after_rotation_and_info_json_tells_them(store_and_id, tmp_path):
    store, image_id = store_and_id
    svc = _service(store, tmp_path)
    info = svc.info(image_id, "http://x/iiif/3/" + image_id)
    assert (info["maxWidth"], info["maxHeight"], info["maxArea"]) == (MAX_SIDE, MAX_SIDE, MAX_AREA)
    # "max" shrinks the image so that the rotated output fits the advertised area
    for angle in ("0", "45", "33.3", "90"):
        w, h = _size(svc, image_id, "full", "max", angle)
        assert w * h <= MAX_AREA and w <= MAX_SIDE and h <= MAX_SIDE, (angle, w, h)
    w, h = _size(svc, image_id, "full", "max", "45")
    assert w * h > 0.9 * MAX_AREA  # and uses what it may
    # an explicit size that fits before rotation but not after is refused, naming the rotated size
    assert 1400 * 910 <= MAX_AREA
    _size(svc, image_id, "full", "1400,", "0")
    with pytest.raises(IIIFError) as refused:
        _size(svc, image_id, "full", "1400,", "45")
    assert refused.value.status == 400 and "once rotated" in refused.value.message


def test_angles_are_normalised_for_rendering_and_caching(store_and_id, tmp_path):
    store, image_id = store_and_id
    svc = _service(store, tmp_path)
    plans = [svc.plan(image_id, parse_request("full", "200,", angle, "default.jpg"))
             for angle in ("45", "45.0", "45.001", "45.04", "44.96")]
    assert {p.canonical for p in plans} == {"full/200,130/45/default.jpg"}
    assert len({p.etag for p in plans}) == 1 and len({svc.cache_path(p) for p in plans}) == 1
    assert svc.plan(image_id, parse_request("full", "200,", "359.99", "default.jpg")).canonical.endswith("/0/default.jpg")


def test_identical_cold_requests_render_once(store_and_id, tmp_path):
    store, image_id = store_and_id
    svc = _service(store, tmp_path, pool=RenderPool(workers=2, capacity=8, timeout=30))
    request = parse_request("full", "1200,", "12.5", "default.png")
    results, barrier = [], threading.Barrier(6)

    def ask():
        barrier.wait()
        results.append(svc.render(image_id, request).path)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 6 and len(set(results)) == 1
    assert svc.pool.renders_started == 1


def test_a_full_pool_answers_at_once_and_never_holds_the_caller():
    pool = RenderPool(workers=1, capacity=1, timeout=10)
    started, release = threading.Event(), threading.Event()

    def slow(_deadline):
        started.set()
        release.wait(10)
        return "slow"

    holder = threading.Thread(target=lambda: pool.run("a", slow))
    holder.start()
    assert started.wait(5)
    began = time.monotonic()
    with pytest.raises(PoolBusy) as busy:
        pool.run("b", lambda _d: "b")
    assert time.monotonic() - began < 0.1 and busy.value.retry_after >= 1
    release.set()
    holder.join(5)
    assert pool.run("b", lambda _d: "b") == "b"
    pool.shutdown()


def test_a_render_over_its_time_is_stopped_and_frees_the_worker(store_and_id, tmp_path):
    store, image_id = store_and_id
    svc = ImageService(store, tmp_path / "cache", pool=RenderPool(workers=1, capacity=2, timeout=0.3))
    began = time.monotonic()
    with pytest.raises(IIIFError) as slow:
        svc.render(image_id, parse_request("full", "^6000,", "33.3", "default.png"))  # ~47 MP PNG: seconds
    assert slow.value.status == 503 and slow.value.retry_after
    assert time.monotonic() - began < 1.5
    # libvips stopped the render: the single worker is free again well before the big render could finish
    svc.pool.timeout = 20
    began = time.monotonic()
    assert _size(svc, image_id, "full", "100,", "10") [0] > 100
    assert time.monotonic() - began < 5
    assert not list(svc.cache_root.rglob("*33.3*"))  # nothing half-written was kept


def test_the_cache_evicts_least_recently_used_renders_and_keeps_copied_tiles(store_and_id, tmp_path):
    store, image_id = store_and_id
    svc = _service(store, tmp_path, cache_max_bytes=600_000)
    edge = svc.render(image_id, parse_request("1536,0,464,512", "464,", "0", "default.jpg"))  # a copied edge tile
    assert edge.data is not None and svc.tile_path(svc.plan(image_id, parse_request(
        "1536,0,464,512", "464,", "0", "default.jpg"))).is_file()
    first = svc.render(image_id, parse_request("full", "300,", "0", "default.png")).path
    for width in range(310, 800, 30):
        svc.render(image_id, parse_request("full", f"{width},", "0", "default.png"))
        svc.render(image_id, parse_request("full", "300,", "0", "default.png"))  # kept in use
        assert svc.cache.size() <= 600_000
    assert first.is_file()  # recently used, so kept
    assert not svc.cache_path(svc.plan(image_id, parse_request("full", "310,", "0", "default.png"))).exists()
    assert svc.cache.evictions > 0
    assert list(svc.tiles_root.rglob("*.jpg"))  # the copied tile is exempt


_NUM = st.one_of(st.integers(0, 5000).map(str), st.floats(0, 200, allow_nan=False).map(lambda f: f"{f:.4f}"))
REGIONS = st.one_of(st.sampled_from(["full", "square", "0,0,0,0", "-1,0,5,5", "pct:101,0,5,5"]),
                    st.tuples(*[st.integers(0, 3000)] * 4).map(lambda t: ",".join(map(str, t))),
                    st.tuples(*[_NUM] * 4).map(lambda t: "pct:" + ",".join(t)),
                    st.text(max_size=12))
SIZES = st.one_of(st.sampled_from(["max", "^max", "full", "0,", ",0", "pct:0", "^pct:100000", "!0,0"]),
                  st.integers(1, 20000).map(lambda n: f"{n},"), st.integers(1, 20000).map(lambda n: f"^,{n}"),
                  st.tuples(st.integers(1, 6000), st.integers(1, 6000)).map(lambda t: f"^!{t[0]},{t[1]}"),
                  _NUM.map(lambda n: f"^pct:{n}"), st.text(max_size=12))
ROTATIONS = st.one_of(st.sampled_from(["0", "90", "!180", "360", "361", "-5", "1e3", "nan"]),
                      st.floats(0, 360, allow_nan=False).map(lambda f: f"{f:.6f}"), st.text(max_size=8))
QF = st.sampled_from(["default.jpg", "color.png", "gray.webp", "bitonal.png", "default.tif", "x.jpg", "default"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(region=REGIONS, size=SIZES, rotation=ROTATIONS, qf=QF)
def test_no_parameters_give_a_500_or_an_output_over_the_limits(store_and_id, tmp_path, region, size, rotation, qf):
    store, image_id = store_and_id
    svc = _hypothesis_service(store, tmp_path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        request = parse_request(region, size, rotation, qf)
        rendered = svc.render(image_id, request)
    except IIIFError as error:
        assert error.status in (400, 501), (error.status, error.message)
        return
    data = rendered.data if rendered.data is not None else rendered.path.read_bytes()
    w, h = Image.open(io.BytesIO(data)).size
    assert w <= MAX_SIDE and h <= MAX_SIDE and w * h <= MAX_AREA, (region, size, rotation, w, h)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 400, f"{region}/{size}/{rotation}: peak memory grew by {grown_mb:.0f} MB"


_SERVICES: dict = {}


def _hypothesis_service(store, tmp_path) -> ImageService:
    """One service for every example (hypothesis runs many inside one test call)."""
    if "svc" not in _SERVICES:
        _SERVICES["svc"] = _service(store, tmp_path, cache_max_bytes=50_000_000)
    return _SERVICES["svc"]
