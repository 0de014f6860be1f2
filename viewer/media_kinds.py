"""The item page's media partials, from the media-kind registry (:mod:`media.kinds`).

Templates ask ``item_kinds(item)`` for the registered kinds of an item's assets that have a partial
(``MediaKind.template``) and include ``kind.template``, ``kind.template | media_part('head')`` and
``kind.template | media_part('scripts')``; no template names a kind. A kind from another package
brings its partials in ``MediaKind.templates`` (a folder), found by :class:`KindTemplates` after the
app's own templates.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from flask import Flask
from jinja2 import BaseLoader, ChoiceLoader, Environment, TemplateNotFound
from jinja2.loaders import split_template_path

import ingest.plugins  # noqa: F401  (adds the built-in kinds to the registry)
from media.kinds import MediaKind, media_kinds


def item_kinds(item: Any) -> list[MediaKind]:
    """The kinds of the item's assets that have an item-page partial, in the order of their first asset."""
    registered = media_kinds()
    found: dict[str, MediaKind] = {}
    for asset in item.assets:
        kind = registered.get(asset.kind)
        if kind is not None and kind.template and kind.name not in found:
            found[kind.name] = kind
    return list(found.values())


def media_part(template: str, part: str) -> str:
    """``media/video.html`` → ``media/video_head.html`` (``part`` = 'head' or 'scripts')."""
    stem, dot, suffix = template.rpartition(".")
    return f"{stem}_{part}.{suffix}" if dot else f"{template}_{part}"


class KindTemplates(BaseLoader):
    """Finds a partial in the ``templates`` folder of the registered kind that names it (or its head/scripts)."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        for kind in media_kinds().values():
            if kind.templates is None or not kind.template:
                continue
            if template not in (kind.template, media_part(kind.template, "head"), media_part(kind.template, "scripts")):
                continue
            path = Path(kind.templates).joinpath(*split_template_path(template))
            if path.is_file():
                mtime = path.stat().st_mtime
                return path.read_text(encoding="utf-8"), str(path), lambda: path.is_file() and path.stat().st_mtime == mtime
        raise TemplateNotFound(template)


def init_app(app: Flask) -> None:
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, KindTemplates()])
    app.add_template_global(item_kinds)
    app.add_template_filter(media_part)
