"""Search page, JSON search API, item API and the OpenAPI document (DESIGN.md, "URLs")."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_babel import gettext, pgettext

from exhibits import links
from search.errors import QueryError
from search.periods import chronological
from search.query import FACETS, SORTS, parse_query
from search.suggest import search_with_suggestions
from viewer.context import base_url, runtime
from viewer.http_cache import conditional
from viewer.i18n import current_language, pick

bp = Blueprint("search", __name__)

def facet_label(key: str) -> str:
    """The page-language name of a facet, a sort order or a yes/no facet value (the key itself if unknown)."""
    names = {
        "museum": gettext("Museum"), "hall": gettext("Hall"), "object_type": gettext("Object type"),
        "material": gettext("Material"), "period": gettext("Period"), "ich_category": gettext("ICH category"),
        "ich_level": gettext("ICH level"), "has_3d": gettext("3D model"), "has_video": gettext("Video"),
        "has_audio": gettext("Audio"), "true": pgettext("facet value", "yes"), "false": pgettext("facet value", "no"),
        "relevance": gettext("Relevance"), "date": gettext("Date (oldest first)"),
        "-date": gettext("Date (newest first)"), "title": gettext("Title"),
    }
    return names.get(key, key)


def _filters_from_args() -> dict[str, list[str]]:
    return {name: request.args.getlist(name) for name in FACETS if request.args.getlist(name)}


def _query_from_request():
    return parse_query(
        request.args.get("q", ""),
        _filters_from_args(),
        sort=request.args.get("sort", "relevance") or "relevance",
        page=request.args.get("page", 1) or 1,
        per_page=request.args.get("per_page", 20) or 20,
    )


def _url(**changes) -> str:
    """The current search URL with some parameters changed (lists replace, None removes)."""
    args = {k: request.args.getlist(k) for k in request.args}
    args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [str(value)]
    pairs = [(k, v) for k, vs in args.items() for v in vs if v != ""]
    return url_for("search.page") + ("?" + urlencode(pairs) if pairs else "")


def _toggle(name: str, value: str) -> str:
    current = request.args.getlist(name)
    new = [v for v in current if v != value] if value in current else current + [value]
    return _url(**{name: new or None})


@bp.route("/search")
def page():
    rt = runtime()
    error = None
    results = None
    try:
        query = _query_from_request()
        labels = _labels()
        results = search_with_suggestions(rt.index, query, labels, lang=current_language())
    except QueryError as exc:
        error = exc.message
        query = None
        labels = _labels()
    for name, entries in (results.facets if results else {}).items():
        shown: dict[str, list[str]] = {}
        for entry in entries:  # object_type, material and period values the catalogue translates
            if entry.get("label"):
                label = labels.setdefault(name, {}).setdefault(entry["value"], entry["label"])
                shown.setdefault(pick(label), []).append(entry["value"])
        lang = current_language()
        for text, values in shown.items():
            if len(values) > 1 and lang != "zh":  # two values, one translation (铜镜 and 镜: mirror): tell them apart
                for value in values:
                    labels[name][value] = {lang: [f"{text} ({value})"]}
    status = 400 if error else 200
    shown_facets = _shown_facets(results.facets if results else {})
    return render_template(
        "search.html", q=request.args.get("q", ""), query=query, results=results, error=error,
        facets=FACETS, shown_facets=shown_facets, sorts=SORTS, filters=_filters_from_args(), label=facet_label,
        url=_url, toggle=_toggle, labels=labels, sort=request.args.get("sort", "relevance"),
        api_url=url_for("search.api_search") + ("?" + request.query_string.decode("utf-8", "replace") if request.query_string else ""),
    ), status


#: Values one facet lists on the page.
FACET_VALUES_SHOWN = 12


def _shown_facets(facets: dict) -> dict[str, list[dict]]:
    """The facet values the page lists: the most frequent first, except periods, which go by date."""
    shown = {}
    for name, entries in facets.items():
        if name == "period":
            shown[name] = chronological(entries, FACET_VALUES_SHOWN)
        else:
            shown[name] = sorted(entries, key=lambda e: -e.get("count", 0))[:FACET_VALUES_SHOWN]
    return shown


def _labels() -> dict:
    from search.sync import facet_labels

    try:
        return facet_labels(runtime().db)
    except Exception:  # labels are a nicety; slugs still work
        return {}


def _cors(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/api/search")
def api_search():
    try:
        query = _query_from_request()
    except QueryError as exc:
        response = jsonify(error="Bad Request", status=400, message=exc.message)
        response.status_code = 400
        return _cors(response)
    lang = request.args.get("lang") if request.args.get("lang") in ("zh", "en") else None
    results = search_with_suggestions(runtime().index, query, _labels(), lang=lang)
    return _cors(jsonify(results.to_api(base_url())))


@bp.route("/api/items/<item_id>")
def api_item(item_id: str):
    from search.sync import visible_document

    doc = visible_document(runtime().db, item_id)
    if doc is None:
        abort(404, description=f"No visible item {item_id!r}.")
    doc = dict(doc)
    base = base_url()
    doc["links"] = {
        "page": f"{base}/items/{item_id}",
        "manifest": f"{base}/iiif/items/{item_id}/manifest",
        "oai_dc": links.oai_record(base, item_id),
    }
    from exhibits.records import item_updated
    from viewer.context import db_session

    return conditional(_cors(jsonify(doc)), last_modified=item_updated(db_session(), item_id))


@bp.route("/api/openapi.json")
def openapi():
    from search.openapi import openapi_document

    from exhibits.api_schema import examples, extend
    from viewer.context import db_session

    return _cors(jsonify(extend(openapi_document(base_url()), examples(db_session()))))
