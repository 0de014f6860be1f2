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
    """The three accounts, through the real account service.

    Their password hash is made once per test process by the real argon2 hasher and given to all
    three: argon2 is slow on purpose (about 0.1 s per hash on an idle core, over 1 s on a loaded
    one), and three fresh hashes per test were a large part of the curator tests' set-up. Logging in
    still verifies against a real argon2id hash.
    """
    real = accounts.hash_password

    def once(password: str) -> str:
        if password not in _HASHES:
            _HASHES[password] = real(password)
        return _HASHES[password]

    accounts.hash_password = once
    try:
        with runtime.db.session() as session:
            for name, (role, museums) in USERS.items():
                accounts.add_user(session, SYSTEM, name, role, PASSWORD, museums=museums)
    finally:
        accounts.hash_password = real


_HASHES: dict[str, str] = {}


def csrf_token(client, path: str = "/curator/login") -> str:
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def log_in(client, name: str, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post("/curator/login", data={"name": name, "password": password, "csrf_token": token})
