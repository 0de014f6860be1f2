"""``jinshi user``: accounts and personal API tokens, from the server's command line (identity SYSTEM)."""
from __future__ import annotations

import sys

import click

from exhibits import accounts
from exhibits.identity import SYSTEM


def _db():
    from viewer.cli import get_runtime

    return get_runtime().db


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _fail("no password on standard input")
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("user")
def user() -> None:
    """Curator and admin accounts, and their API tokens."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@click.option("--museum", "museums", multiple=True, help="Museum slug the user curates (repeat for several).")
@click.option("--venue", "venues", multiple=True, help="Venue slug the user staffs (repeat for several).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
def add(name: str, role: str, museums: tuple[str, ...], venues: tuple[str, ...], password_stdin: bool) -> None:
    """Create an account."""
    password = _read_password(password_stdin)
    try:
        with _db().session() as session:
            accounts.add_user(session, SYSTEM, name, role, password, museums=museums, venues=venues)
    except accounts.AccountError as exc:
        _fail(str(exc))
    scope = "all museums" if role == "admin" else (", ".join(sorted(set(museums))) or "no museums yet")
    click.echo(f"user {name} added ({role}; {scope})")


@user.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for (shown in lists).")
def token(name: str, label: str) -> None:
    """Print a new personal API token (shown once; only its hash is kept)."""
    try:
        with _db().session() as session:
            issued = accounts.issue_token(session, SYSTEM, name, label)
    except accounts.AccountError as exc:
        _fail(str(exc))
    click.echo(issued.token)
    click.echo(f"Send it as 'Authorization: Bearer <token>'. Revoke it with: jinshi user revoke {name} {issued.prefix}",
               err=True)


@user.command("revoke")
@click.argument("name")
@click.argument("prefix", required=False)
def revoke(name: str, prefix: str | None) -> None:
    """Revoke one API token (by the prefix `jinshi user list` shows) or all tokens of a user."""
    try:
        with _db().session() as session:
            count = accounts.revoke_tokens(session, SYSTEM, name, prefix)
    except accounts.AccountError as exc:
        _fail(str(exc))
    click.echo(f"{count} token(s) of {name} revoked")


@user.command("list")
def list_() -> None:
    """Accounts with their role, museums, venues, state and active tokens."""
    with _db().session() as session:
        for row in accounts.list_users(session, SYSTEM):
            tokens = [t.prefix for t in accounts.tokens_of(session, SYSTEM, row.name) if t.revoked is None]
            state = "active" if row.active else "disabled"
            click.echo(f"{row.name}\t{row.role}\tmuseums={','.join(row.museums or []) or '-'}\t"
                       f"venues={','.join(row.venues or []) or '-'}\t{state}\ttokens={','.join(tokens) or '-'}")


@user.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Disable an account: its sessions end and its tokens stop working."""
    _set_active(name, False)


@user.command("enable")
@click.argument("name")
def enable(name: str) -> None:
    """Enable a disabled account again (also lifts a lock-out)."""
    _set_active(name, True)


def _set_active(name: str, active: bool) -> None:
    try:
        with _db().session() as session:
            accounts.set_active(session, SYSTEM, name, active)
    except accounts.AccountError as exc:
        _fail(str(exc))
    click.echo(f"user {name} {'enabled' if active else 'disabled'}")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
def password(name: str, password_stdin: bool) -> None:
    """Set a new password (ends the user's sessions, lifts a lock-out)."""
    new = _read_password(password_stdin)
    try:
        with _db().session() as session:
            accounts.set_password(session, SYSTEM, name, new)
    except accounts.AccountError as exc:
        _fail(str(exc))
    click.echo(f"password of {name} changed")
