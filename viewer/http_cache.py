"""HTTP caching and CORS for the open interfaces (IIIF, JSON API, OAI-PMH).

- :func:`conditional` gives a response an ETag (and Last-Modified when known) and answers
  ``If-None-Match``/``If-Modified-Since`` with 304, so harvesters and viewers do not download
  an unchanged document again.
- :func:`init_app` adds CORS headers to every response under the open prefixes, and answers
  CORS preflight (``OPTIONS`` with ``Access-Control-Request-Method``) there. The curator API
  (``/curator/``) is never opened to other origins.
"""
from __future__ import annotations

from datetime import datetime

from flask import Flask, Response, request

#: Paths anyone's web page may read (IIIF viewers, notebooks, aggregators).
OPEN_PREFIXES = ("/iiif/", "/api/", "/oai/")
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since, Range"
EXPOSED_HEADERS = "ETag, Last-Modified, Content-Length, Link"
PREFLIGHT_MAX_AGE = "86400"


def is_open(path: str) -> bool:
    return path == "/oai" or path.startswith(OPEN_PREFIXES)


def conditional(response: Response, etag: str | None = None, last_modified: datetime | None = None) -> Response:
    """Add validators to ``response`` and turn it into a 304 when the client's copy is current."""
    if etag:
        response.set_etag(etag)
    else:
        response.add_etag()
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    return response.make_conditional(request)


def _cors(response: Response) -> Response:
    if not is_open(request.path):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    vary = response.headers.get("Vary", "")
    if "Origin" not in vary:
        response.headers["Vary"] = f"{vary}, Origin" if vary else "Origin"
    return response


def _preflight():
    if request.method == "OPTIONS" and is_open(request.path):
        return Response(status=204)
    return None


def init_app(app: Flask) -> None:
    app.before_request(_preflight)
    app.after_request(_cors)
