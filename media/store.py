"""Content-addressed storage of originals and their derivatives.

Originals live at ``originals/ab/cd/<sha256>`` and never change. Derivatives of an
original live under ``derivatives/ab/<sha256>/<name>``. Every write goes to a temporary
file in the same folder, is fsynced and then renamed into place, so a crash never
leaves a half-written file under a final name.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

CHUNK = 1024 * 1024
_HEX = set("0123456789abcdef")


def is_sha256(value: str) -> bool:
    return len(value) == 64 and set(value) <= _HEX


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``final``; rename it into place if the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=final.suffix, dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path
    created: bool  # False when the same content was already stored


class MediaStore:
    """Originals and derivatives under one root folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.originals = self.root / "originals"
        self.derivatives = self.root / "derivatives"

    def original_path(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise KeyError(sha256)
        return self.originals / sha256[:2] / sha256[2:4] / sha256

    def derivative_dir(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise KeyError(sha256)
        return self.derivatives / sha256[:2] / sha256

    def derivative_path(self, sha256: str, name: str) -> Path:
        if "/" in name or name.startswith("."):
            raise ValueError(f"bad derivative name {name!r}")
        return self.derivative_dir(sha256) / name

    def has_original(self, sha256: str) -> bool:
        return self.original_path(sha256).is_file()

    def put_file(self, source: Path, max_bytes: int | None = None) -> StoredFile:
        """Copy ``source`` into the store, hashing while copying; idempotent."""
        with open(source, "rb") as handle:
            return self.put_stream(handle, max_bytes=max_bytes, name=str(source))

    def put_stream(self, stream: BinaryIO, max_bytes: int | None = None, name: str = "stream") -> StoredFile:
        self.originals.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.originals)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise ValueError(f"{name}: file is larger than the limit of {max_bytes} bytes")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.original_path(sha)
            if final.is_file():
                return StoredFile(sha, size, final, created=False)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o444)
            os.replace(tmp, final)
            return StoredFile(sha, size, final, created=True)
        finally:
            tmp.unlink(missing_ok=True)

    def delete(self, sha256: str) -> None:
        """Remove an original and its derivatives (used to undo a failed ingest)."""
        self.original_path(sha256).unlink(missing_ok=True)
        shutil.rmtree(self.derivative_dir(sha256), ignore_errors=True)

    def iter_originals(self) -> Iterator[str]:
        if not self.originals.is_dir():
            return
        for path in sorted(self.originals.glob("*/*/*")):
            if is_sha256(path.name):
                yield path.name

    def verify(self, sha256: str) -> str | None:
        """Fixity check: None when the stored bytes still hash to their name, else the problem."""
        path = self.original_path(sha256)
        if not path.is_file():
            return "missing"
        actual = sha256_file(path)
        return None if actual == sha256 else f"checksum mismatch (now {actual})"
