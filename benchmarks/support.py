"""What the benchmarks share: the production server on loopback, its CPU and memory, percentiles, load.

``Server`` starts gunicorn as ``jinshi serve`` runs it (``jinshi migrate`` once, then gthread workers
loading ``viewer.cli.WSGI_APP``) over a JINSHI_HOME with rate limits off, waits until it answers,
measures it (CPU seconds and resident memory of the master and its workers, through psutil) and
stops it with its whole process group. Figures are only comparable at similar load, so every script
prints the load average beside them.
"""
from __future__ import annotations

import http.client
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Sequence

import psutil

ROOT = Path(__file__).resolve().parents[1]
JINSHI = [sys.executable, "-c", "from viewer.cli import main; main()"]
#: gunicorn as ``jinshi serve`` starts it: its command line, worker class and threads.
from viewer.cli import DEFAULT_THREADS, WORKER_CLASS, gunicorn_command  # noqa: E402

#: The words generated catalogue records are made of (zh, en): materials, objects, periods with their years.
MATERIALS = [("青铜", "bronze"), ("瓷", "porcelain"), ("玉", "jade"), ("纸本", "paper"), ("木", "wood"), ("银", "silver")]
OBJECTS = [("鼎", "ding"), ("铜镜", "mirror"), ("瓶", "vase"), ("山水图", "landscape"), ("印章", "seal"), ("剪纸", "paper-cut")]
PERIODS = [("商", "Shang", -1600, -1046), ("西汉", "Western Han", -206, 8), ("唐", "Tang", 618, 907), ("明", "Ming", 1368, 1644),
           ("清", "Qing", 1644, 1911)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def loadavg() -> str:
    """The 1-, 5- and 15-minute load averages, as printed beside figures."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: Sequence[float], q: float) -> float:
    """The value at quantile ``q`` (0 to 1) of ``values``, nearest rank (p50 of 1..5 is 3)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children (worker processes it waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a server over ``home``: rate limits off, this checkout first on the path, and no
    ``JINSHI_BASE_URL``/``JINSHI_DATABASE_URL``/``JINSHI_SEARCH_URL`` of the caller's shell unless given."""
    env = {**os.environ, "JINSHI_HOME": str(home), "JINSHI_RATE_LIMITS": "off", "PYTHONPATH": str(ROOT)}
    for name in ("JINSHI_BASE_URL", "JINSHI_DATABASE_URL", "JINSHI_SEARCH_URL"):
        env.pop(name, None)
    env.update({k: v for k, v in extra.items() if v})
    return env


def jinshi(env: dict[str, str], *args: str) -> None:
    """Run a ``jinshi`` command (this checkout's) to its end; its output is dropped, its failure raised."""
    subprocess.run([*JINSHI, *args], env=env, cwd=str(ROOT), check=True, stdout=subprocess.DEVNULL)


def _tree_sum(pid: int, measure) -> float:
    """``measure(process)`` summed over a process and its children (one that ends meanwhile counts nothing)."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        try:
            total += measure(proc)
        except psutil.Error:
            pass
    return total


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children."""
    return float(_tree_sum(pid, lambda proc: sum(proc.cpu_times()[:2])))


def process_tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and its children."""
    return int(_tree_sum(pid, lambda proc: proc.memory_info().rss))


def remove_unless_kept(folder: Path, keep: bool) -> None:
    """Remove a benchmark's temporary folder, or say where it is when ``--keep`` was given."""
    if keep:
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


class Server:
    """Jinshi's production server (gunicorn) on a free loopback port; a context manager that stops it.

    ``threads`` and ``worker_class`` default to what ``jinshi serve`` uses (its gthread worker and threads).
    """

    def __init__(self, home: Path, workers: int = 2, *, threads: int = DEFAULT_THREADS, worker_class: str = WORKER_CLASS,
                 env: dict[str, str] | None = None, migrate: bool = True) -> None:
        self.home = Path(home)
        self.workers, self.threads, self.worker_class = workers, threads, worker_class
        self.env = env if env is not None else server_env(self.home)
        self.migrate = migrate
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = self.home / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "the server is not started"
        return self.process.pid

    def start(self, ready: str = "/", timeout: float = 120.0) -> "Server":
        """Start gunicorn and wait until ``ready`` answers (any status below 500)."""
        if self.migrate:  # once, as `jinshi serve` does before its workers start
            jinshi(self.env, "migrate")
        command = gunicorn_command("127.0.0.1", self.port, self.workers, self.threads, self.worker_class)
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:  # the access log (stdout, as `jinshi serve` writes it) is dropped
            self.process = subprocess.Popen(command, env=self.env, cwd=str(ROOT), stdout=subprocess.DEVNULL,
                                            stderr=log, start_new_session=True)
        self.wait_until_up(ready, timeout)
        return self

    def wait_until_up(self, path: str = "/", timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise SystemExit(f"the server exited with status {self.process.returncode}:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path)
                status = conn.getresponse().status
                conn.close()
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"the server did not answer {path} within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, size: int = 2000) -> str:
        try:
            return self.log.read_bytes()[-size:].decode("utf-8", "replace")
        except OSError:
            return "(no log)"

    def cpu(self) -> float:
        """CPU seconds of the server so far (master and workers)."""
        return process_tree_cpu(self.pid)

    def workers_cpu(self) -> dict[int, float]:
        """CPU seconds so far of each worker (by pid): how evenly the work is spread."""
        try:
            workers = psutil.Process(self.pid).children()
        except psutil.Error:
            return {}
        seconds = {}
        for worker in workers:
            try:
                seconds[worker.pid] = sum(worker.cpu_times()[:2])
            except psutil.Error:
                pass
        return seconds

    def rss(self) -> int:
        """Resident memory of the server now (master and workers), in bytes."""
        return process_tree_rss(self.pid)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> "Server":
        return self.start() if self.process is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


class MemorySampler(threading.Thread):
    """The resident memory of a server (master and workers) every ``interval`` seconds, until stopped."""

    def __init__(self, server: Server, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.samples: list[tuple[float, int]] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.samples.append((time.perf_counter(), self.server.rss()))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()
