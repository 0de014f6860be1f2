"""Ingest end to end: files and CSV in; catalogue, media store, derivatives and results out."""
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from exhibits.models import Asset, Item
from ingest.batch import IngestError, ingest_batch
from ingest.metadata import MetadataError
from tests.support.media import make_cmyk_jpeg, make_pdf, make_photo, make_png_bomb, make_tiff16

HEADER = "id,museum,hall,section,title_zh,title_en,object_type,period,date_start,date_end,material,dimensions,creator,place,accession_number,description_zh,description_en,rights,files\n"


@pytest.fixture
def batch(tmp_path):
    """A batch folder with good and bad files and a CSV listing them."""
    folder = tmp_path / "batch"
    images = folder / "images"
    images.mkdir(parents=True)
    make_photo(images / "ding.jpg", 1500, 1000)
    make_photo(images / "mirror.png", 700, 700)
    make_tiff16(images / "scan16.tif")
    make_cmyk_jpeg(images / "cmyk.jpg")
    good = images / "ding.jpg"
    (images / "truncated.jpg").write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    (images / "empty.jpg").write_bytes(b"")
    shutil.copy(images / "mirror.png", images / "png-named.jpg")
    make_pdf(images / "report.jpg")
    make_png_bomb(images / "bomb.png")
    rows = [
        "cu-ding,copper,bronze-vessels,shang,兽面纹鼎,Ding with <script>alert(1)</script>,鼎,商,-1600,-1046,青铜,,,,TL-1,,,CC BY-NC 4.0,images/ding.jpg",
        "cu-mirror,copper,mirrors,,铜镜,Mirror,镜,汉,-206,220,青铜,,,,TL-2,,,,images/mirror.png;images/scan16.tif",
        "cu-cmyk,copper,mirrors,,印刷品,CMYK print,,,,,,,,,TL-3,,,,images/cmyk.jpg",
        "cu-record,copper,mirrors,,无图记录,Record only,,,,,,,,,TL-4,,,,",
        "bad-truncated,copper,mirrors,,残,Truncated,,,,,,,,,,,,,images/truncated.jpg",
        "bad-empty,copper,mirrors,,空,Empty,,,,,,,,,,,,,images/empty.jpg",
        "cu-label,copper,mirrors,,错名,Mislabelled,,,,,,,,,,,,,images/png-named.jpg",
        "bad-pdf,copper,mirrors,,文档,PDF,,,,,,,,,,,,,images/report.jpg",
        "bad-bomb,copper,mirrors,,炸弹,Bomb,,,,,,,,,,,,,images/bomb.png",
        "bad-missing,copper,mirrors,,缺失,Missing,,,,,,,,,,,,,images/nowhere.jpg",
    ]
    (folder / "batch.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return folder


def results_by_item(results):
    return {r.item: r for r in results}


def test_batch_ingests_good_files_and_reports_each_bad_one(museum_runtime, batch):
    results = list(ingest_batch(museum_runtime, metadata=batch / "batch.csv"))
    by_file = {Path(r.file).name if r.file else r.item: r for r in results}
    for name in ("ding.jpg", "mirror.png", "scan16.tif", "cmyk.jpg", "png-named.jpg"):
        assert by_file[name].status == "ingested", by_file[name]
        assert by_file[name].image_id and len(by_file[name].image_id) == 64
        assert by_file[name].asset is not None
    assert by_file["cu-record"].status == "ingested"
    # content decides: a PNG named .jpg is ingested as a PNG, and the name only warns
    assert by_file["png-named.jpg"].warnings == [
        "png-named.jpg: the content is a PNG image but the name ends in '.jpg'; ingested as PNG image"]
    assert by_file["ding.jpg"].warnings == []
    errors = {name: by_file[name].error for name in ("truncated.jpg", "empty.jpg", "report.jpg", "bomb.png", "nowhere.jpg")}
    assert all(by_file[name].status == "failed" for name in errors)
    assert errors["truncated.jpg"].startswith("truncated.jpg: ") and "truncated" in errors["truncated.jpg"].lower()
    assert errors["empty.jpg"] == "empty.jpg: the file is empty (0 bytes)"
    assert "Portable Document Format file (.pdf)" in errors["report.jpg"] and "unsupported file" in errors["report.jpg"]
    assert "100000×100000" in errors["bomb.png"] or "100000x100000" in errors["bomb.png"]
    assert errors["nowhere.jpg"] == "nowhere.jpg: file not found"


def test_failed_items_are_not_visible_and_leave_nothing_in_the_store(museum_runtime, batch):
    list(ingest_batch(museum_runtime, metadata=batch / "batch.csv"))
    with museum_runtime.db.session() as session:
        items = {i.id: i for i in session.scalars(select(Item))}
        stored = set(session.scalars(select(Asset.sha256)))
        assert items["bad-truncated"].state == "failed" and "truncated" in items["bad-truncated"].error.lower()
        assert not items["bad-truncated"].visible and not items["bad-truncated"].assets
        assert items["cu-ding"].visible and items["cu-record"].visible
    # every original in the store belongs to a catalogued asset; each has its pyramid
    originals = set(museum_runtime.store.iter_originals())
    assert originals == stored
    for sha in originals:
        assert museum_runtime.store.derivative_path(sha, "pyramid.tif").is_file()
    leftovers = [p for p in museum_runtime.store.root.rglob("*") if p.name.startswith((".tmp-", ".incoming-"))]
    assert leftovers == []


def test_rerun_is_idempotent_and_resumes_after_a_fix(museum_runtime, batch):
    list(ingest_batch(museum_runtime, metadata=batch / "batch.csv"))
    again = list(ingest_batch(museum_runtime, metadata=batch / "batch.csv"))
    statuses = {r.item: r.status for r in again}
    assert statuses["cu-ding"] == statuses["cu-mirror"] == statuses["cu-record"] == "unchanged"
    assert statuses["bad-truncated"] == "failed"
    # the curator replaces the truncated file with a good one and runs the batch again
    make_photo(batch / "images" / "truncated.jpg", 800, 600)
    third = results_by_item(ingest_batch(museum_runtime, metadata=batch / "batch.csv"))
    assert third["bad-truncated"].status == "ingested"
    assert third["cu-ding"].status == "unchanged"
    with museum_runtime.db.session() as session:
        fixed = session.get(Item, "bad-truncated")
        assert fixed.visible and fixed.error is None


def test_changed_metadata_updates_the_item(museum_runtime, batch):
    list(ingest_batch(museum_runtime, metadata=batch / "batch.csv"))
    csv_path = batch / "batch.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace("兽面纹鼎", "兽面纹方鼎"), encoding="utf-8")
    result = results_by_item(ingest_batch(museum_runtime, metadata=csv_path))
    assert result["cu-ding"].status == "ingested"
    with museum_runtime.db.session() as session:
        item = session.get(Item, "cu-ding")
        assert item.title["zh"] == ["兽面纹方鼎"]
        assert len(item.assets) == 1


def test_image_facts_are_recorded(museum_runtime, batch):
    list(ingest_batch(museum_runtime, metadata=batch / "batch.csv"))
    with museum_runtime.db.session() as session:
        mirror = session.get(Item, "cu-mirror")
        assert [(a.kind, a.filename, a.width, a.height) for a in mirror.assets] == [
            ("image", "mirror.png", 700, 700), ("image", "scan16.tif", 640, 480)]
        assert mirror.assets[1].mime == "image/tiff"
        cmyk = session.get(Item, "cu-cmyk").assets[0]
        assert cmyk.info["interpretation"] == "cmyk"


def test_unknown_museum_hall_or_section_refuses_the_whole_csv(museum_runtime, tmp_path):
    make_photo(tmp_path / "a.jpg", 300, 200)
    csv_path = tmp_path / "b.csv"
    csv_path.write_text(HEADER + "\n".join([
        "ok,copper,mirrors,,好,,,,,,,,,,,,,,a.jpg",
        "x1,nowhere,mirrors,,甲,,,,,,,,,,,,,,",
        "x2,copper,no-hall,,乙,,,,,,,,,,,,,,",
        "x3,copper,bronze-vessels,no-section,丙,,,,,,,,,,,,,,",
        "x4,ich,mirrors,,丁,,,,,,,,,,,,,,",
    ]) + "\n", encoding="utf-8")
    with pytest.raises(MetadataError) as info:
        list(ingest_batch(museum_runtime, metadata=csv_path))
    problems = info.value.problems
    assert problems == [
        "row 3: museum 'nowhere' is not defined (load it with 'jinshi halls load')",
        "row 4: hall 'no-hall' is not defined in museum 'copper'",
        "row 5: section 'no-section' is not defined in hall 'bronze-vessels'",
        "row 6: hall 'mirrors' is not defined in museum 'ich'",
    ]
    with museum_runtime.db.session() as session:
        assert session.scalars(select(Item)).all() == []
    assert list(museum_runtime.store.iter_originals()) == []


def test_files_without_csv_need_a_place(museum_runtime, tmp_path):
    make_photo(tmp_path / "Bronze Axe.jpg", 300, 200)
    with pytest.raises(IngestError, match="--museum SLUG and --hall SLUG"):
        list(ingest_batch(museum_runtime, [tmp_path / "Bronze Axe.jpg"]))
    [result] = ingest_batch(museum_runtime, [tmp_path / "Bronze Axe.jpg"], museum="copper", hall="mirrors", draft=True)
    assert result.status == "ingested" and result.item == "Bronze-Axe"
    with museum_runtime.db.session() as session:
        item = session.get(Item, "Bronze-Axe")
        assert item.state == "ready" and item.publication == "draft"  # --draft


def test_cli_json_lines_and_exit_status(cli, museum_runtime, batch):
    result = cli("ingest", "--metadata", str(batch / "batch.csv"), "--json")
    assert result.exit_code == 1  # some files failed
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 11  # one per file (10), and one for the record without files
    ding = next(line for line in lines if line["file"] and line["file"].endswith("ding.jpg"))
    assert set(ding) == {"file", "status", "item", "asset", "image_id"} and ding["status"] == "ingested"
    failed = next(line for line in lines if line["item"] == "bad-pdf")
    assert failed["status"] == "failed" and failed["error"].startswith("report.jpg: ")
    # only the good rows: exit 0
    good = batch / "good.csv"
    good.write_text(HEADER + "r,copper,mirrors,,记录,Record,,,,,,,,,,,,,\n", encoding="utf-8")
    assert cli("ingest", "--metadata", str(good), "--json").exit_code == 0


def test_cli_refuses_csv_with_row_numbers(cli, museum_runtime, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "a,copper,mirrors,,鼎,,,,,,,,,,,,,,../../etc/passwd\n", encoding="utf-8")
    result = cli("ingest", "--metadata", str(bad))
    assert result.exit_code == 1
    assert "row 2: file '../../etc/passwd' must be a path inside the CSV's folder" in result.output
