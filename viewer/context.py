"""Per-request access to the runtime and a catalogue session, and loaders that 404."""
from __future__ import annotations

from flask import abort, current_app, g, request, url_for
from sqlalchemy.orm import Session

from exhibits import catalogue
from exhibits.models import Hall, Item, Museum
from exhibits.states import hall_is_public, is_visible
from viewer.runtime import Runtime


def runtime() -> Runtime:
    return current_app.extensions["jinshi"]


def base_url() -> str:
    """JINSHI_BASE_URL, or the scheme, host and sub-path this request came to when it is not set.

    Never ends with a slash; ``f"{base_url()}/items/x"`` is an absolute link. Without JINSHI_BASE_URL
    the Host was checked by viewer.hosts (only names this server is really reached by).
    """
    return runtime().settings.base_url or request.url_root.rstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` made absolute from base_url() (the sub-path is not doubled)."""
    path = url_for(endpoint, **values)  # carries SCRIPT_NAME, the sub-path
    root = request.script_root
    return base_url() + (path[len(root):] if root and path.startswith(root) else path)


def db_session() -> Session:
    """One read session per request, closed at teardown."""
    if "db_session" not in g:
        g.db_session = runtime().db.sessions()
    return g.db_session


def close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def get_museum_or_404(slug: str) -> Museum:
    return catalogue.museum(db_session(), slug) or abort(404)


def get_hall_or_404(museum_slug: str | None, hall_slug: str) -> Hall:
    """A published hall, or an unpublished one for a curator of its museum (a preview, never cached)."""
    hall = catalogue.hall(db_session(), hall_slug)
    if hall is None or (museum_slug is not None and hall.museum.slug != museum_slug):
        abort(404)
    if not hall_is_public(hall):
        from viewer.visibility import allow_preview

        allow_preview(hall.museum.slug, hall.publication) or abort(404)
    return hall


def get_item_or_404(item_id: str) -> Item:
    """A visible item, or any item of a museum the curator asking works on (a preview, never cached)."""
    session = db_session()
    item = catalogue.item(session, item_id)
    if item is None:
        item = catalogue.item(session, item_id, public=False)
        if item is None:
            abort(404)
        from viewer.visibility import allow_preview

        state = item.publication if item.state == "ready" else item.state
        if not is_visible(item) and item.publication == "published" and item.state == "ready":
            state = "hall"  # published, but its hall is not
        allow_preview(item.museum.slug, state) or abort(404)
    return item
