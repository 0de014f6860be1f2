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


def _assert_a_burst_of_connections_is_spread_over_the_workers(master: int, port: int) -> None:
    """24 keep-alive connections opened at once (a rush, a proxy's pool) are held by both workers, not one."""
    import http.client

    import psutil

    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(24)]
    try:
        for connection in connections:  # all connected before any asks
            connection.connect()
        for connection in connections:
            connection.request("GET", "/api/activities")
        for connection in connections:
            connection.getresponse().read()
        held = {}
        for worker in psutil.Process(master).children():
            held[worker.pid] = sum(1 for c in worker.net_connections("tcp")
                                   if c.laddr.port == port and c.status == psutil.CONN_ESTABLISHED)
        assert len(held) == 2 and sum(held.values()) == 24 and min(held.values()) > 0, held
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
