"""Put a stored original on view: a published museum, hall and item whose image it is.

Derivatives are served to the public only while a visible item uses the original
(viewer/visibility.py), so tests that store an image directly also catalogue it.
"""
from __future__ import annotations

from exhibits.models import Asset, Hall, Item, Museum


def publish_image(runtime, sha256: str, size: int = 0, width: int | None = None, height: int | None = None,
                  item_id: str = "test-image") -> None:
    with runtime.db.session() as session:
        museum = Museum(slug="test-museum", title={"en": ["Test museum"]})
        hall = Hall(slug="test-hall", title={"en": ["Test hall"]}, museum=museum, publication="published")
        item = Item(id=item_id, museum=museum, hall=hall, title={"en": ["Test image"]}, state="ready",
                    publication="published")
        item.assets.append(Asset(sha256=sha256, kind="image", mime="image/png", filename="image.png",
                                 size=size, width=width, height=height))
        session.add_all([museum, hall, item])
