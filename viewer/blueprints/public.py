"""The public exhibition: home → museum → hall → section → item."""
from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno
from flask import Blueprint, Response, abort, g, render_template, request

from exhibits import catalogue
from viewer.blueprints import details
from viewer.context import base_url, db_session, get_hall_or_404, get_item_or_404, get_museum_or_404

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    session = db_session()
    featured = catalogue.featured_items(session, limit=9)
    # the first phone screen shows a picture: the first featured object with an image, large
    hero = next((entry for entry in featured if catalogue.first_image(entry)), None)
    return render_template(
        "home.html",
        museums=catalogue.museums(session),
        counts=catalogue.item_counts_by_hall(session),
        hero=hero, hero_image=catalogue.first_image(hero) if hero else None,
        featured=[entry for entry in featured if entry is not hero][:8],
    )


@bp.route("/museums/<museum_slug>")
def museum(museum_slug: str):
    museum_ = get_museum_or_404(museum_slug)
    session = db_session()
    return render_template(
        "museum.html", museum=museum_, counts=catalogue.item_counts_by_hall(session),
        covers=_hall_covers(catalogue.museum_items(session, museum_.id), museum_.halls),
    )


#: Items on one hall page: a hall of hundreds of objects is paged (each card's image is lazy-loaded too).
HALL_PAGE_SIZE = 48


@bp.route("/museums/<museum_slug>/halls/<hall_slug>")
@bp.route("/museums/<museum_slug>/halls/<hall_slug>/sections/<section_slug>")
def hall(museum_slug: str, hall_slug: str, section_slug: str | None = None):
    hall_ = get_hall_or_404(museum_slug, hall_slug)
    section = None
    if section_slug is not None:
        section = catalogue.section_of(hall_, section_slug) or abort(404)
    session, preview = db_session(), bool(g.get("preview"))
    section_id = section.id if section else None
    total = catalogue.hall_item_count(session, hall_.id, section_id, preview=preview)
    pages = max(1, -(-total // HALL_PAGE_SIZE))
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > pages:
        abort(404)
    items = catalogue.hall_items(session, hall_.id, section_id, preview=preview,
                                 offset=(page - 1) * HALL_PAGE_SIZE, limit=HALL_PAGE_SIZE)
    groups = [(s, [i for i in items if i.section_id == s.id]) for s in hall_.sections if section in (None, s)]
    loose = [i for i in items if i.section_id is None] if section is None else []
    return render_template("hall.html", hall=hall_, section=section, groups=groups, loose=loose, total=total,
                           page=page, pages=pages)


@bp.route("/items/<item_id>")
def item(item_id: str):
    item_ = get_item_or_404(item_id)
    return render_template(
        "item.html", item=item_, permalink=f"{base_url()}/items/{item_.id}",
        neighbours=catalogue.neighbours(db_session(), item_), start=request.args.get("t", type=float),
        **details.page_context(item_),
    )


@bp.route("/items/<item_id>/qr.svg")
def item_qr(item_id: str):
    item_ = get_item_or_404(item_id)
    qr = segno.make(f"{base_url()}/items/{item_.id}", error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=4, border=2, title=f"{base_url()}/items/{item_.id}")
    return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


@bp.route("/mirador")
def mirador():
    manifest = request.args.get("manifest", "")
    if manifest and not viewer_manifest_allowed(manifest):
        abort(400, "manifest must be a path on this site (/iiif/...) or an absolute http(s) URL")
    from viewer.dead_ends import mirador_dead_end

    return mirador_dead_end(manifest) or render_template("mirador.html", manifest=manifest)


def viewer_manifest_allowed(value: str) -> bool:
    """A path on this site or an absolute http(s) URL, judged by parsing as a browser would.

    Browsers read ``//host/x`` and ``/\\host/x`` as other sites and drop tabs and newlines, so those are
    refused rather than prefix-checked.
    """
    if len(value) > 2000 or any(ord(c) < 0x21 or c == "\\" or ord(c) == 0x7F for c in value):
        return False
    parts = urlsplit(value)
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc) and parts.hostname is not None
    return not parts.scheme and not parts.netloc and value.startswith("/") and not value.startswith("//")


def _hall_covers(items, halls=()):
    """Each hall's cover: the image of the item a curator chose, else the hall's first image."""
    chosen = {hall.id: hall.cover_item for hall in halls if hall.cover_item}
    covers = {}
    for entry in items:
        image = catalogue.first_image(entry) if chosen.get(entry.hall_id) == entry.id else None
        if image:
            covers[entry.hall_id] = image
    for entry in items:
        image = catalogue.first_image(entry)
        if image and entry.hall_id not in covers:
            covers[entry.hall_id] = image
    return covers
