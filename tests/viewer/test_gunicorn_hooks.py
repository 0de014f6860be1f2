"""`jinshi serve` gives gunicorn its Python settings: data loaded once in the master, workers switching threads
every millisecond (the socket each worker listens on: tests/viewer/test_cli.py)."""
import gc
import logging
import sys
import weakref
from types import SimpleNamespace

from click.testing import CliRunner

from viewer import cli, gunicorn_hooks


def test_serve_passes_the_hooks_and_a_worker_takes_the_short_switch_interval(monkeypatch, tmp_path):
    monkeypatch.setenv("JINSHI_HOME", str(tmp_path))
    monkeypatch.setenv("JINSHI_SECRET_KEY", "test")
    ran = []
    monkeypatch.setattr(cli.os, "execvp", lambda file, args: ran.append(args))
    result = CliRunner().invoke(cli.main, ["serve", "--port", "5999", "--workers", "1"])
    assert result.exit_code == 0, result.output
    command = ran[0]
    assert command[command.index("--config") + 1] == "python:viewer.gunicorn_hooks" == cli.GUNICORN_CONFIG
    assert command[command.index("--worker-class") + 1] == "viewer.gunicorn_worker.BalancedThreadWorker"
    assert command[command.index("--threads") + 1] == "4" and command[command.index("--workers") + 1] == "1"
    result = CliRunner().invoke(cli.main, ["serve", "--port", "5999", "--threads", "12"])
    assert result.exit_code == 0, result.output
    assert ran[1][ran[1].index("--threads") + 1] == "12"
    assert int(ran[1][ran[1].index("--workers") + 1]) >= 2  # one a core, at least two
    before = sys.getswitchinterval()
    monkeypatch.setattr(gunicorn_hooks, "worker_threads", None)  # what post_fork sets is put back after the test
    try:
        gunicorn_hooks.post_fork(None, SimpleNamespace(cfg=SimpleNamespace(threads=4)))
        assert sys.getswitchinterval() == gunicorn_hooks.SWITCH_INTERVAL < before
    finally:
        sys.setswitchinterval(before)


def test_the_master_loads_what_the_first_requests_would_otherwise_wait_for():
    from gunicorn.config import Config

    from exhibits.bookings import regions
    from search import analysis

    config = Config()
    config.set("on_starting", gunicorn_hooks.on_starting)
    regions._load.cache_clear()
    try:
        config.on_starting(None)
        assert regions._load.cache_info().currsize == 1 and analysis._ready
        assert gc.get_freeze_count() > 0  # what it loaded is kept out of the workers' collections
    finally:
        gc.unfreeze()


class _Node:
    pass


def test_a_ready_worker_keeps_what_it_loaded_out_of_garbage_collection(caplog):
    """A full collection walks every object a worker holds (the app, the region table, jieba's dictionary: 100
    ms and more with its threads stopped); what is loaded when the worker is ready is frozen out of it."""
    loaded = _Node()
    loaded.itself = loaded  # only the cycle collector could free it: a frozen object it never looks at
    alive = weakref.ref(loaded)
    del loaded
    caplog.set_level(logging.INFO)
    try:
        gunicorn_hooks.post_worker_init(SimpleNamespace(log=logging.getLogger("gunicorn.error"), pid=1234))
        gc.collect()
        assert alive() is not None
        assert "Worker ready (pid: 1234)" in caplog.text
    finally:
        gc.unfreeze()
    gc.collect()
    assert alive() is None  # made collectable again: the test process is as it was


def test_renders_may_hold_at_most_half_of_a_workers_threads(monkeypatch):
    before = sys.getswitchinterval()
    monkeypatch.setattr(gunicorn_hooks, "worker_threads", None)  # what post_fork sets is put back after the test
    try:
        for threads, capacity in ((4, 2), (8, 4), (16, 4), (2, 1), (1, 1)):
            gunicorn_hooks.post_fork(None, SimpleNamespace(cfg=SimpleNamespace(threads=threads)))
            assert gunicorn_hooks.render_capacity() == capacity, threads
    finally:
        sys.setswitchinterval(before)
    gunicorn_hooks.worker_threads = None
    assert gunicorn_hooks.render_capacity() == gunicorn_hooks.RENDER_CAPACITY  # outside gunicorn
