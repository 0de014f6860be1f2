"""A hall worth walking through: photos of many proportions in two sections, a 3D model and a video."""
from __future__ import annotations

from pathlib import Path

from ingest.batch import ingest_batch
from tests.support import made_once, mediafiles as mf
from tests.support.media import make_photo

HEADER = "id,museum,hall,section,title_zh,title_en,period,material,accession_number,files\n"
PHOTOS = [  # id, section, zh, en, width, height
    ("walk-ding", "shang", "兽面纹鼎", "Ding with taotie masks", 1600, 1200),
    ("walk-jue", "shang", "铜爵", "Bronze jue", 900, 1200),
    ("walk-gu", "shang", "铜觚", "Bronze gu", 600, 1500),
    ("walk-scroll", "zhou", "青铜器铭文拓片长卷", "Rubbings of bronze inscriptions (handscroll)", 2400, 400),
    ("walk-pan", "zhou", "铜盘", "Bronze basin", 1400, 1000),
    ("walk-hu", "zhou", "铜壶", "Bronze hu", 1000, 1300),
]


def ingest_walk_items(runtime, folder: Path) -> list[str]:
    """Ingest the hall's items (bronze-vessels of the test museums); returns their ids in hall order."""
    made_once.files("walk-items", _walk_files, into=folder)
    rows = [f"{item_id},copper,bronze-vessels,{section},{zh},{en},商,青铜,TL-{item_id},{item_id}.jpg"
            for item_id, section, zh, en, _width, _height in PHOTOS]
    rows.append("walk-model,copper,bronze-vessels,shang,三维鼎,Ding in 3D,商,青铜,TL-walk-model,model.glb")
    rows.append("walk-video,copper,bronze-vessels,zhou,铸造工艺,How bronzes were cast,,,TL-walk-video,clip.mp4")
    (folder / "walk.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")

    def ingest() -> None:
        results = list(ingest_batch(runtime, metadata=folder / "walk.csv"))
        assert all(r.status == "ingested" for r in results), [r for r in results if r.status != "ingested"]

    made_once.ingest_reusing_derivatives(runtime, "walk-items", ingest)
    return [row.split(",", 1)[0] for row in rows]


def _walk_files(folder: Path) -> None:
    for item_id, _section, _zh, _en, width, height in PHOTOS:
        make_photo(folder / f"{item_id}.jpg", width, height)
    mf.make_glb(folder / "model.glb")
    mf.make_clip(folder / "clip.mp4", seconds=2)
