"""gunicorn settings of ``jinshi serve`` that are Python rather than flags (``-c python:viewer.gunicorn_hooks``).

A worker runs several threads under one GIL. A thread that waits on the database (SQLite's write lock, a
PostgreSQL row lock) gives the GIL up while it waits, and to get it back must wait for the running thread's
switch interval (CPython's default is 5 ms) once per statement: a booking writer holding SQLite's only write
lock sat through that for each of its statements while every other writer queued behind it. A 1 ms interval
cuts that wait to a fifth; the extra switching costs little next to a request's few milliseconds.
"""
from __future__ import annotations

import sys

#: Seconds; CPython's default is 0.005.
SWITCH_INTERVAL = 0.001


def post_fork(server, worker) -> None:  # noqa: ARG001 - gunicorn's hook signature
    sys.setswitchinterval(SWITCH_INTERVAL)
