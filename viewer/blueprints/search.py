"""Search page, JSON search API, item API and the OpenAPI document (DESIGN.md, "URLs")."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from search.errors import QueryError
from search.query import FACETS, HELP, SORTS, parse_query
from search.suggest import search_with_suggestions
from viewer.context import absolute_url, base_url, runtime
from viewer.i18n import current_language, pick

bp = Blueprint("search", __name__)

WORDS = {
    "search": ("搜索", "Search"),
    "results": ("条结果", "results"),
    "no_results": ("没有找到匹配的展品。", "No objects match."),
    "help": ("查询语法", "Query language"),
    "sort": ("排序", "Sort"),
    "relevance": ("相关度", "Relevance"), "date": ("年代（早→晚）", "Date (oldest first)"),
    "-date": ("年代（晚→早）", "Date (newest first)"), "title": ("名称", "Title"),
    "museum": ("博物馆", "Museum"), "hall": ("展厅", "Hall"), "object_type": ("类型", "Object type"),
    "material": ("质地", "Material"), "period": ("年代", "Period"), "ich_category": ("非遗类别", "ICH category"),
    "ich_level": ("非遗级别", "ICH level"), "has_3d": ("三维模型", "3D model"), "has_video": ("视频", "Video"),
    "has_audio": ("音频", "Audio"), "true": ("有", "yes"), "false": ("无", "no"),
    "remove": ("移除筛选", "Remove filter"), "filters": ("筛选", "Filters"), "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"), "page": ("第 {} / {} 页", "Page {} of {}"), "error": ("查询有误", "Query problem"),
    "transcript": ("讲述文字", "Transcript"), "api": ("JSON 接口", "JSON API"),
    "suggestions": ("搜索建议", "Suggestions"), "try": ("试试：", "Try:"), "halls": ("展厅", "Halls"),
}


def t(key: str) -> str:
    zh, en = WORDS.get(key, (key, key))
    return zh if current_language() == "zh" else en


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
    return render_template(
        "search.html", q=request.args.get("q", ""), query=query, results=results, error=error,
        facets=FACETS, sorts=SORTS, filters=_filters_from_args(), help_text=HELP, t=t,
        url=_url, toggle=_toggle, labels=labels, sort=request.args.get("sort", "relevance"),
        api_url=url_for("search.api_search") + ("?" + request.query_string.decode("utf-8", "replace") if request.query_string else ""),
    ), status


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
    doc["links"] = {
        "page": absolute_url("public.item", item_id=item_id),
        "manifest": absolute_url("iiif_presentation.manifest", item_id=item_id),
    }
    return _cors(jsonify(doc))


@bp.route("/api/openapi.json")
def openapi():
    from search.openapi import openapi_document

    return _cors(jsonify(openapi_document(base_url())))
