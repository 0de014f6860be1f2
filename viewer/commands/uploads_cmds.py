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
