"""IIIF Change Discovery 1.0 at ``/iiif/activity/all-changes`` (pages at ``.../all-changes/<n>``)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort

from exhibits import activity
from viewer.context import base_url, db_session
from viewer.http_cache import conditional

bp = Blueprint("iiif_activity", __name__)

ACTIVITY_TYPE = 'application/ld+json;profile="https://www.w3.org/ns/activitystreams"'


def _respond(document: dict, last_modified, max_age: int) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False), mimetype="application/json")
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return conditional(response, last_modified=last_modified)


@bp.route(activity.PATH)
def all_changes():
    return _respond(*activity.ordered_collection(db_session(), base_url()), max_age=60)


@bp.route(f"{activity.PATH}/<int:number>")
def page(number: int):
    found = activity.page(db_session(), base_url(), number)
    if found is None:
        abort(404, description=f"no page {number} of the change log")
    document, newest = found
    full = len(document["orderedItems"]) == activity.PAGE_SIZE and "next" in document
    return _respond(document, newest, max_age=86400 if full else 60)  # a full page never changes again
