"""Curator pages for museums, halls and sections: create, arrange (drag or arrows), introductions, covers."""
from __future__ import annotations

from flask_babel import gettext
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from exhibits import hall_admin
from exhibits.editing import ValidationFailed
from exhibits.curation import CurationError
from exhibits.models import Asset, Item
from viewer.auth import current_identity, login_required
from viewer.context import db_session, runtime

bp = Blueprint("curator_halls", __name__, url_prefix="/curator/halls")


def _langmap(prefix: str) -> dict[str, list[str]]:
    """``title.zh``, ``title.en``… form inputs → a language map (one value per language)."""
    out = {}
    for key in request.form:
        if key.startswith(prefix + "."):
            text = request.form.get(key, "").strip()
            if text:
                out[key[len(prefix) + 1:]] = [text]
    return out


def _moved(order: list[str]) -> list[str]:
    """Apply a no-JS arrow press (``move=up:<slug>`` / ``down:<slug>``) to the submitted order."""
    direction, _, slug = request.form.get("move", "").partition(":")
    if slug in order:
        at = order.index(slug)
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(order):
            order[at], order[to] = order[to], order[at]
    return order


def _flash_errors(exc: ValidationFailed) -> None:
    for field, message in exc.errors.items():
        flash(f"{field}: {message}", "error")


@bp.get("/")
@login_required
def index():
    identity = current_identity()
    return render_template("curator/halls.html", museums=hall_admin.structure(db_session(), identity), identity=identity)


@bp.get("/halls.yaml")
@login_required
def export():
    """The structure as a halls file, to keep under version control or load elsewhere."""
    text = hall_admin.halls_yaml(db_session(), current_identity())
    return Response(text, mimetype="application/yaml", headers={"Content-Disposition": 'attachment; filename="halls.yaml"',
                                                                 "Cache-Control": "private, no-store"})


@bp.post("/museums")
@login_required
def new_museum():
    try:
        hall_admin.create_museum(runtime(), current_identity(), request.form.get("slug", ""), _langmap("title"), _langmap("summary"))
        flash(gettext("Created."), "notice")
    except ValidationFailed as exc:
        _flash_errors(exc)
    return redirect(url_for(".index"))


@bp.post("/museums/<museum_slug>/halls")
@login_required
def new_hall(museum_slug: str):
    slug = request.form.get("slug", "")
    try:
        hall_admin.create_hall(runtime(), current_identity(), museum_slug, slug, _langmap("title"), _langmap("summary"))
    except ValidationFailed as exc:
        _flash_errors(exc)
        return redirect(url_for(".index"))
    flash(gettext("Created."), "notice")
    return redirect(url_for(".hall", hall_slug=slug))


@bp.post("/museums/<museum_slug>/order")
@login_required
def order_halls(museum_slug: str):
    try:
        hall_admin.reorder_halls(runtime(), current_identity(), museum_slug, _moved(request.form.getlist("order")))
    except ValidationFailed as exc:
        _flash_errors(exc)
    return redirect(url_for(".index") + f"#museum-{museum_slug}")


@bp.get("/<hall_slug>")
@login_required
def hall(hall_slug: str):
    session = db_session()
    hall_ = hall_admin.get_hall(session, current_identity(), hall_slug)
    covers = session.execute(
        select(Item.id, Item.title, Asset.sha256).join(Asset, Asset.item_id == Item.id)
        .where(Item.hall_id == hall_.id, Asset.kind == "image").order_by(Item.position, Item.id, Asset.position)
    ).all()
    seen, choices = set(), []
    for item_id, title, sha in covers:
        if item_id not in seen:
            seen.add(item_id)
            choices.append({"id": item_id, "title": title, "sha256": sha})
    return render_template("curator/hall_edit.html", hall=hall_, covers=choices)


@bp.post("/<hall_slug>")
@login_required
def save_hall(hall_slug: str):
    try:
        hall_admin.update_hall(runtime(), current_identity(), hall_slug, _langmap("title"), _langmap("summary"),
                               request.form.get("cover_item") or None)
        flash(gettext("Saved."), "notice")
    except ValidationFailed as exc:
        _flash_errors(exc)
    return redirect(url_for(".hall", hall_slug=hall_slug))


@bp.post("/<hall_slug>/publication")
@login_required
def hall_publication(hall_slug: str):
    try:
        hall_admin.set_hall_publication(runtime(), current_identity(), hall_slug, request.form.get("action", ""))
    except CurationError as exc:
        flash(str(exc), "error")
    return redirect(url_for(".hall", hall_slug=hall_slug))


@bp.post("/<hall_slug>/sections")
@login_required
def new_section(hall_slug: str):
    try:
        hall_admin.create_section(runtime(), current_identity(), hall_slug, request.form.get("slug", ""),
                                  _langmap("title"), _langmap("summary"))
        flash(gettext("Created."), "notice")
    except ValidationFailed as exc:
        _flash_errors(exc)
    return redirect(url_for(".hall", hall_slug=hall_slug) + "#sections")


@bp.post("/<hall_slug>/sections/<section_slug>")
@login_required
def save_section(hall_slug: str, section_slug: str):
    try:
        hall_admin.update_section(runtime(), current_identity(), hall_slug, section_slug, _langmap("title"), _langmap("summary"))
        flash(gettext("Saved."), "notice")
    except ValidationFailed as exc:
        _flash_errors(exc)
    return redirect(url_for(".hall", hall_slug=hall_slug) + "#sections")


@bp.post("/<hall_slug>/order")
@login_required
def order_sections(hall_slug: str):
    try:
        hall_admin.reorder_sections(runtime(), current_identity(), hall_slug, _moved(request.form.getlist("order")))
    except ValidationFailed as exc:
        _flash_errors(exc)
    return redirect(url_for(".hall", hall_slug=hall_slug) + "#sections")
