"""Which files of an item are media and which are companions of a media file.

Companions travel in the same list and are matched by name (DESIGN.md): captions
``<stem>.<lang>.vtt|srt``, chapters ``<stem>.chapters.vtt``, transcripts
``<stem>.<lang>.transcript.vtt``; a 3D model's ``.mtl``, textures and ``.bin``.

:func:`companion_track` says which of these a caption-like file is (the AV handler uses
it); :func:`group_files` refuses a caption file that cannot be read, naming its line, so
the curator sees the error on that file itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ingest.handlers import MediaFile
from ingest.plugins import media_kinds
from media.detect import MODEL_BUFFER, Detected
from media.errors import MediaError

#: BCP 47-ish language tags in companion names: zh, en, zh-Hans, yue, en-GB
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}$")


@dataclass(frozen=True)
class Track:
    """What a caption-like companion is for its video or audio file."""

    kind: str  # 'captions', 'chapters' or 'transcript'
    language: str | None

    @property
    def role(self) -> str:
        """Asset role, unique per item and file: 'captions:zh', 'chapters', 'transcript:en'."""
        return f"{self.kind}:{self.language}"[:32] if self.language else self.kind

    @property
    def vtt_name(self) -> str:
        """Name of the WebVTT derivative served for it: 'captions-zh.vtt', 'chapters.vtt'."""
        return self.role.replace(":", "-") + ".vtt"


def _stem(path: Path) -> str:
    return path.name.rsplit(".", 1)[0]


def companion_track(media_path: Path, path: Path) -> Track:
    """Classify ``path`` (a companion of ``media_path``) by the parts of its name after the media stem.

    ``clip.zh.vtt`` → captions in zh; ``clip.chapters.vtt`` → chapters; ``clip.en.transcript.vtt``
    → transcript in en; ``clip.vtt`` → captions of unknown language.
    """
    stem = _stem(media_path)
    rest = path.name[len(stem) + 1:] if path.name.startswith(stem + ".") else path.name
    parts = rest.split(".")[:-1]  # drop the extension
    lowered = [p.lower() for p in parts]
    kind = "captions"
    if lowered and lowered[-1] in ("chapters", "transcript", "captions", "subtitles"):
        kind = {"subtitles": "captions"}.get(lowered[-1], lowered[-1])
        parts = parts[:-1]
    language = next((p for p in reversed(parts) if _LANG.match(p)), None)
    if language:
        language = language[:2].lower() + language[2:] if "-" in language else language.lower()
    return Track(kind, language)


def _caption_problem(path: Path) -> str | None:
    """The reason a caption file cannot be used (its line number included), or None."""
    from media.captions import read_captions

    try:
        cues = read_captions(path)
    except MediaError as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not cues:
        return "the caption file holds no cues"
    return None


def group_files(
    files: list[tuple[Path, Detected]], unknown: list[tuple[Path, Detected]] = ()
) -> tuple[list[MediaFile], list[tuple[Path, str]]]:
    """Split detected files into media files with their companions, and orphans with a reason.

    ``unknown`` are files whose content was not recognised: one that a .gltf or .mtl of the
    item names (a glTF buffer) is the model's companion; any other is refused.
    """
    kinds = media_kinds()  # every registered kind is a media file; captions and companions join one
    media = [MediaFile(path, detected) for path, detected in files if detected.kind in kinds]
    others = [(path, detected) for path, detected in files if detected.kind not in kinds]
    models = [m for m in media if m.detected.kind == "model"]
    # .mtl and .gltf files name their textures and buffers; read them once
    named = " ".join(
        path.read_text(encoding="utf-8", errors="replace")[:1_000_000]
        for path, detected in files if detected.format in ("mtl", "gltf")
    )
    # textures named by a material library or a .gltf belong to the model, not to the gallery
    if models and named:
        for entry in list(media):
            if entry.detected.kind == "image" and entry.path.name in named:
                media.remove(entry)
                others.append((entry.path, entry.detected))
    unsupported: list[tuple[Path, str]] = []
    for path, detected in unknown:
        if models and path.name in named:
            others.append((path, MODEL_BUFFER))
        else:
            unsupported.append((path, f"unsupported file: its content is {detected.label}, not an image, 3D model, video or audio file"))
    orphans: list[tuple[Path, str]] = unsupported
    for path, detected in others:
        owner = None
        if detected.kind == "captions":
            # the longest matching stem wins: clip.v2.mp4 owns clip.v2.zh.vtt, clip.mp4 owns clip.zh.vtt
            candidates = [m for m in media if m.detected.kind in ("video", "audio") and path.name.startswith(_stem(m.path) + ".")]
            owner = max(candidates, key=lambda m: len(_stem(m.path)), default=None)
            if owner is None:
                orphans.append((path, f"no video or audio file in this item is named {path.name.split('.')[0]}.*"))
                continue
            problem = _caption_problem(path)
            if problem:
                orphans.append((path, problem))
                # the media file fails with it, before any transcoding or storing of its other companions
                if all(o != owner.path for o, _ in orphans):
                    orphans.append((owner.path, f"its caption file {path.name} cannot be used"))
                continue
        elif models:
            owner = models[0]
        else:
            orphans.append((path, f"{detected.label} is not a media file Jinshi shows on its own"))
            continue
        owner.companions.append((path, detected))
    return media, orphans
