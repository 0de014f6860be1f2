"""A configured service that cannot be reached gets one clear line, not a traceback."""
from __future__ import annotations

import socket

from click.testing import CliRunner


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_postgresql_is_one_line(tmp_path, monkeypatch):
    from viewer.cli import main

    port = _free_port()  # nothing listens there
    monkeypatch.setenv("JINSHI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("JINSHI_DATABASE_URL", f"postgresql://jinshi:s3cret@127.0.0.1:{port}/museum")
    result = CliRunner().invoke(main, ["items", "list"] if "items" in main.commands else ["verify"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"Error cannot reach the catalogue database postgresql://jinshi:***@127.0.0.1:{port}/museum")
    assert "s3cret" not in result.output


def test_an_unreachable_elasticsearch_is_one_line(tmp_path, monkeypatch):
    from viewer.cli import main

    port = _free_port()
    monkeypatch.setenv("JINSHI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("JINSHI_DATABASE_URL", raising=False)
    monkeypatch.setenv("JINSHI_SEARCH_URL", f"http://127.0.0.1:{port}")
    result = CliRunner().invoke(main, ["search", "鼎"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith(f"Error cannot reach the search service http://127.0.0.1:{port} (JINSHI_SEARCH_URL)")
