"""The public halls: pages render, navigate, escape metadata and hide what is not published."""
import re
from urllib.parse import urlsplit

import pytest

from tests.support.qr import decode_svg


@pytest.mark.parametrize("lang, title", [("zh", "铜陵数字铜博物馆"), ("en", "Tongling Digital Copper Museum")])
def test_home_lists_museums_and_halls_in_the_chosen_language(client, ingested, lang, title):
    page = client.get(f"/?lang={lang}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert title in html
    assert 'href="/museums/copper/halls/bronze-vessels"' in html
    assert 'href="/items/cu-ding"' in html  # featured
    assert page.headers.get("Set-Cookie", "").startswith(f"lang={lang}")


def test_language_follows_cookie_then_accept_language(client, ingested):
    assert "Bronze Vessels" in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    client.get("/?lang=zh")
    assert "青铜容器" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_museum_hall_and_section_pages(client, ingested):
    museum = client.get("/museums/copper?lang=en").get_data(as_text=True)
    assert "Bronze Mirrors" in museum and "/iiif/museums/copper/collection" in museum
    hall = client.get("/museums/copper/halls/mirrors?lang=en").get_data(as_text=True)
    assert "/items/cu-mirror" in hall and "/items/cu-record" in hall
    assert "/items/cu-draft" not in hall  # a draft is not shown
    section = client.get("/museums/copper/halls/bronze-vessels/sections/shang?lang=en").get_data(as_text=True)
    assert "/items/cu-ding" in section and 'aria-current="page">Shang Bronzes' in section
    assert client.get("/museums/copper/halls/bronze-vessels/sections/nope").status_code == 404
    assert client.get("/museums/ich/halls/mirrors").status_code == 404  # hall of another museum
    assert client.get("/museums/nowhere").status_code == 404


def test_item_page_shows_bilingual_metadata_deep_zoom_and_permalink(client, ingested):
    html = client.get("/items/cu-ding?lang=en").get_data(as_text=True)
    assert re.search(r"<h1>Ding with &lt;b&gt;taotie&lt;/b&gt; &amp; (&#34;|&quot;)masks(&#34;|&quot;)</h1>", html)
    assert "兽面纹鼎" in html  # the other language's title is shown too
    assert "<dt>Material</dt><dd>bronze</dd>" in html
    assert "<dt>Date</dt><dd>1600 BCE – 1046 BCE</dd>" in html
    assert "<dt>纪年</dt><dd>公元前1600年—前1046年</dd>" in client.get("/items/cu-ding?lang=zh").get_data(as_text=True)
    assert 'href="http://creativecommons.org/licenses/by-nc/4.0/" rel="license"' in html
    assert 'href="http://museum.test/items/cu-ding"' in html
    assert ingested["ding.jpg"].image_id in html and ingested["ding-back.png"].image_id in html
    assert "/vendor/openseadragon/openseadragon.min.js" in html
    # breadcrumbs: home › museum › hall › section › item
    crumbs = re.search(r'<nav class="breadcrumbs.*?</nav>', html, re.S).group(0)
    assert [h for h in re.findall(r'href="([^"]+)"', crumbs)] == [
        "/", "/museums/copper", "/museums/copper/halls/bronze-vessels", "/museums/copper/halls/bronze-vessels/sections/shang"]


def test_every_metadata_value_is_escaped(client, ingested):
    for lang in ("zh", "en"):
        html = client.get(f"/items/cu-ding?lang={lang}").get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "<b>taotie</b>" not in html and "<i>style</i>" not in html
    assert "兽面纹饰&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/items/cu-ding?lang=zh").get_data(as_text=True)


def test_record_without_media_has_a_placeholder(client, ingested):
    html = client.get("/items/cu-record?lang=en").get_data(as_text=True)
    assert 'class="no-media"' in html and "No image" in html and "openseadragon" not in html


def test_unpublished_failed_and_unknown_items_are_404(client, ingested):
    assert client.get("/items/cu-draft").status_code == 404
    assert client.get("/items/nope").status_code == 404
    assert client.get("/iiif/items/cu-draft/manifest").status_code == 404


def test_qr_code_encodes_the_permalink(client, ingested):
    response = client.get("/items/cu-ding/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    # decoded as a phone would read it (zxing-cpp on the rendered SVG), not by reading the SVG's title
    decoded = decode_svg(response.get_data())
    assert len(decoded) == 1
    link = urlsplit(decoded[0])
    assert (link.scheme, link.netloc, link.path, link.query) == ("http", "museum.test", "/items/cu-ding", "")


def test_vendor_assets_come_from_npm_packages_only(client):
    assert client.get("/vendor/openseadragon/openseadragon.min.js").status_code == 200
    assert client.get("/vendor/openseadragon/../../package.json").status_code == 404
    assert client.get("/vendor/left-pad/index.js").status_code == 404


def test_error_pages_are_html_for_people_and_json_for_apis(client):
    page = client.get("/museums/nowhere")
    assert page.status_code == 404 and page.mimetype == "text/html"
    api = client.get("/iiif/items/nowhere/manifest")
    assert api.status_code == 404 and api.get_json()["status"] == 404


def test_items_link_to_their_neighbours_in_the_hall(client, ingested):
    mirror = client.get("/items/cu-mirror?lang=en").get_data(as_text=True)
    assert 'rel="next" href="/items/cu-record">Copper ingot fragment →' in mirror and 'rel="prev"' not in mirror
    record = client.get("/items/cu-record?lang=en").get_data(as_text=True)
    assert 'rel="prev" href="/items/cu-mirror">← Mirror with four nipples' in record and 'rel="next"' not in record
