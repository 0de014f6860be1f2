"""gunicorn's access log without personal data (``jinshi serve``'s ``logger_class``).

gunicorn writes the client's address in each access line, and the request line and Referer as they came: a
ticket's manage link (``/tickets/<code>?token=…``, which cancels the booking) would sit in the log in full. Here
the address is written as the same keyed fingerprint the audit log uses (``exhibits.accounts.fingerprint``: the
requests of one client can be told apart, the address cannot be read back), and the values of secret query
parameters are masked wherever a URL appears. Headers that carry credentials or addresses are never written,
even by a custom ``--access-logformat``.
"""
from __future__ import annotations

import functools
import re

from gunicorn import glogging

#: Query parameters whose values are secrets or personal data.
SECRET_PARAMETERS = ("token", "manage_token", "id_number", "phone", "password", "key")
_SECRET = re.compile(r"(^|[?&;])(" + "|".join(SECRET_PARAMETERS) + r")=[^&;#\s\"]*", re.IGNORECASE)
#: Request headers gunicorn could write through ``%({header}i)s``.
_HIDDEN_HEADERS = ("{authorization}i", "{cookie}i", "{x-manage-token}i", "{x-api-key}i", "{x-forwarded-for}i",
                   "{x-real-ip}i", "{forwarded}i")


def mask_secrets(text: str | None) -> str | None:
    """``/tickets/AB?token=xyz&lang=en`` → ``/tickets/AB?token=***&lang=en``."""
    return _SECRET.sub(r"\1\2=***", text) if text else text


@functools.lru_cache(maxsize=1)
def _secret_key() -> str:
    from exhibits.settings import Settings

    return Settings.from_env().secret_key


@functools.lru_cache(maxsize=4096)
def client_fingerprint(address: str) -> str:
    from exhibits.accounts import fingerprint

    return fingerprint(_secret_key(), address) if address and address != "-" else "-"


class AccessLogger(glogging.Logger):
    """gunicorn's logger, its access lines carrying no client address and no secret from a URL."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["h"] = client_fingerprint(environ.get("REMOTE_ADDR") or "-")
        for key in ("r", "q", "f", "U", "{referer}i"):
            if key in atoms:
                atoms[key] = mask_secrets(atoms[key])
        for key in _HIDDEN_HEADERS:
            if key in atoms:
                atoms[key] = "-"
        return atoms
