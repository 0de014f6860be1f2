"""Media handlers: one per kind of media file, registered by kind.

A handler turns a stored original into derivatives and returns the facts the catalogue
records (:class:`AssetFacts`). Each handler module is a default plugin that declares its
kind through the ``media_kinds`` hook (:mod:`media.kinds`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from exhibits.settings import Settings
from ingest.plugins import media_kind
from media.detect import Detected
from media.store import MediaStore


@dataclass
class AssetFacts:
    kind: str
    mime: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    language: str | None = None
    role: str = "main"
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class MediaFile:
    """A media file of an item with its companion files (captions, textures, .mtl ...)."""

    path: Path
    detected: Detected
    companions: list[tuple[Path, Detected]] = field(default_factory=list)


@dataclass
class Companion:
    """A companion file already stored: its facts become an extra asset of the item."""

    path: Path
    sha256: str
    size: int
    facts: AssetFacts


class Handler(Protocol):
    def process(self, store: MediaStore, settings: Settings, sha256: str, media: MediaFile) -> tuple[AssetFacts, list[Companion]]:
        """Make derivatives (atomically, idempotently) and return the asset's facts.

        Raise media.errors.MediaError with a message for a person when the file cannot be used.
        """


def handler_for(kind: str) -> Handler | None:
    """The handler of a media kind, from the plugin registry (``ingest.plugins``)."""
    found = media_kind(kind)
    return found.handler if found is not None else None
