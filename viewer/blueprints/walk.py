"""The walk-through hall: ``/museums/<museum>/halls/<hall>/walk`` (page) and ``…/walk.json`` (the room).

The room is decided in :mod:`exhibits.walk`; the page carries a plain list of the hall's items, which
``walk.js`` replaces by the three.js room only where WebGL 2 works and the visitor has not asked for
reduced motion.
"""
from __future__ import annotations

from flask import Blueprint, g, jsonify, render_template, url_for
from flask_babel import gettext

from exhibits import catalogue, walk
from viewer.context import db_session, get_hall_or_404
from viewer.i18n import current_language, pick

bp = Blueprint("walk", __name__)


def _hall_and_items(museum_slug: str, hall_slug: str):
    hall = get_hall_or_404(museum_slug, hall_slug)
    items = catalogue.hall_items(db_session(), hall.id, preview=bool(g.get("preview")))
    return hall, items


@bp.route("/museums/<museum_slug>/halls/<hall_slug>/walk")
def page(museum_slug: str, hall_slug: str):
    hall, items = _hall_and_items(museum_slug, hall_slug)
    groups = [(s, [i for i in items if i.section_id == s.id]) for s in hall.sections]
    loose = [i for i in items if i.section_id is None or i.section_id not in {s.id for s in hall.sections}]
    return render_template("visitor/walk.html", hall=hall, groups=groups, loose=loose, total=len(items),
                           room_limit=walk.ROOM_LIMIT)


@bp.route("/museums/<museum_slug>/halls/<hall_slug>/walk.json")
def room(museum_slug: str, hall_slug: str):
    hall, items = _hall_and_items(museum_slug, hall_slug)
    lang = current_language()

    def link(item) -> str:
        return url_for("public.item", item_id=item.id, lang=lang)

    def label(item) -> dict:
        metadata = item.metadata_ or {}
        detail = " · ".join(t for t in (pick(metadata.get("period")), pick(metadata.get("material"))) if t)
        return {"title": pick(item.title) or item.id, "detail": detail}

    strings = {"video": gettext("Video"), "audio": gettext("Audio"), "model": gettext("3D model"),
               "record": gettext("No image")}
    described = walk.room(hall, items, root=url_for("public.home").rstrip("/"), link=link, label=label,
                          section_title=lambda section: pick(section.title) or section.slug, strings=strings)
    described["title"] = pick(hall.title) or hall.slug
    described["lang"] = lang
    response = jsonify(described)
    response.headers["Cache-Control"] = "private, no-store" if g.get("preview") else "public, max-age=300"
    return response
