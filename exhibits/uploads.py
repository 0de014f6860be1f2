"""Resumable uploads: the storage and rules behind the tus server (``/curator/api/uploads/``).

An upload is a file under ``JINSHI_HOME/uploads/`` named by a random id; the client's file name is
only metadata (checked here, never used as a path). Each upload belongs to the identity that created
it: anybody else gets "not found". The bytes on disk are the truth for the offset: a PATCH that is cut
off keeps what arrived, so the client resumes from there. Uploads never turned into a job are removed
after :data:`UPLOAD_TTL` by :meth:`Uploads.clean`.
"""
from __future__ import annotations

import errno
import fcntl
import os
import secrets
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Callable

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from exhibits.db import Database
from exhibits.identity import Identity
from exhibits.models import Base, Job, utcnow

#: An upload not used by a job (or whose job finished) this long ago is removed.
UPLOAD_TTL = timedelta(days=1)
#: Longest file name accepted, in UTF-8 bytes (what Linux file systems allow for a name).
MAX_FILENAME_BYTES = 255
#: Free space kept on the uploads volume beyond the announced length.
DISK_MARGIN = 64 * 1024 * 1024
CHUNK = 256 * 1024


class Upload(Base):
    __tablename__ = "upload"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128), index=True)
    filename: Mapped[str] = mapped_column(String(1024))
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    #: The other Upload-Metadata pairs (filetype, relativePath, ...), as text.
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    #: The job that last used this upload.
    job_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("job.id", ondelete="SET NULL"))

    @property
    def complete(self) -> bool:
        return self.offset >= self.length


class UploadError(Exception):
    """A request the upload store refuses; ``status`` is the HTTP status the tus server answers."""

    def __init__(self, status: int, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.offset = offset


def check_filename(name: str | None) -> str:
    """The client's file name, if it is a plain file name; otherwise a clear UploadError (400)."""
    if name is None or not name.strip():
        raise UploadError(400, "filename: missing (send it in Upload-Metadata as 'filename')")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise UploadError(400, "filename: contains a control character (NUL, newline, ...)")
    if "/" in name or "\\" in name:
        raise UploadError(400, f"filename {name[:80]!r}: must be a file name, not a path (no '/' or '\\')")
    if name.strip() in (".", "..") or name != name.strip():
        raise UploadError(400, f"filename {name[:80]!r}: not a usable file name (leading or trailing spaces, '.' or '..')")
    if len(name.encode("utf-8")) > MAX_FILENAME_BYTES:
        raise UploadError(400, f"filename: {len(name.encode('utf-8'))} bytes long, over the limit of {MAX_FILENAME_BYTES}")
    return name


class Uploads:
    """The upload store: creation, appending at an offset, termination, and cleaning."""

    def __init__(self, db: Database, root: Path, max_bytes: int, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.root = root
        self.max_bytes = max_bytes
        self.clock = clock

    @classmethod
    def from_runtime(cls, runtime) -> "Uploads":
        return cls(runtime.db, runtime.settings.uploads_root, runtime.settings.max_file_bytes)

    def path(self, upload_id: str) -> Path:
        return self.root / upload_id

    def create(self, identity: Identity, length: int, metadata: dict[str, str]) -> Upload:
        """Register an upload of ``length`` bytes; refused (413) over the size limit before anything is stored."""
        if length < 0:
            raise UploadError(400, "Upload-Length: must be a whole number of bytes, 0 or more")
        if length > self.max_bytes:
            raise UploadError(413, f"Upload-Length: {length} bytes is over the limit of {self.max_bytes} bytes (JINSHI_MAX_FILE_BYTES)")
        filename = check_filename(metadata.get("filename"))
        self.root.mkdir(parents=True, exist_ok=True)
        if shutil.disk_usage(self.root).free < length + DISK_MARGIN:
            raise UploadError(507, f"not enough free disk space on the server for {length} bytes")
        upload_id = secrets.token_hex(16)
        # O_EXCL: an id is never reused, even if two requests raced for one
        os.close(os.open(self.path(upload_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        now = self.clock()
        upload = Upload(
            id=upload_id, owner=identity.name, filename=filename, length=length, offset=0,
            meta={k: v for k, v in metadata.items() if k != "filename"}, created=now, updated=now,
        )
        try:
            with self.db.session() as session:
                session.add(upload)
        except Exception:
            self.path(upload_id).unlink(missing_ok=True)
            raise
        return upload

    def get(self, identity: Identity, upload_id: str) -> Upload:
        """The identity's own upload; anybody else's, or an unknown id, is 'not found' (404)."""
        if not upload_id or len(upload_id) > 32 or not upload_id.isalnum():
            raise UploadError(404, "no such upload")
        with self.db.session() as session:
            upload = session.get(Upload, upload_id)
            if upload is None or upload.owner != identity.name or not self.path(upload_id).exists():
                raise UploadError(404, "no such upload")
            session.expunge(upload)
        return upload

    def append(self, identity: Identity, upload_id: str, offset: int, stream: BinaryIO, content_length: int | None) -> int:
        """Write the bytes of ``stream`` at ``offset``; returns the new offset.

        A stream that ends early or breaks (``OSError``, e.g. the client went away) keeps the bytes
        that arrived: the offset the client reads back with HEAD is where it resumes.
        """
        upload = self.get(identity, upload_id)
        if content_length is not None and offset + content_length > upload.length:
            raise UploadError(413, f"the request carries {content_length} bytes from offset {offset}, past the upload's length of {upload.length} bytes")
        with open(self.path(upload_id), "ab") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    raise UploadError(423, "another request is writing this upload; wait for it, then ask for the offset again") from None
                raise
            size = os.fstat(handle.fileno()).st_size
            if offset != size:
                raise UploadError(409, f"Upload-Offset {offset} does not match the upload's offset {size}", offset=size)
            remaining = upload.length - size
            if content_length is not None:
                remaining = min(remaining, content_length)
            too_long = False
            try:
                while remaining > 0:
                    chunk = stream.read(min(CHUNK, remaining))
                    if not chunk:
                        break
                    handle.write(chunk)
                    remaining -= len(chunk)
                if content_length is None and remaining == 0 and stream.read(1):
                    too_long = True
            except OSError:
                pass  # the client went away: keep what arrived
            finally:
                handle.flush()
                os.fsync(handle.fileno())
                size = os.fstat(handle.fileno()).st_size
                self._set_offset(upload_id, size)
        if too_long:
            raise UploadError(413, f"the request carries more bytes than the upload's length of {upload.length} bytes", offset=size)
        return size

    def _set_offset(self, upload_id: str, offset: int) -> None:
        with self.db.session() as session:
            upload = session.get(Upload, upload_id)
            if upload is not None:
                upload.offset = offset
                upload.updated = self.clock()

    def delete(self, identity: Identity, upload_id: str) -> None:
        """Termination: the upload and its bytes are gone (its own owner only)."""
        upload = self.get(identity, upload_id)
        with self.db.session() as session:
            row = session.get(Upload, upload.id)
            if row is not None and row.job_id is not None:
                job = session.get(Job, row.job_id)
                if job is not None and job.state in ("queued", "running"):
                    raise UploadError(409, f"{upload.filename}: used by job {job.id}, which has not finished")
            if row is not None:
                session.delete(row)
        self.path(upload.id).unlink(missing_ok=True)

    def clean(self, now: datetime | None = None) -> list[str]:
        """Remove uploads idle for a day that no unfinished job needs, and stray files; returns their ids."""
        now = now or self.clock()
        cutoff = now - UPLOAD_TTL
        removed: list[str] = []
        with self.db.session() as session:
            known = set(session.scalars(select(Upload.id)))
            for upload in session.scalars(select(Upload).where(Upload.updated < cutoff)):
                job = session.get(Job, upload.job_id) if upload.job_id is not None else None
                if job is not None and (job.state in ("queued", "running") or _aware(job.finished or job.updated) > cutoff):
                    continue
                session.delete(upload)
                removed.append(upload.id)
        for upload_id in removed:
            self.path(upload_id).unlink(missing_ok=True)
        if self.root.is_dir():
            for path in self.root.iterdir():
                # a file without a row: its creation did not finish; give it the same day
                if path.name not in known and path.is_file() and datetime.fromtimestamp(path.stat().st_mtime, now.tzinfo) < cutoff:
                    path.unlink(missing_ok=True)
                    removed.append(path.name)
        return removed


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes for aware columns; they are UTC."""
    from datetime import timezone

    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
