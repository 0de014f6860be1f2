"""The curator API (scripts and the workspace's own pages): bearer token, or session cookie + CSRF header.

``GET|PATCH /curator/api/items/<item>`` carry the item's ETag; a PATCH needs ``If-Match`` (428
without it, 412 when stale, nothing written). Errors are JSON: 400 names the field, 401 without
credentials, 403 outside the user's museums, 404 unknown item, 409 a move that cannot be made.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request

from exhibits import curation, editing
from viewer.auth import api_auth, current_identity
from viewer.context import runtime

bp = Blueprint("curator_api", __name__, url_prefix="/curator/api")

MAX_JSON_BYTES = 1_000_000


@bp.get("/me")
@api_auth
def me():
    """Who the credentials belong to, and what they may work on."""
    identity = current_identity()
    return jsonify(name=identity.name, role=identity.role, museums=sorted(identity.museums),
                   venues=sorted(identity.venues), via=identity.via)


def _record(item_id: str) -> Response:
    from search.documents import item_document

    with runtime().db.session() as session:
        item = curation.get_item(session, current_identity(), item_id)
        body = {**item_document(item), **editing.snapshot(item), "state": item.state,
                "publication": item.publication, "error": item.error, "visible": item.visible}
        tag = editing.etag(item)
    response = jsonify(body)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _error(status: int, error: str, message: str, **extra) -> Response:
    response = jsonify(error=error, status=status, message=message, **extra)
    response.status_code = status
    return response


@bp.errorhandler(editing.ValidationFailed)
def _invalid(exc):
    return _error(400, "invalid", str(exc), fields=exc.errors)


@bp.errorhandler(editing.StaleEdit)
def _stale(exc):
    response = _error(412, "stale", "the item changed since you read it; GET it again and re-apply your change",
                      current=exc.current)
    response.headers["ETag"] = exc.current_etag
    return response


@bp.errorhandler(curation.CurationError)
def _conflict(exc):
    return _error(409, "conflict", str(exc), field=exc.field)


@bp.get("/items/<item_id>")
@api_auth
def item(item_id: str):
    return _record(item_id)


@bp.patch("/items/<item_id>")
@api_auth
def patch_item(item_id: str):
    if_match = request.headers.get("If-Match")
    if not if_match:
        return _error(428, "precondition_required", "send If-Match with the ETag of the version you edited")
    if (request.content_length or 0) > MAX_JSON_BYTES:
        return _error(413, "too_large", f"at most {MAX_JSON_BYTES} bytes of JSON")
    changes = request.get_json(silent=True)
    if not isinstance(changes, dict):
        return _error(400, "invalid", "the body must be a JSON object of the fields to change")
    editing.edit(runtime(), current_identity(), item_id, changes, if_match)
    return _record(item_id)


@bp.post("/items/<item_id>/<action>")
@api_auth
def move(item_id: str, action: str):
    moves = {"publish": "publish", "withdraw": "withdraw", "draft": "draft"}
    if action not in moves:
        abort(404)
    curation.set_publication(runtime(), current_identity(), [item_id], moves[action])
    return _record(item_id)
