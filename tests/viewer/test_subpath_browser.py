"""The site under a sub-path of JINSHI_BASE_URL, in Chromium: deep zoom, search and Mirador all stay under it."""
import dataclasses

import pytest

from tests.support.live import serve, wait_until
from viewer.app import create_app

pytestmark = pytest.mark.browser


def test_pages_and_viewers_work_under_a_prefix(museum_runtime, ingested, chromium):
    museum_runtime.settings = dataclasses.replace(museum_runtime.settings, base_url="http://127.0.0.1/museum")
    app = create_app(runtime=museum_runtime, TESTING=True)
    with serve(app) as url:
        # the real port is known only now; the sub-path (/museum) was set up with the app
        museum_runtime.settings = dataclasses.replace(museum_runtime.settings, base_url=f"{url}/museum")
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        requested, errors = [], []
        page.on("request", lambda r: requested.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(f"{url}/museum/items/cu-ding?lang=en")
        page.wait_for_selector("#deepzoom[data-tiles-loaded=yes]", timeout=30000)
        page.fill("#site-q", "mirror")
        page.press("#site-q", "Enter")
        page.wait_for_selector(".hits")
        assert page.url.startswith(f"{url}/museum/search?")
        page.click(".hit h2 a")
        assert page.url.startswith(f"{url}/museum/items/")
        page.goto(f"{url}/museum/mirador?manifest=/museum/iiif/items/cu-ding/manifest")
        wait_until(page, "document.querySelector('.openseadragon-canvas')", timeout=30)
        assert errors == []
        outside = [u for u in requested if u.startswith(url) and not u.startswith(f"{url}/museum/")]
        assert outside == []
        assert any(u.startswith(f"{url}/museum/iiif/3/") and u.endswith(".jpg") for u in requested)
        page.close()
