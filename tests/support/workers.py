"""Real ``jinshi worker`` processes for tests, on the test's JINSHI_HOME, catalogue and queue."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Workers:
    """``jinshi worker`` processes with this test's JINSHI_HOME, catalogue and queue."""

    def __init__(self, settings, log_dir: Path) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        env = {**os.environ, "JINSHI_HOME": str(self.settings.home), "JINSHI_DATABASE_URL": self.settings.database_url,
               "JINSHI_QUEUE_URL": self.settings.queue_url, "PYTHONPATH": str(ROOT)}
        log = open(self.log_dir / f"worker-{len(self.processes)}.log", "wb")
        process = subprocess.Popen([sys.executable, "-c", "from viewer.cli import main; main()", "worker"],
                                   env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.log_dir.glob("worker-*.log")))
