"""Running a ``replace`` job (see exhibits.asset_replace): derivatives of one new original, then the switch.

The worker claims the job as any other (ingest.jobs.run); this builds the derivatives through the
same media handler ingest uses for a file of that kind, then switches the asset in one transaction.
A file the handler cannot use fails the job with its reason, and the item keeps its old file.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any

from exhibits.asset_replace import switch_asset
from exhibits.curation import CurationError, NotFound
from exhibits.identity import Identity, PermissionDenied
from ingest.handlers import MediaFile, handler_for
from media.detect import detect
from media.errors import MediaError

log = logging.getLogger(__name__)


def run_claimed(runtime: Any, job_id: int, worker: str, payload: dict[str, Any], workspace: Path, clock) -> str:
    from ingest.jobs import _finish

    who = payload["identity"]
    identity = Identity(name=who["name"], role=who["role"], museums=frozenset(who["museums"]),
                        user_id=who.get("user_id"), via="job")
    name = payload["filename"]
    entry = {"file": name, "status": "failed", "item": payload["item"], "asset": payload["asset"], "upload": None}

    def failed(reason: str) -> str:
        _forget_new_original(runtime, payload)
        return _finish(runtime, job_id, worker, "failed", [{**entry, "error": reason}], clock, error=reason)

    original = runtime.store.original_path(payload["sha256"])
    if not original.is_file():
        return failed(f"{name}: the uploaded file is no longer in the media store")
    # the handler sees the file under a safe name with the upload's extension (some loaders go by it)
    suffix = re.sub(r"[^A-Za-z0-9]", "", Path(name).suffix)[:10]
    workspace.mkdir(parents=True, exist_ok=True)
    path = workspace / (f"replacement.{suffix}" if suffix else "replacement")
    try:
        os.link(original, path)
    except OSError:
        shutil.copyfile(original, path)
    found = detect(path)
    handler = handler_for(found.kind)
    try:
        if handler is None:
            raise MediaError(f"{found.label} files are not supported")
        facts, _companions = handler.process(runtime.store, runtime.settings, payload["sha256"], MediaFile(path, found))
    except MediaError as exc:
        return failed(f"{name}: {exc}")
    except Exception as exc:  # noqa: BLE001 - a library's bug fails this file, never the worker
        log.warning("replace job %s: the %s handler failed", job_id, found.kind, exc_info=True)
        return failed(f"{name}: could not be processed ({type(exc).__name__})")
    try:
        with runtime.db.session() as session:
            switch_asset(session, identity, payload, facts)
    except (CurationError, NotFound, PermissionDenied) as exc:
        return failed(str(exc))
    runtime.reindex([payload["item"]])
    return _finish(runtime, job_id, worker, "done", [{**entry, "status": "ingested", "error": None}], clock)


def _forget_new_original(runtime: Any, payload: dict[str, Any]) -> None:
    """A failed replacement removes the original its request stored, unless something else uses it."""
    from sqlalchemy import func, select

    from exhibits.models import Asset, Job

    sha = payload["sha256"]
    if not payload.get("created"):
        return
    with runtime.db.session() as session:
        used = session.scalar(select(Asset.id).where(Asset.sha256 == sha).limit(1)) is not None
        waiting = session.scalar(select(func.count(Job.id)).where(
            Job.kind == "replace", Job.state.in_(("queued", "running")), Job.payload["sha256"].as_string() == sha))
    if not used and waiting <= 1:  # the only running one is this job
        runtime.store.delete(sha)
