"""Sharing an item: the embeddable viewer ``/items/<item>/embed`` (framed by any site, see viewer.security),
and the share-card and schema.org helpers item, hall and museum pages use."""
from __future__ import annotations

from flask import Blueprint, render_template

from exhibits import linked_data
from viewer.context import base_url, get_item_or_404
from viewer.i18n import current_language

bp = Blueprint("sharing", __name__)


@bp.app_context_processor
def _helpers() -> dict:
    def item_share(item):
        """(share image, JSON-LD) of an item page."""
        base = base_url()
        from viewer.blueprints.people import inheritors_of

        return (linked_data.share_image(base, linked_data.first_image(item)),
                linked_data.item_jsonld(item, base, current_language(), inheritors_of(item)))

    def share_image_of(asset):
        return linked_data.share_image(base_url(), asset)

    def hall_share_image(hall, groups=(), loose=()):
        """A hall page's share image: its cover item's image, else the first image shown on the page."""
        shown = [i for _section, items in groups for i in items] + list(loose)
        chosen = next((i for i in shown if i.id == hall.cover_item and linked_data.first_image(i)), None)
        chosen = chosen or next((i for i in shown if linked_data.first_image(i)), None)
        return linked_data.share_image(base_url(), linked_data.first_image(chosen)) if chosen else None

    return {"item_share": item_share, "share_image_of": share_image_of, "hall_share_image": hall_share_image}


@bp.route("/items/<item_id>/embed")
def embed(item_id: str):
    item = get_item_or_404(item_id)
    return render_template("embed.html", item=item, permalink=f"{base_url()}/items/{item.id}")
