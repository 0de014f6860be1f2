"""gunicorn settings of ``jinshi serve`` that are Python rather than flags (``-c python:viewer.gunicorn_hooks``).

* **Data every worker needs, loaded once in the master** (``on_starting``): the GB/T 2260 region table that
  checks identity numbers and jieba's dictionary for Chinese search, about a second of loading that the first
  visitors of each new worker would otherwise wait for (each of a worker's threads loading it at once). Forked
  workers share it.
* **A 1 ms thread switch interval** (``post_fork``). A worker runs several threads under one GIL. A thread that
  waits on the database gives the GIL up while it waits, and to get it back must wait for the running thread's
  switch interval (CPython's default is 5 ms) once per statement. A 1 ms interval cuts that wait to a fifth; the
  extra switching costs little next to a request's few milliseconds.
"""
from __future__ import annotations

import sys

#: Seconds; CPython's default is 0.005.
SWITCH_INTERVAL = 0.001


def preload() -> None:
    """Load what requests would otherwise load lazily, the first of them paying for it."""
    from exhibits.bookings import regions
    from search import analysis

    regions.regions()
    analysis.warm_up()


def on_starting(server) -> None:  # noqa: ARG001 - gunicorn's hook signature
    preload()


def post_fork(server, worker) -> None:  # noqa: ARG001 - gunicorn's hook signature
    sys.setswitchinterval(SWITCH_INTERVAL)
