"""A small bounded pool for the IIIF renders that are not a stored tile.

Rendering an arbitrary region, size or rotation costs seconds of CPU, a stored tile costs a
``pread``. The costly renders run on a few worker threads of their own, so they can never take
every request thread of the server:

* at most ``capacity`` requests are inside the render path at once (running, queued, or waiting
  for an identical render); one more is refused at once with :class:`PoolBusy` (503 + Retry-After)
  instead of holding a request thread;
* identical requests (same cache key) share one render: the first starts it, the others wait for
  its result (single flight);
* the pool's threads run at a lower CPU priority (``nice``), and so do the libvips worker threads they
  start, so that a busy pool slows tiles and pages as little as possible;
* every render has a deadline: the waiting request gives up with :class:`RenderTimeout` (503), and
  the render itself is stopped by libvips' kill flag, checked by its progress callback, so the worker
  thread is freed too (nothing hangs).
"""
from __future__ import annotations

import math
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Callable, TypeVar

T = TypeVar("T")

#: how much lower the render threads' CPU priority is than the request threads'
NICENESS = 10


def _lower_priority() -> None:
    """Lower this thread's priority (Linux: niceness is per thread, and inherited by threads it starts)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    except (AttributeError, OSError):
        pass


class PoolBusy(Exception):
    """Too many renders in progress; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RenderTimeout(PoolBusy):
    """A render did not finish within its time limit (it is being stopped)."""


class Deadline:
    """When a render must stop; ``expired`` is read by the renderer (libvips' progress callback)."""

    __slots__ = ("at", "_stopped")

    def __init__(self, at: float) -> None:
        self.at = at
        self._stopped = False

    @property
    def expired(self) -> bool:
        return self._stopped or time.monotonic() >= self.at

    def stop(self) -> None:
        self._stopped = True

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())


class RenderPool:
    def __init__(self, workers: int = 2, capacity: int = 4, timeout: float = 30.0) -> None:
        if workers < 1 or capacity < workers:
            raise ValueError("a render pool needs at least one worker and capacity >= workers")
        self.workers = workers
        self.capacity = capacity
        self.timeout = float(timeout)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="iiif-render",
                                            initializer=_lower_priority)
        self._slots = threading.BoundedSemaphore(capacity)
        self._lock = threading.Lock()
        self._inflight: dict[str, tuple[Future, Deadline]] = {}
        self.renders_started = 0  # for tests and benchmarks: how many renders really ran

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.timeout / 4))

    def run(self, key: str, render: Callable[[Deadline], T]) -> T:
        """``render(deadline)`` once per ``key`` at a time, on a pool thread; its result or its exception."""
        if not self._slots.acquire(blocking=False):
            raise PoolBusy("too many image renders in progress; try again shortly", self.retry_after)
        try:
            with self._lock:
                running = self._inflight.get(key)
                if running is None:
                    deadline = Deadline(time.monotonic() + self.timeout)
                    future = self._executor.submit(self._call, key, render, deadline)
                    running = self._inflight[key] = (future, deadline)
            future, deadline = running
            try:
                return future.result(timeout=deadline.remaining())
            except FutureTimeout:
                deadline.stop()
                raise RenderTimeout(f"the image render took longer than {self.timeout:g} s",
                                    self.retry_after) from None
        finally:
            self._slots.release()

    def _call(self, key: str, render: Callable[[Deadline], T], deadline: Deadline) -> T:
        try:
            if deadline.expired:  # waited in the queue past its time: nobody is waiting any more
                raise RenderTimeout("the image render waited too long for a worker", self.retry_after)
            self.renders_started += 1
            return render(deadline)
        finally:
            with self._lock:
                if key in self._inflight and self._inflight[key][1] is deadline:
                    del self._inflight[key]

    def background(self, work: Callable[[], object]) -> None:
        """Run ``work`` on a pool thread, nobody waiting (e.g. start libvips' threads at the pool's priority)."""
        self._executor.submit(work)

    def shutdown(self) -> None:
        with self._lock:
            for _, deadline in self._inflight.values():
                deadline.stop()
        self._executor.shutdown(wait=True, cancel_futures=True)
