"""Forged Host and X-Forwarded-* headers, JINSHI_BASE_URL and a site under a sub-path."""
import dataclasses
import re

import pytest

from viewer.app import create_app
from viewer.hosts import ProxyConfigError, host_name, parse_proxies


def _client(runtime, **changes):
    runtime.settings = dataclasses.replace(runtime.settings, **changes)
    return create_app(runtime=runtime, TESTING=True).test_client()


@pytest.fixture
def open_client(museum_runtime, ingested):
    """No JINSHI_BASE_URL: links follow the (checked) Host."""
    return _client(museum_runtime, base_url="", trusted_hosts=("museum.lan",))


def test_without_base_url_only_hosts_that_reach_the_server_are_accepted(open_client):
    for host in ("localhost", "localhost:8000", "127.0.0.1:5000", "[::1]:5000", "museum.lan", "MUSEUM.LAN:80"):
        assert open_client.get("/", headers={"Host": host}).status_code == 200, host
    for host in ("evil.example", "evil.example:80", "127.0.0.1.evil.example", "localhost.evil.example", "10.9.8.7"):
        answer = open_client.get("/items/cu-ding", headers={"Host": host})
        assert answer.status_code == 400, host
        assert "JINSHI_TRUSTED_HOSTS" in answer.get_data(as_text=True)
    assert open_client.get("/iiif/items/cu-ding/manifest", headers={"Host": "evil.example"}).status_code == 400


def test_links_follow_an_accepted_host(open_client):
    manifest = open_client.get("/iiif/items/cu-ding/manifest", headers={"Host": "museum.lan:8080"}).get_json()
    assert manifest["id"] == "http://museum.lan:8080/iiif/items/cu-ding/manifest"


def test_forwarded_headers_are_ignored_from_strangers_and_believed_from_proxies(museum_runtime, ingested):
    forged = {"Host": "localhost", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https",
              "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Prefix": "/evil"}
    client = _client(museum_runtime, base_url="", proxies="")
    doc = client.get("/api/items/cu-ding", headers=forged).get_json()
    assert doc["links"]["manifest"] == "http://localhost/iiif/items/cu-ding/manifest"
    assert "Strict-Transport-Security" not in client.get("/", headers=forged).headers
    # from a configured proxy the headers count (and the forwarded host must still be one we accept)
    proxied = _client(museum_runtime, base_url="", proxies="127.0.0.1", trusted_hosts=("www.museum.cn",))
    headers = {"Host": "127.0.0.1:8000", "X-Forwarded-Host": "www.museum.cn", "X-Forwarded-Proto": "https"}
    doc = proxied.get("/api/items/cu-ding", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_json()
    assert doc["links"]["manifest"] == "https://www.museum.cn/iiif/items/cu-ding/manifest"
    stranger = proxied.get("/api/items/cu-ding", headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.50"})
    assert stranger.get_json()["links"]["manifest"] == "http://127.0.0.1:8000/iiif/items/cu-ding/manifest"
    evil = dict(headers, **{"X-Forwarded-Host": "evil.example"})
    assert proxied.get("/", headers=evil, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 400


def test_base_url_gives_every_absolute_link_whatever_the_host(client, ingested):
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    image = ingested["ding.jpg"].image_id
    texts = [
        client.get("/iiif/items/cu-ding/manifest", headers=forged).get_data(as_text=True),
        client.get(f"/iiif/3/{image}/info.json", headers=forged).get_data(as_text=True),
        client.get("/api/items/cu-ding", headers=forged).get_data(as_text=True),
        client.get("/api/openapi.json", headers=forged).get_data(as_text=True),
        client.get("/api/search?q=鼎", headers=forged).get_data(as_text=True),
        client.get("/items/cu-ding", headers=forged).get_data(as_text=True),
        client.get("/items/cu-ding/qr.svg", headers=forged).get_data(as_text=True),
    ]
    for text in texts:
        assert "evil.example" not in text
    assert client.get("/api/openapi.json", headers=forged).get_json()["servers"][0]["url"] == "http://museum.test"
    assert client.get("/api/items/cu-ding").get_json()["links"]["page"] == "http://museum.test/items/cu-ding"


def test_info_json_etag_differs_between_hosts(open_client, ingested):
    url = f"/iiif/3/{ingested['ding.jpg'].image_id}/info.json"
    one = open_client.get(url, headers={"Host": "localhost"}).headers["ETag"]
    two = open_client.get(url, headers={"Host": "museum.lan"}).headers["ETag"]
    assert one != two


def test_the_site_works_under_a_sub_path(museum_runtime, ingested):
    client = _client(museum_runtime, base_url="https://www.example.gov.cn/museum")
    image = ingested["ding.jpg"].image_id
    page = client.get("/museum/items/cu-ding", base_url="https://www.example.gov.cn")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    paths = re.findall(r'(?:src|href|action|poster)="(/[^"]*)"', html) + re.findall(r"data-root=\"([^\"]*)\"", html)
    assert paths and all(p.startswith("/museum") for p in paths), [p for p in paths if not p.startswith("/museum")]
    assert "https://www.example.gov.cn/museum/items/cu-ding" in html  # the permalink
    manifest = client.get("/museum/iiif/items/cu-ding/manifest").get_json()
    assert manifest["id"] == "https://www.example.gov.cn/museum/iiif/items/cu-ding/manifest"
    info = client.get(f"/museum/iiif/3/{image}/info.json").get_json()
    assert info["id"] == f"https://www.example.gov.cn/museum/iiif/3/{image}"
    assert client.get(f"/museum/iiif/3/{image}/0,0,512,512/512,/0/default.jpg").status_code == 200
    search = client.get("/museum/search?q=鼎").get_data(as_text=True)
    assert 'href="/museum/items/cu-ding"' in search and 'action="/museum/search"' in search
    assert client.get("/museum/vendor/openseadragon/openseadragon.min.js").status_code == 200
    assert client.get("/museum/static/jinshi.css").status_code == 200
    # a proxy that strips the prefix before passing the request on works the same
    stripped = client.get("/items/cu-ding").get_data(as_text=True)
    assert 'href="/museum/static/jinshi.css"' in stripped
    # and /museums/... is not mistaken for the /museum prefix
    assert client.get("/museums/copper").status_code == 200


def test_proxy_setting_is_checked():
    assert parse_proxies("127.0.0.1, 10.0.0.0/8, for=2").counts["for"] == 2
    assert parse_proxies("::1").trusts("::1") and not parse_proxies("::1").trusts("::2")
    for bad, named in (("nonsense", "'nonsense'"), ("for=x", "'for=x'"), ("hops=2", "'hops=2'")):
        with pytest.raises(ProxyConfigError, match=named):
            parse_proxies(bad)
    assert host_name("[::1]:80") == "::1" and host_name("Example.ORG.:8000") == "example.org"


def test_serve_warns_when_it_faces_the_network_without_a_proxy():
    from viewer.hosts import exposure_warning

    assert exposure_warning("127.0.0.1", "") is None and exposure_warning("localhost", "") is None
    assert exposure_warning("::1", "") is None
    assert "deploy/nginx.conf" in exposure_warning("0.0.0.0", "")
    assert "JINSHI_PROXIES" in exposure_warning("192.168.1.20", "")
    assert exposure_warning("0.0.0.0", "10.0.0.1") is None
