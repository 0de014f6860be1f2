"""One queue for the writers of one SQLite file, across threads and processes.

SQLite lets one writer in at a time. A writer that finds the file locked sleeps in SQLite's busy
handler and tries again, sleeping longer each time (1, 2, 5 … 100 ms), so under a burst a few
unlucky writers wait far longer than the rest: the long tail of booking latency, and at worst
"database is locked". Writers that hold this lock first wait in the kernel instead (``flock`` on a
file beside the database, plus a thread lock within the process) and are woken the moment the
previous writer is done.
"""
from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path


class WriterQueue:
    """A re-entrant lock held around ``BEGIN IMMEDIATE`` write transactions of one SQLite file."""

    def __init__(self, database_file: Path | None) -> None:
        self._threads = threading.RLock()
        self._lock_file = Path(f"{database_file}.writers") if database_file else None
        self._fd: int | None = None
        self._depth = 0
        self._pid = os.getpid()

    def __enter__(self) -> "WriterQueue":
        self._threads.acquire()
        try:
            if self._depth == 0 and self._lock_file is not None:
                fcntl.flock(self._descriptor(), fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _descriptor(self) -> int:
        # a forked worker must not share its parent's open file: flock locks belong to the open file
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd
