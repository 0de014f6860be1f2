"""Migrations run once: `jinshi serve` migrates before gunicorn forks; workers only check the schema.

Every call of Alembic's upgrade in the server's processes is counted by a ``sitecustomize`` put first on
the server's PYTHONPATH: it wraps ``alembic.command.upgrade`` at interpreter start, so the gunicorn
master and every worker it forks carry the counter.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import sqlalchemy

ROOT = Path(__file__).resolve().parents[2]

COUNTER = textwrap.dedent("""
    import os
    if os.environ.get("UPGRADE_LOG"):
        import alembic.command as _command
        _original = _command.upgrade
        def _counted(*args, **kwargs):
            with open(os.environ["UPGRADE_LOG"], "a") as log:
                log.write(f"{os.getpid()}\\n")
            return _original(*args, **kwargs)
        _command.upgrade = _counted
""")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(tmp_path: Path, settings) -> dict:
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(COUNTER)
    return {**os.environ, "JINSHI_HOME": str(settings.home), "JINSHI_DATABASE_URL": settings.database_url,
            "JINSHI_BASE_URL": "", "UPGRADE_LOG": str(tmp_path / "upgrades.log"),
            "PYTHONPATH": os.pathsep.join([str(hook), str(ROOT)])}


def wait_for(url: str, process: subprocess.Popen, seconds: float = 90) -> str | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.2)
    return None


def upgrade_calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "upgrades.log"
    return log.read_text().split() if log.exists() else []


def test_serve_migrates_a_fresh_catalogue_once_not_per_worker(tmp_path, settings):
    env = server_env(tmp_path, settings)
    port = free_port()
    jinshi = Path(sys.executable).with_name("jinshi")
    process = subprocess.Popen([str(jinshi), "serve", "--port", str(port), "--workers", "3"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/api/museums", process) is not None, "server did not answer"
        deadline = time.monotonic() + 60  # let every worker finish booting before counting
        while time.monotonic() < deadline and len(set(_children(process.pid))) < 3:
            time.sleep(0.2)
        time.sleep(1)
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert output.lower().count("booting worker") == 3, output
    calls = upgrade_calls(tmp_path)
    assert calls == [str(process.pid)], f"upgrade ran in {calls}; master {process.pid}"
    engine = sqlalchemy.create_engine(settings.database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        assert "item" in sqlalchemy.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_a_worker_against_an_unmigrated_catalogue_refuses_clearly(tmp_path, settings):
    env = server_env(tmp_path, settings)
    port = free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                "viewer.app:create_app(migrate=False)"]
    process = subprocess.run(gunicorn, env=env, capture_output=True, text=True, timeout=120)
    assert process.returncode != 0
    assert "run `jinshi migrate` first" in process.stderr and "has no schema yet" in process.stderr
    assert upgrade_calls(tmp_path) == []

    migrated = subprocess.run([str(Path(sys.executable).with_name("jinshi")), "migrate"], env=env,
                              capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0 and "migrated from an empty database to" in migrated.stdout
    again = subprocess.run([str(Path(sys.executable).with_name("jinshi")), "migrate"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "already at" in again.stdout

    server = subprocess.Popen(gunicorn, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/api/museums", server) is not None
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert len(upgrade_calls(tmp_path)) == 2  # the two `jinshi migrate` runs, none in the worker
