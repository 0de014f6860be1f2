"""Media handlers: one per kind of media file, registered by kind.

A handler turns a stored original into derivatives and returns the facts the catalogue
records (:class:`AssetFacts`). Handlers for 3D models, video and audio register
themselves here the same way the image handler does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from exhibits.settings import Settings
from ingest.detect import Detected
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


HANDLERS: dict[str, Handler] = {}


def register(kind: str) -> Callable[[type], type]:
    def decorator(cls: type) -> type:
        HANDLERS[kind] = cls()
        return cls

    return decorator


def handler_for(kind: str) -> Handler | None:
    _load_builtin_handlers()
    return HANDLERS.get(kind)


def _load_builtin_handlers() -> None:
    """Import the built-in handlers (each registers itself); a broken module raises, never hides."""
    from ingest.handlers import av, image, model3d  # noqa: F401
