"""The search page's download button: the current query and facets as the ingest CSV or JSON Lines."""
from __future__ import annotations

import io

from flask import Blueprint, Response, abort, request

from exhibits import export
from search.errors import QueryError
from search.query import FACETS, MAX_PER_PAGE, parse_query
from viewer.context import base_url, runtime

bp = Blueprint("export", __name__)

#: Most rows one download gives (a larger catalogue is exported with `jinshi export`).
MAX_ROWS = 5000
TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}


@bp.route("/search/export")
def search_export():
    fmt = request.args.get("format", "csv")
    if fmt not in TYPES:
        abort(400, description=f"format must be csv or jsonl, not {fmt[:20]!r}")
    filters = {name: request.args.getlist(name) for name in FACETS if request.args.getlist(name)}
    ids: list[str] = []
    page = 1
    try:
        while len(ids) < MAX_ROWS:
            query = parse_query(request.args.get("q", ""), filters, sort=request.args.get("sort", "relevance") or "relevance",
                                page=page, per_page=MAX_PER_PAGE)
            results = runtime().index.search(query)
            hits = [hit.id if hasattr(hit, "id") else hit["id"] for hit in results.hits]
            ids += hits
            if not hits or len(ids) >= results.total:
                break
            page += 1
    except QueryError as exc:
        abort(400, description=exc.message)
    buffer = io.BytesIO()
    export.write(runtime().db, fmt, buffer, ids=ids[:MAX_ROWS], base=base_url())
    response = Response(buffer.getvalue(), mimetype=TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="jinshi-search.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    if fmt == "csv":
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response
