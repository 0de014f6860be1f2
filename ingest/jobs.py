"""Ingest jobs for web uploads: submitted by a curator, run by a worker (``jinshi worker``).

A job names finished uploads (and optionally the upload of its CSV/.xlsx). The worker links them
into a workspace under their file names (the CSV's ``files`` column names uploads by file name), runs
the ordinary pipeline (:func:`ingest.batch.ingest_batch`, as drafts) with the permissions of the
identity that submitted it, and writes each file's result into the job's row as it goes.

Exactly-once: a worker *claims* a job with one conditional UPDATE (queued → running, or running
with an expired lease); a second message for the same job finds it claimed and does nothing. A
running job's lease is renewed by a heartbeat; a worker that died (its process gone, or its lease
expired) leaves the job ``running``, and :func:`recover` puts it back in the queue. Each item is
written in one transaction, so a killed worker leaves nothing half-visible; the resumed run skips
the items already ingested (the pipeline is idempotent) and goes on with the rest.
"""
from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import and_, func, or_, select, update

from exhibits import audit
from exhibits.identity import Identity, PermissionDenied
from exhibits.models import Asset, Item, Job, Museum, utcnow
from exhibits.uploads import Upload, UploadError, Uploads
from ingest.batch import BatchReport, FileResult, IngestError, check_places, ingest_batch, records_from_paths
from ingest.metadata import ItemRecord, MetadataError, read_metadata
from media.detect import detect

log = logging.getLogger(__name__)

#: A claim holds this long without a heartbeat; then another worker may take the job over.
LEASE = timedelta(seconds=60)
HEARTBEAT_SECONDS = 10.0
#: A job whose worker died this many times is failed instead of being started again.
MAX_ATTEMPTS = 3
#: A queued job older than this is enqueued again by :func:`recover` (its message may be lost).
REQUEUE_AFTER = timedelta(minutes=2)
MAX_UPLOADS_PER_JOB = 5000
#: Job kinds a worker runs: web ingest, and replacing one file of an item (ingest.replace_job).
KINDS = ("ingest", "replace")
Enqueue = Callable[[int], None]


class JobError(Exception):
    """The job request is refused; ``problems`` name each upload or row and what is wrong."""

    def __init__(self, status: int, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.status = status
        self.problems = problems


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def upload_id_of(reference: Any) -> str:
    """An upload id from the id itself or the upload's URL (what the tus client has)."""
    text = str(reference or "").strip().rstrip("/")
    return text.rsplit("/", 1)[-1]


# ------------------------------------------------------------------ submitting


def submit(runtime: Any, identity: Identity, uploads: list[Any], metadata: Any | None,
           museum: str | None, hall: str | None, enqueue: Enqueue) -> int:
    """Check a job request and queue it; returns the job id (HTTP 202 with it).

    Everything that can be checked without ingesting is checked here, so a curator hears at once
    about an unfinished or unknown upload, a refused CSV, a file the CSV names but nobody uploaded,
    or a museum they may not work on.
    """
    if not isinstance(uploads, list) or not uploads:
        raise JobError(400, ["uploads: give a list of one or more upload URLs or ids"])
    if len(uploads) > MAX_UPLOADS_PER_JOB:
        raise JobError(400, [f"uploads: {len(uploads)} uploads, over the limit of {MAX_UPLOADS_PER_JOB} per job"])
    for name, value in (("museum", museum), ("hall", hall)):
        if value is not None and not isinstance(value, str):
            raise JobError(400, [f"{name}: must be a slug (text)"])
    store = Uploads.from_runtime(runtime)
    files = _own_uploads(store, identity, uploads, "uploads")
    csv = _own_uploads(store, identity, [metadata], "metadata")[0] if metadata else None
    if csv is not None:
        _check_metadata_content(store, csv)
    elif not museum or not hall:
        raise JobError(400, ["museum, hall: without a metadata CSV, say where the items go"])
    if museum and not identity.can_curate(museum):
        raise PermissionDenied(f"{identity.name} may not upload to museum {museum!r}")

    workspace = runtime.settings.home / "jobs" / f"check-{os.getpid()}-{threading.get_ident()}"
    try:
        staged = _stage(store, files, csv, workspace, museum, hall)
        try:
            check_places(runtime, staged.records, staged.metadata)
        except MetadataError as exc:
            raise JobError(400, [f"metadata: {csv.filename if csv else ''}: {p}" for p in exc.problems]) from None
        except IngestError as exc:
            raise JobError(400, [str(exc)]) from None
        _check_places_allowed(runtime, identity, staged.records)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)

    payload = {
        "uploads": [u.id for u in files], "metadata": csv.id if csv else None, "museum": museum, "hall": hall,
        "identity": {"name": identity.name, "role": identity.role, "museums": sorted(identity.museums), "user_id": identity.user_id},
    }
    with runtime.db.session() as session:
        job = Job(kind="ingest", state="queued", owner=identity.name, payload=payload, total=staged.total, files=[], progress=0)
        session.add(job)
        session.flush()
        for upload in [*files, *([csv] if csv else [])]:
            session.get(Upload, upload.id).job_id = job.id
        audit.record(session, identity, "job.submit", f"job:{job.id}", uploads=len(files), metadata=bool(csv), museum=museum, hall=hall)
        job_id = job.id
    _enqueue(enqueue, job_id)
    return job_id


def retry(runtime: Any, identity: Identity, job_id: int, replace: dict[str, Any], enqueue: Enqueue) -> None:
    """Run a finished job again, with some of its files replaced by new uploads (given by file name).

    A replacement takes the file name of the file it replaces (the CSV names it so); the files not
    replaced are not uploaded again, and the items already ingested are skipped as unchanged.
    """
    if not isinstance(replace, dict):
        raise JobError(400, ["replace: give an object {file name: upload URL or id}"])
    store = Uploads.from_runtime(runtime)
    with runtime.db.session() as session:
        job = _own_job(session, identity, job_id)
        if job.kind != "ingest":
            raise JobError(409, [f"job {job_id} replaced one file of item {job.payload.get('item')}: "
                                 "choose the file again on the item's edit form"])
        if job.state not in ("done", "failed"):
            raise JobError(409, [f"job {job_id} is {job.state}; wait until it has finished"])
        payload = dict(job.payload)
        ids = list(payload["uploads"])
        names = {session.get(Upload, i).filename if session.get(Upload, i) else None: i for i in ids}
        metadata_name = None
        if payload.get("metadata") and session.get(Upload, payload["metadata"]) is not None:
            metadata_name = session.get(Upload, payload["metadata"]).filename
        problems: list[str] = []
        replaced: list[str] = []
        for filename, reference in replace.items():
            if filename not in names and filename != metadata_name:
                problems.append(f"replace: {str(filename)[:100]!r} is not a file of job {job_id}")
                continue
            try:
                new = _own_uploads(store, identity, [reference], f"replace[{filename}]")[0]
            except JobError as exc:
                problems.extend(exc.problems)
                continue
            row = session.get(Upload, new.id)
            row.filename = filename
            row.job_id = job.id
            if filename == metadata_name:
                payload["metadata"] = new.id
            else:
                ids[ids.index(names[filename])] = new.id
            replaced.append(filename)
        if problems:
            raise JobError(400, problems)
        payload["uploads"] = ids
        job.payload = payload
        job.files = [f for f in job.files if Path(f.get("file") or "").name not in replaced]
        job.progress = len(job.files)
        job.state, job.error, job.finished, job.attempts, job.worker, job.lease_until = "queued", None, None, 0, None, None
        audit.record(session, identity, "job.retry", f"job:{job_id}", replaced=len(replaced))
    _enqueue(enqueue, job_id)


def _enqueue(enqueue: Enqueue, job_id: int) -> None:
    try:
        enqueue(job_id)
    except Exception:  # noqa: BLE001 - the job row is the truth; recover() enqueues it again
        log.exception("could not enqueue job %s; a worker will pick it up when it recovers queued jobs", job_id)


def _own_uploads(store: Uploads, identity: Identity, references: list[Any], field_name: str) -> list[Upload]:
    problems: list[str] = []
    found: list[Upload] = []
    for index, reference in enumerate(references):
        where = f"{field_name}[{index}]" if field_name == "uploads" else field_name
        upload_id = upload_id_of(reference)
        try:
            upload = store.get(identity, upload_id)
        except UploadError:
            problems.append(f"{where}: no such upload {upload_id[:40]!r}")
            continue
        if not upload.complete:
            problems.append(f"{where}: {upload.filename} is not finished ({upload.offset} of {upload.length} bytes arrived)")
        elif upload.length == 0:
            problems.append(f"{where}: {upload.filename} is empty (0 bytes)")
        found.append(upload)
    seen: dict[str, int] = {}
    for index, upload in enumerate(found):
        if upload.filename in seen:
            problems.append(f"{field_name}: {upload.filename} is given twice (uploads {seen[upload.filename]} and {index})")
        seen.setdefault(upload.filename, index)
    if problems:
        raise JobError(400, problems)
    return found


def _check_metadata_content(store: Uploads, upload: Upload) -> None:
    """The metadata upload must be a CSV (text) or an .xlsx workbook by its content, whatever its name says."""
    path = store.path(upload.id)
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        if not upload.filename.lower().endswith(".xlsx"):
            raise JobError(400, [f"metadata: {upload.filename} is a zip/xlsx file by its content; name it .xlsx"])
        return
    if b"\x00" not in head:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                head[: max(len(head) - 4, 1)].decode(encoding)
                return
            except UnicodeDecodeError:
                continue
    raise JobError(400, [f"metadata: {upload.filename} is not a CSV or .xlsx file (its content is {detect(path).label})"])


# ------------------------------------------------------------------ staging


@dataclass
class Staged:
    records: list[ItemRecord]
    metadata: Path | None
    paths: list[Path]
    #: workspace path → upload, to report results by upload
    uploads: dict[Path, Upload] = field(default_factory=dict)
    #: uploads the CSV does not name: they fail alone
    unused: list[Upload] = field(default_factory=list)

    @property
    def total(self) -> int:
        files = sum(max(len(r.files), 1) for r in self.records)
        return files + len(self.unused)


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _stage(store: Uploads, files: list[Upload], csv: Upload | None, workspace: Path, museum: str | None, hall: str | None) -> Staged:
    """Link the uploads into ``workspace`` under their file names; raise for a CSV that cannot be used."""
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(parents=True)
    if csv is None:
        paths = []
        staged = Staged(records=[], metadata=None, paths=paths)
        for upload in files:
            target = workspace / upload.filename
            _link(store.path(upload.id), target)
            paths.append(target)
            staged.uploads[target.resolve()] = upload
        try:
            staged.records = records_from_paths(paths, museum, hall)
        except IngestError as exc:
            raise JobError(400, [str(exc)]) from None
        return staged
    metadata_path = workspace / csv.filename
    _link(store.path(csv.id), metadata_path)
    try:
        records = read_metadata(metadata_path, museum=museum, hall=hall)
    except MetadataError as exc:
        raise JobError(400, [f"metadata: {csv.filename}: {p}" for p in exc.problems]) from None
    by_name = {u.filename: u for u in files}
    staged = Staged(records=records, metadata=metadata_path, paths=[])
    problems: list[str] = []
    used: set[str] = set()
    for record in records:
        for path in record.files:
            upload = by_name.get(path.name)
            if upload is None:
                problems.append(f"metadata: row {record.row}: file {path.relative_to(workspace.resolve())} was not uploaded")
                continue
            if path == metadata_path.resolve():
                problems.append(f"metadata: row {record.row}: names the metadata file itself")
                continue
            if not path.exists():
                _link(store.path(upload.id), path)
            staged.uploads[path] = upload
            used.add(upload.id)
    if problems:
        raise JobError(400, problems)
    staged.unused = [u for u in files if u.id not in used]
    return staged


def _check_places_allowed(runtime: Any, identity: Identity, records: list[ItemRecord]) -> None:
    """Every row's museum, and the museum of every existing item a row would change, must be the identity's."""
    problems = [f"row {r.row or r.id}: {identity.name} may not upload to museum {r.museum!r}"
                for r in records if not identity.can_curate(r.museum)]
    ids = [r.id for r in records]
    with runtime.db.session() as session:
        for start in range(0, len(ids), 500):
            rows = session.execute(select(Item.id, Museum.slug).join(Museum, Item.museum_id == Museum.id).where(Item.id.in_(ids[start:start + 500])))
            problems += [f"item {item_id}: exists in museum {slug!r}, which {identity.name} may not change"
                         for item_id, slug in rows if not identity.can_curate(slug)]
    if problems:
        raise PermissionDenied("; ".join(problems[:20]))


# ------------------------------------------------------------------ reading


def job_view(runtime: Any, identity: Identity, job_id: int) -> dict[str, Any]:
    """``GET /curator/api/jobs/<id>``: its state and the per-file results so far (ingest and replace jobs)."""
    with runtime.db.session() as session:
        job = _own_job(session, identity, job_id)
        return {
            **_summary(job, _museums_of_items(session, [job])),
            "files": list(job.files),
            # items its CSV listed on an earlier run and no longer lists: reported, withdrawn only on request
            "missing": list((job.report or {}).get("missing", [])),
        }


#: Most jobs one ``GET /curator/api/jobs`` answers.
MAX_LIST = 100


def list_jobs(runtime: Any, identity: Identity, limit: int = 20, before: int | None = None,
              kind: str | None = None, state: str | None = None) -> list[dict[str, Any]]:
    """The jobs the identity may follow (its own; every job for an admin), newest first.

    ``before`` pages on (jobs with a smaller id); ``kind`` ('ingest' or 'replace') and ``state`` filter.
    Each job is summarised (state, progress, error, the museum, and for a replace job the item and
    file it concerns); its per-file results are at ``GET /curator/api/jobs/<id>``.
    """
    if kind is not None and kind not in KINDS:
        raise JobError(400, [f"kind: {str(kind)[:40]!r} is not one of {', '.join(KINDS)}"])
    if state is not None and state not in STATES:
        raise JobError(400, [f"state: {str(state)[:40]!r} is not one of {', '.join(STATES)}"])
    query = select(Job).where(Job.kind.in_((kind,) if kind else KINDS))
    if not identity.is_admin:
        query = query.where(Job.owner == identity.name)
    if state:
        query = query.where(Job.state == state)
    if before is not None:
        query = query.where(Job.id < before)
    with runtime.db.session() as session:
        rows = list(session.scalars(query.order_by(Job.id.desc()).limit(max(1, min(limit, MAX_LIST)))))
        museums = _museums_of_items(session, rows)
        return [_summary(job, museums) for job in rows]


def recent_jobs(runtime: Any, identity: Identity, limit: int = 10) -> list[dict[str, Any]]:
    """The identity's latest jobs, newest first (for the upload page): uploads and file replacements."""
    return list_jobs(runtime, identity, limit=limit)


#: The states of a job.
STATES = ("queued", "running", "done", "failed")


def _summary(job: Job, museums: dict[str, str]) -> dict[str, Any]:
    """A job without its per-file results; ``museums`` maps the items of replace jobs to their museum."""
    payload = job.payload or {}
    item = payload.get("item") if job.kind == "replace" else None
    return {
        "id": job.id, "kind": job.kind, "state": job.state, "progress": job.progress, "total": job.total,
        "error": job.error, "museum": museums.get(item) if item else payload.get("museum"), "hall": payload.get("hall"),
        "item": item, "asset": payload.get("asset") if item else None, "filename": payload.get("filename") if item else None,
        "created": _iso(job.created), "finished": _iso(job.finished) if job.finished else None,
    }


def _museums_of_items(session, rows: list[Job]) -> dict[str, str]:
    """The museum of each item a replace job among ``rows`` concerns (an item deleted since has none)."""
    items = {job.payload.get("item") for job in rows if job.kind == "replace" and job.payload.get("item")}
    if not items:
        return {}
    found = session.execute(select(Item.id, Museum.slug).join(Museum, Item.museum_id == Museum.id).where(Item.id.in_(items)))
    return dict(found.all())


def _own_job(session, identity: Identity, job_id: int, kinds: tuple[str, ...] = KINDS) -> Job:
    """The job, if the identity submitted it (or is an admin); 404 otherwise, as for a job that does not exist."""
    job = session.get(Job, job_id)
    if job is None or job.kind not in kinds or (job.owner != identity.name and not identity.is_admin):
        raise JobError(404, [f"no such job {job_id}"])
    return job


def _iso(value: datetime) -> str:
    return _aware(value).isoformat()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


# ------------------------------------------------------------------ running


class LeaseLost(Exception):
    """Another worker took the job over (this one was thought dead); stop without writing."""


class _Lease:
    """Renews the claim on a job while it runs; notices when it is lost."""

    def __init__(self, runtime: Any, job_id: int, worker: str, clock: Callable[[], datetime]) -> None:
        self.runtime, self.job_id, self.worker, self.clock = runtime, job_id, worker, clock
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat_forever, name=f"job-{job_id}-lease", daemon=True)

    def __enter__(self) -> "_Lease":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat_forever(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            self.beat()

    def beat(self, _name: str | None = None) -> None:
        try:
            with self.runtime.db.session() as session:
                result = session.execute(
                    update(Job).where(Job.id == self.job_id, Job.worker == self.worker, Job.state == "running")
                    .values(lease_until=self.clock() + LEASE).execution_options(synchronize_session=False))
                if result.rowcount == 0:
                    self.lost = True
        except Exception:  # noqa: BLE001 - a missed beat is retried; the lease is long
            log.exception("heartbeat of job %s failed", self.job_id)


def claim(runtime: Any, job_id: int, worker: str, now: datetime) -> bool:
    """Take the job for ``worker`` if nobody holds it; exactly one of several racing workers wins."""
    with runtime.db.session() as session:
        result = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.kind.in_(KINDS),
                   or_(Job.state == "queued", and_(Job.state == "running", Job.lease_until < now)))
            .values(state="running", worker=worker, lease_until=now + LEASE, attempts=Job.attempts + 1)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1


def run(runtime: Any, job_id: int, worker: str | None = None, clock: Callable[[], datetime] = utcnow) -> str:
    """Run one job (the huey task calls this); returns its final state, or 'skipped' when not claimed."""
    worker = worker or worker_name()
    if not claim(runtime, job_id, worker, clock()):
        return "skipped"
    # one workspace per claim: a worker thought dead that is still running never shares (or removes) the new one's
    workspace = runtime.settings.home / "jobs" / f"{job_id}-{worker.replace(':', '-')}-{threading.get_ident()}"
    try:
        with _Lease(runtime, job_id, worker, clock) as lease:
            return _run_claimed(runtime, job_id, worker, workspace, lease, clock)
    except LeaseLost:
        log.warning("job %s was taken over by another worker; %s stops", job_id, worker)
        return "lost"
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


def _run_claimed(runtime: Any, job_id: int, worker: str, workspace: Path, lease: _Lease, clock) -> str:
    with runtime.db.session() as session:
        job = session.get(Job, job_id)
        payload, attempts, previous, kind = dict(job.payload), job.attempts, list(job.files), job.kind
        submitted = job.created
    if attempts > MAX_ATTEMPTS:
        return _finish(runtime, job_id, worker, "failed", previous, clock,
                       error=f"a worker stopped during this job {attempts - 1} times; nothing of it is visible; retry it when the cause is fixed")
    if kind == "replace":
        from ingest.replace_job import run_claimed

        return run_claimed(runtime, job_id, worker, payload, workspace, clock)
    identity = Identity(name=payload["identity"]["name"], role=payload["identity"]["role"],
                        museums=frozenset(payload["identity"]["museums"]), user_id=payload["identity"].get("user_id"), via="job")
    store = Uploads.from_runtime(runtime)
    try:
        files = _own_uploads(store, identity, payload["uploads"], "uploads")
        csv = _own_uploads(store, identity, [payload["metadata"]], "metadata")[0] if payload.get("metadata") else None
        staged = _stage(store, files, csv, workspace, payload.get("museum"), payload.get("hall"))
        _check_places_allowed(runtime, identity, staged.records)
    except (JobError, PermissionDenied) as exc:
        return _finish(runtime, job_id, worker, "failed", previous, clock, error=str(exc))

    results = {_key(entry): entry for entry in previous}
    for upload in staged.unused:
        entry = {"file": upload.filename, "status": "failed", "item": None, "asset": None, "upload": upload.id,
                 "error": f"{upload.filename}: not named in the files column of {csv.filename if csv else 'the CSV'}"}
        results[_key(entry)] = entry
    _save(runtime, job_id, worker, results)
    base = workspace.resolve()
    try:
        report = BatchReport()
        batch = ingest_batch(runtime, staged.paths if csv is None else (), metadata=staged.metadata,
                             museum=payload.get("museum"), hall=payload.get("hall"), draft=True, progress=lease.beat,
                             source=f"upload:{csv.filename}" if csv is not None else None, report=report,
                             identity=identity)
        for result in batch:
            if lease.lost:
                raise LeaseLost()
            entry = _public(result, base, staged)
            key = _key(entry)
            old = results.get(key)
            if entry["status"] == "unchanged" and old and old["status"] == "ingested":
                continue  # an earlier attempt of this job ingested it and recorded so
            if entry["status"] == "unchanged" and attempts > 1 and _written_since(runtime, entry, submitted):
                entry["status"] = "ingested"  # an earlier attempt wrote it, then its worker died before recording it
            results[key] = entry
            _save(runtime, job_id, worker, results)
    except (MetadataError, IngestError) as exc:
        return _finish(runtime, job_id, worker, "failed", list(results.values()), clock, error=str(exc))
    missing = [{"item": m.id, "publication": m.publication, "row": m.row} for m in report.missing]
    return _finish(runtime, job_id, worker, "done", list(results.values()), clock, report={"missing": missing})


def _written_since(runtime: Any, entry: dict[str, Any], submitted: datetime) -> bool:
    """Whether the entry's item got its media after the job was submitted, i.e. from this job."""
    if entry.get("item") is None:
        return False
    with runtime.db.session() as session:
        created = session.scalar(select(func.max(Asset.created)).where(Asset.item_id == entry["item"]))
    if created is None:
        return False
    if created.tzinfo is None:  # SQLite keeps no zone; the catalogue writes UTC
        created = created.replace(tzinfo=timezone.utc)
    if submitted.tzinfo is None:
        submitted = submitted.replace(tzinfo=timezone.utc)
    return created >= submitted


def _key(entry: dict[str, Any]) -> str:
    return entry["file"] if entry.get("file") else f"item:{entry.get('item')}"


def _public(result: FileResult, base: Path, staged: Staged) -> dict[str, Any]:
    """The result as the API shows it: the file by its name in the batch, never a server path."""
    entry = result.to_json()
    if result.file:
        path = Path(result.file)
        upload = staged.uploads.get(path) or staged.uploads.get(path.resolve())
        entry["file"] = str(path.relative_to(base)) if path.is_relative_to(base) else path.name
        entry["upload"] = upload.id if upload else None
    return entry


def _save(runtime: Any, job_id: int, worker: str, results: dict[str, dict[str, Any]]) -> None:
    with runtime.db.session() as session:
        outcome = session.execute(
            update(Job).where(Job.id == job_id, Job.worker == worker, Job.state == "running")
            .values(files=list(results.values()), progress=len(results)).execution_options(synchronize_session=False))
        if outcome.rowcount == 0:
            raise LeaseLost()


def _finish(runtime: Any, job_id: int, worker: str, state: str, files: list[dict[str, Any]], clock, error: str | None = None,
            report: dict[str, Any] | None = None) -> str:
    with runtime.db.session() as session:
        outcome = session.execute(
            update(Job).where(Job.id == job_id, Job.worker == worker, Job.state == "running")
            .values(state=state, files=files, progress=len(files), error=error, finished=clock(), lease_until=None,
                    report=report)
            .execution_options(synchronize_session=False))
        if outcome.rowcount == 0:
            raise LeaseLost()
        job = session.get(Job, job_id)
        failed = sum(1 for f in files if f.get("status") == "failed")
        audit.record(session, Identity(name=job.owner, role="curator"), f"job.{state}", f"job:{job_id}", files=len(files), failed=failed)
    return state


# ------------------------------------------------------------------ recovery


def _pid_gone(worker: str | None) -> bool:
    """True when ``worker`` ran on this host and its process no longer exists."""
    host, _, pid = (worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover(runtime: Any, enqueue: Enqueue, now: datetime | None = None) -> list[int]:
    """Queue again the jobs whose worker died (process gone, or lease expired) and queued jobs left waiting."""
    now = now or utcnow()
    again: list[int] = []
    with runtime.db.session() as session:
        running = session.execute(select(Job.id, Job.worker, Job.lease_until).where(Job.kind.in_(KINDS), Job.state == "running")).all()
        waiting = session.scalars(select(Job.id).where(Job.kind.in_(KINDS), Job.state == "queued", Job.updated < now - REQUEUE_AFTER)).all()
    for job_id, worker, lease_until in running:
        if (lease_until is not None and _aware(lease_until) < now) or _pid_gone(worker):
            with runtime.db.session() as session:
                moved = session.execute(
                    update(Job).where(Job.id == job_id, Job.state == "running", Job.worker == worker)
                    .values(state="queued", worker=None, lease_until=None).execution_options(synchronize_session=False))
            if moved.rowcount:
                log.warning("job %s: its worker %s is gone; queued again", job_id, worker)
                again.append(job_id)
    again.extend(waiting)
    for job_id in again:
        _enqueue(enqueue, job_id)
    _remove_stale_workspaces(runtime)
    return again


def _remove_stale_workspaces(runtime: Any) -> None:
    """Workspaces left by killed workers, once their job is no longer running."""
    root = runtime.settings.home / "jobs"
    if not root.is_dir():
        return
    with runtime.db.session() as session:
        running = {str(i) for i in session.scalars(select(Job.id).where(Job.state == "running"))}
    for folder in root.iterdir():
        job_id = folder.name.split("-", 1)[0]
        if folder.is_dir() and job_id.isdigit() and job_id not in running:
            shutil.rmtree(folder, ignore_errors=True)
