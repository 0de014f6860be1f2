"""A hall's IIIF collection opened in Mirador (from npm) in headless Chromium: the viewer lists the
hall's manifests from the collection and opens one of them, deep zoom tiles and all."""
import pytest

pytestmark = pytest.mark.browser


def test_mirador_opens_a_hall_collection_and_a_manifest_in_it(ingested, live_url, chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    collections = []
    page.on("request", lambda r: collections.append(r.url) if r.url.endswith("/collection") else None)
    page.goto(f"{live_url}/mirador?manifest=/iiif/halls/bronze-vessels/collection&lang=en")
    # Mirador reads the collection and lists its manifests by their labels
    entry = page.wait_for_selector("text=Ding with <b>taotie</b> & \"masks\"", timeout=45000)
    assert any(url.endswith("/iiif/halls/bronze-vessels/collection") for url in collections)
    with page.expect_request(lambda r: "/iiif/3/" in r.url and r.url.endswith("default.jpg"), timeout=45000):
        entry.click()
    assert errors == []
    page.close()
