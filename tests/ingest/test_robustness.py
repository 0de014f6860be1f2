"""One file never sinks a batch; content decides and the name only warns (issue 8, points 1 and 2)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from exhibits.models import Asset, Item
from ingest.batch import ingest_batch
from tests.support import mediafiles as mf
from tests.support.media import make_photo

HEADER = "id,museum,hall,section,title_zh,title_en,files\n"


class Surprise(Exception):
    """An exception no handler knows about (a library's bug)."""


def _csv(folder: Path, rows: list[str]) -> Path:
    path = folder / "batch.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


#: (media function each handler calls, how to make a file of that kind)
HANDLER_CALLS = {
    "image": ("ingest.handlers.image.make_pyramid", lambda p: make_photo(p.with_suffix(".jpg"), 400, 300)),
    "model": ("ingest.handlers.model3d.make_model_derivatives", lambda p: mf.make_ply(p.with_suffix(".ply"))),
    "video": ("ingest.handlers.av.make_video_derivatives", lambda p: mf.make_clip(p.with_suffix(".mp4"), seconds=1)),
    "audio": ("ingest.handlers.av.make_audio_derivatives", lambda p: mf.make_wav(p.with_suffix(".wav"), seconds=1)),
}


@pytest.mark.parametrize("kind", sorted(HANDLER_CALLS))
def test_any_exception_in_a_media_handler_fails_that_file_only(museum_runtime, tmp_path, monkeypatch, kind):
    target, make = HANDLER_CALLS[kind]
    module, name = target.rsplit(".", 1)

    def explode(*args, **kwargs):
        raise Surprise("index 4 is out of bounds")

    monkeypatch.setattr(f"{module}.{name}", explode)
    bad = make(tmp_path / "bad")
    make_photo(tmp_path / "after.png", 300, 200)  # an image with its own handler (PNG), after the bad file
    rows = [f"bad,ich,crafts,,坏,Bad,{bad.name}", "rec,ich,crafts,,记录,Record,", "after,ich,crafts,,后,After,after.png"]
    if kind == "image":  # the image handler is the one broken: the later item is a record without media
        rows[2] = "after,ich,crafts,,后,After,"
    results = {r.item: r for r in ingest_batch(museum_runtime, metadata=_csv(tmp_path, rows))}
    assert results["bad"].status == "failed"
    assert results["bad"].error == (f"{bad.name}: could not be processed (Surprise: index 4 is out of bounds); "
                                    "'jinshi ingest --verbose' shows the details")
    assert results["rec"].status == "ingested" and results["after"].status == "ingested", results["after"]
    with museum_runtime.db.session() as session:
        item = session.get(Item, "bad")
        assert item.state == "failed" and "Surprise" in item.error and not item.visible
        assert session.scalars(select(Asset).where(Asset.item_id == "bad")).all() == []
        assert session.get(Item, "after").visible
    assert not museum_runtime.store.has_original(_sha(bad))  # nothing of the failed file is left


def _sha(path: Path) -> str:
    from media.store import sha256_file

    return sha256_file(path)


def test_an_exception_outside_the_handlers_fails_that_item_only(museum_runtime, tmp_path, monkeypatch):
    """Our own code (here the catalogue write) failing for one item does not stop the next one."""
    from ingest import batch

    real = batch._write_item

    def flaky(runtime, record, *args, **kwargs):
        if record.id == "first":
            raise Surprise("database hiccup")
        return real(runtime, record, *args, **kwargs)

    monkeypatch.setattr(batch, "_write_item", flaky)
    make_photo(tmp_path / "a.jpg", 300, 200)
    results = {r.item: r for r in ingest_batch(museum_runtime, metadata=_csv(tmp_path, [
        "first,ich,crafts,,一,One,a.jpg", "second,ich,crafts,,二,Two,"]))}
    assert results["first"].status == "failed"
    assert results["first"].error == "a.jpg: could not be processed (Surprise: database hiccup)"
    assert results["second"].status == "ingested"
    with museum_runtime.db.session() as session:
        assert session.get(Item, "first").state == "failed"


def test_verbose_shows_the_traceback_and_quiet_does_not(cli, museum_runtime, tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise Surprise("deep inside a library")

    monkeypatch.setattr("ingest.handlers.image.make_pyramid", explode)
    make_photo(tmp_path / "a.jpg", 300, 200)
    csv_path = _csv(tmp_path, ["first,ich,crafts,,一,One,a.jpg"])
    quiet = cli("ingest", "--metadata", str(csv_path))
    assert quiet.exit_code == 1
    assert "a.jpg: could not be processed (Surprise: deep inside a library)" in quiet.output
    assert "Traceback" not in quiet.output
    loud = cli("ingest", "--metadata", str(csv_path), "--verbose")
    assert loud.exit_code == 1
    assert "Traceback" in loud.output and "def explode" not in loud.output and "in explode" in loud.output


@pytest.mark.parametrize("make, name, label", [
    (lambda p: make_photo(p, 500, 400, fmt="jpeg"), "scan.jp2", "JPEG image"),
    (lambda p: make_photo(p, 500, 400, fmt="png"), "photo.jpg", "PNG image"),
    (lambda p: make_photo(p, 500, 400, fmt="jpeg"), "plate.tif", "JPEG image"),
])
def test_content_decides_and_the_name_only_warns(museum_runtime, tmp_path, make, name, label):
    make(tmp_path / name)
    [result] = ingest_batch(museum_runtime, metadata=_csv(tmp_path, [f"it,ich,crafts,,件,Item,{name}"]))
    assert result.status == "ingested", result.error
    suffix = Path(name).suffix
    assert result.warnings == [f"{name}: the content is a {label} but the name ends in '{suffix}'; ingested as {label}"]
    assert result.to_json()["warnings"] == result.warnings
    with museum_runtime.db.session() as session:
        [asset] = session.get(Item, "it").assets
        assert asset.mime == {"JPEG image": "image/jpeg", "PNG image": "image/png"}[label]
        assert session.get(Item, "it").visible
    assert museum_runtime.store.derivative_path(result.image_id, "pyramid.tif").is_file()


def test_unsupported_content_is_still_refused_whatever_its_name(museum_runtime, tmp_path):
    from tests.support.media import make_pdf

    make_pdf(tmp_path / "scan.jpg")
    (tmp_path / "notes.png").write_text("just some text, no image here\n" * 20, encoding="utf-8")
    results = {r.item: r for r in ingest_batch(museum_runtime, metadata=_csv(tmp_path, [
        "pdf,ich,crafts,,文档,PDF,scan.jpg", "txt,ich,crafts,,文本,Text,notes.png"]))}
    assert results["pdf"].status == results["txt"].status == "failed"
    assert "unsupported file" in results["pdf"].error and "Portable Document Format" in results["pdf"].error
    assert results["txt"].error.startswith("notes.png: unsupported file")


def test_warnings_in_json_and_in_progress_output(cli, museum_runtime, tmp_path):
    make_photo(tmp_path / "photo.jpg", 300, 200, fmt="png")
    csv_path = _csv(tmp_path, ["it,ich,crafts,,件,Item,photo.jpg"])
    result = cli("ingest", "--metadata", str(csv_path), "--json")
    assert result.exit_code == 0  # a warning never fails a file
    [line] = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert line["status"] == "ingested" and "PNG image" in line["warnings"][0]
    shutil.copy(tmp_path / "photo.jpg", tmp_path / "other.jpg")
    again = cli("ingest", "--metadata", str(_csv(tmp_path, ["two,ich,crafts,,二,Two,other.jpg"])))
    assert "warning other.jpg: the content is a PNG image but the name ends in '.jpg'" in " ".join(again.output.split())
    assert "items: 1 ingested, 0 unchanged, 0 failed" in " ".join(again.output.split())


def test_an_unreadable_date_warns_in_the_report_and_the_record_is_kept(museum_runtime, tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("id,museum,hall,title_zh,date_start,date_end,files\nd1,ich,crafts,甲,-1600x,-1046,\n", encoding="utf-8")
    [result] = ingest_batch(museum_runtime, metadata=path)
    assert result.status == "ingested"
    assert result.warnings == ["row 2: date_start '-1600x' is not a date we can read; its years are left empty"]
    with museum_runtime.db.session() as session:
        item = session.get(Item, "d1")
        assert item.visible and (item.date_start, item.date_end) == (-1046, -1046)


def test_a_failed_rerun_keeps_the_last_good_version_online_and_says_so(museum_runtime, tmp_path):
    make_photo(tmp_path / "a.jpg", 300, 200)
    csv_path = _csv(tmp_path, ["it,ich,crafts,,件,Item,a.jpg"])
    [first] = ingest_batch(museum_runtime, metadata=csv_path)
    assert first.status == "ingested"
    good = first.image_id
    (tmp_path / "a.jpg").write_bytes((tmp_path / "a.jpg").read_bytes()[:500])  # the new version is truncated
    [second] = ingest_batch(museum_runtime, metadata=csv_path)
    assert second.status == "failed"
    assert second.warnings == ["item it keeps its last good version (still online if it was published) until this is fixed"]
    with museum_runtime.db.session() as session:
        item = session.get(Item, "it")
        assert item.visible and [a.sha256 for a in item.assets] == [good] and "a.jpg" in item.error
    assert museum_runtime.store.derivative_path(good, "pyramid.tif").is_file()
    make_photo(tmp_path / "a.jpg", 320, 200)
    [third] = ingest_batch(museum_runtime, metadata=csv_path)
    assert third.status == "ingested" and third.warnings == []
    with museum_runtime.db.session() as session:
        item = session.get(Item, "it")
        assert item.visible and item.error is None and item.assets[0].width == 320
