"""Video and audio: web derivatives (H.264/AAC MP4, AAC M4A), poster, strip, waveform; captions, chapters
and transcripts (WebVTT or SRT companions) stored and converted to WebVTT derivatives."""
from __future__ import annotations

from pathlib import Path

from exhibits.iiif_media import audio_canvases, audio_thumbnail, video_canvases, video_thumbnail
from exhibits.settings import Settings
from ingest.grouping import Track, companion_track
from ingest.handlers import AssetFacts, Companion, MediaFile
from media.kinds import MediaKind, hookimpl
from ingest.handlers._companions import StoredCompanions, cached_facts, out_fn, save_facts
from media.av import make_audio_derivatives, make_video_derivatives
from media.captions import Cue, cue_plain_text, read_captions, to_webvtt
from media.errors import MediaError
from media.store import MediaStore, atomic_path

VIDEO_DERIVATIVES = ["web.mp4", "poster.jpg", "strip.jpg"]
AUDIO_DERIVATIVES = ["web.m4a", "waveform.png", "waveform.json"]


def read_track(path: Path) -> list[Cue]:
    """The cues of a caption file; MediaError naming the file (and the line) when it cannot be read."""
    try:
        cues = read_captions(path)
    except MediaError as exc:
        raise MediaError(f"{path.name}: {exc}") from None
    if not cues:
        raise MediaError(f"{path.name}: the caption file holds no cues")
    return cues


def cue_dicts(cues: list[Cue]) -> list[dict]:
    return [{"start": round(c.start, 3), "end": round(c.end, 3), "text": cue_plain_text(c)} for c in cues]


class _AVHandler:
    kind = ""
    derivatives: list[str] = []

    def make(self, source: Path, out) -> dict:
        raise NotImplementedError

    def process(self, store: MediaStore, settings: Settings, sha256: str, media: MediaFile) -> tuple[AssetFacts, list[Companion]]:
        # read every companion first: a broken caption file fails the item before the long transcode
        tracks: list[tuple[Path, object, Track, list[Cue]]] = []
        for path, detected in media.companions:
            tracks.append((path, detected, companion_track(media.path, path), read_track(path)))
        with StoredCompanions(store, settings.max_file_bytes) as stored:
            facts = cached_facts(store, sha256, self.derivatives, self.kind)
            if facts is None:
                facts = self.make(store.original_path(sha256), out_fn(store, sha256))
                save_facts(store, sha256, facts, self.kind)
            companions: list[Companion] = []
            seen: set[tuple[str, str]] = set()
            for path, detected, track, cues in tracks:
                sha, size = stored.put(path)
                if (sha, track.role) in seen:
                    continue
                seen.add((sha, track.role))
                vtt = store.derivative_path(sha, track.vtt_name)
                if not vtt.is_file():
                    with atomic_path(vtt) as tmp:
                        tmp.write_text(to_webvtt(cues, "chapters" if track.kind == "chapters" else "captions"), encoding="utf-8")
                companions.append(Companion(path, sha, size, AssetFacts(
                    kind=track.kind, mime=detected.mime, language=track.language, role=track.role,
                    duration=None,
                    info={"media": sha256, "vtt": track.vtt_name, "format": detected.format, "cues": cue_dicts(cues)},
                )))
        main = AssetFacts(
            kind=self.kind, mime=media.detected.mime, duration=facts.get("duration"),
            width=facts.get("width"), height=facts.get("height"), info=facts,
        )
        return main, companions


class VideoHandler(_AVHandler):
    kind = "video"
    derivatives = VIDEO_DERIVATIVES

    def make(self, source: Path, out) -> dict:
        return make_video_derivatives(source, out)


class AudioHandler(_AVHandler):
    kind = "audio"
    derivatives = AUDIO_DERIVATIVES

    def make(self, source: Path, out) -> dict:
        return make_audio_derivatives(source, out)


@hookimpl
def media_kinds() -> list[MediaKind]:
    return [
        MediaKind("video", VideoHandler(), derivatives=tuple(VIDEO_DERIVATIVES), still="poster.jpg", served=tuple(VIDEO_DERIVATIVES),
                  types={"web.mp4": "video/mp4", "poster.jpg": "image/jpeg", "strip.jpg": "image/jpeg"},
                  canvas=video_canvases, thumbnail=video_thumbnail, template="media/video.html"),
        # web.mp3 is optional (media.av makes it only when asked), so it is served but not required
        MediaKind("audio", AudioHandler(), derivatives=tuple(AUDIO_DERIVATIVES), still="waveform.png",
                  served=(*AUDIO_DERIVATIVES, "web.mp3"),
                  types={"web.m4a": "audio/mp4", "web.mp3": "audio/mpeg", "waveform.png": "image/png",
                         "waveform.json": "application/json"},
                  canvas=audio_canvases, thumbnail=audio_thumbnail, template="media/audio.html"),
    ]
