"""Who calls the upload and job API in tests: a header names one of a few fixed identities."""
from __future__ import annotations

from flask import request

from exhibits.identity import Identity

USERS = {
    "alice": Identity(name="alice", role="curator", museums=frozenset({"copper"}), via="token"),
    "bob": Identity(name="bob", role="curator", museums=frozenset({"ich"}), via="token"),
    "root": Identity(name="root", role="admin", via="token"),
}


def as_user(app) -> None:
    """Requests carrying ``X-Test-User: NAME`` act as ``USERS[NAME]``; others are anonymous."""
    app.extensions["jinshi.identity"] = lambda: USERS.get(request.headers.get("X-Test-User", ""))


def put(store, identity: Identity, filename: str, data: bytes):
    """A finished upload (what a tus client leaves behind), made through the upload store."""
    import io

    upload = store.create(identity, len(data), {"filename": filename})
    store.append(identity, upload.id, 0, io.BytesIO(data), len(data))
    return store.get(identity, upload.id)
