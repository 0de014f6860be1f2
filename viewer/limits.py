"""Rate limits by name (flask-limiter), configured by ``JINSHI_RATE_LIMITS``.

A view says which budget it spends::

    from viewer.limits import limit

    @bp.route("/login", methods=["GET", "POST"])
    @limit("login", methods=["POST"])
    def login(): ...

``limit`` only marks the view; :func:`init_app` (called by the app factory after every
blueprint is registered) wraps each marked view with a flask-limiter *shared* limit, so all
views naming the same budget count against one counter per client. Each app gets its own
:class:`~flask_limiter.Limiter`, so tests that build many apps never share counters.

``JINSHI_RATE_LIMITS`` is ``name=rate,...`` (``login=10/minute,booking=20/minute``; a rate is any
flask-limiter rate string, ``5/minute;100/day`` included); names not given keep their default.
``off`` disables every limit (tests and benchmarks only). Clients are counted by a keyed hash of
their address, so no IP address is kept in the clear, even in a shared Redis storage.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Callable, Iterable, Mapping, TypeVar

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import parse_many

F = TypeVar("F", bound=Callable)

#: The budgets the product knows and their defaults. Add a name here with its default before using it.
DEFAULTS: dict[str, str] = {
    "login": "10/minute",
    "booking": "20/minute",
    "upload": "600/hour",
}

_MARK = "jinshi_rate_limit"


class RateLimitConfigError(ValueError):
    """JINSHI_RATE_LIMITS cannot be read; the message names the entry."""


def limit(name: str, methods: Iterable[str] | None = None) -> Callable[[F], F]:
    """Mark a view as spending the budget ``name`` (only for ``methods`` when given, e.g. ``["POST"]``)."""
    if name not in DEFAULTS:
        raise KeyError(f"unknown rate limit {name!r}; add it to viewer.limits.DEFAULTS")
    chosen = [m.upper() for m in methods] if methods else None

    def mark(view: F) -> F:
        setattr(view, _MARK, (name, chosen))
        return view

    return mark


def parse(spec: str | None) -> dict[str, str] | None:
    """The rate of every budget from a ``JINSHI_RATE_LIMITS`` value; ``None`` when limits are ``off``."""
    spec = (spec or "").strip()
    if spec.lower() == "off":
        return None
    rules = dict(DEFAULTS)
    for entry in filter(None, (part.strip() for part in spec.split(","))):
        name, sep, rate = entry.partition("=")
        name, rate = name.strip(), rate.strip()
        if not sep or not name or not rate:
            raise RateLimitConfigError(f"JINSHI_RATE_LIMITS: {entry!r} is not name=rate (e.g. login=10/minute)")
        if name not in DEFAULTS:
            raise RateLimitConfigError(
                f"JINSHI_RATE_LIMITS: unknown limit {name!r} (known: {', '.join(sorted(DEFAULTS))})")
        try:
            parse_many(rate)
        except ValueError:
            raise RateLimitConfigError(
                f"JINSHI_RATE_LIMITS: {name}={rate!r} is not a rate such as 10/minute") from None
        rules[name] = rate
    return rules


def client_key() -> str:
    """A keyed hash of the client's address (after ProxyFix, so the real client behind the proxy)."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    address = (request.remote_addr or "-").encode()
    return hmac.new(secret, address, hashlib.sha256).hexdigest()[:32]


def init_app(app: Flask, spec: str | None, storage_uri: str = "memory://") -> Limiter:
    """Wrap every view marked with :func:`limit`; call after the blueprints are registered."""
    rules = parse(spec)
    limiter = Limiter(
        client_key,
        app=app,
        storage_uri=storage_uri or "memory://",
        headers_enabled=True,
        enabled=rules is not None,
        key_prefix="jinshi",
    )
    #: the rates in force, None when off (a test may set it to None to switch limits off for one app)
    app.extensions["jinshi_limits"] = rules
    app.extensions["jinshi.limiter"] = limiter  # flask-limiter keeps only weak references to it
    if rules is None:
        return limiter  # off: the views stay unwrapped (the wrapper cost a booking request 4 % of its CPU)
    for endpoint, view in list(app.view_functions.items()):
        mark = getattr(view, _MARK, None)
        if mark is None:
            continue
        name, methods = mark
        app.view_functions[endpoint] = limiter.shared_limit(
            _rate_of(name), scope=name, methods=methods, exempt_when=_off)(view)
    return limiter


def rates(app: Flask) -> Mapping[str, str]:
    """The rates in force (empty when limits are off)."""
    return app.extensions.get("jinshi_limits") or {}


def _off() -> bool:
    return current_app.extensions.get("jinshi_limits") is None


def _rate_of(name: str) -> Callable[[], str]:
    return lambda: rates(current_app).get(name, DEFAULTS[name])
