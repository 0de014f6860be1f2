"""Extension points of the ingest, as pluggy hook specifications (Datasette's shape).

The built-in image, 3D and audio/video handling and the content sniffer are registered as
default plugins (:data:`ingest.plugins.DEFAULT_PLUGINS`); another package adds a kind of media
by implementing these hooks and registering itself under the ``jinshi`` entry point group.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("jinshi")
hookimpl = pluggy.HookimplMarker("jinshi")


@dataclass(frozen=True)
class MediaKind:
    """What the system needs to know about one kind of media file."""

    #: the ``Detected.kind`` and ``Asset.kind`` it handles: 'image', 'model', 'video', 'audio', ...
    name: str
    #: turns a stored original into derivatives and facts (``ingest.handlers.Handler``)
    handler: Any
    #: derivative names made for each original of this kind (checked and re-made by ``jinshi verify``)
    derivatives: tuple[str, ...] = ()
    #: the derivative that shows it as a still picture (None: the IIIF image itself)
    still: str | None = None
    #: derivatives served under ``/media/<sha256>/<name>``
    served: tuple[str, ...] = field(default=())


@hookspec
def media_kinds() -> list[MediaKind]:
    """Kinds of media file this plugin handles."""


@hookspec(firstresult=True)
def sniff(path: Path, head: bytes) -> Any:
    """What the file is by its content (an ``ingest.detect.Detected``), or None to let the next plugin try."""
