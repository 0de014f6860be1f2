"""Fixity: the media store checked against the catalogue (``jinshi verify``)."""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import select

from exhibits.db import Database
from exhibits.models import Asset
from media.store import MediaStore


def verify_store(db: Database, store: MediaStore, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Re-hash every original the catalogue refers to; list missing or altered ones and orphans."""
    with db.session() as session:
        rows = session.execute(select(Asset.sha256, Asset.item_id)).all()
    items_of: dict[str, list[str]] = {}
    for sha, item_id in rows:
        items_of.setdefault(sha, []).append(item_id)
    problems = []
    for sha in sorted(items_of):
        if progress:
            progress(sha)
        problem = store.verify(sha)
        if problem:
            problems.append({"sha256": sha, "problem": problem, "items": sorted(set(items_of[sha]))})
    orphans = [sha for sha in store.iter_originals() if sha not in items_of]
    return {"checked": len(items_of), "problems": problems, "orphans": orphans}
