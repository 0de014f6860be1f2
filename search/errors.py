"""Errors of the search package."""
from __future__ import annotations


class SearchError(Exception):
    """Base class for search failures."""


class QueryError(SearchError, ValueError):
    """A malformed or too expensive query; the message is shown to users."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


class IndexLockTimeout(SearchError):
    """Another process held the index write lock for too long."""
