"""``jinshi activities load FILE.yaml`` and ``jinshi bookings purge|send-mail`` (registered by viewer.cli)."""
from __future__ import annotations

import sys
from pathlib import Path

import click


def _runtime():
    from viewer.cli import get_runtime  # imported late: viewer.cli imports this module

    return get_runtime()


@click.group("activities")
def activities() -> None:
    """Venues, activities and their sessions (the culture cloud)."""


@activities.command("load")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def activities_load(file: Path) -> None:
    """Create or update venues, activities and recurring sessions from a YAML file."""
    from exhibits.bookings.activities import ActivitiesFileError, load_activities
    from viewer.cli import err, refuse_file

    try:
        counts = load_activities(_runtime().db, file)
    except ActivitiesFileError as exc:
        refuse_file(exc)
    for warning in counts["warnings"]:
        err.print(f"  [yellow]kept[/yellow] {warning}", highlight=False)
    click.echo(f"{counts['venues']} venues, {counts['activities']} activities, {counts['sessions']} sessions "
               f"({counts['created']} new, {counts['removed']} removed) loaded from {file}")


@click.group("bookings")
def bookings() -> None:
    """Bookings: mail delivery, no-shows, anonymising old bookings."""


@bookings.command("send-mail")
def send_mail() -> None:
    """Send the mails waiting in the outbox through JINSHI_SMTP_URL."""
    from exhibits.bookings.mail import deliver

    runtime = _runtime()
    if not runtime.settings.smtp_url:
        click.echo("JINSHI_SMTP_URL is not set: mails wait in the outbox", err=True)
        sys.exit(1)
    counts = deliver(runtime.db, runtime.settings.smtp_url, limit=10_000)
    click.echo(f"{counts['sent']} sent, {counts['failed']} failed")
    sys.exit(1 if counts["failed"] else 0)


@bookings.command("close-out")
def close_out_cmd() -> None:
    """After sessions end: record no-shows and apply each venue's suspension policy (run from cron)."""
    from exhibits.bookings.checkin import close_out
    from exhibits.bookings.service import Keys, expire_offers

    runtime = _runtime()
    expired = expire_offers(runtime.db, Keys.from_secret(runtime.settings.secret_key, runtime.settings.base_url))
    counts = close_out(runtime.db)
    click.echo(f"{counts['sessions']} sessions closed, {counts['noshows']} no-shows, {counts['suspended']} suspended, "
               f"{expired} waiting-list offers expired")


@bookings.command("purge")
@click.option("--retention-days", type=click.IntRange(1, 3650), default=180, show_default=True,
              help="Keep personal data this many days after a session ends.")
def purge_cmd(retention_days: int) -> None:
    """Anonymise bookings whose session ended more than --retention-days ago (names, numbers, mail addresses)."""
    from exhibits.bookings.checkin import close_out
    from exhibits.bookings.service import purge

    runtime = _runtime()
    close_out(runtime.db)  # no-shows are counted before the numbers go
    count = purge(runtime.db, retention_days)
    click.echo(f"{count} bookings anonymised (sessions ended more than {retention_days} days ago)")
