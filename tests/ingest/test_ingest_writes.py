"""Ingest writes items only through the curation service: the museum is checked against the identity running
the ingest, and every write has its audit row, on the CLI path and the web path alike."""
from __future__ import annotations

from sqlalchemy import select

from exhibits.identity import Identity
from exhibits.models import AuditEntry, Item
from ingest.batch import ingest_batch
from tests.support.media import make_photo

HEADER = "id,museum,hall,section,title_zh,title_en,files\n"
ICH = Identity(name="ich-curator", role="curator", museums=frozenset({"ich"}))


def _csv(folder, rows):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "batch.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return folder / "batch.csv"


def test_a_curator_of_another_museum_cannot_ingest_into_this_one(museum_runtime, tmp_path):
    make_photo(tmp_path / "a.jpg", 200, 150)
    csv = _csv(tmp_path, ["cu-photo,copper,mirrors,,镜,Mirror,a.jpg", "cu-record,copper,mirrors,,锭,Ingot,"])
    results = {r.item: r for r in ingest_batch(museum_runtime, metadata=csv, identity=ICH)}
    assert {r.status for r in results.values()} == {"failed"}
    assert all("may not work on museum 'copper'" in r.error for r in results.values()), results
    with museum_runtime.db.session() as s:
        assert s.scalars(select(Item)).all() == []  # not even a failed record in a museum it may not touch


def test_every_ingest_write_is_audited_with_who_ran_it(museum_runtime, tmp_path):
    make_photo(tmp_path / "a.jpg", 200, 150)
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    rows = ["cu-photo,copper,mirrors,,镜,Mirror,a.jpg", "cu-record,copper,mirrors,,锭,Ingot,",
            "cu-broken,copper,mirrors,,坏,Broken,broken.jpg"]
    list(ingest_batch(museum_runtime, metadata=_csv(tmp_path, rows)))
    with museum_runtime.db.session() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action.like("item.ingest%")).order_by(AuditEntry.id)).all()
        by_action = {}
        for e in entries:
            by_action.setdefault(e.action, []).append(e)
        assert {e.actor for e in entries} == {"cli"}
        assert [e.target for e in by_action["item.ingest_failed"]] == ["item:cu-broken"]
        ingested = by_action["item.ingest"]
        assert "item:cu-photo" in [e.target for e in ingested]
        assert any("cu-record" in (e.details.get("items") or []) or e.target == "item:cu-record" for e in ingested)
        photo = next(e for e in ingested if e.target == "item:cu-photo")
        assert photo.details["version"] == "first" and len(photo.details["assets"][0]) == 64
