"""search/ knows the index: one backend interface, a Whoosh backend (embedded default) and an
Elasticsearch backend (scale), text analysis shared by both, the query model and its parser.

    index = open_index(settings)                     # Whoosh for a path, Elasticsearch for http(s)://
    index.upsert([item_document(item)])
    index.search(parse_query("青铜 鼎", {"museum": ["copper"]})).to_api()
"""
from __future__ import annotations

from typing import Callable, Iterable, Protocol, runtime_checkable

from search.errors import QueryError, SearchError
from search.query import SearchQuery, parse_query
from search.results import SearchResults

__all__ = ["open_index", "SearchIndex", "SearchQuery", "SearchResults", "parse_query", "QueryError", "SearchError"]


@runtime_checkable
class SearchIndex(Protocol):
    backend: str

    def upsert(self, docs: Iterable[dict]) -> None: ...

    def delete(self, item_ids: Iterable[str]) -> None: ...

    def apply(self, upserts: Iterable[dict] = (), deletes: Iterable[str] = (), marker: dict | None = None) -> None:
        """Upserts and deletes together, then record the catalogue sync marker."""

    def rebuild(self, docs: Iterable[dict], total: int | None = None,
                progress: Callable[[int], None] | None = None, marker: dict | None = None) -> int: ...

    def search(self, query: SearchQuery, lang: str | None = None) -> SearchResults: ...

    def get(self, item_id: str) -> dict | None: ...

    def count(self) -> int: ...

    def ids(self) -> set[str]: ...

    def get_marker(self) -> dict: ...

    def set_marker(self, marker: dict) -> None: ...

    def close(self) -> None: ...


def open_index(settings) -> SearchIndex:
    """The backend named by ``settings.search_url``: Elasticsearch for http(s)://, else a Whoosh folder."""
    url = settings.search_url or str(settings.home / "index")
    if url.startswith(("http://", "https://")):
        from search.es_backend import ElasticsearchIndex

        return ElasticsearchIndex(url)
    from search.whoosh_backend import WhooshIndex

    return WhooshIndex(url)
