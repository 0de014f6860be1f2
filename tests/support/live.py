"""A real HTTP server for browser tests, and a headless Debian Chromium driven by Playwright."""
from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from typing import Iterator

from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@contextmanager
def serve(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is not installed: apt-get install chromium (make test does this)")
    return path


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def wait_until(page, expression: str, timeout: float = 30.0) -> None:
    """Wait until a JavaScript expression is truthy on the page.

    Polls with ``page.evaluate``, which runs through the DevTools protocol; Playwright's
    ``wait_for_function`` compiles its predicate with eval inside the page, which the site's
    Content-Security-Policy (no 'unsafe-eval') rightly refuses.
    """
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => !!({expression})"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression} did not hold within {timeout} s")
        page.wait_for_timeout(50)
