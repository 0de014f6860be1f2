"""Scripts and styles sent compressed: brotli or gzip for /static and /vendor, from a cache of compressed copies.

model-viewer is 1.07 MB raw and 0.26 MB in brotli; Mirador 2.4 MB and 0.59 MB. Each file is compressed once per
version (the cache key is its path, size and modification time) into ``JINSHI_HOME/cache/compressed/``, written
atomically, and served from there with ``Content-Encoding`` and ``Vary: Accept-Encoding``; its ETag is the
original's with the encoding appended, so a cache never mixes the two. Range requests, HEAD answers and files
that are not text (images, fonts) pass through unchanged.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join
from werkzeug.wsgi import wrap_file

#: Types worth compressing (already-compressed images, video and fonts are not).
COMPRESSIBLE = frozenset({
    "text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml", "text/plain",
    "application/wasm", "text/html", "application/xml", "text/xml",
})
#: Below this the headers cost more than the saving.
MIN_BYTES = 1024
#: Larger files are sent as they are (nothing the pages load is near this).
MAX_BYTES = 32 * 1024 * 1024
#: brotli level: about 0.6 s for Mirador's 2.4 MB, once per version (level 11 would take 9 s for 8 % less).
BROTLI_QUALITY = 9
ENCODINGS = ("br", "gzip")


def _brotli():
    try:
        import brotli
    except ImportError:  # gzip still works
        return None
    return brotli


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return _brotli().compress(data, quality=BROTLI_QUALITY)
    return gzip.compress(data, compresslevel=9, mtime=0)


def choose_encoding(accept_encoding: str | None) -> str | None:
    """The encoding to send for an Accept-Encoding header: brotli, then gzip, honouring q=0."""
    if not accept_encoding:
        return None
    qualities: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        qualities[name.strip().lower()] = q
    star = qualities.get("*", 0.0)
    for encoding in ENCODINGS:
        if encoding == "br" and _brotli() is None:
            continue
        if qualities.get(encoding, star) > 0:
            return encoding
    return None


def cached_copy(source: Path, encoding: str, cache_dir: Path) -> Path:
    """The compressed copy of ``source`` in ``cache_dir``, made (atomically) if it is not there yet."""
    stat = source.stat()
    key = hashlib.sha256(f"{source.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()
    target = cache_dir / key[:2] / f"{key}.{'br' if encoding == 'br' else 'gz'}"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    data = compress(source.read_bytes(), encoding)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


#: endpoint → the file a request to it sends (None: not a file this module knows).
Resolver = Callable[[dict], "Path | None"]


def _static_file(view_args: dict) -> Path | None:
    folder = current_app.static_folder
    path = safe_join(folder, view_args.get("filename", "")) if folder else None
    return Path(path) if path else None


def _vendor_file(view_args: dict) -> Path | None:
    from viewer.blueprints import vendor

    folder = vendor.PACKAGES.get(view_args.get("package", ""))
    if folder is None and current_app.testing:
        folder = vendor.TEST_PACKAGES.get(view_args.get("package", ""))
    if folder is None:
        return None
    path = safe_join(str(vendor.NODE_MODULES / folder), view_args.get("filename", ""))
    return Path(path) if path else None


RESOLVERS: dict[str, Resolver] = {"static": _static_file, "vendor.asset": _vendor_file}


def _compressed(response: Response) -> Response:
    resolver = RESOLVERS.get(request.endpoint or "")
    if resolver is None or request.method != "GET" or response.status_code != 200:
        if resolver is not None and response.status_code in (200, 304):
            response.vary.add("Accept-Encoding")
        return response
    response.vary.add("Accept-Encoding")
    if "Content-Encoding" in response.headers or "Range" in request.headers:
        return response
    if response.mimetype not in COMPRESSIBLE:
        return response
    encoding = choose_encoding(request.headers.get("Accept-Encoding"))
    if encoding is None:
        return response
    source = resolver(request.view_args or {})
    if source is None or not source.is_file() or not MIN_BYTES <= source.stat().st_size <= MAX_BYTES:
        return response
    from viewer.context import runtime

    copy = cached_copy(source, encoding, runtime().settings.cache_root / "compressed")
    etag, _weak = response.get_etag()
    response.close()  # the original file's handle
    handle = open(copy, "rb")
    response.response = wrap_file(request.environ, handle)
    response.direct_passthrough = True
    response.content_length = copy.stat().st_size
    response.headers["Content-Encoding"] = encoding
    response.headers.pop("Content-Range", None)
    response.headers.pop("Accept-Ranges", None)  # ranges are offered on the identity form only
    if etag:
        response.set_etag(f"{etag}-{encoding}")
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.after_request(_compressed)

