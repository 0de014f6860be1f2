"""gunicorn settings of ``jinshi serve`` that are Python rather than flags (``-c python:viewer.gunicorn_hooks``).

* **Data every worker needs, loaded once in the master** (``on_starting``): the GB/T 2260 region table that
  checks identity numbers and jieba's dictionary for Chinese search, about a second of loading that the first
  visitors of each new worker would otherwise wait for (each of a worker's threads loading it at once). Forked
  workers share it.
* **An access log without personal data** (``logger_class``, viewer/access_log.py): the client's address as a
  keyed fingerprint, secret query parameters (a ticket's manage token) masked.
* **The worker's threads, known to the app** (``post_fork``): renders may hold at most half of them
  (``render_capacity``), so a burst of renders leaves threads for stored tiles and pages.
* **A 1 ms thread switch interval** (``post_fork``). A worker runs several threads under one GIL. A thread that
  waits on the database gives the GIL up while it waits, and to get it back must wait for the running thread's
  switch interval (CPython's default is 5 ms) once per statement. A 1 ms interval cuts that wait to a fifth; the
  extra switching costs little next to a request's few milliseconds.
* **The loaded app kept out of garbage collection** (``on_starting``, ``post_worker_init``). A worker holds some
  170,000 objects once the app, the region table and jieba's dictionary are loaded, and CPython's full collection
  walks them all: 115 to 150 ms during which the worker's threads stand still, every few thousand requests. They
  live as long as the worker, so ``gc.freeze()`` moves them out of the collector's sight once loaded (CPython's
  advice for pre-forking servers, which also keeps the master's pages shared with its workers); a full collection
  then walks only what requests made since.
"""
from __future__ import annotations

import gc
import sys

#: Seconds; CPython's default is 0.005.
SWITCH_INTERVAL = 0.001
#: Requests inside the IIIF render pool (running or queued) when nothing says how many threads serve them.
RENDER_CAPACITY = 4

logger_class = "viewer.access_log.AccessLogger"

#: The request threads of this gunicorn worker (None outside gunicorn: the dev server, tests).
worker_threads: int | None = None


def render_capacity() -> int:
    """How many requests may wait inside the render pool at once: at most half the worker's threads, so stored
    tiles and pages always find one (a full pool answers 503 at once)."""
    if worker_threads is None:
        return RENDER_CAPACITY
    return max(1, min(RENDER_CAPACITY, worker_threads // 2))


def preload() -> None:
    """Load what requests would otherwise load lazily, the first of them paying for it."""
    from exhibits.bookings import regions
    from search import analysis

    regions.regions()
    analysis.warm_up()


def on_starting(server) -> None:  # noqa: ARG001 - gunicorn's hook signature
    preload()
    gc.freeze()  # before the workers are forked: their collections leave the master's objects (and pages) alone


def post_worker_init(worker) -> None:
    """Keep the loaded app out of garbage collection, and say when a worker has loaded it and starts taking
    connections (gunicorn only says it is booting)."""
    gc.freeze()
    worker.log.info("Worker ready (pid: %s)", worker.pid)


def post_fork(server, worker) -> None:  # noqa: ARG001 - gunicorn's hook signature
    global worker_threads
    worker_threads = worker.cfg.threads
    sys.setswitchinterval(SWITCH_INTERVAL)
