"""The walk-through hall in Debian's Chromium: the room is drawn (WebGL through SwiftShader), an exhibit
opens its page when clicked, and the plain list stays without WebGL or with reduced motion."""
import json

import numpy as np
import pytest
from PIL import Image

from tests.support.live import CHROMIUM_ARGS, chromium_path, wait_until
from tests.support.walk_items import ingest_walk_items

pytestmark = pytest.mark.browser

WALK = "/museums/copper/halls/bronze-vessels/walk"


@pytest.fixture(scope="module")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def webgl(playwright_driver):
    """Chromium with WebGL on the CPU (SwiftShader): what a visitor's phone does on its GPU."""
    browser = playwright_driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + ["--enable-unsafe-swiftshader"])
    yield browser
    browser.close()


@pytest.fixture
def site(museum_runtime, tmp_path, live_url):
    ingest_walk_items(museum_runtime, tmp_path / "walk")
    return live_url


def axe_problems(page, site) -> list:
    """Serious and critical WCAG findings of axe-core (from npm) on the page as it is now."""
    page.add_script_tag(url=f"{site}/vendor/axe-core/axe.min.js")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"] if v["impact"] in ("serious", "critical")]


def canvas_pixels(page) -> np.ndarray:
    import io

    shot = page.locator(".walk-stage canvas").screenshot()
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(float)


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_the_room_is_drawn_and_an_exhibit_opens_its_page(site, webgl, tmp_path, width, height):
    page = webgl.new_page(viewport={"width": width, "height": height}, is_mobile=width < 500, has_touch=width < 500)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    page.goto(f"{site}{WALK}?lang=en")
    wait_until(page, "document.getElementById('walk').dataset.mode === 'room'", timeout=60)
    assert page.locator(".walk-list").is_hidden()
    wait_until(page, "document.getElementById('walk').dataset.thumbs === 'yes'", timeout=60)
    page.wait_for_timeout(1500)  # the nearest exhibits' larger images
    pixels = canvas_pixels(page)
    page.screenshot(path=str(tmp_path / f"walk-{width}.png"))
    assert pixels.std() > 20  # not a blank canvas: walls, floor, framed photos
    assert len({tuple(p) for p in pixels[::16, ::16].reshape(-1, 3).astype(int) // 16}) > 40  # many colours
    shown = json.loads(page.evaluate("document.getElementById('walk').dataset.onScreen || '[]'"))
    assert shown, "no exhibit in view from the entrance"
    assert errors == []
    assert axe_problems(page, site) == []
    first = shown[0]  # its place in the canvas (the page may have scrolled for the screenshot)
    box = page.locator(".walk-stage canvas").bounding_box()
    if width < 500:
        page.touchscreen.tap(box["x"] + first["x"], box["y"] + first["y"])
    else:
        page.mouse.click(box["x"] + first["x"], box["y"] + first["y"])
    page.wait_for_url(f"**{first['url']}")
    assert "lang=en" in page.url
    page.close()


def test_the_keyboard_walks_and_turns(site, webgl):
    page = webgl.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}{WALK}")
    wait_until(page, "document.getElementById('walk').dataset.mode === 'room'", timeout=60)
    before = page.evaluate("document.getElementById('walk').dataset.onScreen")
    page.focus(".walk-stage canvas")
    page.keyboard.down("ArrowLeft")
    page.wait_for_timeout(700)
    page.keyboard.up("ArrowLeft")
    page.keyboard.down("w")
    page.wait_for_timeout(500)
    page.keyboard.up("w")
    wait_until(page, f"document.getElementById('walk').dataset.onScreen !== {json.dumps(before)}", timeout=10)
    page.close()


def test_without_webgl_the_list_stays(site, playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + ["--disable-webgl"])
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{site}{WALK}?lang=en")
    wait_until(page, "document.getElementById('walk').dataset.reason === 'no-webgl'")
    assert page.locator(".walk-list").is_visible() and page.locator(".walk-stage").is_hidden()
    assert page.locator(".walk-list a[href='/items/walk-ding']").count() == 1
    assert page.locator("canvas").count() == 0
    assert axe_problems(page, site) == []
    browser.close()


def test_reduced_motion_keeps_the_list(site, webgl):
    context = webgl.new_context(reduced_motion="reduce", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{site}{WALK}")
    wait_until(page, "document.getElementById('walk').dataset.reason === 'reduced-motion'")
    assert page.locator(".walk-list").is_visible()
    assert not [u for u in requests if "three" in u or "walk.json" in u]  # nothing heavy is loaded
    context.close()
