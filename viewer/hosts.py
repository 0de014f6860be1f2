"""Which Host and X-Forwarded-* headers are believed, and the site's sub-path.

* ``JINSHI_BASE_URL`` set: every absolute link comes from it (``viewer.context.base_url``), whatever
  Host a request names. Its path (``https://www.example.gov.cn/museum``) is the site's sub-path: a
  request for ``/museum/items/x`` is served as ``/items/x`` with ``SCRIPT_NAME=/museum`` (so every
  ``url_for`` link carries the prefix), and a proxy that already stripped the prefix works too.
* unset: links follow the request's Host, so only names this server can really be reached by are
  accepted: localhost, the machine's own name and addresses, the address the connection came in on
  (phones on the LAN use it), and ``JINSHI_TRUSTED_HOSTS``. Any other Host gets 400.
* ``X-Forwarded-For/-Proto/-Host/-Port/-Prefix`` are believed only from ``JINSHI_PROXIES``: a comma
  separated list of proxy addresses or networks (``127.0.0.1,10.0.0.0/8``) and optional hop counts
  (``for=2``; each header counts 1 hop by default), applied with werkzeug's ProxyFix. From anyone else
  they are removed before the app sees them.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
             "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")
_COUNTS = ("for", "proto", "host", "port", "prefix")
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "127.0.0.1", "::1")


class ProxyConfigError(ValueError):
    """JINSHI_PROXIES cannot be read; the message names the entry."""


@dataclass(frozen=True)
class Proxies:
    networks: tuple = ()
    counts: dict = field(default_factory=lambda: dict.fromkeys(_COUNTS, 1))

    def trusts(self, address: str | None) -> bool:
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        return any(ip in network for network in self.networks)


def parse_proxies(text: str) -> Proxies:
    """``"127.0.0.1, 10.0.0.0/8, for=2"`` → the trusted networks and ProxyFix counts."""
    networks, counts = [], dict.fromkeys(_COUNTS, 1)
    for entry in filter(None, (part.strip() for part in (text or "").split(","))):
        if "=" in entry:
            name, _, value = (p.strip() for p in entry.partition("="))
            if name not in _COUNTS or not value.isdigit():
                raise ProxyConfigError(
                    f"JINSHI_PROXIES: {entry!r} is not a hop count ({', '.join(c + '=N' for c in _COUNTS)})")
            counts[name] = int(value)
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ProxyConfigError(f"JINSHI_PROXIES: {entry!r} is neither an address, a network nor a hop count") \
                from None
    return Proxies(tuple(networks), counts)


class ForwardedHeaders:
    """WSGI middleware: ProxyFix for requests from trusted proxies; the headers removed for everyone else."""

    def __init__(self, app: Callable, proxies: Proxies) -> None:
        self.app = app
        self.proxies = proxies
        counts = proxies.counts
        self.fixed = ProxyFix(app, x_for=counts["for"], x_proto=counts["proto"], x_host=counts["host"],
                              x_port=counts["port"], x_prefix=counts["prefix"])

    def __call__(self, environ: dict, start_response: Callable):
        if self.proxies.networks and self.proxies.trusts(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        for key in FORWARDED:
            environ.pop(key, None)
        return self.app(environ, start_response)


class SubPath:
    """WSGI middleware: the site lives under ``prefix`` (the path of JINSHI_BASE_URL)."""

    def __init__(self, app: Callable, prefix: str) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")

    def __call__(self, environ: dict, start_response: Callable):
        path = environ.get("PATH_INFO", "")
        script = environ.get("SCRIPT_NAME", "").rstrip("/")
        if path == self.prefix or path.startswith(self.prefix + "/"):
            path = path[len(self.prefix):] or "/"
        if script != self.prefix:  # a proxy's X-Forwarded-Prefix of the same path is not doubled
            environ["SCRIPT_NAME"] = self.prefix
        environ["PATH_INFO"] = path
        return self.app(environ, start_response)


def host_name(host: str) -> str:
    """``Example.org:8000`` → ``example.org``; ``[::1]:5000`` → ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


@lru_cache(maxsize=1)
def machine_names() -> frozenset[str]:
    """localhost, this machine's names and the addresses they resolve to."""
    names = set(LOOPBACK_NAMES)
    for name in {socket.gethostname(), socket.getfqdn()}:
        if not name:
            continue
        names.add(name.lower())
        names.add(f"{name.lower()}.local")  # mDNS, how phones on the LAN often name a laptop
        try:
            for *_, sockaddr in socket.getaddrinfo(name, None):
                names.add(str(sockaddr[0]).split("%", 1)[0])
        except OSError:
            pass
    return frozenset(names)


def _local_address(environ: dict) -> str | None:
    """The address the client connected to (gunicorn and werkzeug hand the socket to the app)."""
    sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    try:
        return str(sock.getsockname()[0]).split("%", 1)[0] if sock is not None else None
    except (OSError, AttributeError, IndexError):
        return None


def host_allowed(host: str, trusted: Iterable[str], environ: dict) -> bool:
    name = host_name(host)
    if not name:
        return False
    if name in machine_names() or name in {host_name(t) for t in trusted}:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return name == _local_address(environ)


def init_app(app: Flask, base_url: str, base_path: str, trusted_hosts: Iterable[str], proxies: str) -> None:
    """Install the Host check, the sub-path and the proxy headers for ``app``."""
    parsed = parse_proxies(proxies)
    trusted = tuple(trusted_hosts)
    if base_path:
        app.wsgi_app = SubPath(app.wsgi_app, base_path)
    app.wsgi_app = ForwardedHeaders(app.wsgi_app, parsed)  # outermost: runs first

    if not base_url:
        @app.before_request
        def _check_host():
            if not host_allowed(request.host, trusted, request.environ):
                abort(400, description="Unknown host. Set JINSHI_BASE_URL, or add this name to JINSHI_TRUSTED_HOSTS.")


def exposure_warning(bind_host: str, proxies: str) -> str | None:
    """What ``jinshi serve`` says when it binds an address others can reach while no proxy is configured."""
    name = host_name(bind_host) if bind_host not in ("", "0.0.0.0", "::") else bind_host
    try:
        loopback = ipaddress.ip_address(name).is_loopback
    except ValueError:
        loopback = name in ("localhost", "localhost.localdomain")
    if loopback or proxies.strip():
        return None
    return (f"Warning: serving on {bind_host} straight to the network. Slow or half-sent requests can hold every "
            "server thread; in production put nginx in front (deploy/nginx.conf: buffering, timeouts, limit_req) "
            "and set JINSHI_PROXIES to its address.")
