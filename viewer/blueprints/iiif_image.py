"""IIIF Image API 3.0 endpoints: parse → media.iiif_image.ImageService → send.

Derivatives are immutable (the identifier is the original's SHA-256), so every image
response carries a strong ETag and a year-long ``immutable`` cache lifetime.
"""
from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, jsonify, redirect, request
from werkzeug.wsgi import wrap_file

from media.store import is_sha256
from media.iiif_image import CONTEXT, PROFILE_URI, IIIFError, ImageService, parse_request
from media.render_pool import RenderPool
from viewer import gunicorn_hooks

bp = Blueprint("iiif_image", __name__)

PREFIX = "/iiif/3"
IMMUTABLE = "public, max-age=31536000, immutable"
INFO_CACHE = "public, max-age=86400"
PROFILE_LINK = f'<{PROFILE_URI}>;rel="profile"'
LD_JSON = f'application/ld+json;profile="{CONTEXT}"'


def _runtime():
    return current_app.extensions["jinshi"]


def service() -> ImageService:
    """One ImageService per app (and per worker process)."""
    svc = current_app.extensions.get("jinshi.iiif_image")
    if svc is None:
        runtime = _runtime()
        capacity = gunicorn_hooks.render_capacity()
        svc = ImageService(runtime.store, runtime.settings.cache_root,
                           cache_max_bytes=runtime.settings.cache_max_bytes,
                           pool=RenderPool(workers=min(2, capacity), capacity=capacity))
        current_app.extensions["jinshi.iiif_image"] = svc
    return svc


def _base_url() -> str:
    from viewer.context import base_url

    return base_url()


def _error(error: IIIFError) -> Response:
    response = jsonify(error=_REASONS.get(error.status, "Error"), status=error.status, message=error.message)
    response.status_code = error.status
    response.headers["Access-Control-Allow-Origin"] = "*"
    if error.status >= 500:
        response.headers["Cache-Control"] = "no-store"
    if error.retry_after:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


_REASONS = {400: "Bad Request", 404: "Not Found", 500: "Internal Server Error", 501: "Not Implemented",
            503: "Service Unavailable"}


def _not_modified(etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    return header.strip() == "*" or etag in [tag.strip().removeprefix("W/") for tag in header.split(",")]


def _common(response: Response, etag: str, cache: str) -> Response:
    headers = response.headers
    headers["ETag"] = etag
    headers["Cache-Control"] = cache
    headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route(f"{PREFIX}/<image_id>")
def base(image_id: str):
    if not is_sha256(image_id):  # never echo a hostile id (CR/LF) into a Location header
        return _error(IIIFError(404, "no such image"))
    return redirect(f"{request.script_root}{PREFIX}/{image_id}/info.json", code=303)


@bp.route(f"{PREFIX}/<image_id>/info.json")
def info(image_id: str):
    svc = service()
    try:
        service_id = f"{_base_url()}{PREFIX}/{image_id}"
        etag = svc.info_etag(image_id, service_id)
        if _not_modified(etag):
            response = _common(Response(status=304), etag, INFO_CACHE)
        else:
            document = svc.info(image_id, service_id)
            response = _common(jsonify(document), etag, INFO_CACHE)
    except IIIFError as error:
        return _error(error)
    accept = request.headers.get("Accept", "")
    response.headers["Content-Type"] = LD_JSON if "application/ld+json" in accept else "application/json"
    response.headers["Link"] = PROFILE_LINK
    response.headers["Vary"] = "Accept"
    return response


@bp.route(f"{PREFIX}/<image_id>/<region>/<size>/<rotation>/<quality_format>")
def image(image_id: str, region: str, size: str, rotation: str, quality_format: str):
    svc = service()
    try:
        if not is_sha256(image_id):
            raise IIIFError(404, "no such image")
        parsed = parse_request(region, size, rotation, quality_format)
        plan = svc.plan(image_id, parsed)
        link = f'{PROFILE_LINK}, <{_base_url()}{PREFIX}/{image_id}/{plan.canonical}>;rel="canonical"'
        if _not_modified(plan.etag):
            response = Response(status=304)
        else:
            rendered = svc.render(image_id, plan)
            handle = None
            if rendered.data is None:
                try:
                    handle = open(rendered.path, "rb")
                except FileNotFoundError:  # evicted between render and open: make it again
                    rendered = svc.render(image_id, plan)
                    handle = open(rendered.path, "rb") if rendered.data is None else None
            if handle is None:
                response = Response(rendered.data, mimetype=rendered.mime)
            else:
                response = Response(
                    wrap_file(request.environ, handle), mimetype=rendered.mime, direct_passthrough=True
                )
                response.content_length = os.fstat(handle.fileno()).st_size
    except IIIFError as error:
        return _error(error)
    response.headers["Link"] = link
    return _common(response, plan.etag, IMMUTABLE)
