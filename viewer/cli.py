"""The ``jinshi`` command line (DESIGN.md, "Contracts": CLI)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from viewer.runtime import Runtime

err = Console(stderr=True)


def get_runtime() -> Runtime:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Runtime()
        root.call_on_close(root.obj.close)
    return root.obj


def progress_bar(enabled: bool = True) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"), console=err, disable=not enabled, transient=False,
    )


class _Group(click.Group):
    """Every command: a configured service that cannot be reached is one clear line and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from viewer.unreachable import describe_unreachable

            line = describe_unreachable(exc)
            if line is None:
                raise
            click.echo(f"Error {line}", err=True)  # one line, never wrapped
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Jinshi 金石: digital museum and intangible heritage exhibition system."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--metadata", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="Batch CSV; its files column lists the files.")
@click.option("--museum", help="Museum slug (default for rows without one).")
@click.option("--hall", help="Hall slug (default for rows without one).")
@click.option("--draft", is_flag=True, help="Keep the items unpublished.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line and file.")
@click.option("--verbose", "-v", is_flag=True, help="Log each step, with the traceback of any file that fails.")
def ingest(paths, metadata, museum, hall, draft, as_json, verbose) -> None:
    """Ingest files, or the files a metadata CSV lists."""
    from ingest.batch import BatchReport, IngestError, ingest_batch
    from ingest.metadata import MetadataError
    from media.images import limit_memory_growth

    _log_to_stderr(verbose)
    limit_memory_growth()
    runtime = get_runtime()
    failed = 0
    counts = {"ingested": 0, "unchanged": 0, "failed": 0}
    items: dict[str, str] = {}  # item -> its outcome: failed wins over ingested over unchanged
    rank = {"unchanged": 0, "ingested": 1, "failed": 2}
    try:
        with progress_bar(enabled=not as_json) as bar:
            task = bar.add_task("ingest", total=None, current="")
            report = BatchReport()
            results = ingest_batch(runtime, paths, metadata=metadata, museum=museum, hall=hall, draft=draft,
                                   progress=lambda name: bar.update(task, advance=1, current=name), report=report)
            for result in results:
                counts[result.status] += 1
                if result.item is not None and rank[result.status] >= rank[items.get(result.item, "unchanged")]:
                    items[result.item] = result.status
                if as_json:
                    click.echo(json.dumps(result.to_json(), ensure_ascii=False))
                else:
                    if result.status == "failed":
                        bar.console.print(f"[red]failed[/red] {result.error}", markup=True, highlight=False)
                    for warning in result.warnings:
                        bar.console.print(f"[yellow]warning[/yellow] {escape(warning)}", markup=True, highlight=False)
                failed += result.status == "failed"
    except (MetadataError, IngestError) as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        source = str(getattr(exc, "path", "") or "")
        if as_json:
            for problem in problems:
                click.echo(json.dumps({"file": source or None, "status": "failed", "item": None, "asset": None, "error": problem}, ensure_ascii=False))
        else:
            err.print(f"[red]Refused[/red] {source}", highlight=False)
            for problem in problems:
                err.print(f"  {problem}", markup=False, highlight=False)
        sys.exit(1)
    if report.missing:
        # never deleted silently: named here (on standard error, beside the JSON lines too), withdrawn on request
        online = [m.id for m in report.missing if m.publication == "published"]
        err.print(f"[yellow]warning[/yellow] {escape(report.missing_sentence())}", markup=True, highlight=False)
        if online:
            err.print(f"  {len(online)} of them still online; to withdraw them: jinshi items withdraw {' '.join(online[:50])}"
                      + (" …" if len(online) > 50 else ""), markup=False, highlight=False)
    if not as_json:
        by_item = {status: sum(1 for s in items.values() if s == status) for status in rank}
        err.print(f"files: {counts['ingested']} ingested, {counts['unchanged']} unchanged, {counts['failed']} failed; "
                  f"items: {by_item['ingested']} ingested, {by_item['unchanged']} unchanged, {by_item['failed']} failed",
                  highlight=False)
    sys.exit(1 if failed else 0)


def _log_to_stderr(verbose: bool) -> None:
    """Log lines on standard error: with --verbose every step and traceback, otherwise errors only.

    A file that fails is reported on its own line either way; its traceback is logged at WARNING,
    so it shows only with --verbose.
    """
    import logging

    from rich.logging import RichHandler

    global _stderr_log
    root = logging.getLogger()
    if _stderr_log is None:
        _stderr_log = RichHandler(console=err, show_path=False, rich_tracebacks=False)
        _stderr_log.setFormatter(logging.Formatter("%(message)s"))
        root.addHandler(_stderr_log)
        logging.getLogger("pyvips").setLevel(logging.WARNING)  # one line per thread pool otherwise
    _stderr_log.setLevel(logging.INFO if verbose else logging.ERROR)
    if verbose and root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)


_stderr_log = None


def refuse_file(exc) -> None:
    """A refused file (halls, activities): its path, then every problem with its line; exit status 1."""
    err.print(f"[red]Refused[/red] {exc.path}", highlight=False)
    for problem in exc.problems:
        err.print(f"  {problem}", markup=False, highlight=False)
    sys.exit(1)


@main.group()
def halls() -> None:
    """Museums, halls and sections."""


@halls.command("load")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def halls_load(file: Path) -> None:
    """Create or update museums, halls and sections from a YAML file."""
    from exhibits.halls import HallsFileError, load_halls

    try:
        counts = load_halls(get_runtime().db, file)
    except HallsFileError as exc:
        refuse_file(exc)
    extra = (f", {counts['people']} people" if counts.get("people") else "") + (", the site block" if counts.get("site") else "")
    click.echo(f"{counts['museums']} museums, {counts['halls']} halls, {counts['sections']} sections{extra} loaded from {file}")


#: Threads a worker: with 8, a booking rush's requests waited more for the GIL than they ran (p95 +30-60 %).
DEFAULT_THREADS = 4


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=click.IntRange(1), help="gunicorn worker processes (default: one a core)")
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, type=click.IntRange(1),
              help="threads a worker (more for many slow uploads; fewer keeps a busy worker's latency down)")
@click.option("--dev", is_flag=True, help="Flask's development server with the reloader.")
def serve(host: str, port: int, workers: int | None, threads: int, dev: bool) -> None:
    """Serve the museums (gunicorn; --dev for Flask's reloader)."""
    _serve(host, port, workers, dev, threads)


#: What gunicorn's workers load: the app without migrations (``jinshi serve`` or ``jinshi migrate`` ran them).
WSGI_APP = "viewer.app:create_app(migrate=False)"
#: gunicorn's settings that are Python (the workers' thread switch interval): viewer/gunicorn_hooks.py.
GUNICORN_CONFIG = "python:viewer.gunicorn_hooks"
#: gthread that leaves new connections to a less busy worker for a moment and evens out keep-alive connections
#: across the workers (viewer/gunicorn_worker.py).
WORKER_CLASS = "viewer.gunicorn_worker.BalancedThreadWorker"


def gunicorn_command(host: str, port: int, workers: int, threads: int = DEFAULT_THREADS,
                     worker_class: str = WORKER_CLASS) -> list[str]:
    """The gunicorn command line of ``jinshi serve`` (benchmarks/support.py starts the same)."""
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
               "--worker-class", worker_class, "--access-logfile", "-", "--timeout", "120", "--config", GUNICORN_CONFIG]
    if worker_class != "sync":
        command += ["--threads", str(threads)]
    return [*command, WSGI_APP]


def _serve(host: str, port: int, workers: int | None, dev: bool, threads: int = 0) -> None:
    if dev:
        from viewer.app import create_app

        create_app(runtime=get_runtime()).run(host=host, port=port, debug=True, use_reloader=True)
        return
    # One worker a core: a worker's threads share one GIL, so a request's Python runs on one core at a time;
    # more processes than cores only queue for them (2 × 4 answered the booking rush with half the p95 of 5 × 8)
    workers = workers or max(2, os.cpu_count() or 1)
    threads = threads or DEFAULT_THREADS
    # Migrate here, once, in the process that becomes gunicorn's master: its workers only check.
    if click.get_current_context().find_root().obj is None:  # `jinshi demo` has migrated already
        Runtime().close()
    command = gunicorn_command(host, port, workers, threads)
    err.print(f"Serving on http://{host}:{port} with {workers} workers × {threads} threads")
    from exhibits.settings import Settings
    from viewer.hosts import exposure_warning

    if warning := exposure_warning(host, Settings.from_env().proxies):
        err.print(warning, style="yellow", markup=False)
    os.execvp(command[0], command)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--build-only", is_flag=True, help="Build the demo museums without serving them.")
def demo(host: str, port: int, workers: int, build_only: bool) -> None:
    """Build the demo museums into JINSHI_HOME and serve them."""
    from ingest.demo import build_demo
    from media.images import limit_memory_growth

    limit_memory_growth()
    runtime = get_runtime()
    with progress_bar() as bar:
        task = bar.add_task("demo", total=None, current="")
        summary = build_demo(runtime, progress=lambda name: bar.update(task, advance=1, current=name))
    err.print(f"Demo: {summary.get('ingested', 0)} ingested, {summary.get('unchanged', 0)} unchanged, {len(summary.get('failed', []))} failed")
    for failure in summary.get("failed", []):
        err.print(f"  [red]failed[/red] {failure}", highlight=False)
    if summary.get("failed"):
        sys.exit(1)
    if not build_only:
        runtime.close()
        _serve(host, port, workers, dev=False)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--repair", is_flag=True, help="Re-make missing or damaged derivatives from the originals.")
def verify(as_json: bool, repair: bool) -> None:
    """Fixity check of the originals, check of their derivatives, files nothing refers to; --repair re-makes derivatives."""
    from ingest.fixity import verify_store
    from ingest.repair import check_derivatives, repair_derivatives, unreferenced_files
    from media.images import limit_memory_growth

    runtime = get_runtime()
    with progress_bar(enabled=not as_json) as bar:
        task = bar.add_task("originals", total=None, current="")
        report = verify_store(runtime.db, runtime.store, progress=lambda sha: bar.update(task, advance=1, current=sha[:12]))
        task = bar.add_task("derivatives", total=None, current="")
        damage = check_derivatives(runtime.db, runtime.store, progress=lambda name: bar.update(task, advance=1, current=name))
        if repair and damage:
            limit_memory_growth()
            task = bar.add_task("repair", total=len(damage), current="")
            repaired = repair_derivatives(runtime, damage, progress=lambda sha: bar.update(task, advance=1, current=sha))
        else:
            repaired = [d.to_json() for d in damage]
    report["derivatives"] = repaired
    report["unreferenced"] = unreferenced_files(runtime.db, runtime.store)
    broken = [d for d in repaired if not d.get("repaired")]
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        click.echo(f"{report['checked']} originals checked, {len(report['problems'])} problems, {len(report['orphans'])} not in the catalogue")
        for problem in report["problems"]:
            click.echo(f"  {problem['sha256']}: {problem['problem']} (items: {', '.join(problem['items'])})")
        fixed = len(repaired) - len(broken)
        click.echo(f"{len(repaired)} originals with missing or damaged derivatives" + (f", {fixed} repaired" if repair else
                   (" (run 'jinshi verify --repair' to re-make them)" if repaired else "")))
        for entry in repaired:
            state = "repaired" if entry.get("repaired") else entry.get("error") or "not repaired"
            click.echo(f"  {entry['sha256']} ({entry['kind']}; items: {', '.join(entry['items'])}): {'; '.join(entry['problems'])}: {state}")
        click.echo(f"{len(report['unreferenced'])} files in the store that nothing refers to")
        for path in report["unreferenced"]:
            click.echo(f"  {path}")
    sys.exit(1 if report["problems"] or broken else 0)


def _register_commands() -> None:
    """Commands that live in viewer.commands.* (one module per area)."""
    from viewer.commands.bookings import activities, bookings
    from viewer.commands.export import export
    from viewer.commands.search_cmds import index, search
    from viewer.commands.items import items
    from viewer.commands.migrate import migrate
    from viewer.commands.uploads_cmds import uploads, worker
    from viewer.commands.users import user

    main.add_command(search)
    main.add_command(index)
    main.add_command(activities)
    main.add_command(bookings)
    main.add_command(user)
    main.add_command(items)
    main.add_command(uploads)
    main.add_command(worker)
    main.add_command(export)
    main.add_command(migrate)


_register_commands()
