"""OpenAPI 3.1 paths and schemas of the museum and hall records (merged into ``/api/openapi.json``)."""
from __future__ import annotations

from typing import Any

from exhibits.records import MAX_PAGE, MAX_PER_PAGE

_LANGMAP = {"$ref": "#/components/schemas/LangMap"}
_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_LINKS = {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}
_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}


def _ok(ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "headers": {
        "ETag": {"schema": {"type": "string"}}, "Last-Modified": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


PATHS: dict[str, Any] = {
    "/api/museums": {"get": {
        "operationId": "listMuseums", "summary": "Every museum with its published halls",
        "responses": {"200": _ok("MuseumList", "The museums"), "400": {"description": "Unknown parameter", **_ERROR}},
    }},
    "/api/museums/{slug}": {"get": {
        "operationId": "getMuseum", "summary": "One museum with its published halls and their item counts",
        "parameters": [_SLUG],
        "responses": {"200": _ok("Museum", "The museum"), "400": {"description": "Unknown parameter", **_ERROR},
                      "404": {"description": "No such museum", **_ERROR}},
    }},
    "/api/halls/{slug}": {"get": {
        "operationId": "getHall", "summary": "One published hall with a page of its visible items",
        "parameters": [
            _SLUG,
            {"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
            {"name": "per_page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20}},
        ],
        "responses": {"200": _ok("Hall", "The hall"), "400": {"description": "Bad page or per_page, or unknown parameter", **_ERROR},
                      "404": {"description": "No such published hall", **_ERROR}},
    }},
}

_HALL_REF = {"type": "object", "required": ["slug", "title", "links"], "properties": {
    "slug": {"type": "string"}, "title": _LANGMAP, "summary": _LANGMAP,
    "items": {"type": "integer", "minimum": 0}, "links": _LINKS}}

SCHEMAS: dict[str, Any] = {
    "MuseumList": {"type": "object", "required": ["museums", "links"], "properties": {
        "museums": {"type": "array", "items": {"$ref": "#/components/schemas/Museum"}}, "links": _LINKS}},
    "Museum": {"type": "object", "required": ["slug", "title", "summary", "items", "halls", "links"], "properties": {
        "slug": {"type": "string"}, "title": _LANGMAP, "summary": _LANGMAP, "items": {"type": "integer", "minimum": 0},
        "halls": {"type": "array", "items": _HALL_REF}, "links": _LINKS}},
    "Hall": {"type": "object", "required": ["slug", "museum", "title", "sections", "total", "page", "per_page", "items", "links"],
             "properties": {
                 "slug": {"type": "string"}, "museum": {"type": "string"}, "title": _LANGMAP, "summary": _LANGMAP,
                 "sections": {"type": "array", "items": {"type": "object", "required": ["slug", "title"],
                                                         "properties": {"slug": {"type": "string"}, "title": _LANGMAP}}},
                 "total": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1},
                 "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                 "items": {"type": "array", "items": {"type": "object", "required": ["id", "title", "links"], "properties": {
                     "id": {"type": "string"}, "title": _LANGMAP, "section": {"type": ["string", "null"]}, "links": _LINKS}}},
                 "links": _LINKS}},
}


def extend(document: dict[str, Any], examples: dict[str, str] | None = None) -> dict[str, Any]:
    """Add the catalogue paths and schemas to the search API's OpenAPI document.

    ``examples`` (``museum``, ``hall``, ``item``: ids that exist) become the path parameters'
    examples, so a reader, and a tester such as schemathesis, can try real records.
    """
    import copy

    document["paths"].update(copy.deepcopy(PATHS))
    document["components"]["schemas"].update(SCHEMAS)
    for path, key in (("/api/museums/{slug}", "museum"), ("/api/halls/{slug}", "hall"), ("/api/items/{item}", "item")):
        value = (examples or {}).get(key)
        operation = document["paths"].get(path, {}).get("get")
        if value and operation:
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    parameter["example"] = value
    return document


def examples(session) -> dict[str, str]:
    """A visible item, its hall and museum, as examples for the document."""
    from sqlalchemy import select

    from exhibits.models import Hall, Item, Museum
    from exhibits.states import visible

    row = session.execute(
        select(Item.id, Hall.slug, Museum.slug).join(Hall, Item.hall_id == Hall.id).join(Museum, Item.museum_id == Museum.id)
        .where(visible()).order_by(Item.position, Item.id).limit(1)
    ).first()
    return {"item": row[0], "hall": row[1], "museum": row[2]} if row else {}
