"""The tus 1.0.0 resumable upload server at ``/curator/api/uploads/`` (core, creation, termination).

Protocol: https://tus.io/protocols/resumable-upload. Uppy/tus-js-client on the curator pages and tuspy
in scripts talk to it unchanged. The view only translates headers; :mod:`exhibits.uploads` keeps the
bytes and the rules (size limit before anything is stored, offsets, ownership).
"""
from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import ClientDisconnected

from exhibits.uploads import Upload, UploadError, Uploads
from viewer.auth import api_auth, current_identity
from viewer.context import base_url, runtime
from viewer.limits import limit

bp = Blueprint("tus", __name__, url_prefix="/curator/api/uploads")

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination"
#: Upload-Metadata is a few keys; a header longer than this is refused.
MAX_METADATA_CHARS = 8192


def _tus_headers(response: Response) -> Response:
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers["Cache-Control"] = "no-store"
    return response


def _error(status: int, message: str, offset: int | None = None) -> Response:
    response = jsonify(error=message, status=status)
    response.status_code = status
    if offset is not None:
        response.headers["Upload-Offset"] = str(offset)
    if status == 412:
        response.headers["Tus-Version"] = TUS_VERSION
    return _tus_headers(response)


def _store() -> Uploads:
    return Uploads.from_runtime(runtime())


def _check_version() -> Response | None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _error(412, f"Tus-Resumable: this server speaks tus {TUS_VERSION}")
    return None


def _int_header(name: str) -> int:
    value = request.headers.get(name, "")
    if not value.isdigit() or len(value) > 19:
        raise UploadError(400, f"{name}: must be a whole number of bytes, 0 or more (got {value[:40]!r})")
    return int(value)


def parse_metadata(header: str) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64(value)`` pairs (the value may be absent)."""
    if len(header) > MAX_METADATA_CHARS:
        raise UploadError(400, f"Upload-Metadata: longer than {MAX_METADATA_CHARS} characters")
    metadata: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, encoded = pair.partition(" ")
        if not key or not key.isascii() or " " in encoded.strip():
            raise UploadError(400, f"Upload-Metadata: {pair[:60]!r} is not 'key base64value'")
        try:
            metadata[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise UploadError(400, f"Upload-Metadata: the value of {key!r} is not base64 of UTF-8 text") from None
    return metadata


def _encode_metadata(upload: Upload) -> str:
    pairs = {"filename": upload.filename, **{k: str(v) for k, v in upload.meta.items()}}
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in pairs.items())


class _RequestBody:
    """The PATCH body as a file; a client that goes away mid-body reads as a broken connection."""

    def __init__(self) -> None:
        self._stream = request.stream

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except ClientDisconnected as exc:
            raise ConnectionError("client disconnected") from exc


@bp.route("/", methods=["OPTIONS"], provide_automatic_options=False)
@bp.route("/<upload_id>", methods=["OPTIONS"], provide_automatic_options=False)
def options(upload_id: str | None = None) -> Response:
    response = Response(status=204)
    response.headers["Tus-Version"] = TUS_VERSION
    response.headers["Tus-Extension"] = TUS_EXTENSIONS
    response.headers["Tus-Max-Size"] = str(runtime().settings.max_file_bytes)
    return _tus_headers(response)


@bp.route("/", methods=["POST"], provide_automatic_options=False)
@api_auth
@limit("upload")
def create() -> Response:
    identity = current_identity()
    if (refused := _check_version()) is not None:
        return refused
    try:
        if "Upload-Defer-Length" in request.headers:
            raise UploadError(400, "Upload-Defer-Length: not supported; send Upload-Length")
        length = _int_header("Upload-Length")
        upload = _store().create(identity, length, parse_metadata(request.headers.get("Upload-Metadata", "")))
    except UploadError as exc:
        return _error(exc.status, exc.message)
    response = Response(status=201)
    response.headers["Location"] = f"{base_url()}{bp.url_prefix}/{upload.id}"
    response.headers["Upload-Offset"] = "0"
    return _tus_headers(response)


@bp.route("/<upload_id>", methods=["HEAD"], provide_automatic_options=False)
@api_auth
def head(upload_id: str) -> Response:
    identity = current_identity()
    if (refused := _check_version()) is not None:
        return refused
    try:
        upload = _store().get(identity, upload_id)
    except UploadError as exc:
        return _error(exc.status, exc.message)
    response = Response(status=200)
    response.headers["Upload-Offset"] = str(upload.offset)
    response.headers["Upload-Length"] = str(upload.length)
    response.headers["Upload-Metadata"] = _encode_metadata(upload)
    return _tus_headers(response)


@bp.route("/<upload_id>", methods=["PATCH"], provide_automatic_options=False)
@api_auth
def patch(upload_id: str) -> Response:
    identity = current_identity()
    if (refused := _check_version()) is not None:
        return refused
    if request.mimetype != "application/offset+octet-stream":
        return _error(415, "Content-Type: must be application/offset+octet-stream")
    try:
        offset = _int_header("Upload-Offset")
        offset = _store().append(identity, upload_id, offset, _RequestBody(), request.content_length)
    except UploadError as exc:
        return _error(exc.status, exc.message, exc.offset)
    response = Response(status=204)
    response.headers["Upload-Offset"] = str(offset)
    return _tus_headers(response)


@bp.route("/<upload_id>", methods=["DELETE"], provide_automatic_options=False)
@api_auth
def delete(upload_id: str) -> Response:
    identity = current_identity()
    if (refused := _check_version()) is not None:
        return refused
    try:
        _store().delete(identity, upload_id)
    except UploadError as exc:
        return _error(exc.status, exc.message)
    return _tus_headers(Response(status=204))
