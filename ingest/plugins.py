"""The built-in media kinds, as default plugins of the registry in :mod:`media.kinds`.

They bind ingest's handlers (``ingest/handlers``) to exhibits' IIIF builders, so this package, which
may import both, declares them; importing this module adds them to the registry (the viewer app and
the worker import it at start). Installed plugins (the ``jinshi`` entry point group) come after them.
"""
from __future__ import annotations

from media import kinds
from media.kinds import MediaKind, manager, media_kind, media_kinds

DEFAULT_PLUGINS = (
    "media.detect",
    "ingest.handlers.image",
    "ingest.handlers.model3d",
    "ingest.handlers.av",
)

kinds.add_default_plugins(*DEFAULT_PLUGINS)

__all__ = ["DEFAULT_PLUGINS", "MediaKind", "manager", "media_kind", "media_kinds"]
