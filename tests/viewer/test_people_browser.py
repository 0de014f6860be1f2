"""In Chromium: inheritors' pages at phone and desktop widths, the lineage links, and the embed framed by another site."""
from __future__ import annotations

from contextlib import contextmanager

import pytest

from exhibits.halls import load_halls
from tests.support.live import serve, wait_until
from tests.viewer.test_people import PEOPLE

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective); });
"""


@pytest.fixture
def site(ingested, museum_runtime, halls_file, tmp_path, live_url):
    path = tmp_path / "people.yaml"
    path.write_text(halls_file.read_text(encoding="utf-8") + PEOPLE, encoding="utf-8")
    load_halls(museum_runtime.db, path)
    return live_url


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_people_pages_fit_the_screen_and_the_lineage_leads_on(site, chromium, tmp_path, width, lang):
    page = chromium.new_page(viewport={"width": width, "height": 900})
    page.add_init_script(RECORD_VIOLATIONS)
    for path in ("/people", "/people/wang-jianguo", "/about"):
        page.goto(f"{site}{path}?lang={lang}")
        page.wait_for_load_state("load")
        page.screenshot(path=str(tmp_path / f"{path.strip('/').replace('/', '-')}-{lang}-{width}.png"), full_page=True)
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1"), (path, width)
        assert page.evaluate("window.__csp") == [], path
    page.goto(f"{site}/people/wang-jianguo?lang={lang}")
    current = page.locator(".lineage-tree [aria-current=page]")
    assert current.count() == 1 and current.is_visible()
    page.click(".lineage-tree a[href='/people/li-xiaojun']")
    page.wait_for_load_state("load")
    assert page.url.startswith(f"{site}/people/li-xiaojun")
    assert page.locator("h1").inner_text() == ("李小军" if lang == "zh" else "Li Xiaojun")
    page.close()


@contextmanager
def other_site(html: str):
    """Another origin (its own port) whose page frames ours."""
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html.encode()]

    with serve(app) as url:
        yield f"{url}/"


def test_another_site_can_frame_the_embed_and_not_the_item_page(site, chromium, tmp_path):
    html = (f'<h1>A blog</h1><iframe id="embed" src="{site}/items/cu-ding/embed" width="600" height="400"></iframe>'
            f'<iframe id="page" src="{site}/items/cu-ding" width="600" height="400"></iframe>')
    with other_site(html) as url:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.wait_for_load_state("load")
        embed = next(f for f in page.frames if f.url.startswith(f"{site}/items/cu-ding/embed"))
        wait_until(embed, "document.querySelector('#deepzoom[data-tiles-loaded=yes]')")
        assert embed.locator(".embed-caption a").get_attribute("href").endswith("/items/cu-ding")
        page.wait_for_timeout(300)
        page.screenshot(path=str(tmp_path / "embed-on-another-site.png"))
        # the item page refuses to be framed by another origin: its frame never shows the page
        framed_pages = [f for f in page.frames if f.url.startswith(f"{site}/items/cu-ding") and "/embed" not in f.url]
        assert not any(f.locator("h1").count() for f in framed_pages)
        page.close()


def test_axe_finds_no_serious_violation_on_the_pages_added_here(site, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    found = []
    for lang in ("zh", "en"):
        for path in ("/people", "/people/wang-jianguo", "/about", "/items/cu-ding/embed",
                     "/mirador?manifest=/iiif/items/cu-record/manifest", "/search?q=王建国"):
            page.goto(f"{site}{path}{'&' if '?' in path else '?'}lang={lang}")
            page.add_script_tag(url=f"{site}/vendor/axe-core/axe.min.js")
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            found += [(lang, path, v["id"], [n["target"] for n in v["nodes"][:3]])
                      for v in result["violations"] if v["impact"] in ("serious", "critical")]
    context.close()
    assert found == [], "\n".join(map(str, found))
