"""``jinshi search QUERY [--json]`` and ``jinshi index rebuild`` (registered by viewer.cli)."""
from __future__ import annotations

import json
import sys

import click


def _runtime():
    from viewer.cli import get_runtime  # imported late: viewer.cli imports this module

    return get_runtime()


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON object as /api/search.")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=20, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date", "-date", "title"]), default="relevance", show_default=True)
@click.option("--filter", "filters", multiple=True, metavar="FACET=VALUE", help="Facet filter, e.g. museum=copper (repeatable).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of titles and snippets.")
def search(query, as_json, page, per_page, sort, filters, lang):
    """Search the index (query language: see the /search page)."""
    from search.errors import QueryError
    from search.query import parse_query

    facet_filters: dict[str, list[str]] = {}
    for item in filters:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: write FACET=VALUE", param_hint="--filter")
        facet_filters.setdefault(name.strip(), []).append(value.strip())
    try:
        parsed = parse_query(" ".join(query), facet_filters, sort=sort, page=page, per_page=per_page)
    except QueryError as exc:
        if as_json:
            click.echo(json.dumps({"error": "Bad Request", "status": 400, "message": exc.message}, ensure_ascii=False))
            sys.exit(2)
        raise click.UsageError(exc.message) from None
    rt = _runtime()
    from search.suggest import search_with_suggestions
    from search.sync import facet_labels

    results = search_with_suggestions(rt.index, parsed, facet_labels(rt.db), lang=lang)
    if as_json:
        # thumbnail_url: absolute with JINSHI_BASE_URL, else a path on the server
        click.echo(json.dumps(results.to_api(rt.settings.base_url), ensure_ascii=False))
        return
    _print_table(results, lang)


def _print_table(results, lang):
    from rich.console import Console
    from rich.table import Table

    from search.results import strip_marks

    def pick(langmap):
        langmap = langmap or {}
        for code in ([lang] if lang else []) + ["zh", "en", "none"] + list(langmap):
            if langmap.get(code):
                return "; ".join(langmap[code])
        return ""

    console = Console()
    start = (results.page - 1) * results.per_page
    table = Table(title=f"{results.total} results (page {results.page} of {results.pages})", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("id", no_wrap=True)
    table.add_column("title")
    table.add_column("museum")
    table.add_column("period")
    table.add_column("score", justify="right")
    table.add_column("snippet")
    for n, hit in enumerate(results.hits, start + 1):
        h = hit.to_api()
        table.add_row(str(n), h["id"], pick(h["title"]), h["museum"] or "", pick(h["period"]),
                      "" if h["score"] is None else f"{h['score']:.2f}", strip_marks(h["snippet"] or "")[:80])
    console.print(table)
    for name, values in results.facets.items():
        if values:
            console.print(f"[bold]{name}[/bold]: " + ", ".join(f"{v['value']} ({v['count']})" for v in values[:8]),
                          markup=True, highlight=False)


@click.group("index")
def index():
    """Manage the search index."""


@index.command("rebuild")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def rebuild(quiet):
    """Rebuild the search index from the catalogue (searches keep working meanwhile)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from search.sync import rebuild_from_catalogue, visible_count

    rt = _runtime()
    total = visible_count(rt.db)
    with Progress(TextColumn("[bold]indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), disable=quiet, transient=False) as bar:
        task = bar.add_task("index", total=total)
        count = rebuild_from_catalogue(rt.db, rt.index, progress=lambda n: bar.advance(task, n))
    click.echo(f"indexed {count} items ({rt.index.backend})")


@index.command("sync")
def sync():
    """Catch the index up with the catalogue (repairs an interrupted index write)."""
    from search.sync import reindex_items

    rt = _runtime()
    report = reindex_items(rt.db, rt.index, [])
    click.echo(f"upserted {report['upserted']}, deleted {report['deleted']}")
