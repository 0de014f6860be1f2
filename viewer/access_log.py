"""gunicorn's access log without personal data (``jinshi serve``'s ``logger_class``).

gunicorn writes the client's address in each access line, and the request line and Referer as they came: a
ticket's manage link (``/tickets/<code>?token=…``, which cancels the booking) would sit in the log in full. Here
the address is written as the same keyed fingerprint the audit log uses (``exhibits.accounts.fingerprint``: the
requests of one client can be told apart, the address cannot be read back), and the values of secret query
parameters are masked wherever a URL appears. Headers and environ variables that carry credentials or addresses
are never written, even by a custom ``--access-logformat`` (``%({cookie}i)s``, ``%({remote_addr}e)s``).

gunicorn builds every atom of every request (each request and response header, every environ variable) for a
format that names a handful: here an atom is worked out when the format asks for it, a third of the line's cost.
"""
from __future__ import annotations

import functools
import os
import re
import traceback

from gunicorn import glogging

#: Query parameters whose values are secrets or personal data.
SECRET_PARAMETERS = ("token", "manage_token", "id_number", "phone", "password", "key")
_SECRET = re.compile(r"(^|[?&;])(" + "|".join(SECRET_PARAMETERS) + r")=[^&;#\s\"]*", re.IGNORECASE)
#: Request headers never written (``%({header}i)s``), and response headers (``%({header}o)s``).
HIDDEN_REQUEST_HEADERS = frozenset(("authorization", "cookie", "x-manage-token", "x-api-key", "x-forwarded-for",
                                    "x-real-ip", "forwarded", "proxy-authorization"))
HIDDEN_RESPONSE_HEADERS = frozenset(("set-cookie",))
#: Environ variables never written (``%({name}e)s``): the address, and the hidden headers as WSGI names them.
HIDDEN_ENVIRON = frozenset(("remote_addr", "remote_port",
                            *("http_" + name.replace("-", "_") for name in HIDDEN_REQUEST_HEADERS)))
#: Environ variables that hold a URL or a query: written with their secrets masked.
MASKED_ENVIRON = frozenset(("raw_uri", "request_uri", "query_string", "path_info", "http_referer"))


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


def _last(headers, name: str) -> str | None:
    """The value of the last header called ``name`` (lower case), as gunicorn's atoms keep it."""
    found = None
    for key, value in headers:
        if key.lower() == name:
            found = value
    return found


class _Atoms(dict):
    """gunicorn's atoms of one request, worked out as the format asks for each (gunicorn's ``SafeAtoms``
    semantics: header names in any case, quotes escaped, ``-`` for what is missing)."""

    def __init__(self, logger: glogging.Logger, resp, req, environ: dict, request_time) -> None:
        super().__init__(_="")  # logging formats with a mapping only when the mapping is not empty
        self._logger, self._resp, self._req, self._environ, self._time = logger, resp, req, environ, request_time

    def __getitem__(self, key: str):
        value = self._value(key)
        if value is None:
            return "-"
        return value.replace('"', '\\"') if isinstance(value, str) else value

    def _value(self, key: str):
        if key.startswith("{"):
            return self._variable(key.lower())
        atom = _ATOMS.get(key)
        return atom(self) if atom is not None else None

    def _variable(self, key: str):
        """``{name}i`` (request header), ``{name}o`` (response header), ``{name}e`` (environ variable)."""
        name, _, kind = key[1:].rpartition("}")
        if kind == "i" and name not in HIDDEN_REQUEST_HEADERS:
            headers = getattr(self._req, "headers", self._req)
            value = _last(headers.items() if hasattr(headers, "items") else headers, name)
            return mask_secrets(value) if name == "referer" else value
        if kind == "o" and name not in HIDDEN_RESPONSE_HEADERS:
            headers = self._resp.headers
            value = _last(headers.items() if hasattr(headers, "items") else headers, name)
            return mask_secrets(value) if name == "location" else value  # a ticket's redirect carries its token
        if kind == "e" and name not in HIDDEN_ENVIRON:
            value = _last(self._environ.items(), name)
            return mask_secrets(value) if name in MASKED_ENVIRON and isinstance(value, str) else value
        return None


def _status(atoms: _Atoms):
    status = atoms._resp.status
    return status.split(None, 1)[0] if isinstance(status, str) else status


def _sent(atoms: _Atoms):
    return getattr(atoms._resp, "sent", None)


#: gunicorn's one-letter atoms (its ``Logger.atoms``), with the address as a fingerprint and URLs masked.
_ATOMS = {
    "h": lambda a: client_fingerprint(a._environ.get("REMOTE_ADDR") or "-"),
    "l": lambda a: "-",
    "u": lambda a: a._logger._get_user(a._environ) or "-",
    "t": lambda a: a._logger.now(),
    "r": lambda a: mask_secrets(f"{a._environ.get('REQUEST_METHOD')} {a._environ.get('RAW_URI')} "
                                f"{a._environ.get('SERVER_PROTOCOL')}"),
    "s": _status,
    "m": lambda a: a._environ.get("REQUEST_METHOD"),
    "U": lambda a: mask_secrets(a._environ.get("PATH_INFO")),
    "q": lambda a: mask_secrets(a._environ.get("QUERY_STRING")),
    "H": lambda a: a._environ.get("SERVER_PROTOCOL"),
    "b": lambda a: str(_sent(a)) if _sent(a) is not None else "-",
    "B": _sent,
    "f": lambda a: mask_secrets(a._environ.get("HTTP_REFERER", "-")),
    "a": lambda a: a._environ.get("HTTP_USER_AGENT", "-"),
    "T": lambda a: a._time.seconds,
    "D": lambda a: a._time.seconds * 1_000_000 + a._time.microseconds,
    "M": lambda a: a._time.seconds * 1000 + a._time.microseconds // 1000,
    "L": lambda a: f"{a._time.seconds}.{a._time.microseconds:06d}",
    "p": lambda a: f"<{os.getpid()}>",
}


class AccessLogger(glogging.Logger):
    """gunicorn's logger, its access lines carrying no client address and no secret from a URL."""

    def atoms(self, resp, req, environ, request_time) -> _Atoms:
        return _Atoms(self, resp, req, environ, request_time)

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        try:
            self.access_log.info(self.cfg.access_log_format, self.atoms(resp, req, environ, request_time))
        except Exception:  # noqa: BLE001 - as gunicorn: a line that cannot be written must not fail the request
            self.error(traceback.format_exc())
