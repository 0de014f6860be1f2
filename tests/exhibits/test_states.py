"""The one visibility rule, and identities' permissions."""
from sqlalchemy import select

from exhibits.identity import SYSTEM, Identity, PermissionDenied, require_museum
from exhibits.models import Hall, Item, Museum
from exhibits.states import can_move, visible

import pytest


def test_visible_needs_ready_published_item_in_a_published_hall(runtime):
    with runtime.db.session() as s:
        m = Museum(slug="m", title={"en": ["M"]})
        s.add(m)
        s.flush()
        h = Hall(slug="h", museum_id=m.id, title={"en": ["H"]})
        s.add(h)
        s.flush()
        for iid, state, pub in [("a", "ready", "published"), ("b", "ready", "draft"), ("c", "failed", "published"),
                                ("d", "ready", "withdrawn")]:
            s.add(Item(id=iid, museum_id=m.id, hall_id=h.id, state=state, publication=pub))
    with runtime.db.session() as s:
        assert set(s.scalars(select(Item.id).where(visible()))) == {"a"}
        assert [i.id for i in s.scalars(select(Item)) if i.visible] == ["a"]
        s.get(Hall, h.id).publication = "draft"
    with runtime.db.session() as s:
        assert set(s.scalars(select(Item.id).where(visible()))) == set()
        assert not s.get(Item, "a").visible


def test_publication_moves():
    assert can_move("draft", "published") and can_move("published", "withdrawn") and can_move("withdrawn", "draft")
    assert not can_move("draft", "withdrawn")


def test_curators_are_scoped_to_their_museums():
    art = Identity(name="li", role="curator", museums=frozenset({"art"}))
    assert art.can_curate("art") and not art.can_curate("copper") and not art.can_staff("copper-museum")
    assert SYSTEM.can_curate("copper")
    with pytest.raises(PermissionDenied):
        require_museum(art, "copper")
