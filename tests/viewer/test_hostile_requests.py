"""Hostile requests over the IIIF Image API, media, vendor and page routes: clear 4xx, never a 500."""
import logging

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.support.media_items import ingest_media_items
from viewer.blueprints.public import viewer_manifest_allowed
from viewer.logsafe import escape


@pytest.fixture
def media(museum_runtime, tmp_path):
    ingest_media_items(museum_runtime, tmp_path / "media")
    from sqlalchemy import select

    from exhibits.models import Asset

    with museum_runtime.db.session() as session:
        return {a.kind: a.sha256 for a in session.scalars(select(Asset)) if a.item_id == "media-carving"}


def test_crlf_in_an_image_id_is_404_and_cannot_forge_a_log_line(client, ingested, caplog):
    image = ingested["ding.jpg"].image_id
    for url in (f"/iiif/3/{image}%0D%0ASet-Cookie:%20x=1", f"/iiif/3/x%0d%0aINFO%20forged/info.json",
                f"/iiif/3/{image}%0A/full/max/0/default.jpg", "/iiif/3/%0D%0A"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert "Set-Cookie" not in answer.headers and "Location" not in answer.headers
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "GET %s", ("/a\r\nINFO forged",), None)
    from viewer.logsafe import EscapeControlCharacters

    EscapeControlCharacters().filter(record)
    assert "\n" not in record.getMessage() and "\\r\\n" in record.getMessage()
    assert escape("路径\u2028x") == "路径\\u2028x"


def test_range_requests_follow_rfc_9110(client, media):
    video = f"/media/{media['video']}/web.mp4"
    whole = client.get(video)
    size = len(whole.data)
    assert client.get(video, headers={"Range": "bytes=0-99"}).status_code == 206
    # a valid range beyond the end: 416 with the size, and not cached as the file
    beyond = client.get(video, headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{size}"
    assert "immutable" not in beyond.headers.get("Cache-Control", "") and "no-store" in beyond.headers["Cache-Control"]
    # ranges that cannot be parsed, other units, several ranges: ignored, the whole file is sent
    for header in ("bytes=abc", "bytes=5-1", "pages=1-2", "bytes=0-1,5-9", "bytes=", "bytes=--1"):
        answer = client.get(video, headers={"Range": header})
        assert answer.status_code == 200 and len(answer.data) == size, header
        assert "immutable" in answer.headers["Cache-Control"]


def test_manifests_vary_on_accept_and_images_set_no_language_cookie(client, ingested):
    manifest = client.get("/iiif/items/cu-ding/manifest?lang=en")
    assert "Accept" in manifest.headers["Vary"]
    assert "Set-Cookie" not in manifest.headers
    image = ingested["ding.jpg"].image_id
    tile = client.get(f"/iiif/3/{image}/0,0,512,512/512,/0/default.jpg?lang=en")
    assert tile.status_code == 200 and "Set-Cookie" not in tile.headers
    assert "Set-Cookie" not in client.get("/api/search?q=鼎&lang=en").headers
    page = client.get("/items/cu-ding?lang=en")
    assert "lang=en" in page.headers["Set-Cookie"]
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in page.headers["Vary"].split(",")}


@pytest.mark.parametrize("value", ["//evil.example/m.json", "/\\evil.example/m.json", "\\\\evil.example/x",
                                   "/\t/evil.example/x", "javascript:alert(1)", "data:text/html,x",
                                   "https:evil.example", "http:///x", "ftp://example.org/m.json", "iiif/items/x"])
def test_mirador_opens_only_same_site_paths_or_http_urls(client, value):
    assert not viewer_manifest_allowed(value)
    assert client.get("/mirador", query_string={"manifest": value}).status_code == 400


@pytest.mark.parametrize("value", ["/iiif/items/cu-ding/manifest", "https://iiif.example.org/m.json?x=1",
                                   "http://192.0.2.1:8080/iiif/3/manifest"])
def test_mirador_takes_good_manifests(client, ingested, value):
    assert client.get("/mirador", query_string={"manifest": value}).status_code == 200


def test_content_search_ids_are_url_encoded(client, media):
    answer = client.get("/iiif/items/media-carving/search", query_string={"q": "a&b=c #x"}).get_json()
    assert answer["id"].endswith("/search?q=a%26b%3Dc+%23x")


def test_vendor_and_media_refuse_traversal_and_unknown_names(client, media):
    for url in ("/vendor/openseadragon/../../package.json", "/vendor/openseadragon/%2e%2e/%2e%2e/package.json",
                "/vendor/mirador/..%2f..%2fpackage.json", "/vendor/nothing/x.js", "/vendor/axe-core/../..",
                f"/media/{media['video']}/facts.json", f"/media/{media['video']}/../../secret_key",
                "/media/" + "0" * 64 + "/web.mp4", "/media/XYZ/web.mp4"):
        assert client.get(url).status_code == 404, url


PATH_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segment=PATH_TEXT, query=PATH_TEXT)
def test_no_page_route_answers_500_to_odd_paths(client, segment, query):
    from urllib.parse import quote

    for template in ("/items/{}", "/museums/{}", "/museums/copper/halls/{}", "/iiif/items/{}/manifest",
                     "/iiif/3/{}/info.json", "/iiif/3/{}/full/max/0/default.jpg", "/vendor/{}/x.js",
                     "/media/{}/web.mp4", "/api/items/{}"):
        url = template.format(quote(segment, safe=""))
        answer = client.get(url, query_string={"q": query, "lang": query})
        assert answer.status_code < 500, (url, answer.status_code)
    assert client.get("/search", query_string={"q": query, "page": query, "sort": query}).status_code < 500
    assert client.get("/mirador", query_string={"manifest": query}).status_code in (200, 400, 404)  # 404: an item not on view


@pytest.mark.parametrize("path", ["/items/%00", "/items/a%0Db", "/museums/%00/halls/x", "/api/items/%7F",
                                  "/iiif/3/%00/info.json", "/iiif/3/%00/full/max/0/default.jpg", "/media/%00/web.mp4"])
def test_control_characters_in_a_path_are_404_before_any_lookup(client, path):
    assert client.get(path).status_code == 404
