"""Security headers on every kind of response: pages, errors, JSON, IIIF, media, vendor and static files."""
import pytest

from viewer.security import policy_for


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in header.split(";")) if part}


@pytest.fixture
def urls(ingested):
    image = ingested["ding.jpg"].image_id
    return {
        "page": "/items/cu-ding",
        "home": "/",
        "search page": "/search?q=鼎",
        "mirador": "/mirador?manifest=/iiif/items/cu-ding/manifest",
        "html 404": "/nowhere",
        "json api": "/api/search?q=鼎",
        "json 404": "/api/items/nothing",
        "openapi": "/api/openapi.json",
        "manifest": "/iiif/items/cu-ding/manifest",
        "info.json": f"/iiif/3/{image}/info.json",
        "tile": f"/iiif/3/{image}/0,0,512,512/512,/0/default.jpg",
        "render": f"/iiif/3/{image}/full/100,/0/gray.png",
        "iiif 400": f"/iiif/3/{image}/full/nonsense/0/default.jpg",
        "redirect": f"/iiif/3/{image}",
        "qr": "/items/cu-ding/qr.svg",
        "vendor": "/vendor/openseadragon/openseadragon.min.js",
        "static": "/static/jinshi.css",
    }


def test_every_kind_of_response_carries_the_headers(client, urls):
    for kind, url in urls.items():
        response = client.get(url)
        assert response.status_code < 500, (kind, response.status_code)
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", kind
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", kind
        csp = _csp(response)
        assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"], kind
        assert csp["frame-ancestors"] == "'self'", kind
        assert csp["object-src"] == "'none'", kind
        assert headers["X-Frame-Options"] == "SAMEORIGIN", kind


def test_a_method_not_allowed_keeps_allow_and_the_headers(client):
    for url in ("/items/cu-ding", "/api/search"):
        response = client.post(url)
        assert response.status_code == 405
        assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_scripts_carry_a_fresh_nonce_or_come_from_files(client, ingested):
    first, second = client.get("/search?q=鼎"), client.get("/search?q=鼎")
    nonce = _csp(first)["script-src"].split("'nonce-")[1].rstrip("'")
    assert nonce not in _csp(second)["script-src"]
    html = first.get_data(as_text=True)
    # every script element on the page loads a file: none of them is inline
    import re
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or "application/ld+json" in tag, tag


def test_only_the_embed_page_may_be_framed_elsewhere():
    assert policy_for("/items/cu-ding/embed")["frame-ancestors"] == "*"
    assert policy_for("/items/cu-ding")["frame-ancestors"] == "'self'"
    assert policy_for("/items/cu-ding/embed/x")["frame-ancestors"] == "'self'"


def test_hsts_only_for_an_https_site(museum_runtime, client):
    import dataclasses

    from viewer.app import create_app

    assert "Strict-Transport-Security" not in client.get("/").headers
    museum_runtime.settings = dataclasses.replace(museum_runtime.settings, base_url="https://museum.example")
    secure = create_app(runtime=museum_runtime, TESTING=True).test_client()
    assert "max-age=" in secure.get("/", base_url="https://museum.example").headers["Strict-Transport-Security"]


def test_axe_core_is_served_only_to_tests(museum_runtime, client):
    from viewer.app import create_app

    assert client.get("/vendor/axe-core/axe.min.js").status_code == 200
    production = create_app(runtime=museum_runtime).test_client()
    assert production.get("/vendor/axe-core/axe.min.js").status_code == 404
    assert production.get("/vendor/openseadragon/openseadragon.min.js").status_code == 200
