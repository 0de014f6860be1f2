"""Scripts and styles are sent compressed (brotli, gzip) when the client accepts it, and decompress to the file."""
import gzip
from pathlib import Path

import brotli
import pytest

from viewer.blueprints.vendor import NODE_MODULES
from viewer.compression import choose_encoding

STATIC = Path(__file__).resolve().parents[2] / "viewer" / "static"


@pytest.mark.parametrize("path, file", [
    ("/static/jinshi.css", STATIC / "jinshi.css"),
    ("/vendor/openseadragon/openseadragon.min.js", NODE_MODULES / "openseadragon/build/openseadragon/openseadragon.min.js"),
    ("/vendor/model-viewer/model-viewer.min.js", NODE_MODULES / "@google/model-viewer/dist/model-viewer.min.js"),
])
@pytest.mark.parametrize("accept, encoding, decode", [
    ("gzip, deflate, br, zstd", "br", brotli.decompress),
    ("gzip, deflate", "gzip", gzip.decompress),
])
def test_scripts_and_styles_are_sent_compressed(client, path, file, accept, encoding, decode):
    response = client.get(path, headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    body = response.get_data()
    assert int(response.headers["Content-Length"]) == len(body) < file.stat().st_size / 2
    assert decode(body) == file.read_bytes()


def test_a_client_that_accepts_no_compression_gets_the_file(client):
    original = (STATIC / "jinshi.css").read_bytes()
    for accept in (None, "identity", "gzip;q=0, br;q=0"):
        headers = {"Accept-Encoding": accept} if accept else {}
        response = client.get("/static/jinshi.css", headers=headers)
        assert "Content-Encoding" not in response.headers and response.get_data() == original
        assert "Accept-Encoding" in response.headers["Vary"]  # a shared cache must ask again


def test_compressed_copy_has_its_own_etag_and_answers_304(client):
    plain = client.get("/static/jinshi.css")
    packed = client.get("/static/jinshi.css", headers={"Accept-Encoding": "br"})
    assert packed.headers["ETag"] != plain.headers["ETag"] and packed.headers["ETag"].endswith('-br"')
    again = client.get("/static/jinshi.css", headers={"Accept-Encoding": "br", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_range_requests_and_images_are_left_alone(client):
    ranged = client.get("/vendor/openseadragon/openseadragon.min.js", headers={"Accept-Encoding": "br", "Range": "bytes=0-99"})
    assert "Content-Encoding" not in ranged.headers
    image = client.get("/vendor/openseadragon/images/zoomin_rest.png", headers={"Accept-Encoding": "br, gzip"})
    assert image.status_code == 200 and "Content-Encoding" not in image.headers


def test_a_changed_file_is_compressed_again(client, app, tmp_path, monkeypatch):
    static = tmp_path / "static"
    static.mkdir()
    script = static / "x.js"
    script.write_text("var a = 1;\n" * 500)
    monkeypatch.setattr(app, "static_folder", str(static))
    first = client.get("/static/x.js", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(first.get_data()) == script.read_bytes()
    script.write_text("var b = 2;\n" * 600)
    second = client.get("/static/x.js", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(second.get_data()) == script.read_bytes()


@pytest.mark.parametrize("header, chosen", [
    ("br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("*", "br"), ("*;q=0", None), ("identity", None),
    ("GZIP;q=0.5", "gzip"), ("br;q=bogus, gzip", "gzip"), ("", None),
])
def test_accept_encoding_is_read_with_its_qualities(header, chosen):
    assert choose_encoding(header) == chosen
