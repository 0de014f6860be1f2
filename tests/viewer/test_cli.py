"""The jinshi command: serve (gunicorn) and verify (fixity)."""
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_gunicorn_workers(settings, ingested):
    port = free_port()
    env = {**os.environ, "JINSHI_HOME": str(settings.home), "JINSHI_DATABASE_URL": settings.database_url}
    jinshi = Path(sys.executable).with_name("jinshi")
    process = subprocess.Popen([str(jinshi), "serve", "--port", str(port), "--workers", "2"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        body = None
        for _ in range(400):  # gunicorn's workers import a lot; a loaded machine is slow
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/items/cu-mirror?lang=en&token=s3cr3t",
                                            timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "server did not answer"
        assert "Mirror with four nipples" in body
        deadline = time.monotonic() + 120  # the second worker may still be loading the app
        while sum("Worker ready" in line for line in list(lines)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        _assert_a_burst_of_connections_is_spread_over_the_workers(process.pid, port)
    finally:
        process.terminate()
        process.wait(timeout=20)
        reader.join(10)
    output = "".join(lines)
    assert "gunicorn" in output.lower() and output.lower().count("booting worker") == 2
    # the access log names no client address and no manage token (viewer/access_log.py)
    access = [line for line in output.splitlines() if '"GET /items/cu-mirror' in line]
    assert access and not any("127.0.0.1" in line or "s3cr3t" in line for line in access), access


def _held(master: int, port: int) -> dict[int, int]:
    """Established connections on ``port`` held by each worker of ``master``."""
    import psutil

    return {worker.pid: sum(1 for c in worker.net_connections("tcp")
                            if c.laddr.port == port and c.status == psutil.CONN_ESTABLISHED)
            for worker in psutil.Process(master).children()}


def _ask_all(connections) -> int:
    """One request on each connection (one answered with "close" reconnects for its next); the closes."""
    for connection in connections:
        connection.request("GET", "/api/activities")
    closes = 0
    for connection in connections:
        response = connection.getresponse()
        response.read()
        closes += response.will_close
    return closes


def _assert_a_burst_of_connections_is_spread_over_the_workers(master: int, port: int) -> None:
    """24 keep-alive connections opened at once (a rush, a proxy's pool) are held by both workers, not one; and
    connections piled on one worker (the other was stopped) are evened out within a few rounds of requests: a
    worker over its share answers some with "Connection: close", and the new connections go to the other
    (viewer/gunicorn_worker.py)."""
    import http.client
    import signal

    import psutil

    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(24)]
    try:
        for connection in connections:  # all connected before any asks
            connection.connect()
        closed = _ask_all(connections)
        time.sleep(0.2)  # a worker closes a connection it answered with "close" just after the answer
        held = _held(master, port)
        assert len(held) == 2 and 24 - closed <= sum(held.values()) <= 24 and min(held.values()) > 0, (held, closed)
    finally:
        for connection in connections:
            connection.close()
    time.sleep(0.5)
    paused = psutil.Process(master).children()[0]
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(24)]
    try:
        paused.send_signal(signal.SIGSTOP)
        try:
            for connection in connections[:18]:  # accepted by the other worker alone
                connection.connect()
            for _ in range(200):
                if sum(_held(master, port).values()) == 18:
                    break
                time.sleep(0.01)
        finally:
            paused.send_signal(signal.SIGCONT)
        for connection in connections[18:]:
            connection.connect()
        piled = _held(master, port)
        assert max(piled.values()) >= 18, piled
        closes = 0
        for _ in range(20):
            closed = _ask_all(connections)
            closes += closed
            time.sleep(0.05)  # a worker looks at the others' counts every LOOK_EVERY seconds
        time.sleep(0.2)
        held = _held(master, port)
        # an even share (12) plus SPARE (1), and one a reconnection may have brought back: not the 18 or more piled
        assert 24 - closed <= sum(held.values()) <= 24 and max(held.values()) <= 14, (piled, held, closes)
        assert 0 < closes < 40, closes
    finally:
        for connection in connections:
            connection.close()


def test_verify_reports_altered_and_missing_originals(cli, ingested, museum_runtime):
    result = cli("verify", "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["problems"] == [] and report["checked"] == 3
    sha = ingested["mirror.jpg"].image_id
    original = museum_runtime.store.original_path(sha)
    original.chmod(0o644)
    original.write_bytes(original.read_bytes()[:-10] + b"tampered!!")
    result = cli("verify", "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert report["problems"][0]["sha256"] == sha and report["problems"][0]["items"] == ["cu-mirror"]
    assert report["problems"][0]["problem"].startswith("checksum mismatch")
    original.unlink()
    assert json.loads(cli("verify", "--json").stdout)["problems"][0]["problem"] == "missing"
