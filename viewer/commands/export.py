"""``jinshi export``: the public catalogue as the ingest CSV (round-trips), JSON Lines or .xlsx."""
from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "xlsx"]), default="csv", show_default=True)
@click.option("--museum", help="Only this museum (slug).")
@click.option("--hall", help="Only this hall (slug).")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False),
              help="File to write (default: standard output). With csv, the originals are copied to files/ beside it.")
@click.option("--no-files", is_flag=True, help="With --output and csv: write the CSV only, not the originals.")
def export(fmt: str, museum: str | None, hall: str | None, output: Path | None, no_files: bool) -> None:
    """Export the visible items; the CSV is the ingest CSV, so `jinshi ingest --metadata` reads it back."""
    from exhibits.export import ExportError, copy_files, write
    from viewer.cli import err, get_runtime

    runtime = get_runtime()
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise click.UsageError("an .xlsx workbook is binary: give --output FILE.xlsx (or redirect standard output)")
    try:
        if output is None:
            count = write(runtime.db, fmt, sys.stdout.buffer, museum, hall, base=runtime.settings.base_url)
            sys.stdout.buffer.flush()
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            tmp = output.with_name(output.name + ".part")
            with tmp.open("wb") as fh:
                count = write(runtime.db, fmt, fh, museum, hall, base=runtime.settings.base_url)
            tmp.replace(output)
            if fmt == "csv" and not no_files:
                copied = copy_files(runtime.db, runtime.store, output.parent, museum, hall)
                err.print(f"{copied} original file(s) copied to {output.parent / 'files'}", highlight=False)
    except ExportError as exc:
        err.print(f"[red]Refused[/red] {exc}", highlight=False)
        sys.exit(1)
    err.print(f"{count} item(s) exported", highlight=False)
