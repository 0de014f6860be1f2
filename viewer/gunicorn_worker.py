"""The gunicorn worker of ``jinshi serve``: gthread that leaves new connections to a less busy worker for a moment.

gthread's main loop accepts every connection it is woken for and queues it for its thread pool. All workers wait
on one listening socket, and the one that wins the first accepts of a burst (a release-time rush, a proxy opening
its keep-alive pool) may take the whole burst: on two cores, the 50 connections of the booking benchmark went
50 to 0 in one run of three, one worker served everything on one core while the other idled, and p95 latency
went from about 130 ms to 500 ms.

Here a worker whose threads are all busy stops accepting for ``HOLD_BACK`` seconds after each connection it
takes, so a worker with a free thread gets the next ones; when every worker is busy, each still takes one
connection per ``HOLD_BACK``, so no connection waits long in the kernel's queue. Connections already accepted
(keep-alive) stay with their worker, as in gthread. (gunicorn's ``reuse_port``, a socket per worker, spreads
connections too, but a booting worker's socket queues connections until its app is loaded, and a stopping
worker's queued connections are reset.)
"""
from __future__ import annotations

import time

from gunicorn.workers.gthread import ThreadWorker

#: Seconds a worker with no free thread waits before accepting another connection.
HOLD_BACK = 0.002


class BalancedThreadWorker(ThreadWorker):
    """gthread that, with every thread busy, takes a new connection only every ``HOLD_BACK`` seconds."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: Requests handed to the thread pool and not yet finished (main thread only, so no lock).
        self.in_flight = 0
        self._held_back_until = 0.0

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
        held_back = self._held_back_until - time.monotonic()
        if not self._accepting and held_back > 0:  # wake up when the hold-back ends
            timeout = min(timeout, held_back)
        super().wait_for_and_dispatch_events(timeout)
