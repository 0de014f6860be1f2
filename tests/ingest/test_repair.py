"""``jinshi verify --repair``: after a restore of the catalogue and the originals (derivatives lost or
damaged), every derivative is made again from the originals; ``verify`` also lists files nothing refers to."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from exhibits.models import Asset
from ingest.batch import ingest_batch
from tests.support import mediafiles as mf
from tests.support.media import make_photo


@pytest.fixture
def collection(museum_runtime, tmp_path):
    folder = tmp_path / "batch"
    make_photo(folder / "ding.jpg", 600, 400)
    mf.textured_obj(folder, "vase")
    mf.make_wav(folder / "song.wav", seconds=1)
    (folder / "song.zh.vtt").write_text(mf.vtt([(0.0, 0.8, "牛歌声起")]), encoding="utf-8")
    (folder / "batch.csv").write_text(
        "id,museum,hall,title_zh,files\n"
        "photo,ich,crafts,鼎,ding.jpg\n"
        "model,ich,crafts,罐,vase.obj;vase.mtl;material_0.png\n"
        "song,ich,crafts,歌,song.wav;song.zh.vtt\n", encoding="utf-8")
    results = list(ingest_batch(museum_runtime, metadata=folder / "batch.csv"))
    assert {r.status for r in results} == {"ingested"}, results
    with museum_runtime.db.session() as session:
        return {(a.item_id, a.kind): a.sha256 for a in session.scalars(select(Asset))}


def test_verify_finds_lost_and_damaged_derivatives_and_repair_makes_them_again(cli, museum_runtime, collection, client):
    store = museum_runtime.store
    photo, model, audio, captions = (collection[("photo", "image")], collection[("model", "model")],
                                     collection[("song", "audio")], collection[("song", "captions")])
    good_web = store.derivative_path(model, "model-web.glb").read_bytes()
    store.derivative_path(photo, "pyramid.tif").unlink()                        # lost in the restore
    store.derivative_path(model, "model-web.glb").write_bytes(good_web[:100])  # truncated
    store.derivative_path(audio, "web.m4a").unlink()
    vtt = next(store.derivative_dir(captions).glob("*.vtt"))
    vtt.write_text("garbage", encoding="utf-8")
    (store.derivatives / "ab" / ("ab" * 32)).mkdir(parents=True)              # of no original
    (store.originals / ".incoming-x1").write_bytes(b"half")                    # an interrupted copy
    assert client.get(f"/iiif/3/{photo}/info.json").status_code != 200

    checked = cli("verify", "--json")
    assert checked.exit_code == 1
    report = json.loads(checked.stdout)
    assert report["problems"] == []  # the originals are fine
    found = {d["sha256"]: d for d in report["derivatives"]}
    assert found[photo]["problems"] == ["pyramid.tif: missing"] and found[photo]["items"] == ["photo"]
    assert found[model]["problems"] == ["model-web.glb: damaged (not a whole GLB file)"]
    assert found[audio]["problems"] == ["web.m4a: missing"]
    assert found[captions]["problems"] == [f"{vtt.name}: damaged (not a WebVTT file)"]
    assert report["unreferenced"] == [f"derivatives/ab/{'ab' * 32}/", "originals/.incoming-x1"]

    repaired = cli("verify", "--repair", "--json")
    assert repaired.exit_code == 0, repaired.output
    assert all(d["repaired"] for d in json.loads(repaired.stdout)["derivatives"])
    assert store.derivative_path(model, "model-web.glb").read_bytes()[:4] == b"glTF"
    assert vtt.read_text(encoding="utf-8").startswith("WEBVTT") and "牛歌声起" in vtt.read_text(encoding="utf-8")
    assert store.derivative_path(audio, "web.m4a").stat().st_size > 1000
    assert client.get(f"/iiif/3/{photo}/info.json").status_code == 200
    assert client.get(f"/iiif/3/{photo}/full/max/0/default.jpg").status_code == 200
    again = cli("verify")
    assert again.exit_code == 0
    assert "0 originals with missing or damaged derivatives" in again.output


def test_repair_says_so_when_the_original_itself_is_gone(cli, museum_runtime, collection):
    photo = collection[("photo", "image")]
    museum_runtime.store.derivative_path(photo, "pyramid.tif").unlink()
    original = museum_runtime.store.original_path(photo)
    original.unlink()
    result = cli("verify", "--repair", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["problems"][0]["problem"] == "missing"
    [entry] = [d for d in report["derivatives"] if d["sha256"] == photo]
    assert entry["repaired"] is False and "restore it from the backup first" in entry["error"]
