"""What the public may fetch, and curators' previews of what it may not (yet).

- Pages, manifests and collections load records through :mod:`viewer.context`, which answers 404
  for anything the public may not see, unless a curator of that museum is asking: then the page
  is a *preview*, marked as such and sent ``Cache-Control: private, no-store``.
- IIIF images (``/iiif/3/<sha>/...``) and derivatives (``/media/<sha>/...``) are served to the
  public only while some visible item uses that original; withdrawing the item stops them at once.
"""
from __future__ import annotations

from flask import Flask, abort, g, request
from flask_babel import lazy_gettext

from exhibits import curation

#: Endpoints named by an original's SHA-256 (view argument ``image_id`` or ``sha256``).
MEDIA_ENDPOINTS = frozenset({"iiif_image.base", "iiif_image.info", "iiif_image.image", "media_files.derivative"})
PRIVATE = "private, no-store"


def allow_preview(museum_slug: str, state: str) -> bool:
    """True (and the response becomes a private preview) when the identity curates this museum."""
    from viewer.auth import current_identity

    identity = current_identity()
    if identity is None or not identity.can_curate(museum_slug):
        return False
    g.preview = state
    return True


def _gate_media() -> None:
    if request.endpoint not in MEDIA_ENDPOINTS or not request.view_args:
        return
    sha = request.view_args.get("image_id") or request.view_args.get("sha256") or ""
    from viewer.auth import current_identity
    from viewer.context import db_session

    session = db_session()
    if curation.media_is_public(session, sha):
        return
    if not curation.may_curate_media(session, current_identity(), sha):
        abort(404, description="no such image")
    g.preview = "media"


def _private_previews(response):
    if g.get("preview"):
        response.headers["Cache-Control"] = PRIVATE
        response.headers.pop("Expires", None)
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    app.before_request(_gate_media)
    app.after_request(_private_previews)
    app.context_processor(lambda: {"preview_state": g.get("preview"), "label": label})


#: Words the workspace shows for values (states, actions, languages), as gettext msgids.
LABELS = {
    "draft": lazy_gettext("Draft"), "published": lazy_gettext("Published"), "withdrawn": lazy_gettext("Withdrawn"),
    "failed": lazy_gettext("Failed"), "pending": lazy_gettext("Pending"), "ready": lazy_gettext("Ready"),
    "hall": lazy_gettext("its hall is not published"), "media": lazy_gettext("Media"),
    "edit": lazy_gettext("edit"), "restore": lazy_gettext("restore"), "ingest": lazy_gettext("batch ingest"),
    "assets": lazy_gettext("files"),
    "zh": lazy_gettext("Chinese"), "en": lazy_gettext("English"), "zh-Hant": lazy_gettext("Traditional Chinese"),
    "none": lazy_gettext("No language"),
}


def label(value: str | None) -> str:
    """The interface word for a state, action or language code (the code itself when it has none)."""
    return str(LABELS.get(value or "", value or ""))
