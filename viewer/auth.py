"""Who is asking: session logins (Flask-Login), personal API tokens, CSRF, and 401/403 answers.

The stable interface other blueprints use:

- :func:`current_identity` → :class:`exhibits.identity.Identity` or ``None``;
- ``@login_required`` for pages (anonymous visitors are sent to ``/curator/login``);
- ``@api_auth`` for the curator API (``401`` JSON without credentials);
- :class:`exhibits.identity.PermissionDenied` raised by a service becomes ``403``.

A request with ``Authorization: Bearer <token>`` is authenticated by that token alone (and needs
no CSRF token: a browser never adds that header by itself); any other unsafe request under
``/curator/`` must carry the CSRF token (form field ``csrf_token`` or header ``X-CSRFToken``).
Logging out bumps the user's session generation, so the old cookie is dead on the server too.
"""
from __future__ import annotations

import functools
import time
from typing import Any, Callable

from flask import Flask, g, jsonify, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import Forbidden, NotFound

from exhibits import accounts, curation
from exhibits.identity import Identity, PermissionDenied
from viewer.context import db_session, runtime

#: A login lasts at most this long, however active the user is (seconds).
SESSION_MAX_AGE = 12 * 3600
API_PREFIXES = ("/curator/api/", "/api/")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

login_manager = LoginManager()
csrf = CSRFProtect()


class SessionUser(UserMixin):
    """What Flask-Login keeps: the user id and the session generation it was issued under."""

    def __init__(self, identity: Identity, generation: int) -> None:
        self.identity = identity
        self.generation = generation

    def get_id(self) -> str:
        return f"{self.identity.user_id}:{self.generation}"


@login_manager.user_loader
def _load_user(value: str) -> SessionUser | None:
    try:
        user_id, generation = (int(part) for part in value.split(":", 1))
    except ValueError:
        return None
    started = session.get("auth_at")
    if not isinstance(started, (int, float)) or time.time() - started > SESSION_MAX_AGE:
        return None
    user = accounts.session_user(db_session(), user_id, generation)
    return SessionUser(accounts.identity_of(user), user.session_generation) if user else None


def client_fingerprint() -> str:
    """The caller's address as a keyed hash: enough to tell attempts apart, never the address."""
    return accounts.fingerprint(runtime().settings.secret_key, request.remote_addr or "")


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    return None


def current_identity() -> Identity | None:
    """The identity of this request: its bearer token if it has one, else its login session."""
    if "identity" in g:
        return g.identity
    token = bearer_token()
    identity: Identity | None = None
    if token is not None:
        with runtime().db.session() as write:
            user = accounts.token_user(write, token, client_fingerprint(), f"{request.method} {request.path}")
            identity = accounts.identity_of(user, via="token") if user else None
    elif current_user.is_authenticated:
        identity = current_user.identity
    g.identity = identity
    return identity


def sign_in(name: str, password: str) -> Identity:
    """Check the password and start a session (raises :class:`exhibits.accounts.LoginRefused`)."""
    with runtime().db.sessions() as write:
        try:
            user = accounts.authenticate(write, name, password, client_fingerprint())
        finally:
            write.commit()  # failures and lock-outs are recorded as well as successes
        identity = accounts.identity_of(user)
        generation = user.session_generation
    session.clear()  # no session fixation: a fresh session for the new login
    session["auth_at"] = time.time()
    login_user(SessionUser(identity, generation))
    g.identity = identity
    return identity


def sign_out() -> None:
    identity = current_identity()
    if identity is not None and identity.via == "session" and identity.user_id is not None:
        with runtime().db.session() as write:
            accounts.logout(write, identity.user_id)
    logout_user()
    session.clear()
    g.identity = None


def login_required(view: Callable) -> Callable:
    """For pages: anonymous visitors go to the login page and come back afterwards."""
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if current_identity() is None:
            return redirect(url_for("curator.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapped


def api_auth(view: Callable) -> Callable:
    """For the curator API: ``401`` JSON without a valid token or session."""
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if current_identity() is None:
            return unauthorized()
        return view(*args, **kwargs)
    return wrapped


def unauthorized():
    response = jsonify(error="unauthorized", status=401,
                       message="log in, or send Authorization: Bearer <token> (jinshi user token NAME)")
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="jinshi"'
    return response


def _protect_unsafe_requests():
    """CSRF for cookie-authenticated writes under ``/curator``; on the curator API, who is asking comes first.

    An unsafe curator API request without a valid token or login is answered ``401`` before the CSRF check
    (DESIGN.md: 401 without credentials), so a script that forgot its token is told so, not "CSRF token missing".
    """
    if request.method in SAFE_METHODS or not request.path.startswith("/curator"):
        return None
    if request.path.startswith("/curator/api/") and current_identity() is None:
        return unauthorized()
    if bearer_token() is not None:
        return None
    csrf.protect()
    return None


def _forbidden(error: PermissionDenied):
    if request.path.startswith(API_PREFIXES):
        response = jsonify(error="forbidden", status=403, message=str(error) or "not allowed")
        response.status_code = 403
        return response
    return render_template("error.html", error=Forbidden(str(error) or None)), 403


def _not_found(error: LookupError):
    if request.path.startswith(API_PREFIXES):
        response = jsonify(error="not_found", status=404, message=str(error))
        response.status_code = 404
        return response
    return render_template("error.html", error=NotFound(str(error))), 404


def init_app(app: Flask) -> None:
    https = runtime_settings(app).base_url.startswith("https://")
    # Flask's defaults hold these keys already (as None/False): set them outright.
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=https,
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SECURE=https)
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", SESSION_MAX_AGE)
    app.config.setdefault("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"])
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    app.before_request(_protect_unsafe_requests)
    app.register_error_handler(PermissionDenied, _forbidden)
    app.register_error_handler(curation.NotFound, _not_found)
    app.context_processor(lambda: {"current_identity": current_identity})


def runtime_settings(app: Flask):
    return app.extensions["jinshi"].settings
