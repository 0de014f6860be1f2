"""Front-end packages installed by npm (package-lock.json), served from node_modules.

Only the named distribution folders are reachable; nothing else under node_modules is.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("vendor", __name__, url_prefix="/vendor")

NODE_MODULES = Path(os.environ.get("JINSHI_NODE_MODULES", Path(__file__).resolve().parents[2] / "node_modules"))
PACKAGES = {
    "openseadragon": "openseadragon/build/openseadragon",
    "mirador": "mirador/dist",
    "model-viewer": "@google/model-viewer/dist",
    "uppy": "uppy/dist",
    "uppy-locales": "@uppy/locales/dist",
    "qr-scanner": "qr-scanner",
    "three": "three/build",
}
#: Test tools: served only by an app in TESTING mode (the browser tests), never in production.
TEST_PACKAGES = {
    "axe-core": "axe-core",
}


@bp.route("/<package>/<path:filename>")
def asset(package: str, filename: str):
    folder = PACKAGES.get(package)
    if folder is None and current_app.testing:
        folder = TEST_PACKAGES.get(package)
    if folder is None:
        abort(404)
    response = send_from_directory(NODE_MODULES / folder, filename, max_age=7 * 24 * 3600)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
