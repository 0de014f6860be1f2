"""Pages that explain instead of leaving a visitor stuck: error pages and a Mirador that has nothing to show.

The error page (``error.html``) speaks the page's language, keeps the site's layout and offers a search box,
the museums and the way home; a view's own description (naming the field or value) is shown under it.
``/mirador`` on an item of this site that Mirador cannot show (a 3D model only, or no media at all) or that
is not on view answers with a page saying so and linking to the item, never a blank grey viewer.
"""
from __future__ import annotations

import re

from flask import render_template, request
from flask_babel import lazy_gettext
from werkzeug.exceptions import HTTPException

#: code → (heading, what the visitor can do), in the page's language
MESSAGES = {
    400: (lazy_gettext("The request could not be understood"), lazy_gettext("Something in the address or the form is not right. Check it and try again.")),
    401: (lazy_gettext("Please log in"), lazy_gettext("This page is for signed-in staff.")),
    403: (lazy_gettext("You may not see this page"), lazy_gettext("Your account does not give access to it.")),
    404: (lazy_gettext("Page not found"), lazy_gettext("The page you asked for is not here: it may have moved, or the address may be mistyped. Try a search, or start again from the home page.")),
    405: (lazy_gettext("The request could not be understood"), lazy_gettext("Something in the address or the form is not right. Check it and try again.")),
    413: (lazy_gettext("That is too large"), lazy_gettext("The file or form sent is larger than this site accepts.")),
    429: (lazy_gettext("Too many requests"), lazy_gettext("Please wait a moment before trying again.")),
}
GENERIC = (lazy_gettext("Something went wrong"), lazy_gettext("The site could not answer this time. Please try again in a moment."))

#: Kinds of media Mirador shows (IIIF Image, video, audio canvases); a 3D model is not one of them.
MIRADOR_KINDS = {"image", "video", "audio"}


def error_page(error: HTTPException) -> str:
    """The HTML error page for ``error`` (the caller sets the status and headers)."""
    code = error.code or 500
    heading, advice = MESSAGES.get(code, GENERIC)
    default = type(error).description
    detail = error.description if error.description and error.description != default and code < 500 else ""
    return render_template("error.html", error=error, code=code, heading=heading, advice=advice, detail=detail)


def _local_item(manifest: str) -> str | None:
    """The item id a manifest address of this site names (``/iiif/items/<id>/manifest``), else None."""
    from urllib.parse import unquote, urlsplit

    from viewer.context import base_url

    parts = urlsplit(manifest)
    if parts.scheme:
        base = urlsplit(base_url())
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return None
    path = parts.path
    root = request.script_root
    if root and path.startswith(root + "/"):
        path = path[len(root):]
    found = re.fullmatch(r"/iiif/items/([^/]+)/manifest", path)
    return unquote(found.group(1)) if found else None


def mirador_dead_end(manifest: str):
    """A (page, status) explaining why Mirador would show nothing, or None when Mirador can show the manifest."""
    from exhibits import catalogue
    from viewer.context import db_session

    if not manifest:
        return render_template("mirador_dead_end.html", reason="none", item=None), 200
    item_id = _local_item(manifest)
    if item_id is None:
        return None  # another server's manifest, or a collection: Mirador opens it
    item = catalogue.item(db_session(), item_id)
    if item is None:
        return render_template("mirador_dead_end.html", reason="missing", item=None), 404
    kinds = {a.kind for a in item.assets}
    if kinds & MIRADOR_KINDS:
        return None
    return render_template("mirador_dead_end.html", reason="model" if "model" in kinds else "nothing", item=item), 200
