"""The site's own pages: the about/contact page and the logo."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from exhibits import site as site_service
from viewer.context import db_session
from viewer.site_context import current_site

bp = Blueprint("site_pages", __name__)


@bp.app_context_processor
def _helpers() -> dict:
    def public_museums():
        """The museums, for the ways out of a dead end (no search hits, error pages)."""
        from exhibits import catalogue

        try:
            return catalogue.museums(db_session())
        except Exception:  # an error page renders even when the catalogue cannot be read
            return []

    return {"public_museums": public_museums}


@bp.route("/about")
def about():
    return render_template("about.html", info=current_site())


@bp.route("/site/logo/<sha256>")
def logo(sha256: str):
    found = site_service.logo(db_session())
    if found is None or found[2] != sha256:
        abort(404)
    data, mime, _sha = found
    # named by its SHA-256, so a new logo is a new address and this one may be cached for good
    return Response(data, mimetype=mime, headers={"Cache-Control": "public, max-age=31536000, immutable"})
