"""No page type logs a Content-Security-Policy violation in Chromium, with the viewers working under the CSP."""
import pytest

from tests.support.live import wait_until
from tests.support.media_items import ingest_media_items

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || ''));
});
"""

#: path → a condition that holds once the page's scripts have done their work
PAGES = {
    "/": None,
    "/museums/copper": None,
    "/museums/copper/halls/bronze-vessels": None,
    "/museums/copper/halls/bronze-vessels/sections/shang": None,
    "/items/cu-ding?lang=en": "document.querySelector('#deepzoom[data-tiles-loaded=yes]')",
    "/items/cu-record": None,
    "/items/media-ding": "document.querySelector('model-viewer') && document.querySelector('model-viewer').loaded",
    "/items/media-carving?lang=en": "document.querySelector('video').readyState >= 1",
    "/items/media-song": "document.querySelector('audio').readyState >= 1",
    "/search?q=铜": None,
    "/search?q=%22unbalanced&lang=en": None,
    "/mirador?manifest=/iiif/items/cu-ding/manifest": "document.querySelector('.mirador-viewer canvas, .openseadragon-canvas')",
    "/nowhere": None,
    "/about": None,
    "/people": None,
    "/items/cu-ding/embed": "document.querySelector('#deepzoom[data-tiles-loaded=yes]')",
    "/mirador?manifest=/iiif/items/media-ding/manifest": None,
    "/search?q=zzzzqqq&material=nothing": None,
}


@pytest.fixture
def site(ingested, museum_runtime, tmp_path, live_url):
    ingest_media_items(museum_runtime, tmp_path / "media")
    return live_url


def test_no_page_type_logs_a_csp_violation(site, chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path, ready in PAGES.items():
        response = page.goto(f"{site}{path}")
        assert "'nonce-" in response.headers["content-security-policy"], path
        page.wait_for_load_state("load")
        if ready:
            wait_until(page, ready)
        page.wait_for_timeout(200)
        assert page.evaluate("window.__csp") == [], path
        assert console == [], path
        assert errors == [], path
    # and the policy really is enforced: a script injected into a page does not run
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                              document.body.appendChild(s); }""")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
    page.close()

