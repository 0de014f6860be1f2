"""``jinshi migrate``: bring the catalogue's schema to this code's revision, once, before servers start."""
from __future__ import annotations

import click


@click.command()
def migrate() -> None:
    """Migrate the catalogue database to the newest schema (what `jinshi serve` does before its workers start)."""
    from alembic.runtime.migration import MigrationContext

    from exhibits.db import Database, upgrade
    from exhibits.settings import Settings

    db = Database(Settings.from_env().database_url)
    try:
        with db.engine.connect() as connection:
            before = sorted(MigrationContext.configure(connection).get_current_heads())
        upgrade(db.engine)
        with db.engine.connect() as connection:
            after = sorted(MigrationContext.configure(connection).get_current_heads())
    finally:
        db.dispose()
    if before == after:
        click.echo(f"catalogue already at {', '.join(after)}")
    else:
        click.echo(f"catalogue migrated from {', '.join(before) or 'an empty database'} to {', '.join(after)}")
