"""The media-kind registry: pluggy hook specifications and the one plugin manager (Datasette's shape).

A :class:`MediaKind` is everything the system knows about one kind, in one place: its ``sniff``
answer (``Detected.kind``) picks it, its ``handler`` makes the derivatives at ingest, its
``canvas`` builds the IIIF canvases of the manifest, its ``thumbnail`` the still picture of lists
and collections, its ``template`` is the partial the item page includes (with ``<stem>_head.html``
and ``<stem>_scripts.html`` beside it when they exist), and its ``served`` derivatives (with their
``types``) are what ``/media/<sha256>/<name>`` answers. Everything looks kinds up through
:func:`media_kind` / :func:`media_kinds`; nothing else names a kind.

Why here: exhibits (manifests), viewer (item-page partials, ``/media/``) and ingest (handlers,
``jinshi verify``) all read this registry, and ``media/`` is the layer each of them may depend on
(DESIGN: dependencies point one way; ``exhibits`` never imports ``ingest``). The registry itself
names no other package: the built-in image, 3D and audio/video kinds bind ingest's handlers to
exhibits' IIIF builders, so ``ingest.plugins`` (which may import both) adds them with
:func:`add_default_plugins` when it is imported, as the viewer app and the worker do at start.
Another package adds a kind by implementing these hooks under the ``jinshi`` entry point group.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

import pluggy

hookspec = pluggy.HookspecMarker("jinshi")
hookimpl = pluggy.HookimplMarker("jinshi")

#: Modules registered before installed plugins, in this order; the built-in sniffer is the first.
_DEFAULT_PLUGINS: list[str] = ["media.detect"]


class NoMediaKinds(RuntimeError):
    """The registry was asked for kinds before any package declared one (``ingest.plugins`` was not imported)."""


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


class _Specs:
    """The hook specifications (a namespace for ``add_hookspecs``)."""

    @hookspec
    def media_kinds(self) -> list[MediaKind]:
        """Kinds of media file this plugin handles."""

    @hookspec(firstresult=True)
    def sniff(self, path: Path, head: bytes) -> Any:
        """What the file is by its content (a ``media.detect.Detected``), or None to let the next plugin try."""


def add_default_plugins(*names: str) -> None:
    """Register the modules ``names`` (import names) as default plugins, after those already given.

    Called by the package that owns them (``ingest.plugins``); the manager is rebuilt on its next use.
    """
    new = [name for name in names if name not in _DEFAULT_PLUGINS]
    if new:
        _DEFAULT_PLUGINS.extend(new)
        manager.cache_clear()


def default_plugins() -> tuple[str, ...]:
    return tuple(_DEFAULT_PLUGINS)


@lru_cache(maxsize=1)
def manager() -> pluggy.PluginManager:
    """Default plugins (imported by name and registered whole), then installed ones.

    An import error in any of them is raised, never turned into "not supported"."""
    pm = pluggy.PluginManager("jinshi")
    pm.add_hookspecs(_Specs)
    for name in _DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name)
    pm.load_setuptools_entrypoints("jinshi")
    return pm


def media_kinds() -> dict[str, MediaKind]:
    """Every registered kind by name; a later plugin's kind of the same name wins."""
    kinds: dict[str, MediaKind] = {}
    for found in reversed(manager().hook.media_kinds()):  # pluggy calls the last registered first
        for kind in found or ():
            kinds[kind.name] = kind
    if not kinds:
        raise NoMediaKinds("no media kind is registered: import ingest.plugins first (it adds the built-in kinds; "
                           "the viewer app and the worker import it at start)")
    return kinds


def media_kind(name: str) -> MediaKind | None:
    """The kind of that name, or None (tracks and companions, or a kind no plugin offers)."""
    return media_kinds().get(name)
