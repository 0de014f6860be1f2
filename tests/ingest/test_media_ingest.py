"""3D models, video and audio through the ingest pipeline: catalogue facts, companions, manifests, bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from iiif_prezi3 import Manifest
from sqlalchemy import select

from exhibits import iiif
from exhibits.models import Asset, Item
from ingest.batch import ingest_batch
from tests.support import mediafiles as mf

HEADER = "id,museum,hall,section,title_zh,title_en,files\n"


def _csv(folder: Path, rows: list[str]) -> Path:
    path = folder / "batch.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _item(runtime, item_id: str) -> Item:
    with runtime.db.session() as session:
        item = session.get(Item, item_id)
        if item is not None:
            item.assets, item.museum, item.hall  # load while the session is open
            session.expunge_all()
        return item


def _manifest(runtime, item_id: str) -> dict:
    with runtime.db.session() as session:
        item = session.get(Item, item_id)
        document = json.loads(iiif.to_json(iiif.item_manifest(item, "http://museum.test")))
    Manifest(**document)  # loads back into the iiif-prezi3 model
    return document


@pytest.fixture(scope="module")
def media_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("media")
    mf.textured_obj(folder / "obj", "vase")
    mf.make_ply(folder / "ding.ply")
    mf.make_stl(folder / "bell.stl")
    mf.make_glb(folder / "mirror.glb")
    mf.make_zip_bundle(folder / "bundle.zip", folder)
    mf.make_clip(folder / "av" / "carving.mp4")
    mf.write_av_companions(folder / "av", "carving")
    mf.make_wav(folder / "av" / "song.wav")
    (folder / "av" / "song.zh.transcript.vtt").write_text(mf.vtt([(0.0, 1.5, "牛歌声起，田间应和")]), encoding="utf-8")
    return folder


def test_models_of_every_format(museum_runtime, media_folder):
    rows = [
        "m-obj,copper,bronze-vessels,,陶罐,Textured jar,obj/vase.obj;obj/vase.mtl;obj/material_0.png",
        "m-ply,copper,bronze-vessels,,鼎,Ding (PLY),ding.ply",
        "m-stl,copper,bronze-vessels,,钟,Bell (STL),bell.stl",
        "m-glb,copper,mirrors,,镜,Mirror (GLB),mirror.glb",
        "m-zip,copper,bronze-vessels,,铃,Bell bundle,bundle.zip",
    ]
    results = list(ingest_batch(museum_runtime, metadata=_csv(media_folder, rows)))
    assert all(r.status == "ingested" for r in results), [r for r in results if r.status != "ingested"]
    store = museum_runtime.store
    for item_id, fmt in [("m-obj", "obj"), ("m-ply", "ply"), ("m-stl", "stl"), ("m-glb", "glb"), ("m-zip", "zip:obj")]:
        item = _item(museum_runtime, item_id)
        model = next(a for a in item.assets if a.kind == "model")
        assert model.info["source_format"] == fmt
        assert model.info["faces"] > 0 and len(model.info["extents_mm"]) == 3
        for name in ("model.glb", "model-web.glb", "thumbnail.jpg"):
            assert store.derivative_path(model.sha256, name).is_file()
        document = _manifest(museum_runtime, item_id)
        canvas = document["items"][0]
        body = canvas["items"][0]["items"][0]["body"]
        assert body["type"] == "Model" and body["format"] == "model/gltf-binary"
        assert body["id"].endswith(f"/media/{model.sha256}/model-web.glb")
        assert canvas["placeholderCanvas"]["items"][0]["items"][0]["body"]["id"].endswith("thumbnail.jpg")
        assert document["thumbnail"][0]["id"].endswith("thumbnail.jpg")
    obj = _item(museum_runtime, "m-obj")
    model = next(a for a in obj.assets if a.kind == "model")
    assert model.info["textured"] is True
    roles = sorted(a.role for a in obj.assets if a.kind == "companion")
    assert roles == ["material", "texture"]
    for companion in obj.assets:
        assert store.has_original(companion.sha256)
    assert _item(museum_runtime, "m-glb").assets[0].info["has_colors"] is True
    # running the batch again changes nothing
    again = list(ingest_batch(museum_runtime, metadata=_csv(media_folder, rows)))
    assert {r.status for r in again} == {"unchanged"}


def test_video_with_captions_chapters_and_transcript(museum_runtime, media_folder):
    files = ";".join(f"av/carving{suffix}" for suffix in (".mp4", ".zh.vtt", ".en.srt", ".chapters.vtt", ".en.transcript.vtt"))
    rows = [f"v-carving,ich,crafts,,铜雕技艺,Copper carving,{files}", "a-song,ich,crafts,,牛歌,Niuge song,av/song.wav;av/song.zh.transcript.vtt"]
    results = list(ingest_batch(museum_runtime, metadata=_csv(media_folder, rows)))
    assert all(r.status == "ingested" for r in results), [r for r in results if r.status != "ingested"]

    item = _item(museum_runtime, "v-carving")
    by_role = {a.role: a for a in item.assets}
    video = by_role["main"]
    assert video.kind == "video" and video.width == 320 and video.height == 240
    assert video.duration == pytest.approx(2.0, abs=0.1)
    assert set(by_role) == {"main", "captions:zh", "captions:en", "chapters", "transcript:en"}
    assert by_role["captions:zh"].kind == "captions" and by_role["captions:zh"].language == "zh"
    assert by_role["captions:en"].mime == "application/x-subrip"
    transcript = by_role["transcript:en"]
    assert transcript.kind == "transcript" and transcript.info["cues"][1] == {"start": 1.0, "end": 2.0, "text": "The dragon scales appear"}
    store = museum_runtime.store
    converted = store.derivative_path(by_role["captions:en"].sha256, "captions-en.vtt").read_text(encoding="utf-8")
    assert converted.startswith("WEBVTT") and "00:00:01.000 --> 00:00:02.000\nThe pattern takes shape" in converted
    for name in ("web.mp4", "poster.jpg", "strip.jpg"):
        assert store.derivative_path(video.sha256, name).is_file()

    document = _manifest(museum_runtime, "v-carving")
    canvas = document["items"][0]
    assert canvas["duration"] == pytest.approx(2.0, abs=0.1) and canvas["width"] == 320
    body = canvas["items"][0]["items"][0]["body"]
    assert body["type"] == "Video" and body["format"] == "video/mp4" and body["id"].endswith("/web.mp4")
    assert canvas["placeholderCanvas"]["items"][0]["items"][0]["body"]["id"].endswith("/poster.jpg")
    supplementing = canvas["annotations"][0]["items"]
    assert {a["motivation"] for a in supplementing} == {"supplementing"}
    texts = {(a["body"]["language"], a["body"]["id"].rsplit("/", 1)[1]) for a in supplementing}
    assert texts == {("zh", "captions-zh.vtt"), ("en", "captions-en.vtt"), ("en", "transcript-en.vtt")}
    assert all(a["body"]["type"] == "Text" and a["body"]["format"] == "text/vtt" for a in supplementing)
    chapters = document["structures"][0]["items"]
    assert [c["label"] for c in chapters] == [{"none": ["Opening"]}, {"none": ["Chasing"]}]
    assert chapters[1]["items"][0]["id"] == canvas["id"] + "#t=1,2"

    audio_doc = _manifest(museum_runtime, "a-song")
    canvas = audio_doc["items"][0]
    assert canvas["items"][0]["items"][0]["body"]["type"] == "Sound"
    assert canvas["items"][0]["items"][0]["body"]["format"] == "audio/mp4"
    assert "width" not in canvas and canvas["duration"] == pytest.approx(2.0, abs=0.1)
    assert canvas["accompanyingCanvas"]["items"][0]["items"][0]["body"]["id"].endswith("/waveform.png")
    song = _item(museum_runtime, "a-song")
    assert {a.kind for a in song.assets} == {"audio", "transcript"}

    # the hall collection shows the poster and the waveform as thumbnails
    with museum_runtime.db.session() as session:
        from exhibits import catalogue

        hall = catalogue.hall(session, "crafts")
        collection = json.loads(iiif.to_json(iiif.hall_collection(hall, catalogue.hall_items(session, hall.id), "http://museum.test")))
    thumbs = {ref["id"].split("/")[-2]: ref["thumbnail"][0]["id"].rsplit("/", 1)[1] for ref in collection["items"]}
    assert thumbs == {"v-carving": "poster.jpg", "a-song": "waveform.png"}

    # the transcript reaches the search index with its timecodes
    from search.documents import item_document

    with museum_runtime.db.session() as session:
        doc = item_document(session.get(Item, "v-carving"))
    assert doc["has_video"] and doc["transcript"][0] == {"start": 0.0, "end": 1.0, "text": "Hammer and chisel on copper sheet", "lang": "en"}


def _store_count(runtime) -> int:
    return len(list(runtime.store.iter_originals()))


@pytest.mark.parametrize("case", ["zip_slip", "forged_glb", "garbage_mp4", "broken_srt"])
def test_bad_inputs_fail_cleanly(museum_runtime, tmp_path, case):
    folder = tmp_path / "bad"
    folder.mkdir()
    if case == "zip_slip":
        mf.make_zip_slip(folder / "evil.zip")
        files, culprit = ["evil.zip"], "evil.zip"
    elif case == "forged_glb":
        mf.make_forged_glb(folder / "forged.glb")
        files, culprit = ["forged.glb"], "forged.glb"
    elif case == "garbage_mp4":
        (folder / "garbage.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64)
        files, culprit = ["garbage.mp4"], "garbage.mp4"
    else:
        mf.make_clip(folder / "clip.mp4")
        (folder / "clip.zh.vtt").write_text(mf.vtt(mf.ZH), encoding="utf-8")
        (folder / "clip.en.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n\n2\n00:00:01,000 --> 00:00:0x,000\nBroken\n", encoding="utf-8")
        files, culprit = ["clip.mp4", "clip.zh.vtt", "clip.en.srt"], "clip.en.srt"
    before = _store_count(museum_runtime)
    results = list(ingest_batch(museum_runtime, metadata=_csv(folder, [f"bad,ich,crafts,,坏,Bad,{';'.join(files)}"])))
    assert {r.status for r in results} == {"failed"}
    error = next(r.error for r in results if r.file.endswith(culprit))
    assert error.startswith(culprit + ":"), error
    if case == "broken_srt":
        assert "line 6" in error and "timecode" in error
    assert _store_count(museum_runtime) == before  # nothing of the failed item is left in the store
    with museum_runtime.db.session() as session:
        item = session.get(Item, "bad")
        assert item.state == "failed" and not item.visible and culprit in item.error
        assert session.scalars(select(Asset).where(Asset.item_id == "bad")).all() == []


def test_handler_failure_removes_the_companions_it_stored(museum_runtime, tmp_path, monkeypatch):
    """A caption file stored before the transcode fails is removed again."""
    from ingest.handlers import av as av_handler
    from media.errors import MediaError

    folder = tmp_path / "fail"
    folder.mkdir()
    mf.make_wav(folder / "tale.wav")
    (folder / "tale.zh.transcript.vtt").write_text(mf.vtt([(0.0, 1.0, "从前")]), encoding="utf-8")
    real = av_handler.StoredCompanions.put

    def put_then_fail(self, path):
        result = real(self, path)
        raise MediaError("disk trouble")

    monkeypatch.setattr(av_handler.StoredCompanions, "put", put_then_fail)
    results = list(ingest_batch(museum_runtime, metadata=_csv(folder, ["tale,ich,crafts,,故事,Tale,tale.wav;tale.zh.transcript.vtt"])))
    assert {r.status for r in results} == {"failed"}
    assert _store_count(museum_runtime) == 0


def test_content_search_inside_an_items_tracks(museum_runtime, media_folder):
    """IIIF Content Search 2.0: a hit is a cue, targeting its canvas at the cue's time."""
    from viewer.app import create_app

    files = ";".join(f"av/carving{suffix}" for suffix in (".mp4", ".zh.vtt", ".en.srt", ".en.transcript.vtt"))
    list(ingest_batch(museum_runtime, metadata=_csv(media_folder, [f"v-search,ich,crafts,,铜雕技艺,Copper carving,{files}"])))
    client = create_app(runtime=museum_runtime).test_client()
    manifest = client.get("/iiif/items/v-search/manifest").get_json()
    assert manifest["service"] == [{"id": "http://museum.test/iiif/items/v-search/search", "type": "SearchService2"}]
    answer = client.get("/iiif/items/v-search/search?q=DRAGON scales").get_json()
    assert answer["@context"] == "http://iiif.io/api/search/2/context.json" and answer["type"] == "AnnotationPage"
    [hit] = answer["items"]
    assert hit["motivation"] == "supplementing" and hit["body"]["value"] == "The dragon scales appear"
    assert hit["body"]["language"] == "en"
    assert hit["target"] == manifest["items"][0]["id"] + "#t=1,2"
    assert client.get("/iiif/items/v-search/search?q=nothing-like-this").get_json()["items"] == []
    assert client.get("/iiif/items/v-search/search").status_code == 400
    assert client.get("/iiif/items/nowhere/search?q=a").status_code == 404
