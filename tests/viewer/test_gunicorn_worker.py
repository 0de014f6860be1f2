"""`jinshi serve`'s gunicorn worker: with every thread busy it leaves new connections to a less busy worker for a
moment, and still takes one now and then, so none waits long (the live spread: tests/viewer/test_cli.py)."""
import logging
import os
import selectors
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from gunicorn.config import Config

from viewer import gunicorn_worker
from viewer.gunicorn_worker import BalancedThreadWorker


@pytest.fixture
def worker():
    config = Config()
    config.set("threads", 2)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    made = BalancedThreadWorker(1, os.getpid(), [listener], None, 30, config, logging.getLogger("test"))
    made.tpool = ThreadPoolExecutor(max_workers=2)
    made.poller = selectors.DefaultSelector()
    made.method_queue.init()
    made.poller.register(made.method_queue.fileno(), selectors.EVENT_READ, made.method_queue.run_callbacks)
    made.release = threading.Event()

    def handle(conn):  # a request that keeps its thread until released, then ends its connection
        made.release.wait(30)
        conn.sock.shutdown(socket.SHUT_RDWR)
        return False

    made.handle = handle
    yield made
    made.release.set()
    made.tpool.shutdown(wait=True)
    made.poller.close()
    listener.close()


def _turns(worker, seconds: float) -> None:
    """gthread's main loop (ThreadWorker.run) for ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        worker.set_accept_enabled(worker.nr_conns < worker.worker_connections)
        worker.wait_for_and_dispatch_events(timeout=0.01)


def test_a_worker_with_every_thread_busy_takes_a_new_connection_only_after_holding_back(worker, monkeypatch):
    monkeypatch.setattr(gunicorn_worker, "HOLD_BACK", 3600)
    address = worker.sockets[0].getsockname()
    clients = [socket.create_connection(address) for _ in range(4)]
    try:
        _turns(worker, 0.3)
        assert worker.nr_conns == 2 and worker.in_flight == 2  # one a thread; the others are left in the queue
        monkeypatch.setattr(gunicorn_worker, "HOLD_BACK", 0.05)
        worker._held_back_until = time.monotonic()  # the hold-back is over: one more, then it holds back again
        _turns(worker, 0.02)
        assert worker.nr_conns == 3
        _turns(worker, 0.3)
        assert worker.nr_conns == 4  # no connection waits for long, however busy the worker
    finally:
        for client in clients:
            client.close()


def test_a_worker_takes_new_connections_at_once_while_a_thread_is_free(worker, monkeypatch):
    monkeypatch.setattr(gunicorn_worker, "HOLD_BACK", 3600)
    address = worker.sockets[0].getsockname()
    first = socket.create_connection(address)
    _turns(worker, 0.2)
    assert worker.nr_conns == 1
    worker.release.set()  # its request finishes: the thread is free again
    clients = [socket.create_connection(address) for _ in range(2)]
    try:
        _turns(worker, 0.3)
        assert worker.in_flight == 0 and worker._accepting  # both taken at once and answered
        assert worker.nr_conns == 0  # (the stand-in requests close their connections)
    finally:
        first.close()
        for client in clients:
            client.close()


def test_the_board_adds_up_live_workers_and_forgets_a_gone_one(monkeypatch):
    board = gunicorn_worker.LoadBoard()
    first, second = board.claim(101, 1), board.claim(102, 1)  # born together: the second probes on
    assert first != second
    board.publish(first, 101, 30)
    board.publish(second, 102, 20)
    assert board.totals() == (50, 2)
    monkeypatch.setattr(gunicorn_worker, "STALE", 0.05)
    time.sleep(0.1)
    board.publish(second, 102, 20)  # the first stopped publishing (killed): no longer counted, its slot free
    assert board.totals() == (20, 1)
    assert board.claim(103, first) == first
    board.release(second)
    assert board.totals() == (0, 1)


def test_a_worker_over_its_share_closes_that_many_connections_after_their_requests(worker):
    worker.board = gunicorn_worker.LoadBoard()
    worker._pid = os.getpid()
    worker._slot = worker.board.claim(worker._pid, 0)
    other = worker.board.claim(os.getpid() + 1, 0)
    worker.board.publish(other, os.getpid() + 1, 2)
    worker.nr_conns = 8
    worker.wait_for_and_dispatch_events(timeout=0)  # publishes 8, looks at the board: an even share is 5
    assert worker.board.totals() == (10, 2)
    assert worker.surplus() == 2  # 8 held, 5 + SPARE allowed
    assert [worker._take_surplus() for _ in range(4)] == [True, True, False, False]
    worker.board.publish(other, os.getpid() + 1, 14)
    assert worker.surplus() == 0  # under its share: keeps every connection
    worker.board.release(other)
    assert worker.surplus() == 0  # alone: nothing to balance against
