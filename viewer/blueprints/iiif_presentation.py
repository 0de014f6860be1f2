"""IIIF Presentation 3.0: item manifests, museum and hall collections."""
from __future__ import annotations

from flask import Blueprint, Response, abort, request

from exhibits import catalogue, iiif
from viewer.context import base_url, db_session, get_item_or_404

bp = Blueprint("iiif_presentation", __name__, url_prefix="/iiif")

PRESENTATION_PROFILE = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'


def _respond(resource) -> Response:
    wants_ld = "application/ld+json" in request.headers.get("Accept", "")
    response = Response(iiif.to_json(resource), mimetype="application/json")
    if wants_ld:
        response.headers["Content-Type"] = PRESENTATION_PROFILE
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/items/<item_id>/manifest")
def manifest(item_id: str):
    return _respond(iiif.item_manifest(get_item_or_404(item_id), base_url()))


@bp.route("/museums/<slug>/collection")
def museum_collection(slug: str):
    museum = catalogue.museum(db_session(), slug) or abort(404)
    return _respond(iiif.museum_collection(museum, base_url()))


@bp.route("/halls/<slug>/collection")
def hall_collection(slug: str):
    hall = catalogue.hall(db_session(), slug) or abort(404)
    items = catalogue.hall_items(db_session(), hall.id)
    return _respond(iiif.hall_collection(hall, items, base_url()))
