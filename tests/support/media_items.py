"""Items with a 3D model, a captioned video and an audio recording, ingested for page and browser tests."""
from __future__ import annotations

from pathlib import Path

from ingest.batch import ingest_batch
from tests.support import made_once, mediafiles as mf

HEADER = "id,museum,hall,section,title_zh,title_en,files\n"


def ingest_media_items(runtime, folder: Path) -> None:
    made_once.files("media-items", _media_files, into=folder)
    rows = [
        "media-ding,copper,bronze-vessels,shang,三维鼎,Ding in 3D,ding.glb",
        "media-carving,ich,crafts,,铜雕技艺,Copper carving,"
        + ";".join(f"carving{s}" for s in (".mp4", ".zh.vtt", ".en.srt", ".chapters.vtt", ".en.transcript.vtt", ".zh.transcript.vtt")),
        "media-song,ich,crafts,,牛歌,Niuge folk song,song.wav;song.zh.transcript.vtt",
    ]
    (folder / "batch.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")

    def ingest() -> None:
        results = list(ingest_batch(runtime, metadata=folder / "batch.csv"))
        assert all(r.status == "ingested" for r in results), [r for r in results if r.status != "ingested"]

    made_once.ingest_reusing_derivatives(runtime, "media-items", ingest)


def _media_files(folder: Path) -> None:
    mf.make_glb(folder / "ding.glb")
    mf.make_clip(folder / "carving.mp4", seconds=3)
    mf.write_av_companions(folder, "carving")
    (folder / "carving.zh.transcript.vtt").write_text(
        mf.vtt([(0.0, 1.0, "铜板上锤錾起落"), (1.0, 2.0, "龙鳞渐渐显现"), (2.0, 3.0, "匠人收尾")]), encoding="utf-8")
    mf.make_wav(folder / "song.wav")
    (folder / "song.zh.transcript.vtt").write_text(mf.vtt([(0.0, 1.0, "牛歌声起"), (1.0, 2.0, "田间应和")]), encoding="utf-8")
