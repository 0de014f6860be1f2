"""Rate limits by name (``login``, ``booking``, ``upload``...), configured by ``JINSHI_RATE_LIMITS``.

``JINSHI_RATE_LIMITS=login=10/minute,booking=20/minute`` sets limits per name (several limits for
one name are joined with ``;``: ``login=10/minute;100/hour``); ``off`` turns every limit off (tests
and benchmarks only). Views use ``@limit("login")``; the counters live in flask-limiter's storage,
in memory per server process.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, current_app, request
from flask_limiter import Limiter

DEFAULTS: dict[str, str] = {"login": "10/minute", "booking": "20/minute", "upload": "600/hour"}


def parse(text: str) -> dict[str, str] | None:
    """``"login=5/minute,booking=20/minute"`` → ``{"login": "5/minute", ...}``; ``"off"`` → None."""
    text = (text or "").strip()
    if text.lower() == "off":
        return None
    limits = dict(DEFAULTS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(f"JINSHI_RATE_LIMITS: {part!r} is not NAME=LIMIT (for example login=10/minute)")
        limits[name.strip()] = value.strip()
    return limits


def _key() -> str:
    # One app per test, several apps per process: keep their counters apart.
    return f"{id(current_app._get_current_object())}:{request.remote_addr or ''}"


_limiter = Limiter(key_func=_key, storage_uri="memory://", strategy="fixed-window")


def init_app(app: Flask, setting: str) -> None:
    app.extensions["jinshi_limits"] = parse(setting)
    _limiter.init_app(app)


def _configured(name: str) -> Callable[[], str]:
    def value() -> str:
        limits = current_app.extensions.get("jinshi_limits") or {}
        return limits.get(name) or DEFAULTS.get(name, "1000/minute")
    return value


def _disabled() -> bool:
    return current_app.extensions.get("jinshi_limits") is None


def limit(name: str):
    """Decorate a view with the limit named ``name`` (counted per client address)."""
    return _limiter.limit(_configured(name), scope=name, exempt_when=_disabled, override_defaults=True)
