"""Accounts for curator tests: an admin, a curator of the copper museum, one of the ICH hall, and logins."""
from __future__ import annotations

import re

from exhibits import accounts
from exhibits.identity import SYSTEM

PASSWORD = "correct horse battery"
USERS = {
    "admin": ("admin", ()),
    "copper": ("curator", ("copper",)),
    "ich": ("curator", ("ich",)),
}


def add_users(runtime) -> None:
    with runtime.db.session() as session:
        for name, (role, museums) in USERS.items():
            accounts.add_user(session, SYSTEM, name, role, PASSWORD, museums=museums)


def csrf_token(client, path: str = "/curator/login") -> str:
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def log_in(client, name: str, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post("/curator/login", data={"name": name, "password": password, "csrf_token": token})
