"""Ingest and the curator's edits: an unchanged CSV row leaves them alone, a changed one overwrites and says so."""
from __future__ import annotations

from sqlalchemy import select

from exhibits import editing
from exhibits.accounts_models import ItemRevision
from exhibits.curation import get_item
from exhibits.identity import SYSTEM
from exhibits.models import Item
from ingest.batch import ingest_batch
from tests.viewer.conftest import HEADER, ROWS


def _etag(runtime, item_id):
    with runtime.db.session() as session:
        return editing.etag(get_item(session, SYSTEM, item_id))


def test_reingest_keeps_form_edits_until_the_row_changes(museum_runtime, ingested, tmp_path):
    runtime = museum_runtime
    editing.edit(runtime, SYSTEM, "cu-record", {"title": {"zh": ["铜锭残块（修订）"]}}, _etag(runtime, "cu-record"))
    csv = tmp_path / "batch" / "batch.csv"
    results = list(ingest_batch(runtime, metadata=csv))
    assert {r.item: r.status for r in results}["cu-record"] == "unchanged"
    with runtime.db.session() as session:
        assert session.get(Item, "cu-record").title["zh"] == ["铜锭残块（修订）"]
    csv.write_text(HEADER + "\n".join(ROWS[:2] + [ROWS[2].replace("Copper ingot fragment", "Copper ingot (broken)")]) + "\n",
                   encoding="utf-8")
    results = list(ingest_batch(runtime, metadata=csv, draft=True))
    assert {r.item: r.status for r in results}["cu-record"] == "ingested"
    with runtime.db.session() as session:
        item = session.get(Item, "cu-record")
        assert item.title == {"zh": ["铜锭残块"], "en": ["Copper ingot (broken)"]}
        assert item.publication == "published"  # --draft never takes a published item offline
        revisions = list(session.scalars(select(ItemRevision).where(ItemRevision.item_id == "cu-record")
                                         .order_by(ItemRevision.id)))
    assert [r.action for r in revisions] == ["edit", "ingest"]
    assert revisions[1].before["title"]["zh"] == ["铜锭残块（修订）"] and revisions[1].actor == "cli"
