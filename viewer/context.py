"""Per-request access to the runtime and a catalogue session, and loaders that 404."""
from __future__ import annotations

from flask import abort, current_app, g, request, url_for
from sqlalchemy.orm import Session

from exhibits import catalogue
from exhibits.models import Hall, Item, Museum
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


def get_hall_or_404(museum_slug: str, hall_slug: str) -> Hall:
    hall = catalogue.hall(db_session(), hall_slug)
    if hall is None or hall.museum.slug != museum_slug:
        abort(404)
    return hall


def get_item_or_404(item_id: str) -> Item:
    return catalogue.item(db_session(), item_id) or abort(404)
