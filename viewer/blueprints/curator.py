"""The curator workspace's front door: log in, log out, the overview page."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded

from exhibits import accounts, curation
from viewer.auth import current_identity, login_required, sign_in, sign_out
from viewer.context import db_session
from viewer.limits import limit

bp = Blueprint("curator", __name__, url_prefix="/curator")


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect to another host)."""
    if not target:
        return url_for("curator.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("curator.index")
    return target


@bp.get("/login")
def login():
    if current_identity() is not None:
        return redirect(_safe_next(request.args.get("next")))
    return render_template("curator/login.html", error=None, name="", next=request.args.get("next", ""))


@bp.post("/login")
@limit("login")
def login_post():
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    try:
        sign_in(name, password)
    except accounts.LoginRefused as refused:
        error = "locked" if refused.reason == "locked" else "invalid"
        return render_template("curator/login.html", error=error, name=name,
                               next=request.form.get("next", "")), 401
    return redirect(_safe_next(request.form.get("next")))


@bp.errorhandler(RateLimitExceeded)
def _too_many(_error):
    return render_template("curator/login.html", error="rate", name="", next=""), 429


@bp.post("/logout")
def logout():
    sign_out()
    return redirect(url_for("curator.login"))


@bp.get("/")
@login_required
def index():
    identity = current_identity()
    return render_template("curator/index.html", identity=identity,
                           summary=curation.overview(db_session(), identity))
