"""Curators who call the upload and job API in tests, with real accounts and personal API tokens."""
from __future__ import annotations

import io

from exhibits import accounts
from exhibits.identity import SYSTEM, Identity

PASSWORD = "correct horse battery"
#: name → (role, museums)
ACCOUNTS = {"alice": ("curator", ("copper",)), "bob": ("curator", ("ich",)), "root": ("admin", ())}
USERS = {name: Identity(name=name, role=role, museums=frozenset(museums), via="token") for name, (role, museums) in ACCOUNTS.items()}
TOKENS: dict[str, str] = {}


_hashes: dict[str, str] = {}


def add_accounts(runtime) -> dict[str, str]:
    """Create the accounts and a token for each; ``auth(name)`` then gives a request's headers.

    The password is hashed once per test process (argon2 is slow on purpose) and reused.
    """
    from unittest import mock

    if PASSWORD not in _hashes:
        _hashes[PASSWORD] = accounts.hash_password(PASSWORD)
    TOKENS.clear()
    with runtime.db.session() as session, mock.patch.object(accounts, "hash_password", lambda _p: _hashes[PASSWORD]):
        for name, (role, museums) in ACCOUNTS.items():
            accounts.add_user(session, SYSTEM, name, role, PASSWORD, museums=museums)
            TOKENS[name] = accounts.issue_token(session, SYSTEM, name).token
    return TOKENS


def auth(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[name]}"}


def put(store, identity: Identity, filename: str, data: bytes):
    """A finished upload (what a tus client leaves behind), made through the upload store."""
    upload = store.create(identity, len(data), {"filename": filename})
    store.append(identity, upload.id, 0, io.BytesIO(data), len(data))
    return store.get(identity, upload.id)
