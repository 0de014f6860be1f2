"""Keeping the index in step with the catalogue.

The catalogue is the source of truth; the index can always be rebuilt from it. After each
catalogue commit the ingest calls :func:`reindex_items` for the items it touched. The index
keeps a *sync marker* (the newest ``Item.updated`` and ``Change.id`` it has absorbed), written
only after its own commit, so if an index write fails or the process dies between the
catalogue commit and the index write, the next call finds the newer catalogue rows and
catches up; deletions that left no trace are found by comparing counts (and then ids).
The marker also records :data:`search.analysis.VERSION`: an index analysed by another version
is rebuilt from the catalogue by the next :func:`reindex_items`.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from exhibits.models import Change, Item
from exhibits.states import visible
from search.analysis import VERSION as ANALYSIS_VERSION, add_words
from search.documents import item_document

BATCH = 500


def _options():
    return (selectinload(Item.museum), selectinload(Item.hall), selectinload(Item.section), selectinload(Item.assets))


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat()


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value)


def _watermark(session) -> dict:
    newest = session.scalar(select(func.max(Item.updated)))
    change = session.scalar(select(func.max(Change.id)))
    return {"updated": _iso(newest), "change_id": change or 0, "analysis": ANALYSIS_VERSION}


def reindex_items(db, index, item_ids: Iterable[str] = (), full_check: bool = True) -> dict:
    """Upsert the visible ones of ``item_ids`` and delete the rest; catch up anything missed.

    Returns ``{"upserted": n, "deleted": m}``.
    """
    wanted = set(item_ids)
    load_catalogue_words(db)
    marker = index.get_marker()
    if marker and marker.get("analysis") != ANALYSIS_VERSION:
        # written by an older analysis (other index fields and tokens): build it again, in one go
        return {"upserted": rebuild_from_catalogue(db, index), "deleted": 0}
    with db.session() as session:
        target = _watermark(session)
        since = _parse(marker.get("updated"))
        if marker:
            # rows changed since the index last caught up (a failed or interrupted index write)
            stmt = select(Item.id)
            if since is not None:
                stmt = stmt.where(Item.updated >= since.replace(tzinfo=None)) if _naive(session) else stmt.where(Item.updated >= since)
            wanted.update(session.scalars(stmt))
            wanted.update(session.scalars(select(Change.item_id).where(Change.kind == "item", Change.id > int(marker.get("change_id") or 0))))
        else:
            wanted.update(session.scalars(select(Item.id)))  # an index that never synced: take everything
        upserts, deletes = _split(session, wanted)
    index.apply(upserts=upserts, deletes=deletes, marker=target)
    if full_check and index.count() != visible_count(db):
        # something was deleted or changed without leaving a trace: compare ids
        with db.session() as session:
            catalogue = set(session.scalars(select(Item.id).where(visible())))
            indexed = index.ids()
            more, _ = _split(session, catalogue - indexed)
        extra = sorted(indexed - catalogue)
        index.apply(upserts=more, deletes=extra)
        upserts.extend(more)
        deletes.extend(extra)
    return {"upserted": len(upserts), "deleted": len(deletes)}


def _naive(session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _split(session, ids: set[str]) -> tuple[list[dict], list[str]]:
    upserts: list[dict] = []
    deletes: list[str] = []
    ids = sorted(ids)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        found = {it.id: it for it in session.scalars(select(Item).where(Item.id.in_(chunk)).options(*_options()))}
        for item_id in chunk:
            item = found.get(item_id)
            if item is not None and item.visible:
                upserts.append(item_document(item))
            else:
                deletes.append(item_id)
    return upserts, deletes


def visible_count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Item).where(visible()))


def iter_visible_documents(db, batch: int = BATCH):
    """Every visible item's document, read in keyset-paginated batches."""
    last = ""
    while True:
        with db.session() as session:
            items = list(session.scalars(
                select(Item).where(visible(), Item.id > last)
                .order_by(Item.id).limit(batch).options(*_options())))
            docs = [item_document(it) for it in items]
        if not docs:
            return
        yield from docs
        last = docs[-1]["id"]


def rebuild_from_catalogue(db, index, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the catalogue (``jinshi index rebuild``); returns the count."""
    load_catalogue_words(db)
    with db.session() as session:
        target = _watermark(session)
    total = visible_count(db)
    return index.rebuild(iter_visible_documents(db), total=total, progress=progress, marker=target)


def visible_document(db, item_id: str) -> dict | None:
    """The search document of one visible item (for ``/api/items/<item>``), or None."""
    with db.session() as session:
        item = session.scalars(select(Item).where(Item.id == item_id).options(*_options())).first()
        if item is None or not item.visible:
            return None
        return item_document(item)


def facet_labels(db) -> dict[str, dict[str, dict]]:
    """Titles (language maps) of museum and hall slugs, to label their facets."""
    from exhibits.models import Hall, Museum
    from exhibits.profile import ICH_CATEGORIES, ICH_LEVELS

    with db.session() as session:
        labels = {
            "museum": {m.slug: m.title for m in session.scalars(select(Museum))},
            "hall": {h.slug: h.title for h in session.scalars(select(Hall))},
        }
    add_words(v for titles in labels.values() for title in titles.values() for v in (title or {}).get("zh") or [])
    # the national ICH categories and levels are a fixed vocabulary with English names (exhibits.profile)
    labels["ich_category"] = {zh: {"zh": [zh], "en": [en]} for zh, en in ICH_CATEGORIES.items()}
    labels["ich_level"] = {zh: {"zh": [zh], "en": [en]} for zh, en in ICH_LEVELS.items()}
    return labels


def load_catalogue_words(db) -> None:
    """Museum, hall and section names into the analysis's dictionary (search.analysis.add_words)."""
    from exhibits.models import Hall, Museum, Section

    with db.session() as session:
        titles = [t for model in (Museum, Hall, Section) for t in session.scalars(select(model.title))]
    add_words(v for title in titles for v in (title or {}).get("zh") or [] if isinstance(title, dict))


def document_loader(url: str) -> Callable[[list[str]], list[dict]]:
    """``ids -> the visible ones' documents``, over a catalogue connection of its own (for a worker process)."""
    from exhibits.db import Database

    db = Database(url)
    load_catalogue_words(db)

    def load(ids: list[str]) -> list[dict]:
        with db.session() as session:
            items = session.scalars(select(Item).where(Item.id.in_(ids), visible()).options(*_options()))
            return [item_document(item) for item in items]

    return load


class BulkReindex:
    """A long run of written items indexed by worker processes beside the catalogue writes (Whoosh).

    :meth:`add` hands item ids (already committed to the catalogue) to the workers, which load and
    analyse them in parallel; :meth:`finish` commits their segments with the sync marker, after
    catching up whatever other writers changed meanwhile (as :func:`reindex_items` does). Until then
    the index and its marker are unchanged, so a crash is repaired by the next sync like any failed
    index write. Holds the index's write lock from the first :meth:`add` to :meth:`finish`.
    """

    def __init__(self, db, index, processes: int | None = None) -> None:
        from contextlib import ExitStack

        from search.analysis import warm_up

        self.db, self.index = db, index
        load_catalogue_words(db)
        warm_up()  # jieba's dictionary loaded once here, inherited by the forked workers
        self._stack = ExitStack()
        url = db.engine.url.render_as_string(hide_password=False)
        self.appender = self._stack.enter_context(index.parallel_append(lambda: document_loader(url), processes))
        self.marker = index.get_marker()  # read under the lock: nobody moves it until finish()
        self.count = 0
        if not self.marker or self.marker.get("analysis") != ANALYSIS_VERSION:
            # an index that never synced, or analysed by another version: every item goes through the workers
            # (their old documents are deleted at the commit), which is what a rebuild would do
            self.marker = {}
            with db.session() as session:
                self.add(session.scalars(select(Item.id).where(visible()).order_by(Item.id)))

    def add(self, item_ids: Iterable[str]) -> None:
        before = len(self.appender.ids)
        self.appender.add(item_ids)
        self.count += len(self.appender.ids) - before

    def finish(self) -> dict:
        """Commit the workers' segments and the catch-up, move the marker; returns the counts."""
        try:
            handed = set(self.appender.ids)
            with self.db.session() as session:
                target = _watermark(session)
                since = _parse(self.marker.get("updated"))
                stmt = select(Item.id)
                if since is not None:
                    stmt = stmt.where(Item.updated >= (since.replace(tzinfo=None) if _naive(session) else since))
                missed = set(session.scalars(stmt))
                missed.update(session.scalars(select(Change.item_id).where(
                    Change.kind == "item", Change.id > int(self.marker.get("change_id") or 0))))
                upserts, deletes = _split(session, missed - handed)
            self.appender.commit(upserts=upserts, deletes=deletes)
            self.index._write_marker(target)
        finally:
            self._stack.close()
        if self.index.count() != visible_count(self.db):  # as reindex_items checks: compare ids, repair
            reindex_items(self.db, self.index, [])
        return {"upserted": len(handed) + len(upserts), "deleted": len(deletes)}

    def cancel(self) -> None:
        self._stack.close()
