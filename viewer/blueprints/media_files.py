"""Derivatives of 3D models, video and audio: ``/media/<sha256>/<name>``.

Only the derivative names some media kind serves (``MediaKind.served``, looked up in the registry
``media.kinds``, with its MIME type from ``MediaKind.types``) and the WebVTT of caption tracks are
served (never originals, never ``facts.json``); the
files are immutable (named by the original's SHA-256), so they carry a year-long
``immutable`` cache lifetime, and CORS ``*`` so any IIIF viewer can play them. Range
requests (206/416) are answered by werkzeug's conditional ``send_file``.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, request, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import parse_range_header

import ingest.plugins  # noqa: F401  (adds the built-in kinds to the registry)
from media.kinds import media_kinds
from viewer.context import runtime

bp = Blueprint("media_files", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
#: WebVTT made from caption, chapter and transcript companions: captions-zh.vtt, chapters.vtt, transcript-en.vtt
VTT_NAME = re.compile(r"^(?:captions|chapters|transcript)(?:-[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2})?\.vtt$")
_SHA = re.compile(r"^[0-9a-f]{64}$")


def mime_of(name: str) -> str | None:
    """The MIME type ``name`` is served with, or None when no media kind serves a derivative of that name."""
    for kind in media_kinds().values():
        if name in kind.served:
            return kind.types.get(name, "application/octet-stream")
    if VTT_NAME.match(name):
        return "text/vtt"  # werkzeug adds "; charset=utf-8" to text types
    return None


def _ignore_unusable_range(environ: dict) -> None:
    """RFC 9110 §14.2: a Range that cannot be parsed, is not in bytes or asks for several ranges (which
    are not served here) is ignored and the whole file is sent; only a valid single range can get 416."""
    header = environ.get("HTTP_RANGE")
    if header is None:
        return
    parsed = parse_range_header(header)
    if parsed is None or parsed.units != "bytes" or len(parsed.ranges) != 1:
        environ.pop("HTTP_RANGE", None)


@bp.route("/media/<sha256>/<name>")
def derivative(sha256: str, name: str):
    mime = mime_of(name)
    if mime is None or not _SHA.match(sha256):
        abort(404)
    path = runtime().store.derivative_path(sha256, name)
    if not path.is_file():
        abort(404)
    _ignore_unusable_range(request.environ)
    try:
        response = send_file(path, mimetype=mime, conditional=True, etag=True, max_age=31536000)
        response.headers["Cache-Control"] = IMMUTABLE
    except RequestedRangeNotSatisfiable:
        # answered here, not by the app's HTML error page, so that Content-Range tells the size;
        # an error about one request's range is not the file, so nothing may cache it
        response = Response(status=416, headers={"Content-Range": f"bytes */{path.stat().st_size}",
                                                 "Cache-Control": "no-store"})
    response.headers["Accept-Ranges"] = "bytes"  # werkzeug says so only on 206 answers
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Content-Length, Content-Range, Accept-Ranges"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
