"""Replacing one file of an item (image, 3D model, video, audio) with a new upload.

Two steps, so the public never sees a broken image:

1. :func:`request_replace` (the curator's request): checks the permission, sniffs the new file's
   content with ``media.detect`` (the same sniffer ingest uses) and refuses another kind than the
   asset's, stores the new original in the media store and queues a ``replace`` job.
2. The job (``ingest.replace_job``, run by ``jinshi worker``) builds the derivatives through the
   kind's media handler, then :func:`switch_asset` points the asset row at the new original in one
   transaction with its audit row (``asset.replace``, old and new sha256), an item revision and a
   change-log entry for harvesters. Until then the item keeps showing the old original.

The old original stays in the store (fixity; the history names it); ``jinshi verify`` lists it
among the originals the catalogue no longer uses, not as a problem.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exhibits import audit
from exhibits import changes as harvest
from exhibits.accounts_models import ItemRevision
from exhibits.curation import CurationError, NotFound, Runtime, get_item
from exhibits.identity import Identity, require_museum
from exhibits.models import Asset, Item, Job
from media.detect import detect

#: Asset kinds a curator may replace from the edit form (captions and companions come with their media).
REPLACEABLE = ("image", "model", "video", "audio")
KIND = "replace"
_A_KIND = {"image": "an image", "model": "a 3D model", "video": "a video", "audio": "an audio"}
Enqueue = Callable[[int], None]


class ReplaceRefused(CurationError):
    """The new file cannot replace this asset; the message names the file and the problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "file")


def safe_name(filename: str) -> str:
    """The uploaded file's name as text for the catalogue (never a path): its last part, printable, short."""
    name = re.split(r"[\\/]", str(filename or ""))[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()[:200]
    return name or "file"


def _asset_of(item: Item, asset_id: int) -> Asset:
    for asset in item.assets:
        if asset.id == asset_id:
            return asset
    raise NotFound(f"item {item.id} has no file {asset_id}")


def request_replace(runtime: Runtime, identity: Identity, item_id: str, asset_id: int, filename: str,
                    source: Path, enqueue: Enqueue) -> int:
    """Check and store ``source`` as the new original of an asset and queue the job; returns the job id."""
    name = safe_name(filename)
    with runtime.db.session() as session:
        item = get_item(session, identity, item_id)
        asset = _asset_of(item, asset_id)
        if asset.kind not in REPLACEABLE:
            raise ReplaceRefused(f"{asset.filename}: a {asset.kind} file is replaced with its media file, not on its own")
        size = source.stat().st_size
        if size == 0:
            raise ReplaceRefused(f"{name}: the file is empty (0 bytes)")
        limit = runtime.settings.max_file_bytes
        if size > limit:
            raise ReplaceRefused(f"{name}: the file is {size} bytes, over the limit of {limit} bytes")
        found = detect(source)
        if found.kind != asset.kind:
            wanted = _A_KIND[asset.kind]
            raise ReplaceRefused(f"{name}: its content is {found.label}, but {asset.filename} is {wanted} file; "
                                 f"choose {wanted} file")
        stored = runtime.store.put_file(source, max_bytes=limit)
        if stored.sha256 == asset.sha256:
            raise ReplaceRefused(f"{name}: it is the same file as {asset.filename} (same SHA-256)")
        if any(a.sha256 == stored.sha256 and a.id != asset.id for a in item.assets):
            raise ReplaceRefused(f"{name}: this file is already another file of item {item_id}")
        payload = {
            "item": item_id, "asset": asset_id, "old_sha256": asset.sha256, "sha256": stored.sha256,
            "filename": name, "size": stored.size, "format": found.format, "created": stored.created,
            "identity": {"name": identity.name, "role": identity.role, "museums": sorted(identity.museums),
                         "user_id": identity.user_id},
        }
        job = Job(kind=KIND, state="queued", owner=identity.name, payload=payload, total=1, files=[], progress=0)
        session.add(job)
        session.flush()
        audit.record(session, identity, "job.submit", f"job:{job.id}", kind=KIND, item=item_id, asset=asset_id,
                     sha256=stored.sha256)
        job_id = job.id
    try:
        enqueue(job_id)
    except Exception:  # noqa: BLE001 - the job row is the truth; the worker's recovery enqueues it again
        import logging

        logging.getLogger(__name__).exception("could not enqueue replace job %s", job_id)
    return job_id


def switch_asset(session: Session, identity: Identity, payload: dict[str, Any], facts: Any) -> Item:
    """Point the asset at its new original (derivatives made): asset row, revision, audit, change log.

    Refused when the asset was removed or replaced by someone else since the request.
    """
    item = session.get(Item, payload["item"])
    if item is None:
        raise NotFound(f"item {payload['item']} no longer exists")
    require_museum(identity, item.museum.slug)
    asset = session.get(Asset, payload["asset"])
    if asset is None or asset.item_id != item.id:
        raise CurationError(f"{payload['filename']}: the file it replaces was removed from item {item.id} meanwhile")
    if asset.sha256 != payload["old_sha256"]:
        raise CurationError(f"{payload['filename']}: the file it replaces was changed by someone else meanwhile")
    before = f"{asset.filename} ({asset.sha256[:12]})"
    asset.sha256, asset.size, asset.filename = payload["sha256"], payload["size"], payload["filename"]
    asset.mime, asset.width, asset.height, asset.duration = facts.mime, facts.width, facts.height, facts.duration
    asset.info = facts.info
    if facts.language:
        asset.language = facts.language
    after = f"{asset.filename} ({asset.sha256[:12]})"
    session.add(ItemRevision(item_id=item.id, actor=identity.name, action="assets",
                             before={"files": [before]}, after={"files": [after]}))
    audit.record(session, identity, "asset.replace", f"item:{item.id}", asset=asset.id,
                 old_sha256=payload["old_sha256"], new_sha256=payload["sha256"], filename=payload["filename"])
    harvest.note_item(session, item)
    return item


def replacements(session: Session, identity: Identity, item_id: str) -> dict[int, dict[str, Any]]:
    """The latest replace job of each asset of an item that is not done: pending or failed (for the edit page).

    One query over every replace job of the item, however many jobs other items have."""
    get_item(session, identity, item_id)
    asset = Job.payload["asset"].as_integer()
    latest = select(func.max(Job.id)).where(*of_item(item_id)).group_by(asset)
    rows = session.scalars(select(Job).where(Job.id.in_(latest), Job.state != "done"))
    return {job.payload["asset"]: {"state": job.state, "filename": job.payload.get("filename"), "error": job.error}
            for job in rows}


def of_item(item_id: str) -> tuple:
    """The SQL conditions "a replace job of this item" (the item is in the job's JSON payload)."""
    return Job.kind == KIND, Job.payload["item"].as_string() == item_id
