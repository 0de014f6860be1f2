"""The IIIF render cache on disk, kept under a size limit by evicting the least recently used entries.

Recency is the file's modification time: a hit touches it (at most once a minute per entry, so
popular entries cost no extra write per request), a new entry is written with the current time.
Several server processes share one cache folder; each keeps an estimate of the folder's size and,
when the estimate passes the limit, one of them (holding an ``flock``) scans the folder and deletes
the oldest entries until it is back under ``low_water`` of the limit. A reader that already opened
a file keeps reading it after it is deleted (POSIX), so eviction never breaks a response.

Only renders live here. Tiles copied out of a pyramid are kept elsewhere by the image service and
never evicted: they are as cheap as the pyramid itself and bounded by it.
"""
from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

TOUCH_AFTER = 60.0  # seconds: a hit on an entry older than this refreshes its recency
STALE_TEMPORARY = 3600.0  # seconds: a half-written temporary file this old was left by a crash


class RenderCache:
    def __init__(self, root: Path, max_bytes: int, low_water: float = 0.9) -> None:
        self.root = Path(root)
        self.max_bytes = int(max_bytes)
        self.low_water = low_water
        self._estimate: int | None = None  # unknown until the first scan
        self._lock = threading.Lock()
        self.evictions = 0

    def hit(self, path: Path) -> bool:
        """Whether ``path`` holds a finished entry; refreshes its recency."""
        try:
            st = os.stat(path)
        except OSError:
            return False
        if st.st_size == 0:
            return False
        if time.time() - st.st_mtime > TOUCH_AFTER:
            try:
                os.utime(path)
            except OSError:
                pass
        return True

    def added(self, nbytes: int) -> None:
        """Account for a new entry of ``nbytes``; evicts when the cache is over its limit."""
        with self._lock:
            if self._estimate is not None:
                self._estimate += nbytes
                if self._estimate <= self.max_bytes:
                    return
        self.evict()

    def size(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def evict(self) -> int:
        """Scan the cache and delete the oldest entries beyond the limit; the bytes it freed."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".evict.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0  # another process is evicting right now
            entries = self._entries()
            total = sum(size for _, size, _ in entries)
            freed = 0
            if total > self.max_bytes:
                target = int(self.max_bytes * self.low_water)
                entries.sort()
                for _, size, path in entries:
                    if total - freed <= target:
                        break
                    try:
                        os.unlink(path)
                    except FileNotFoundError:
                        continue
                    freed += size
                    self.evictions += 1
            with self._lock:
                self._estimate = total - freed
            return freed

    def _entries(self) -> list[tuple[float, int, str]]:
        """(mtime, size, path) of every entry; removes temporary files a crash left behind."""
        found: list[tuple[float, int, str]] = []
        now = time.time()
        stack = [str(self.root)]
        while stack:
            try:
                with os.scandir(stack.pop()) as listing:
                    for entry in listing:
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                stack.append(entry.path)
                                continue
                            if entry.name == ".evict.lock":
                                continue
                            st = entry.stat(follow_symlinks=False)
                        except FileNotFoundError:
                            continue
                        if entry.name.startswith(".tmp-"):
                            if now - st.st_mtime > STALE_TEMPORARY:
                                try:
                                    os.unlink(entry.path)
                                except FileNotFoundError:
                                    pass
                            continue
                        found.append((st.st_mtime, st.st_size, entry.path))
            except FileNotFoundError:
                continue
        return found
