"""IIIF Image API endpoints over Flask's test client: status codes, headers, ETag/304, CORS, hostile input."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media.images import make_pyramid
from tests.support.catalogued import publish_image

BASE = "http://museum.example.org"


def _app(home: Path):
    from exhibits.settings import Settings
    from viewer.app import create_app

    return create_app(Settings(home=home, base_url=BASE).resolved())


@pytest.fixture(scope="module")
def iiif(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    app = _app(home)
    store = app.extensions["jinshi"].store
    rng = np.random.default_rng(3)
    source = home / "photo.png"
    Image.fromarray(rng.integers(0, 255, (900, 1300, 3), dtype=np.uint8)).save(source)
    stored = store.put_file(source)
    make_pyramid(stored.path, store.derivative_path(stored.sha256, "pyramid.tif"))
    publish_image(app.extensions["jinshi"], stored.sha256, stored.size)
    return app.test_client(), stored.sha256


def test_base_uri_redirects_to_info(iiif):
    client, image_id = iiif
    response = client.get(f"/iiif/3/{image_id}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/iiif/3/{image_id}/info.json")


def test_info_json(iiif):
    client, image_id = iiif
    response = client.get(f"/iiif/3/{image_id}/info.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Link"] == '<http://iiif.io/api/image/3/level2.json>;rel="profile"'
    info = response.get_json()
    assert info["id"] == f"{BASE}/iiif/3/{image_id}"
    assert (info["width"], info["height"]) == (1300, 900)
    assert info["tiles"][0]["width"] == 512
    etag = response.headers["ETag"]
    again = client.get(f"/iiif/3/{image_id}/info.json", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_info_json_ld(iiif):
    client, image_id = iiif
    response = client.get(f"/iiif/3/{image_id}/info.json", headers={"Accept": "application/ld+json"})
    assert response.headers["Content-Type"] == (
        'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
    )


@pytest.mark.parametrize(
    "tail,mime",
    [
        ("full/max/0/default.jpg", "image/jpeg"),
        ("0,0,512,512/512,/0/default.jpg", "image/jpeg"),  # raw tile
        ("full/200,/0/gray.png", "image/png"),
        ("square/100,100/!90/bitonal.webp", "image/webp"),
    ],
)
def test_image_headers(iiif, tail, mime):
    client, image_id = iiif
    response = client.get(f"/iiif/3/{image_id}/{tail}")
    assert response.status_code == 200, response.data[:200]
    assert response.mimetype == mime
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert '<http://iiif.io/api/image/3/level2.json>;rel="profile"' in response.headers["Link"]
    assert 'rel="canonical"' in response.headers["Link"]
    etag = response.headers["ETag"]
    assert etag.startswith('"')
    Image.open(io.BytesIO(response.data)).load()
    cached = client.get(f"/iiif/3/{image_id}/{tail}", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.data == b""
    assert cached.headers["ETag"] == etag
    again = client.get(f"/iiif/3/{image_id}/{tail}")
    assert again.status_code == 200 and again.data == response.data


def test_head_request(iiif):
    client, image_id = iiif
    response = client.head(f"/iiif/3/{image_id}/full/100,/0/default.jpg")
    assert response.status_code == 200 and int(response.headers["Content-Length"]) > 0


@pytest.mark.parametrize(
    "path,statuses",
    [
        ("/iiif/3/{id}/full/99999999,/0/default.jpg", {400}),
        ("/iiif/3/{id}/full/^99999999,/0/default.jpg", {400}),
        ("/iiif/3/{id}/full/^pct:99999999/0/default.jpg", {400}),
        ("/iiif/3/{id}/full/^99999999,99999999/0/default.jpg", {400}),
        ("/iiif/3/{id}/full/2000,/0/default.jpg", {400}),
        ("/iiif/3/{id}/5000,5000,10,10/max/0/default.jpg", {400}),
        ("/iiif/3/{id}/full/max/0/default.gif", {501}),
        ("/iiif/3/{id}/full/max/0/default.exe", {400}),
        ("/iiif/3/{id}/full/max/0/native.jpg", {400}),
        ("/iiif/3/{id}/full/max/45x/default.jpg", {400}),
        ("/iiif/3/{id}/bogus/max/0/default.jpg", {400}),
        ("/iiif/3/../full/max/0/default.jpg", {400, 404}),
        ("/iiif/3/..%2F..%2Fetc%2Fpasswd/full/max/0/default.jpg", {400, 404}),
        ("/iiif/3/%2E%2E/info.json", {400, 404}),
        ("/iiif/3/..%2F{id}/info.json", {400, 404}),
        ("/iiif/3/{ID}/info.json", {404}),
        ("/iiif/3/" + "0" * 64 + "/info.json", {404}),
        ("/iiif/3/" + "0" * 64 + "/full/max/0/default.jpg", {404}),
        ("/iiif/3/[frob]/full/max/0/default.jpg", {400, 404}),
        ("/iiif/3/a%00b/info.json", {400, 404}),
    ],
)
def test_hostile_and_bad_requests(iiif, path, statuses):
    client, image_id = iiif
    response = client.get(path.replace("{id}", image_id).replace("{ID}", image_id.upper()))
    assert response.status_code in statuses
    assert b"Traceback" not in response.data
    if response.status_code != 404 or response.is_json:
        assert response.headers.get("Access-Control-Allow-Origin") == "*"


def test_error_body_is_json(iiif):
    client, image_id = iiif
    response = client.get(f"/iiif/3/{image_id}/full/max/0/default.gif")
    assert response.status_code == 501
    assert response.get_json()["status"] == 501
