"""``jinshi items``: list, publish, withdraw and delete items through the curation services (identity SYSTEM)."""
from __future__ import annotations

import json
import sys

import click

from exhibits import curation
from exhibits.identity import SYSTEM, PermissionDenied
from exhibits.states import ItemState, Publication

STATES = [s.value for s in ItemState if s != ItemState.READY] + [p.value for p in Publication]


def _runtime():
    from viewer.cli import get_runtime

    return get_runtime()


@click.group("items")
def items() -> None:
    """Catalogue items: list them, publish, withdraw or delete them."""


@items.command("list")
@click.option("--state", type=click.Choice(STATES), help="failed or pending (ingest), or draft/published/withdrawn.")
@click.option("--museum", help="Museum slug.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line and item.")
def list_(state: str | None, museum: str | None, as_json: bool) -> None:
    """Items with their state, publication and title."""
    runtime = _runtime()
    with runtime.db.session() as session:
        try:
            rows, total = curation.list_items(session, SYSTEM, curation.ItemFilter(state=state, museum=museum))
        except curation.CurationError as exc:
            raise click.UsageError(str(exc)) from exc
        known = {m.slug for m in curation.curated_museums(session, SYSTEM)}
        if museum and museum not in known:
            click.echo(f"Error: unknown museum {museum!r}", err=True)
            sys.exit(1)
        for item in rows:
            title = item.title or {}
            line = {"id": item.id, "museum": item.museum.slug, "hall": item.hall.slug if item.hall else None,
                    "state": item.state, "publication": item.publication,
                    "title": (title.get("zh") or title.get("en") or [""])[0], "error": item.error}
            if as_json:
                click.echo(json.dumps(line, ensure_ascii=False))
            else:
                state_text = item.state if item.state != ItemState.READY else item.publication
                reason = f"\t{item.error.splitlines()[0][:120]}" if item.error else ""
                click.echo(f"{item.id}\t{line['museum']}/{line['hall'] or '-'}\t{state_text}\t{line['title']}{reason}")
    if not as_json:
        click.echo(f"{total} item(s)", err=True)


def _move(action: str, item_ids: tuple[str, ...]) -> None:
    try:
        moved = curation.set_publication(_runtime(), SYSTEM, item_ids, action)
    except (curation.NotFound, curation.CurationError, PermissionDenied) as exc:
        click.echo(f"Error: {exc} (nothing changed)", err=True)
        sys.exit(1)
    verb = {"publish": "published", "withdraw": "withdrawn", "draft": "back to draft"}[action]
    unchanged = len(set(item_ids)) - len(moved)
    click.echo(f"{len(moved)} item(s) {verb}" + (f", {unchanged} already so" if unchanged else ""))


@items.command("publish")
@click.argument("item_ids", nargs=-1, required=True)
def publish(item_ids: tuple[str, ...]) -> None:
    """Publish items (all or none: an unknown or failed item refuses the lot)."""
    _move("publish", item_ids)


@items.command("withdraw")
@click.argument("item_ids", nargs=-1, required=True)
def withdraw(item_ids: tuple[str, ...]) -> None:
    """Withdraw items from every public surface at once."""
    _move("withdraw", item_ids)


@items.command("draft")
@click.argument("item_ids", nargs=-1, required=True)
def draft(item_ids: tuple[str, ...]) -> None:
    """Return items to draft."""
    _move("draft", item_ids)


@items.command("delete")
@click.argument("item_ids", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(item_ids: tuple[str, ...], yes: bool) -> None:
    """Delete items from the catalogue (originals stay in the media store)."""
    if not yes and sys.stdin.isatty():
        click.confirm(f"Delete {len(item_ids)} item(s)?", abort=True)
    try:
        deleted = curation.delete_items(_runtime(), SYSTEM, item_ids)
    except (curation.NotFound, PermissionDenied) as exc:
        click.echo(f"Error: {exc} (nothing deleted)", err=True)
        sys.exit(1)
    click.echo(f"{len(deleted)} item(s) deleted")
