"""``jinshi uploads clean`` (and, with the job queue, ``jinshi worker``), registered by viewer.cli."""
from __future__ import annotations

import click


def _runtime():
    from viewer.cli import get_runtime  # imported late: viewer.cli imports this module

    return get_runtime()


@click.group("uploads")
def uploads() -> None:
    """Resumable uploads waiting under JINSHI_HOME/uploads."""


@uploads.command("clean")
def uploads_clean() -> None:
    """Remove uploads idle for a day that no unfinished job needs."""
    from exhibits.uploads import Uploads

    removed = Uploads.from_runtime(_runtime()).clean()
    click.echo(f"{len(removed)} uploads removed")


@click.command("worker")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 64), help="Jobs run at once by this worker.")
def worker(threads: int) -> None:
    """Run queued jobs (web uploads) until stopped (Ctrl-C waits for running jobs; SIGTERM does not)."""
    import logging

    from ingest.queue import JobQueue
    from media.images import limit_memory_growth

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    limit_memory_growth()
    runtime = _runtime()
    queue = JobQueue(runtime.settings, runtime)
    again = queue.recover()
    if again:
        click.echo(f"queued again (their worker is gone): {', '.join(map(str, again))}", err=True)
    click.echo(f"worker on {runtime.settings.queue_url.split('@')[-1]} with {threads} thread(s)", err=True)
    queue.consumer(threads).run()
