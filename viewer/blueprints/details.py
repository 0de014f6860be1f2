"""Links to an exact detail of an item (IIIF Content State 1.0), and the curator's QR code for one.

- The item page reads ``?iiif-content=`` through :func:`page_context` (used by ``public.item``): the
  target becomes a data attribute the static ``content-state.js`` applies (deep-zoom region, moment of
  a recording, camera orbit of a 3D model); a state it cannot open leaves a quiet note.
- ``/curator/api/items/<item>/detail?kind=&index=&xywh=|t=|orbit=&lang=`` (curators of the item's museum):
  ``{"url", "qr"}``, the link of that view, built and checked here, and
  ``/curator/api/items/<item>/detail-qr.svg`` with the same arguments: its QR code to print.
"""
from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, abort, jsonify, request
from flask_babel import gettext

from exhibits import content_state, iiif
from exhibits.i18n import LANGUAGES
from exhibits.models import Item
from viewer.auth import api_auth
from viewer.context import absolute_url, base_url, get_item_or_404
from viewer.i18n import current_language

bp = Blueprint("details", __name__)


def may_curate(museum_slug: str | None) -> bool:
    """True when the visitor is a curator of this museum (or an admin): the page shows staff tools."""
    from viewer.auth import current_identity

    identity = current_identity()
    return bool(identity and identity.can_curate(museum_slug))


@bp.app_context_processor
def _helpers() -> dict:
    return {"may_curate": may_curate,
            "absolute_manifest_url": lambda item_id: absolute_url("iiif_presentation.manifest", item_id=item_id)}


def _canvases(item: Item) -> tuple[str, list[content_state.CanvasInfo]]:
    base = base_url()
    manifest = iiif.item_manifest(item, base)
    return iiif.manifest_id(base, item.id), content_state.item_canvases(manifest)


def page_context(item: Item) -> dict:
    """Template values of the item page for ``?iiif-content=``: ``detail`` (data for the script) or ``detail_note``."""
    value = request.args.get("iiif-content")
    tools = may_curate(item.museum.slug if item.museum else None)
    if value is None and not tools:
        return {}
    manifest_id, canvases = _canvases(item)
    context: dict = {}
    if tools:
        context["detail_canvases"] = [c for c in canvases if c.kind != "none"]
    found = content_state.open_from_parameter(value, manifest_id, canvases)
    if isinstance(found, content_state.Ignored):
        context["detail_note"] = found.reason
    elif found is not None:
        context["detail"] = found.as_data()
    return context


def _requested_view(item: Item) -> tuple[str, str]:
    """(link, lang) of the view the curator's page reports; 400 naming the argument that is wrong."""
    if not may_curate(item.museum.slug if item.museum else None):
        abort(403, gettext("Only curators of this museum make detail QR codes."))
    lang = request.args.get("lang") or current_language()
    if lang not in LANGUAGES:
        abort(400, gettext("lang must be one of %(languages)s", languages=", ".join(LANGUAGES)))
    kind = request.args.get("kind", "")
    try:
        index = int(request.args.get("index", "0"))
    except ValueError:
        abort(400, gettext("index must be a whole number"))
    manifest_id, canvases = _canvases(item)
    canvas = next((c for c in canvases if c.kind == kind and c.index == index), None)
    if canvas is None:
        abort(400, gettext("kind and index name no photo, recording or model of this item"))
    try:
        target = content_state.view_target(canvas, request.args.get("xywh"), request.args.get("t"), request.args.get("orbit"))
    except content_state.ContentStateError as exc:
        abort(400, str(exc))
    encoded = content_state.encoded_target(manifest_id, canvas.id, xywh=target.xywh, t=target.t, orbit=target.orbit)
    return absolute_url("public.item", item_id=item.id, lang=lang, **{"iiif-content": encoded}), lang


@bp.route("/curator/api/items/<item_id>/detail")
@api_auth
def detail_link(item_id: str):
    item = get_item_or_404(item_id)
    link, _lang = _requested_view(item)
    qr = request.script_root + request.full_path.replace("/detail?", "/detail-qr.svg?", 1)
    response = jsonify(url=link, qr=qr)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/curator/api/items/<item_id>/detail-qr.svg")
@api_auth
def detail_qr(item_id: str):
    item = get_item_or_404(item_id)
    link, _lang = _requested_view(item)
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=4, border=4, title=link)
    return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})
