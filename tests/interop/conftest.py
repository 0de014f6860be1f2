"""A catalogue of metadata-only records ingested through the real CSV ingest, with messy values,
a withdrawn item, a draft and a withdrawn hall; and helpers to change publication as the
curator services do (state + :func:`exhibits.changes.note_item` in one transaction)."""
from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from exhibits import changes
from exhibits.models import Hall, Item
from ingest.batch import ingest_batch
from tests.support.live import serve

COLUMNS = ["id", "museum", "hall", "section", "title_zh", "title_en", "object_type", "period", "date_start",
           "date_end", "material", "material_en", "dimensions", "creator", "place", "accession_number",
           "description_zh", "description_en", "rights", "files", "ich_category", "inheritor", "donor"]

MESSY = [
    {"id": "cu-ding", "museum": "copper", "hall": "bronze-vessels", "section": "shang", "title_zh": "兽面纹鼎",
     "title_en": 'Ding with <b>taotie</b> & "masks"', "object_type": "鼎", "period": "商", "date_start": "-1600",
     "date_end": "-1046", "material": "青铜", "material_en": "bronze", "dimensions": "通高 38.5 厘米",
     "place": "铜陵", "accession_number": "TL-CU-0001", "description_zh": "兽面纹饰<script>alert(1)</script>",
     "description_en": "Cast in R&D <i>style</i> ]]> end", "rights": "CC BY-NC 4.0", "donor": "王先生 & Co."},
    {"id": "cu-mirror", "museum": "copper", "hall": "mirrors", "title_zh": "四乳四虺镜", "title_en": "Mirror",
     "period": "西汉", "date_start": "-206", "date_end": "8", "material": "青铜", "accession_number": "TL-CU-0002",
     "rights": "In Copyright"},
    {"id": "ich-paper", "museum": "ich", "hall": "crafts", "title_zh": "剪紙（繁體）𠀀", "title_en": "Paper-cut 🎨",
     "ich_category": "传统美术", "inheritor": "李四", "period": "清乾隆年间"},
]


def write_csv(path, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def bulk_rows(count: int, start: int = 0):
    halls = [("copper", "bronze-vessels"), ("copper", "mirrors"), ("ich", "crafts")]
    for n in range(start, start + count):
        museum, hall = halls[n % 3]
        yield {"id": f"rec-{n:05d}", "museum": museum, "hall": hall, "title_zh": f"藏品 {n}", "title_en": f"Object {n}",
               "material": "铜", "accession_number": f"TL-{n:05d}"}


def set_publication(db, item_id: str, publication: str) -> None:
    """What the curator's publish/withdraw services do: the state and the change row together."""
    with db.session() as session:
        item = session.get(Item, item_id)
        item.publication = publication
        changes.note_item(session, item, changed=False)


def set_hall_publication(db, slug: str, publication: str) -> None:
    from sqlalchemy import select

    with db.session() as session:
        hall = session.scalar(select(Hall).where(Hall.slug == slug))
        hall.publication = publication
        changes.note_hall(session, hall)
        for item in session.scalars(select(Item).where(Item.hall_id == hall.id)):
            changes.note_item(session, item, changed=False)


def ingest_rows(runtime, path, rows, draft: bool = False) -> None:
    """The real CSV ingest, with the search index caught up once at the end rather than after
    every item (what the index does is not under test here, and that is most of the time)."""
    import ingest.batch
    from search.sync import reindex_items

    per_item = ingest.batch._sync_index
    ingest.batch._sync_index = lambda *args, **kwargs: None
    try:
        results = list(ingest_batch(runtime, metadata=write_csv(path, rows), draft=draft))
    finally:
        ingest.batch._sync_index = per_item
    assert all(r.status == "ingested" for r in results), [r.to_json() for r in results if r.status != "ingested"]
    reindex_items(runtime.db, runtime.index, [r.item for r in results])


@pytest.fixture
def catalogue(museum_runtime, tmp_path):
    """Messy records plus 30 plain ones; a withdrawn item and a draft."""
    folder = tmp_path / "batch"
    folder.mkdir()
    ingest_rows(museum_runtime, folder / "all.csv", MESSY + list(bulk_rows(30)))
    ingest_rows(museum_runtime, folder / "draft.csv",
                [{"id": "cu-draft", "museum": "copper", "hall": "mirrors", "title_zh": "草稿"}], draft=True)
    set_publication(museum_runtime.db, "rec-00007", "withdrawn")
    return museum_runtime


@pytest.fixture
def live(app, settings, catalogue):
    """The app on a loopback server, absolute links following the server's own address."""
    app.extensions["jinshi"].settings = dataclasses.replace(settings, base_url="")
    with serve(app) as url:
        yield url
