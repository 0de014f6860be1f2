"""The change log harvesters read: only changes the public can see, with the right action."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from exhibits import changes
from exhibits.models import Change, Item, Museum


def log(db, kind="item"):
    with db.session() as session:
        return [(c.item_id, c.action, c.set_spec) for c in session.scalars(select(Change).where(Change.kind == kind).order_by(Change.id))]


def add_item(db, item_id, publication="draft", hall="mirrors"):
    from exhibits.models import Hall

    with db.session() as session:
        hall_row = session.scalar(select(Hall).where(Hall.slug == hall))
        item = Item(id=item_id, museum_id=hall_row.museum_id, hall_id=hall_row.id, title={"en": [item_id]},
                    state="ready", publication=publication)
        session.add(item)
        changes.note_item(session, item)


def move(db, item_id, publication, changed=False):
    with db.session() as session:
        item = session.get(Item, item_id)
        item.publication = publication
        return changes.note_item(session, item, changed=changed)


def test_lifecycle_of_an_item(museum_runtime):
    db = museum_runtime.db
    add_item(db, "a")
    assert log(db) == []  # a draft: nothing public happened
    move(db, "a", "published")
    move(db, "a", "published", changed=True)  # an edit of a visible item
    move(db, "a", "published")  # nothing changed: no row
    move(db, "a", "withdrawn")
    move(db, "a", "draft")  # already gone for the public: no second Delete
    move(db, "a", "published")
    assert log(db) == [("a", "Create", "copper:mirrors"), ("a", "Update", "copper:mirrors"),
                       ("a", "Delete", "copper:mirrors"), ("a", "Create", "copper:mirrors")]


def test_deleting_a_public_item_keeps_its_set(museum_runtime):
    db = museum_runtime.db
    add_item(db, "b", publication="published", hall="crafts")
    with db.session() as session:
        session.delete(session.get(Item, "b"))
        session.flush()
        changes.note_item_deleted(session, "b")
        assert changes.note_item_deleted(session, "never-public") is None
    assert log(db) == [("b", "Create", "ich:crafts"), ("b", "Delete", "ich:crafts")]


def test_halls_file_logs_collections_once(museum_runtime, halls_file):
    from exhibits.halls import load_halls

    first = log(museum_runtime.db, "collection")
    assert ("museum/copper", "Create", None) in first and ("hall/crafts", "Create", None) in first
    load_halls(museum_runtime.db, halls_file)  # the same file again: nothing changed
    assert log(museum_runtime.db, "collection") == first
    halls_file.write_text(halls_file.read_text().replace("Traditional Crafts", "Crafts"), encoding="utf-8")
    load_halls(museum_runtime.db, halls_file)
    assert log(museum_runtime.db, "collection")[len(first):] == [("hall/crafts", "Update", None)]


def test_bad_kind_or_action(museum_runtime):
    with museum_runtime.db.session() as session:
        with pytest.raises(ValueError):
            changes.record_change(session, "hall", "x", "Create")
        with pytest.raises(ValueError):
            changes.record_change(session, "item", "x", "Publish")


def test_migration_drops_draft_rows_and_fills_sets(tmp_path):
    """A catalogue at 0002 (ingest logged drafts too) upgraded to int1."""
    from alembic import command
    from sqlalchemy import text

    from exhibits.db import Database, alembic_config, upgrade

    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config(db.url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO museum (id, slug, title, summary, position, updated) VALUES (1, 'm', '{}', '{}', 0, '2026-01-01')"))
        connection.execute(text("INSERT INTO hall (id, museum_id, slug, title, summary, position, updated, publication) VALUES (1, 1, 'h', '{}', '{}', 0, '2026-01-01', 'published')"))
        for item_id, publication in (("pub", "published"), ("dra", "draft")):
            connection.execute(text(
                "INSERT INTO item (id, museum_id, hall_id, title, description, metadata, state, publication, position, created, updated) "
                f"VALUES ('{item_id}', 1, 1, '{{}}', '{{}}', '{{}}', 'ready', '{publication}', 0, '2026-01-01', '2026-01-01')"))
            connection.execute(text(f"INSERT INTO change (item_id, action, at) VALUES ('{item_id}', 'Create', '2026-01-01')"))
    upgrade(db.engine)
    with db.session() as session:
        rows = [(c.item_id, c.kind, c.set_spec) for c in session.scalars(select(Change))]
        assert session.scalar(select(Museum.slug)) == "m"
    assert rows == [("pub", "item", "m:h")]
    db.dispose()
