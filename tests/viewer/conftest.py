"""An app whose catalogue holds a few ingested items (photos, a record without media)."""
import dataclasses

import pytest

from ingest.batch import ingest_batch
from tests.support import made_once
from tests.support.live import browser, serve
from tests.support.media import make_photo

HEADER = "id,museum,hall,section,title_zh,title_en,object_type,period,date_start,date_end,material,dimensions,creator,place,accession_number,description_zh,description_en,rights,files,material_en\n"
ROWS = [
    'cu-ding,copper,bronze-vessels,shang,兽面纹鼎,Ding with <b>taotie</b> & "masks",鼎,商,-1600,-1046,青铜,通高 38.5 厘米,,铜陵,TL-CU-0001,兽面纹饰<script>alert(1)</script>,Cast in R&D <i>style</i>,CC BY-NC 4.0,images/ding.jpg;images/ding-back.png,bronze',
    "cu-mirror,copper,mirrors,,四乳四虺镜,Mirror with four nipples,镜,西汉,-206,8,青铜,,,,TL-CU-0002,,,In Copyright,images/mirror.jpg,bronze",
    "cu-record,copper,mirrors,,铜锭残块,Copper ingot fragment,锭,,,,铜,,,,TL-CU-0003,仅有记录,Record only,,,copper",
    "cu-draft,copper,mirrors,,未发布,Unpublished,,,,,,,,,TL-CU-0004,,,,,",
]


@pytest.fixture
def ingested(museum_runtime, tmp_path):
    folder = made_once.files("ingested-photos", _photos, into=tmp_path / "batch")
    (folder / "batch.csv").write_text(HEADER + "\n".join(ROWS[:3]) + "\n", encoding="utf-8")
    (folder / "draft.csv").write_text(HEADER + ROWS[3] + "\n", encoding="utf-8")

    def ingest():
        results = list(ingest_batch(museum_runtime, metadata=folder / "batch.csv"))
        results += list(ingest_batch(museum_runtime, metadata=folder / "draft.csv", draft=True))
        assert all(r.status == "ingested" for r in results), results
        return results

    results = made_once.ingest_reusing_derivatives(museum_runtime, "ingested", ingest)
    return {r.file.rsplit("/", 1)[-1]: r for r in results if r.file}


def _photos(folder):
    make_photo(folder / "images" / "ding.jpg", 1600, 1200)
    make_photo(folder / "images" / "ding-back.png", 800, 600)
    make_photo(folder / "images" / "mirror.jpg", 900, 900)


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, driven by Playwright (one per test module)."""
    with browser() as instance:
        yield instance


@pytest.fixture
def live_url(app, settings):
    """The app on a real loopback server; IIIF ids follow the server's own address."""
    app.extensions["jinshi"].settings = dataclasses.replace(settings, base_url="")
    with serve(app) as url:
        yield url


@pytest.fixture
def queued(app):
    """The app's job queue replaced by a list of the enqueued job ids."""
    from tests.support.enqueued import Enqueued

    app.extensions["jinshi.queue"] = Enqueued()
    return app.extensions["jinshi.queue"]
