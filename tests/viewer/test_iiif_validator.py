"""The official IIIF Image API validator (iiif-validator), level 2, version 3.0, against a real server.

The validator's test image (1000×1000, ten by ten coloured squares) is not shipped in the
package, so it is drawn here from the validator's own colour table, made into a pyramid
by ``make_pyramid`` and stored under its SHA-256, which is the image identifier.
"""
from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

pytest.importorskip("iiif_validator")
from iiif_validator import validator as iiif_validator  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from media.images import make_pyramid  # noqa: E402
from tests.support.catalogued import publish_image  # noqa: E402


def validator_image(path: Path) -> Path:
    colours = iiif_validator.ValidationInfo().colorInfo
    image = Image.new("RGB", (1000, 1000))
    draw = ImageDraw.Draw(image)
    for x in range(10):
        for y in range(10):
            draw.rectangle([x * 100, y * 100, x * 100 + 99, y * 100 + 99], fill=colours[x][y])
    image.save(path)
    return path


def _app(home: Path, base_url: str):
    from exhibits.settings import Settings
    from viewer.app import create_app

    return create_app(Settings(home=home, base_url=base_url).resolved())


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    app = _app(home, base_url)
    store = app.extensions["jinshi"].store
    stored = store.put_file(validator_image(home / "validator.png"))
    make_pyramid(stored.path, store.derivative_path(stored.sha256, "pyramid.tif"))
    publish_image(app.extensions["jinshi"], stored.sha256, stored.size)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{port}", stored.sha256
    server.shutdown()
    thread.join(5)


TESTS = iiif_validator.TestSuite(iiif_validator.ValidationInfo()).list_tests("3.0")
LEVEL2 = sorted(name for name, data in TESTS.items() if data["level"] <= 2)
# Level-3 features Jinshi also offers (the validator's format_webp test is broken on Python 3).
EXTRA = ["rot_full_non90", "rot_region_non90", "rot_mirror", "rot_mirror_180", "linkheader_profile",
         "linkheader_canonical", "size_up"]


@pytest.mark.parametrize("name", LEVEL2 + EXTRA)
def test_iiif_validator_level2(live_server, name):
    server, identifier = live_server
    result = iiif_validator.ImageAPI(identifier, server, "iiif/3", "http", "", "3.0", debug=False)
    iiif_validator.TestSuite(iiif_validator.ValidationInfo()).run_test(name, result)
    if result.exception is not None:
        error = result.exception
        pytest.fail(f"{name}: {error} (urls: {result.urls}, warning: {error.warning})")
