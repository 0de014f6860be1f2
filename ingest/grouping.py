"""Which files of an item are media and which are companions of a media file.

Companions travel in the same list and are matched by name (DESIGN.md): captions
``<stem>.<lang>.vtt|srt``, chapters ``<stem>.chapters.vtt``, transcripts
``<stem>.<lang>.transcript.vtt``; a 3D model's ``.mtl``, textures and ``.bin``.
"""
from __future__ import annotations

from pathlib import Path

from ingest.detect import Detected
from ingest.handlers import MediaFile

MEDIA_KINDS = ("image", "model", "video", "audio")


def _stem(path: Path) -> str:
    return path.name.rsplit(".", 1)[0]


def group_files(files: list[tuple[Path, Detected]]) -> tuple[list[MediaFile], list[tuple[Path, str]]]:
    """Split detected files into media files with their companions, and orphans with a reason."""
    media = [MediaFile(path, detected) for path, detected in files if detected.kind in MEDIA_KINDS]
    others = [(path, detected) for path, detected in files if detected.kind not in MEDIA_KINDS]
    models = [m for m in media if m.detected.kind == "model"]
    material_text = " ".join(
        p.read_text(errors="replace") for p, d in others if d.format == "mtl"
    ) + " ".join(
        m.path.read_text(errors="replace")[:200_000] for m in models if m.detected.format == "gltf"
    )
    # textures named by a material library or a .gltf belong to the model, not to the gallery
    if models and material_text:
        for entry in list(media):
            if entry.detected.kind == "image" and entry.path.name in material_text:
                media.remove(entry)
                others.append((entry.path, entry.detected))
    orphans: list[tuple[Path, str]] = []
    for path, detected in others:
        owner = None
        if detected.kind == "captions":
            owner = next(
                (m for m in media if m.detected.kind in ("video", "audio") and path.name.startswith(_stem(m.path) + ".")),
                None,
            )
            if owner is None:
                orphans.append((path, f"no video or audio file in this item is named {path.name.split('.')[0]}.*"))
                continue
        elif models:
            owner = models[0]
        else:
            orphans.append((path, f"{detected.label} is not a media file Jinshi shows on its own"))
            continue
        owner.companions.append((path, detected))
    return media, orphans
