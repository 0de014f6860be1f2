"""Extension points of the ingest, as pluggy hook specifications (Datasette's shape).

The built-in image, 3D and audio/video handling and the content sniffer are registered as
default plugins (:data:`ingest.plugins.DEFAULT_PLUGINS`); another package adds a kind of media
by implementing these hooks and registering itself under the ``jinshi`` entry point group.

A :class:`MediaKind` is everything the system knows about one kind, in one place: its ``sniff``
answer (``Detected.kind``) picks it, its ``handler`` makes the derivatives at ingest, its
``canvas`` builds the IIIF canvases of the manifest, its ``thumbnail`` the still picture of lists
and collections, its ``template`` is the partial the item page includes (with ``<stem>_head.html``
and ``<stem>_scripts.html`` beside it when they exist), and its ``served`` derivatives (with their
``types``) are what ``/media/<sha256>/<name>`` answers. Everything looks kinds up through
``ingest.plugins.media_kind(s)``; nothing else names a kind.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

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
    #: MIME type of each served derivative (a served name without one is sent as application/octet-stream)
    types: Mapping[str, str] = field(default_factory=dict)
    #: ``(item, asset, base_url, index) -> list[iiif_prezi3.Canvas]``: the asset's canvases in the item's manifest
    canvas: Callable[..., list] | None = None
    #: ``(asset, base_url) -> iiif_prezi3.AnnotationBody``: the asset's still picture in lists and collections
    thumbnail: Callable[..., Any] | None = None
    #: the item-page partial that shows assets of this kind (None: the page draws it itself, as the
    #: deep-zoom viewer of images); ``<stem>_head.html`` and ``<stem>_scripts.html`` are included if present
    template: str | None = None
    #: a folder holding ``template`` (and its head/scripts partials) for a kind outside ``viewer/templates``
    templates: Path | None = None


@hookspec
def media_kinds() -> list[MediaKind]:
    """Kinds of media file this plugin handles."""


@hookspec(firstresult=True)
def sniff(path: Path, head: bytes) -> Any:
    """What the file is by its content (an ``ingest.detect.Detected``), or None to let the next plugin try."""
