"""The extension points under their old name: the hook markers and ``MediaKind`` are in :mod:`media.kinds`.

Kept for plugins written against ``ingest.hookspecs`` (``hookimpl``, ``MediaKind``)."""
from media.kinds import MediaKind, hookimpl, hookspec

__all__ = ["MediaKind", "hookimpl", "hookspec"]
