"""The OpenAPI 3.1 description of the JSON API (served at ``/api/openapi.json``)."""
from __future__ import annotations

from typing import Any

from search.query import FACETS, HELP, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, SORTS

LANGMAP = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
           "description": "Language map, as in IIIF: {\"zh\": [...], \"en\": [...]}"}


def openapi_document(server: str = "") -> dict[str, Any]:
    facet_params = [{
        "name": name, "in": "query", "required": False, "explode": True,
        "description": f"Filter by the {name} facet (repeat for several values; values of one facet are OR-ed).",
        "schema": {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 20},
    } for name in FACETS]
    error = {"description": "Malformed query or parameter",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Jinshi 金石 API", "version": "1.0.0",
                 "description": "Search and read the visible items of the Jinshi digital museums."},
        "servers": [{"url": server or "/"}],
        "paths": {
            "/api/search": {"get": {
                "operationId": "search",
                "summary": "Full-text search with facets",
                "description": "Query language:\n\n```\n" + HELP + "\n```",
                "parameters": [
                    {"name": "q", "in": "query", "required": False, "description": "Query (empty = all items)",
                     "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH}},
                    {"name": "page", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
                    {"name": "per_page", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20}},
                    {"name": "sort", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"}},
                    {"name": "lang", "in": "query", "required": False, "description": "Preferred snippet language",
                     "schema": {"type": "string", "enum": ["zh", "en"]}},
                    *facet_params,
                ],
                "responses": {
                    "200": {"description": "Results", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResults"}}}},
                    "400": error,
                },
            }},
            "/api/items/{item}": {"get": {
                "operationId": "getItem",
                "summary": "One visible item as its search document",
                "parameters": [{"name": "item", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "The item", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                    "404": {"description": "No visible item", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                },
            }},
            "/api/openapi.json": {"get": {"operationId": "openapi", "summary": "This document",
                                          "responses": {"200": {"description": "OpenAPI 3.1 document",
                                                                "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {
            "LangMap": LANGMAP,
            "Error": {"type": "object", "required": ["error", "status", "message"], "properties": {
                "error": {"type": "string"}, "status": {"type": "integer"}, "message": {"type": "string"}}},
            "Hit": {"type": "object", "required": ["id", "title", "score"], "properties": {
                "id": {"type": "string"}, "title": {"$ref": "#/components/schemas/LangMap"},
                "score": {"type": ["number", "null"], "description": "Relevance score (null when sorted otherwise)"},
                "snippet": {"type": ["string", "null"], "description": "HTML-escaped excerpt; matches in <mark>"},
                "highlights": {"type": "array", "items": {"type": "object", "properties": {
                    "field": {"type": "string"}, "start": {"type": ["number", "null"]}, "html": {"type": "string"}}}},
                "museum": {"type": ["string", "null"]}, "hall": {"type": ["string", "null"]},
                "object_type": {"type": ["string", "null"]},
                "date_start": {"type": ["integer", "null"]}, "date_end": {"type": ["integer", "null"]},
                "period": {"$ref": "#/components/schemas/LangMap"},
                "thumbnail": {"type": ["string", "null"], "description": "IIIF image id (/iiif/3/<id>/info.json) of the first photo; null for items without one"},
                "thumbnail_url": {"type": ["string", "null"], "format": "uri-reference",
                                  "description": "URL of a still picture of the item for result lists, for every kind of media: "
                                                 "the first photo (IIIF, 400 px wide), a 3D model's rendering (/media/<sha>/thumbnail.jpg), "
                                                 "a video's poster (poster.jpg) or an audio recording's waveform (waveform.png); "
                                                 "the same picture as the manifest's thumbnail. Null when the item has no media."},
                "has_3d": {"type": "boolean"}, "has_video": {"type": "boolean"}, "has_audio": {"type": "boolean"}}},
            "FacetValue": {"type": "object", "required": ["value", "count"], "properties": {
                "value": {"type": "string", "description": "What the filter parameter takes"},
                "count": {"type": "integer", "minimum": 0},
                "label": {"$ref": "#/components/schemas/LangMap",
                          "description": "The value in other languages, where the catalogue translates it "
                                         "(object_type, material, period); absent otherwise"}}},
            "SearchResults": {"type": "object", "required": ["total", "page", "per_page", "hits", "facets"], "properties": {
                "total": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                "facets": {"type": "object", "properties": {name: {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}} for name in FACETS}},
                "suggestions": {"$ref": "#/components/schemas/Suggestions"}}},
            "Suggestions": {
                "type": "object", "required": ["queries", "facets", "halls"],
                "description": "Only when the query found nothing: queries that find something (each run before it "
                               "is offered; a word left out, or close names by spelling, pinyin or characters), "
                               "the facet values nearest to the query and the halls to browse.",
                "properties": {
                    "queries": {"type": "array", "items": {"type": "object", "required": ["q", "total", "why"], "properties": {
                        "q": {"type": "string"}, "total": {"type": "integer", "minimum": 1},
                        "why": {"type": "string", "enum": ["fewer words", "similar", "without filters"]}}}},
                    "facets": {"type": "object", "additionalProperties": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}},
                    "halls": {"type": "array", "items": {"type": "object", "required": ["value", "count"], "properties": {
                        "value": {"type": "string"}, "count": {"type": "integer"},
                        "label": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}}}},
            "Item": {"type": "object", "required": ["id", "title"], "additionalProperties": True, "properties": {
                "id": {"type": "string"}, "museum": {"type": ["string", "null"]}, "hall": {"type": ["string", "null"]},
                "section": {"type": ["string", "null"]}, "title": {"$ref": "#/components/schemas/LangMap"},
                "description": {"$ref": "#/components/schemas/LangMap"}, "object_type": {"type": ["string", "null"]},
                "date_start": {"type": ["integer", "null"]}, "date_end": {"type": ["integer", "null"]},
                "thumbnail": {"type": ["string", "null"]}, "transcript": {"type": "array"},
                "links": {"type": "object"}}},
        }},
    }
