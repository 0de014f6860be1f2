"""deploy/nginx.conf in front of `jinshi serve` (Debian's nginx): slow clients, render limits, cached tiles.

The shipped file is used as it is, with only what a test cannot have replaced: the TLS listener becomes a
plain loopback port, the certificate lines and the port-80 redirect go, the cache lives in the test folder.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.viewer.test_cli import free_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def _site_config(app_port: int, port: int, cache: Path) -> str:
    text = DEPLOY.read_text()
    text, redirects = re.subn(r"server \{\s*listen 80;.*?\n\}\n", "", text, count=1, flags=re.S)
    text, listens = re.subn(r"^\s*listen (?:\[::\]:)?443 ssl http2;.*$", "", text, flags=re.M)
    text = re.sub(r"^\s*ssl_certificate(?:_key)? .*$", "", text, flags=re.M)
    text = text.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    text = text.replace("/var/cache/nginx/jinshi", str(cache))
    text = text.replace("/var/log/nginx/jinshi.access.log", str(cache.parent / "access.log"))
    text = text.replace(r"museum\.example\.cn", r"127\.0\.0\.1")
    text = text.replace("server_name museum.example.cn;\n", f"server_name museum.example.cn;\n    listen 127.0.0.1:{port};\n", 1)
    assert redirects == 1 and listens == 2, "deploy/nginx.conf changed shape; update this test"
    return text


def _get(url: str, timeout: float = 10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _wait(url: str) -> None:
    for _ in range(400):
        try:
            if _get(url, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)  # nginx answers 502 at once while the app starts
    raise AssertionError(f"{url} never answered")


@pytest.fixture
def stack(settings, ingested, tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.path.exists(nginx), "Debian's nginx is not installed (make test installs nginx-light)"
    app_port, port = free_port(), free_port()
    env = {**os.environ, "JINSHI_HOME": str(settings.home), "JINSHI_DATABASE_URL": settings.database_url,
           "JINSHI_BASE_URL": "", "JINSHI_PROXIES": "127.0.0.1"}
    app = subprocess.Popen([str(Path(sys.executable).with_name("jinshi")), "serve", "--port", str(app_port),
                            "--workers", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = tmp_path / "nginx"
    (root / "cache").mkdir(parents=True)
    (root / "site.conf").write_text(_site_config(app_port, port, root / "cache"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    (root / "nginx.conf").write_text(
        f"{user}pid {root}/nginx.pid;\nerror_log {root}/error.log;\nevents {{}}\nhttp {{\n  access_log off;\n"
        f"  proxy_temp_path {root}/proxy;\n  client_body_temp_path {root}/body;\n  include {root}/site.conf;\n}}\n")
    server = subprocess.Popen([nginx, "-p", str(root), "-e", str(root / "error.log"), "-c", str(root / "nginx.conf"),
                               "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        try:
            _wait(f"http://127.0.0.1:{port}/items/cu-mirror")
        except AssertionError:
            log = (root / "error.log").read_text() if (root / "error.log").exists() else ""
            raise AssertionError(f"nginx in front of the app never answered; nginx says: {log[-2000:]}") from None
        yield f"http://127.0.0.1:{port}", ingested["ding.jpg"].image_id
    finally:
        server.terminate()
        app.terminate()
        server.wait(20)
        app.wait(30)


def test_half_sent_requests_do_not_reach_the_app(stack):
    url, _ = stack
    host, port = url.removeprefix("http://").split(":")
    slow = []
    try:
        for _ in range(40):  # more than the app has threads (4)
            sock = socket.create_connection((host, int(port)))
            sock.sendall(b"GET /items/cu-mirror HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # and never finish
            slow.append(sock)
        began = time.monotonic()
        status, body, _ = _get(f"{url}/items/cu-mirror?lang=en", timeout=10)
        assert status == 200 and b"Mirror with four nipples" in body
        assert time.monotonic() - began < 5
    finally:
        for sock in slow:
            sock.close()


def test_renders_are_rate_limited_and_tiles_cached(stack):
    url, image = stack
    tile = f"{url}/iiif/3/{image}/0,0,512,512/512,/0/default.jpg"
    assert _get(tile)[0] == 200
    status, _, headers = _get(tile)
    assert status == 200 and headers.get("X-Cache") == "HIT"
    with ThreadPoolExecutor(25) as pool:  # one client asking for 25 renders at once
        statuses = list(pool.map(lambda n: _get(f"{url}/iiif/3/{image}/full/{40 + n},/0/default.png", 60)[0],
                                 range(25)))
    assert statuses.count(429) >= 10 and 200 in statuses, statuses
    # the forwarded headers came from the configured proxy, so links name the host nginx was asked for
    manifest = _get(f"{url}/iiif/items/cu-ding/manifest")[1].decode()
    assert f'"{url}/iiif/items/cu-ding/manifest"' in manifest


def test_the_access_log_holds_no_client_address_and_no_query(stack, tmp_path):
    url, _ = stack
    assert _get(f"{url}/items/cu-mirror?lang=en&token=s3cr3t")[0] == 200
    log = tmp_path / "nginx" / "access.log"
    for _ in range(50):  # nginx writes the line once the answer is sent
        if log.exists() and "/items/cu-mirror" in log.read_text():
            break
        time.sleep(0.1)
    text = log.read_text()
    assert '"GET /items/cu-mirror HTTP/1.1" 200' in text
    assert "127.0.0.1" not in text and "s3cr3t" not in text
