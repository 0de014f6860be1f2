"""The visitor's phone, in Debian's headless Chromium: pictures no larger than shown, zoom controls without hover,
few requests for the deep-zoom page, a strip of images one can walk with the keys."""
import pytest

from tests.support.live import wait_until

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}


@pytest.fixture
def site(ingested, live_url):
    return live_url


def test_phone_downloads_card_images_no_wider_than_about_twice_the_box(site, chromium):
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{site}/museums/copper/halls/mirrors?lang=en")
    wait_until(page, "[...document.querySelectorAll('.card img')].every(i => i.complete && i.currentSrc)")
    shown = page.evaluate("""() => [...document.querySelectorAll('.card img')].map(i => {
        const box = i.getBoundingClientRect();
        return {src: i.currentSrc, natural: i.naturalWidth, box: box.width, height: box.height}; })""")
    assert shown
    for img in shown:
        assert img["box"] > 100  # two columns on a 390 px phone
        assert img["natural"] <= 2 * img["box"], img  # the 900 px original is never sent whole to the phone
        assert "/full/900,/" not in img["src"]
    context.close()


def test_deep_zoom_controls_show_on_a_touch_screen_without_hover(site, chromium):
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    button_images = []
    page.on("request", lambda r: button_images.append(r.url) if r.url.endswith(".png") and "/iiif/" not in r.url else None)
    page.goto(f"{site}/items/cu-ding?lang=zh")
    still = page.locator("#deepzoom img.deepzoom-still")
    page.wait_for_selector("#deepzoom[data-state=open]", timeout=20000)
    page.wait_for_selector("#deepzoom[data-still=replaced]", timeout=20000)
    assert still.count() == 0  # the viewer took the still's place
    page.wait_for_timeout(2500)  # OpenSeadragon hides its own controls after about 2 s without a pointer
    for name in ("放大", "缩小", "全屏"):
        button = page.get_by_role("button", name=name)
        assert button.is_visible()
        assert page.evaluate("b => getComputedStyle(b).opacity", button.element_handle()) == "1"
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    zoom = page.evaluate("window.jinshiViewer.viewport.getZoom()")
    page.get_by_role("button", name="放大").tap()
    wait_until(page, f"window.jinshiViewer.viewport.getZoom() > {zoom} * 1.2")
    assert button_images == []  # no OpenSeadragon button images at all
    context.close()


def test_image_strip_marks_the_current_image_and_follows_the_keys(site, chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/items/cu-ding?lang=en")
    page.wait_for_selector("#deepzoom[data-state=open]", timeout=20000)
    first, second = page.locator(".image-strip button").all()
    first.focus()
    page.keyboard.press("ArrowRight")
    wait_until(page, "window.jinshiViewer.currentPage() === 1")
    assert second.get_attribute("aria-current") == "true" and first.get_attribute("aria-current") is None
    assert page.evaluate("document.activeElement.dataset.page") == "1"
    page.get_by_role("button", name="Previous image").click()
    wait_until(page, "window.jinshiViewer.currentPage() === 0")
    assert first.get_attribute("aria-current") == "true"
    page.close()


@pytest.fixture
def handscroll(museum_runtime, tmp_path):
    """A long handscroll: an image eight times as wide as it is tall."""
    from ingest.batch import ingest_batch
    from tests.support.media import make_photo
    from tests.viewer.conftest import HEADER

    make_photo(tmp_path / "scroll" / "scroll.jpg", 2400, 300)
    (tmp_path / "scroll" / "scroll.csv").write_text(
        HEADER + "art-scroll,copper,mirrors,,长卷,Long handscroll,,,,,,,,,S-1,,,CC0,scroll.jpg,\n", encoding="utf-8")
    assert all(r.status == "ingested" for r in ingest_batch(museum_runtime, metadata=tmp_path / "scroll" / "scroll.csv"))
    return "art-scroll"


def test_a_handscroll_gets_a_wide_box_not_a_strip_in_a_tall_one(site, chromium, handscroll):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/items/cu-ding?lang=en")  # a 4:3 photo: a 4:3 box
    box = page.locator("#deepzoom").bounding_box()
    assert box["width"] / box["height"] == pytest.approx(4 / 3, rel=0.02)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"{site}/items/{handscroll}?lang=en")
        box = page.locator("#deepzoom").bounding_box()
        assert box["width"] / box["height"] == pytest.approx(2.4, rel=0.03)  # as wide as the bound allows
        assert box["height"] < 0.5 * box["width"]  # no tall dark box around a thin strip
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.close()


def test_facet_links_are_proper_tap_targets_on_a_phone(site, chromium):
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{site}/search?q=*&lang=zh&period=商")  # 商, 锭, 镜: one-character values
    page.click("#search-facets > summary")
    wait_until(page, "document.getElementById('search-facets').open")
    boxes = page.evaluate("""() => [...document.querySelectorAll('.facet a, .active-filters a, .sorts a, #search-facets > summary')]
        .map(a => { const r = a.getBoundingClientRect(); return {text: a.textContent.trim(), w: r.width, h: r.height}; })""")
    assert any(len(b["text"]) == 1 for b in boxes), boxes  # the case that was a 15 × 24 px sliver
    small = [b for b in boxes if b["w"] < 44 or b["h"] < 44]
    assert small == [], small
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    context.close()


def test_the_first_phone_screen_of_the_home_page_shows_a_picture_and_featured_objects(site, chromium):
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{site}/?lang=zh")
    wait_until(page, "document.querySelector('.hero-picture img').complete")
    picture = page.locator(".hero-picture img").bounding_box()
    assert picture["height"] > 150 and picture["y"] + picture["height"] <= 844  # whole, on the first screen
    assert page.evaluate("document.querySelector('.hero-picture img').naturalWidth") > 0
    first_card = page.locator(".featured-cards .card").first.bounding_box()
    assert first_card["y"] < 844  # featured objects start above the fold
    context.close()
