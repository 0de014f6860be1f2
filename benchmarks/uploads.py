"""tus upload throughput: tuspy against ``jinshi serve`` (gunicorn), and how long a resume takes to find its offset.

    .venv/bin/python benchmarks/uploads.py [--megabytes 256] [--chunk-mb 8]

Makes a random file, starts the production server on a free loopback port with a temporary
JINSHI_HOME, creates a curator with a token, uploads the file with tuspy in chunks, then
interrupts a second upload half way and resumes it with a new uploader (HEAD + the rest).
Prints MB/s and the resume's HEAD latency.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.support import Server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=256)
    parser.add_argument("--chunk-mb", type=int, default=8)
    args = parser.parse_args()
    from tusclient import client

    from exhibits import accounts
    from exhibits.identity import SYSTEM
    from exhibits.settings import Settings
    from viewer.runtime import Runtime

    with tempfile.TemporaryDirectory(prefix="jinshi-bench-uploads-") as tmp:
        home = Path(tmp) / "home"
        settings = Settings.from_env({"JINSHI_HOME": str(home)})
        runtime = Runtime(settings)
        with runtime.db.session() as session:
            accounts.add_user(session, SYSTEM, "bench", "admin", "benchmark password 1")
            token = accounts.issue_token(session, SYSTEM, "bench").token
        runtime.close()
        data = Path(tmp) / "video.bin"
        with open(data, "wb") as handle:
            for _ in range(args.megabytes):
                handle.write(os.urandom(1024 * 1024))
        server = Server(home, 2, threads=4)
        endpoint = f"{server.base}/curator/api/uploads/"
        try:
            server.start()
            tus = client.TusClient(endpoint, headers={"Authorization": f"Bearer {token}"})
            chunk = args.chunk_mb * 1024 * 1024
            started = time.perf_counter()
            uploader = tus.uploader(str(data), chunk_size=chunk, metadata={"filename": "video.bin"})
            uploader.upload()
            seconds = time.perf_counter() - started
            print(f"upload {args.megabytes} MB in {args.chunk_mb} MB chunks: {seconds:.2f} s, {args.megabytes / seconds:.1f} MB/s")

            half = tus.uploader(str(data), chunk_size=chunk, metadata={"filename": "video2.bin"})
            half.upload(stop_at=data.stat().st_size // 2)
            started = time.perf_counter()
            resumed = tus.uploader(str(data), chunk_size=chunk, url=half.url)  # HEAD for the offset
            head_ms = (time.perf_counter() - started) * 1000
            offset = resumed.offset
            resumed.upload()
            print(f"resume: offset {offset} of {data.stat().st_size} found by HEAD in {head_ms:.1f} ms, "
                  f"the rest uploaded in {time.perf_counter() - started:.2f} s")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
