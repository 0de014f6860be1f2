"""Who is calling the upload and job API: the one place these views get their Identity.

The accounts layer (sessions, tokens, CSRF) lives in ``viewer.auth``; this module only hands its
identity to the upload and job views as their first argument and answers 401 without one.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import current_app, jsonify

from exhibits.identity import Identity


def current_identity() -> Identity | None:
    loader: Callable[[], Identity | None] | None = current_app.extensions.get("jinshi.identity")
    if loader is not None:
        return loader()
    try:
        from viewer import auth
    except ImportError:
        return None
    return auth.current_identity()


def api_identity(view):
    """Call ``view(identity, ...)``; 401 (JSON) when the request carries no valid session or token."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        identity = current_identity()
        if identity is None:
            response = jsonify(error="log in, or send 'Authorization: Bearer <token>' (jinshi user token NAME)", status=401)
            response.status_code = 401
            response.headers["Tus-Resumable"] = "1.0.0"
            return response
        return view(identity, *args, **kwargs)

    return wrapper
