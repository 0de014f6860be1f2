"""WAL checkpoints of one SQLite file, in a background thread instead of inside a writer's commit.

SQLite checkpoints on its own: the commit that takes the WAL past 1,000 pages copies the pages back into the
database file and fsyncs it before it returns. That commit runs inside the writer queue (exhibits/sqlite_writers.py),
so every writer of every process waits for the copy and the fsync: 5 to 200 ms on a server's disk, once every
fifty bookings or so (a booking writes about twenty pages: its rows and their indexes). That wait was most of the
booking API's latency tail.

So connections turn the automatic checkpoint off (``PRAGMA wal_autocheckpoint=0``, set in exhibits/db.py) and each
process that opens the file runs one :class:`Checkpointer` thread. Every ``interval`` it looks whether the WAL
changed, and if so checkpoints it PASSIVE: as many pages as it can copy without waiting for readers or writers and
without blocking them (SQLite runs it without holding Python's GIL). Writers go on appending meanwhile, and SQLite
starts the WAL over from its beginning only when a writer finds it wholly copied. Under a steady stream of writes
that moment may not come, so when the WAL holds more than ``limit_frames`` the checkpointer also takes the writer
queue for a second pass: only the pages written since the first are left to copy, and the next writer starts the WAL
over. ``journal_size_limit`` (exhibits/db.py) then cuts the file back.

Every process checkpoints the whole file, whoever wrote it; SQLite lets one checkpoint run at a time, and another
process's pass that finds it busy simply tries again next time. When the last connection to the file closes, SQLite
checkpoints what is left and removes the WAL, as before.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
from contextlib import AbstractContextManager
from pathlib import Path

log = logging.getLogger(__name__)

#: Seconds between looks at the WAL.
INTERVAL = 0.2
#: WAL frames (pages) above which a checkpoint also takes the writer queue, so the WAL starts over (32 MiB of 4 KiB
#: pages, about 1,600 bookings).
LIMIT_FRAMES = 8192


class Checkpointer:
    """Checkpoints ``database_file``'s WAL from a daemon thread of this process (see the module's docstring)."""

    def __init__(self, database_file: Path, writers: AbstractContextManager, interval: float = INTERVAL,
                 limit_frames: int = LIMIT_FRAMES) -> None:
        self.database_file = database_file
        self.wal_file = Path(f"{database_file}-wal")
        self.writers = writers
        self.interval = interval
        self.limit_frames = limit_frames
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._start_lock = threading.Lock()
        self._seen: tuple[int, int] | None = None

    def ensure_running(self) -> None:
        """Start the thread unless it runs in this process already (a forked child has none of its parent's
        threads). Cheap enough to call on every new connection."""
        if self._pid == os.getpid() or self._stopped.is_set():
            return
        with self._start_lock:
            if self._pid == os.getpid() or self._stopped.is_set():
                return
            self._thread = threading.Thread(target=self._run, name=f"sqlite-checkpoints {self.database_file.name}",
                                            daemon=True)
            self._thread.start()
            self._pid = os.getpid()

    def stop(self) -> None:
        """Stop the thread (for good: a disposed database starts none again)."""
        self._stopped.set()
        thread = self._thread
        if thread is not None and self._pid == os.getpid() and thread is not threading.current_thread():
            thread.join(timeout=30)

    def checkpoint(self) -> tuple[int, int]:
        """One pass: checkpoint the WAL, and if it holds more than ``limit_frames`` frames, again inside the writer
        queue. The WAL's frames and how many of them are copied into the database, after the pass (SQLite's
        answer; -1, -1 when the file is not in WAL mode)."""
        connection = sqlite3.connect(self.database_file, timeout=30, isolation_level=None)
        try:
            frames, copied = self._passive(connection)
            if frames > self.limit_frames:  # copied up to the last commit it saw, but writers went on since
                with self.writers:
                    frames, copied = self._passive(connection)
        finally:
            connection.close()
        return frames, copied

    @staticmethod
    def _passive(connection: sqlite3.Connection) -> tuple[int, int]:
        _busy, frames, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return frames, copied

    def _changed(self) -> bool:
        """Whether the WAL file was written since the last look (its size and modification time)."""
        try:
            stat = self.wal_file.stat()
        except FileNotFoundError:
            return False
        seen, self._seen = self._seen, (stat.st_size, stat.st_mtime_ns)
        return seen != self._seen

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            if not self.database_file.exists():
                return  # its folder was removed (a test's, a temporary site's)
            if not self._changed():
                continue
            try:
                self.checkpoint()
            except sqlite3.Error as exc:  # busy for 30 s, a disk error: the next pass tries again
                log.warning("checkpoint of %s failed: %s", self.database_file, exc)
