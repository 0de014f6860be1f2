"""The running system's parts, built once from Settings: catalogue, media store, search index.

Both the Flask app (``app.extensions["jinshi"]``) and the CLI hold one Runtime. Importing this module
registers the built-in media kinds (``ingest.plugins``), which manifests, stills in the search index and
``jinshi verify`` look up in :mod:`media.kinds`, in every process that holds a Runtime.
"""
from __future__ import annotations

import logging
from functools import cached_property
from typing import Iterable

import ingest.plugins  # noqa: F401  (adds the built-in media kinds to the registry)
from exhibits.db import Database
from exhibits.settings import Settings
from media.store import MediaStore


class Runtime:
    def __init__(self, settings: Settings | None = None, migrate: bool = True) -> None:
        self.settings = settings or Settings.from_env()
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.db = Database.from_settings(self.settings, migrate=migrate)
        self.store = MediaStore(self.settings.media_root)

    @cached_property
    def index(self):
        """The search backend chosen by ``JINSHI_SEARCH_URL`` (opened on first use)."""
        from search import open_index

        return open_index(self.settings)

    def reindex(self, item_ids: Iterable[str]) -> None:
        """Bring the search index in line with the catalogue for these items (after a service's commit).

        A failure is logged, not raised: the catalogue is the truth, and the next reindex, ingest or
        ``jinshi index rebuild`` catches the index up (search.sync keeps a marker for that).
        """
        from search.sync import reindex_items

        try:
            reindex_items(self.db, self.index, list(item_ids))
        except Exception:  # noqa: BLE001 - the index is repairable, the catalogue write stands
            logging.getLogger(__name__).exception("search index update failed for %s", list(item_ids)[:20])

    def close(self) -> None:
        if "index" in self.__dict__:
            self.index.close()
        self.db.dispose()
