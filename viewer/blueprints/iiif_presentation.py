"""IIIF Presentation 3.0 (item manifests, museum and hall collections) and Content Search 2.0 in an item."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, Response, abort, request

from exhibits import collections, iiif, iiif_media
from search.analysis import fold, to_simplified
from viewer.context import base_url, db_session, get_item_or_404
from viewer.http_cache import conditional

bp = Blueprint("iiif_presentation", __name__, url_prefix="/iiif")


def normalise_text(text: str) -> str:
    """Fold case, tone marks and traditional characters, as the search index does."""
    return fold(to_simplified(text))


PRESENTATION_PROFILE = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'


def _respond(resource, last_modified: datetime | None = None) -> Response:
    wants_ld = "application/ld+json" in request.headers.get("Accept", "")
    response = Response(iiif.to_json(resource), mimetype="application/json")
    if wants_ld:
        response.headers["Content-Type"] = PRESENTATION_PROFILE
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept")
    return conditional(response, last_modified=last_modified)


@bp.route("/items/<item_id>/manifest")
def manifest(item_id: str):
    item = get_item_or_404(item_id)
    return _respond(iiif.item_manifest(item, base_url()), last_modified=item.updated)


@bp.route("/items/<item_id>/search")
def search_within(item_id: str):
    """IIIF Content Search 2.0 inside one item's captions and transcripts."""
    query = request.args.get("q", "").strip()
    if not query or len(query) > 200:
        abort(400, "q is required (at most 200 characters)")
    item = get_item_or_404(item_id)
    answer = iiif_media.search_within(item, base_url(), query.split(), normalise_text)
    response = Response(json.dumps(answer, ensure_ascii=False), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/collection")
def site_collection():
    return _respond(*collections.site(db_session(), base_url()))


@bp.route("/museums/<slug>/collection")
def museum_collection(slug: str):
    return _respond(*(collections.museum(db_session(), slug, base_url()) or abort(404)))


@bp.route("/halls/<slug>/collection")
def hall_collection(slug: str):
    return _respond(*(collections.hall(db_session(), slug, base_url()) or abort(404)))


@bp.route("/halls/<slug>/collection/<int:number>")
def hall_collection_page(slug: str, number: int):
    return _respond(*(collections.hall_page(db_session(), slug, number, base_url()) or abort(404)))
