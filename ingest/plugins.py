"""The plugin manager: default plugins (built-in media kinds, the content sniffer), then installed ones.

Modules are imported by name and registered whole (Datasette's ``DEFAULT_PLUGINS``); an import
error in any of them is raised, never turned into "not supported".
"""
from __future__ import annotations

import importlib
from functools import lru_cache

import pluggy

from ingest import hookspecs
from ingest.hookspecs import MediaKind

DEFAULT_PLUGINS = (
    "ingest.detect",
    "ingest.handlers.image",
    "ingest.handlers.model3d",
    "ingest.handlers.av",
)


@lru_cache(maxsize=1)
def manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("jinshi")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name)
    pm.load_setuptools_entrypoints("jinshi")
    return pm


def media_kinds() -> dict[str, MediaKind]:
    """Every registered kind by name; a later plugin's kind of the same name wins."""
    kinds: dict[str, MediaKind] = {}
    for found in reversed(manager().hook.media_kinds()):  # pluggy calls the last registered first
        for kind in found or ():
            kinds[kind.name] = kind
    return kinds


def media_kind(name: str) -> MediaKind | None:
    return media_kinds().get(name)
