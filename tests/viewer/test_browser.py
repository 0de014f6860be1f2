"""The pages as a visitor sees them, in a real headless Chromium (Debian's package)."""
import pytest

from tests.support.live import wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def site(ingested, live_url):
    return live_url


def test_item_page_opens_deep_zoom_and_loads_tiles(site, chromium, ingested):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    tile_requests = []
    page.on("request", lambda r: tile_requests.append(r.url) if "/iiif/3/" in r.url and r.url.endswith(".jpg") else None)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site}/items/cu-ding?lang=en")
    page.wait_for_selector("#deepzoom[data-state=open]", timeout=15000)
    page.wait_for_selector("#deepzoom[data-tiles-loaded=yes]", timeout=15000)
    assert page.locator("h1").inner_text() == 'Ding with <b>taotie</b> & "masks"'
    assert any(ingested["ding.jpg"].image_id in url for url in tile_requests)
    # the second image is reachable from the strip
    page.click(".image-strip button[data-page='1']")
    wait_until(page, "window.jinshiViewer.currentPage() === 1")
    assert errors == []
    page.close()


def test_phone_layout_has_no_horizontal_scroll(site, chromium):
    page = chromium.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    for path in ("/", "/museums/copper", "/museums/copper/halls/bronze-vessels", "/items/cu-ding", "/items/cu-record"):
        page.goto(f"{site}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390px"
    page.goto(f"{site}/items/cu-ding")
    box = page.locator("#deepzoom").bounding_box()
    assert box["width"] >= 340  # the zoom viewer uses the phone's width
    page.close()


def test_navigation_from_home_to_item(site, chromium):
    page = chromium.new_page()
    page.goto(f"{site}/?lang=en")
    page.click("text=Tongling Digital Copper Museum")
    page.click(".hall-card >> text=Bronze Mirrors")
    page.click(".card >> text=Mirror with four nipples")
    assert page.url.endswith("/items/cu-mirror")
    page.click("a[hreflang=zh]")
    assert page.locator("h1").inner_text() == "四乳四虺镜"
    page.close()


def test_mirador_from_npm_opens_the_manifest(site, chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    with page.expect_request(lambda r: "/iiif/3/" in r.url and r.url.endswith("default.jpg"), timeout=30000):
        page.goto(f"{site}/mirador?manifest=/iiif/items/cu-ding/manifest&lang=zh")
        # Mirador shows the manifest's label in its window title once it has loaded and parsed it
        page.wait_for_selector("text=兽面纹鼎", timeout=30000)
    assert errors == []
    page.close()
