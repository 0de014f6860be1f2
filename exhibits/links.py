"""Absolute links between Jinshi's open interfaces, built from the base URL (one place for each shape)."""
from __future__ import annotations

from urllib.parse import quote, urlsplit


def repository_id(base: str) -> str:
    """The OAI-PMH repository identifier: the host of the base URL."""
    return (urlsplit(base).hostname or "localhost").lower()


def oai_identifier(base: str, item_id: str) -> str:
    return f"oai:{repository_id(base)}:{item_id}"


def oai_record(base: str, item_id: str, prefix: str = "oai_dc") -> str:
    return f"{base}/oai?verb=GetRecord&metadataPrefix={prefix}&identifier={quote(oai_identifier(base, item_id), safe=':')}"


def oai_set(base: str, spec: str, prefix: str = "oai_dc") -> str:
    return f"{base}/oai?verb=ListRecords&metadataPrefix={prefix}&set={quote(spec, safe=':')}"


def api_item(base: str, item_id: str) -> str:
    return f"{base}/api/items/{item_id}"


def api_museum(base: str, slug: str) -> str:
    return f"{base}/api/museums/{slug}"


def api_hall(base: str, slug: str) -> str:
    return f"{base}/api/halls/{slug}"


def museum_page(base: str, slug: str) -> str:
    return f"{base}/museums/{slug}"


def hall_page(base: str, museum: str, hall: str) -> str:
    return f"{base}/museums/{museum}/halls/{hall}"


def item_page(base: str, item_id: str) -> str:
    return f"{base}/items/{item_id}"
