"""3D, video and transcript behaviour in a real headless Chromium (Debian's package)."""
import pytest

from tests.support.live import wait_until

from tests.support.media_items import ingest_media_items

pytestmark = pytest.mark.browser


@pytest.fixture
def site(museum_runtime, tmp_path, live_url):
    ingest_media_items(museum_runtime, tmp_path / "media")
    return live_url


def test_model_viewer_loads_the_glb(site, chromium):
    page = chromium.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    glb = []
    page.on("response", lambda r: glb.append((r.url, r.status, r.headers.get("content-type"))) if r.url.endswith(".glb") else None)
    page.goto(f"{site}/items/media-ding?lang=en")
    wait_until(page, "document.querySelector('model-viewer') && document.querySelector('model-viewer').loaded === true", timeout=30)
    assert glb and glb[0][0].endswith("/model-web.glb") and glb[0][1] == 200 and glb[0][2] == "model/gltf-binary"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert errors == []
    page.close()


def test_transcript_click_seeks_and_highlights(site, chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site}/items/media-carving?lang=en")
    page.wait_for_selector("[data-av][data-ready=yes]")
    wait_until(page, "document.querySelector('video').readyState >= 1", timeout=20)
    page.evaluate("document.querySelector('video').muted = true")
    line = page.locator(".transcript ol:not([hidden]) button.cue[data-start='1.0']")
    line.click()
    wait_until(page, "Math.abs(document.querySelector('video').currentTime - 1.0) < 0.6", timeout=10)
    wait_until(page, "document.querySelector('.transcript ol:not([hidden]) button.cue[data-start=\"1.0\"]').classList.contains('is-current')", timeout=10)
    assert line.get_attribute("aria-current") == "true"
    # while playing from the start, the current line follows the video
    page.evaluate("const v = document.querySelector('video'); v.pause(); v.currentTime = 0.2")
    wait_until(page, "document.querySelector('.transcript ol:not([hidden]) button.cue[data-start=\"0.0\"]').classList.contains('is-current')", timeout=10)
    assert page.locator(".transcript ol:not([hidden]) .is-current").count() == 1
    # the other language's transcript is one button away
    page.click("[data-transcript-lang]:not([aria-pressed=true])")
    assert page.locator(".transcript ol:not([hidden])").get_attribute("lang") == "zh-Hans"
    assert errors == []
    page.close()


def test_start_time_from_the_url(site, chromium):
    page = chromium.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"{site}/items/media-carving?t=1.5")
    wait_until(page, "Math.abs(document.querySelector('video').currentTime - 1.5) < 0.1", timeout=20)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.close()


def test_pages_pass_axe_wcag_21_aa(ingested, site, chromium):
    """axe-core (from npm) finds no WCAG 2.1 A/AA violations on each kind of page, in both languages."""
    page = chromium.new_page()
    for path in ("/", "/museums/copper?lang=en", "/museums/copper/halls/bronze-vessels", "/items/cu-ding?lang=en",
                 "/items/cu-record", "/items/media-ding", "/items/media-carving?lang=en", "/items/media-song",
                 "/search?q=铜", "/search?q=%22unbalanced&lang=en", "/nowhere"):
        page.goto(f"{site}{path}")
        page.add_script_tag(url=f"{site}/vendor/axe-core/axe.min.js")
        result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        problems = [(v["id"], v["nodes"][0]["target"]) for v in result["violations"]]
        assert problems == [], f"{path}: {problems}"
    page.close()
