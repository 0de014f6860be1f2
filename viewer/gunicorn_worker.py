"""The gunicorn worker of ``jinshi serve``: gthread that leaves new connections to a less busy worker for a moment.

gthread's main loop accepts every connection it is woken for and queues it for its thread pool. All workers wait
on one listening socket, and the one that wins the first accepts of a burst (a release-time rush, a proxy opening
its keep-alive pool) may take the whole burst: on two cores, the 50 connections of the booking benchmark went
50 to 0 in one run of three, one worker served everything on one core while the other idled, and p95 latency
went from about 130 ms to 500 ms.

Here a worker whose threads are all busy stops accepting for ``HOLD_BACK`` seconds after each connection it
takes, so a worker with a free thread gets the next ones; when every worker is busy, each still takes one
connection per ``HOLD_BACK``, so no connection waits long in the kernel's queue. (gunicorn's ``reuse_port``, a
socket per worker, spreads connections too, but a booting worker's socket queues connections until its app is
loaded, and a stopping worker's queued connections are reset.)

Keep-alive connections stay with the worker that accepted them, and a burst is rarely split evenly: the booking
benchmark's 50 connections sat 28 to 22 for a whole run: each worker on its core served as many requests, so
those of the first waited 27 % longer. So the workers share their counts of open connections (``LoadBoard``, memory
the arbiter maps before it forks them), and a worker holding more than its share plus ``SPARE`` answers a request
with ``Connection: close`` (the client opens a new connection, which the kernel queue hands to whichever worker
accepts first: the less busy one, most often). The answer itself is whole: only the connection's next request
moves.
"""
from __future__ import annotations

import math
import mmap
import os
import struct
import threading
import time

from gunicorn.workers.gthread import ThreadWorker

#: Seconds a worker with no free thread waits before accepting another connection.
HOLD_BACK = 0.002
#: Open connections a worker may hold above an even share of all workers' before it closes one after a request.
SPARE = 1
#: Seconds between two looks at the board (each look decides how many connections to close until the next).
LOOK_EVERY = 0.02
#: Seconds after which a worker that has not published its count is taken for gone (its loop publishes every turn,
#: and a turn lasts at most about a second).
STALE = 5.0


class LoadBoard:
    """The open connections of each worker of a server, in anonymous shared memory: made when this module is
    imported (by the arbiter, which loads the worker class before it forks), so every worker maps the same pages.

    A slot holds a worker's pid, its connection count and when it wrote them (``time.monotonic``, one clock for
    every process). Each worker writes its own slot only; a torn read costs at most one needless close."""

    SLOTS = 64
    _SLOT = struct.Struct("qqd")

    def __init__(self) -> None:
        self._memory = mmap.mmap(-1, self.SLOTS * self._SLOT.size)

    def _read(self, slot: int) -> tuple[int, int, float]:
        return self._SLOT.unpack_from(self._memory, slot * self._SLOT.size)

    def claim(self, pid: int, first: int) -> int:
        """A slot for worker ``pid``, starting at ``first`` (its age: workers booted together start apart)."""
        now = time.monotonic()
        for step in range(self.SLOTS):
            slot = (first + step) % self.SLOTS
            owner, _, written = self._read(slot)
            if owner in (0, pid) or now - written > STALE:
                self.publish(slot, pid, 0)
                return slot
        return first % self.SLOTS  # more than SLOTS live workers: share a slot (balance is only coarser)

    def publish(self, slot: int, pid: int, connections: int) -> None:
        self._SLOT.pack_into(self._memory, slot * self._SLOT.size, pid, connections, time.monotonic())

    def release(self, slot: int) -> None:
        self._SLOT.pack_into(self._memory, slot * self._SLOT.size, 0, 0, 0.0)

    def totals(self) -> tuple[int, int]:
        """Open connections of all live workers, and how many workers."""
        now, connections, workers = time.monotonic(), 0, 0
        for slot in range(self.SLOTS):
            owner, count, written = self._read(slot)
            if owner and now - written <= STALE:
                connections += count
                workers += 1
        return connections, workers


BOARD = LoadBoard()


class BalancedThreadWorker(ThreadWorker):
    """gthread that, with every thread busy, takes a new connection only every ``HOLD_BACK`` seconds, and closes a
    keep-alive connection after its request while it holds more than its share of all workers' connections."""

    board = BOARD

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: Requests handed to the thread pool and not yet finished (main thread only, so no lock).
        self.in_flight = 0
        self._held_back_until = 0.0
        #: This worker's slot on the board and its pid, set in the worker's own process (init_process).
        self._slot: int | None = None
        self._pid = 0
        self._next_look = 0.0
        #: Connections to close after their current request (set by the main loop, taken by the pool's threads).
        self._surplus = 0
        self._surplus_lock = threading.Lock()

    def init_process(self) -> None:
        self._pid = os.getpid()
        self._slot = self.board.claim(self._pid, self.age)
        try:
            super().init_process()  # runs the worker's loop until it stops
        finally:
            self.board.release(self._slot)

    def surplus(self) -> int:
        """Connections this worker holds above an even share of the server's, plus ``SPARE``."""
        connections, workers = self.board.totals()
        if workers < 2:
            return 0
        return max(0, math.ceil(self.nr_conns - connections / workers - SPARE))

    def _take_surplus(self) -> bool:
        with self._surplus_lock:
            if self._surplus <= 0:
                return False
            self._surplus -= 1
            return True

    def handle_request(self, req, conn):
        if self._surplus > 0 and self._take_surplus():
            req.must_close = True  # answered with "Connection: close"; the client's next request reconnects
        return super().handle_request(req, conn)

    def has_free_thread(self) -> bool:
        return self.in_flight < self.cfg.threads

    def enqueue_req(self, conn) -> None:
        self.in_flight += 1
        super().enqueue_req(conn)

    def finish_request(self, conn, fs) -> None:
        self.in_flight -= 1
        super().finish_request(conn, fs)  # may queue the connection's next request at once (enqueue_req)

    def accept(self, listener) -> None:
        super().accept(listener)
        if not self.has_free_thread():
            self._held_back_until = time.monotonic() + HOLD_BACK
            super().set_accept_enabled(False)

    def set_accept_enabled(self, enabled: bool) -> None:
        # gthread's loop asks to accept whenever it is under worker_connections
        if enabled and not self.has_free_thread() and time.monotonic() < self._held_back_until:
            enabled = False
        super().set_accept_enabled(enabled)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        if self._slot is not None:
            self.board.publish(self._slot, self._pid, self.nr_conns)
            now = time.monotonic()
            if now >= self._next_look:
                self._next_look = now + LOOK_EVERY
                surplus = self.surplus()
                with self._surplus_lock:
                    self._surplus = surplus
        held_back = self._held_back_until - time.monotonic()
        if not self._accepting and held_back > 0:  # wake up when the hold-back ends
            timeout = min(timeout, held_back)
        super().wait_for_and_dispatch_events(timeout)
