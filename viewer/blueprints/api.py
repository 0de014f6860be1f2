"""JSON API for museums and halls (``/api/museums``, ``/api/museums/<m>``, ``/api/halls/<h>``)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from exhibits import records
from viewer.context import base_url, db_session
from viewer.http_cache import conditional

bp = Blueprint("api", __name__, url_prefix="/api")


def _only(*allowed: str) -> None:
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        known = ", ".join(allowed) or "none"
        abort(400, description=f"unknown parameter {unknown[0]!r} (this endpoint takes: {known})")


def _answer(found):
    if found is None:
        abort(404)
    record, newest = found
    response = jsonify(record)
    response.headers["Cache-Control"] = "public, max-age=60"
    return conditional(response, last_modified=newest)


@bp.route("/museums")
def museums():
    _only()
    return _answer(records.museums(db_session(), base_url()))


@bp.route("/museums/<slug>")
def museum(slug: str):
    _only()
    found = records.museum(db_session(), slug, base_url())
    if found is None:
        abort(404, description=f"no museum {slug!r}")
    return _answer(found)


@bp.route("/halls/<slug>")
def hall(slug: str):
    _only("page", "per_page")
    try:
        page, per_page = records.page_arguments(request.args.get("page"), request.args.get("per_page"))
    except records.RecordQueryError as exc:
        abort(400, description=exc.message)
    found = records.hall(db_session(), slug, base_url(), page, per_page)
    if found is None:
        abort(404, description=f"no published hall {slug!r}")
    return _answer(found)
