"""What a file is, by its content (magic bytes), never by its extension.

The extension is only compared afterwards, to warn about mislabelled files. This is file knowledge,
so it lives in ``media/``: ingest sniffs every file of a batch with it, and ``exhibits.asset_replace``
the file a curator puts in place of an asset. ``ingest.detect`` re-exports it under its old name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import puremagic

from media.kinds import hookimpl, manager

HEAD = 4096


@dataclass(frozen=True)
class Detected:
    #: 'image', 'model', 'video', 'audio', 'captions', 'companion', or 'unknown'
    kind: str
    mime: str
    #: short format name: 'jpeg', 'png', 'tiff', 'glb', 'obj', 'webvtt', ...
    format: str
    #: human description used in messages
    label: str


def _mentions(path: Path, needles: tuple[bytes, ...], limit: int = 256 * 1024 * 1024) -> bool:
    """Whether every one of ``needles`` occurs in the file (read in chunks, up to ``limit`` bytes)."""
    missing = set(needles)
    tail = b""
    with open(path, "rb") as handle:
        read = 0
        while missing and read < limit and (chunk := handle.read(1024 * 1024)):
            window = tail + chunk
            missing = {n for n in missing if n not in window}
            tail = window[-64:]
            read += len(chunk)
    return not missing


def _text_kind(head: bytes, suffix: str, path: Path | None = None) -> Detected | None:
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        # a cut multi-byte character at the end of the sample is fine
        try:
            text = head[:-4].decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    stripped = text.lstrip()
    if stripped.startswith("WEBVTT"):
        return Detected("captions", "text/vtt", "webvtt", "WebVTT text track")
    if re.match(r"^\d+\s*\r?\n\d\d:\d\d:\d\d[,.]\d{3}\s*-->", stripped):
        return Detected("captions", "application/x-subrip", "srt", "SubRip subtitles")
    if re.match(r"^solid[ \t]", stripped) and "facet" in text:
        return Detected("model", "model/stl", "stl", "STL mesh (ASCII)")
    if stripped.startswith("{"):
        # a glTF names its "asset" (and version) anywhere in the object: large accessors may come first
        if ('"asset"' in text and ('"meshes"' in text or '"version"' in text)) or (
                path is not None and len(head) == HEAD and _mentions(path, (b'"asset"', b'"version"'))):
            return Detected("model", "model/gltf+json", "gltf", "glTF model (JSON)")
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if lines and sum(1 for line in lines[:50] if re.match(r"^(v|vt|vn|f|o|g|s|usemtl|mtllib)\s", line)) >= max(1, len(lines[:50]) // 2):
        if any(line.startswith("v ") for line in lines):
            return Detected("model", "model/obj", "obj", "Wavefront OBJ mesh")
    if lines and any(line.startswith("newmtl") for line in lines[:50]):
        return Detected("companion", "model/mtl", "mtl", "Wavefront material library")
    return None


def detect(path: Path) -> Detected:
    """Identify a file by its first bytes: the one content sniffer, through the plugins' ``sniff`` hook."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD)
    if not head:
        return Detected("unknown", "application/octet-stream", "empty", "an empty (zero-byte) file")
    found = manager().hook.sniff(path=path, head=head)
    return found if found is not None else Detected("unknown", "application/octet-stream", "unknown", describe_unknown(path))


@hookimpl(trylast=True)
def sniff(path: Path, head: bytes) -> Detected | None:
    """The built-in formats (a default plugin): images, 3D models, video, audio, caption files."""
    if head.startswith(b"\xff\xd8\xff"):
        return Detected("image", "image/jpeg", "jpeg", "JPEG image")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Detected("image", "image/png", "png", "PNG image")
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return Detected("image", "image/tiff", "tiff", "TIFF image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Detected("image", "image/webp", "webp", "WebP image")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Detected("audio", "audio/wav", "wav", "WAV audio")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return Detected("video", "video/x-msvideo", "avi", "AVI video")
    if head.startswith((b"ply\n", b"ply\r\n")):  # ASCII or binary PLY: the header is text either way
        return Detected("model", "model/x-ply", "ply", "PLY mesh")
    if head[:4] == b"glTF":
        return Detected("model", "model/gltf-binary", "glb", "glTF binary model (GLB)")
    if head[:4] == b"PK\x03\x04":
        return Detected("model", "application/zip", "zip", "ZIP archive")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B ", b"F4A "):
            return Detected("audio", "audio/mp4", "m4a", "MPEG-4 audio")
        if brand.startswith(b"qt"):
            return Detected("video", "video/quicktime", "mov", "QuickTime video")
        if brand.startswith((b"heic", b"heix", b"mif1", b"avif")):
            return Detected("unknown", "image/heif", "heif", "HEIF/AVIF image (not supported yet)")
        return Detected("video", "video/mp4", "mp4", "MPEG-4 video")
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return Detected("video", "video/webm" if b"webm" in head[:64] else "video/x-matroska", "webm" if b"webm" in head[:64] else "mkv", "WebM/Matroska video")
    if head[:4] == b"OggS":
        return Detected("audio", "audio/ogg", "ogg", "Ogg audio")
    if head[:4] == b"fLaC":
        return Detected("audio", "audio/flac", "flac", "FLAC audio")
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return Detected("audio", "audio/mpeg", "mp3", "MP3 audio")
    if len(head) >= 84 and not head.lstrip().startswith(b"solid"):
        # binary STL: 80-byte header, then a triangle count that matches the size
        count = int.from_bytes(head[80:84], "little")
        if count and 84 + 50 * count == path.stat().st_size:
            return Detected("model", "model/stl", "stl", "STL mesh (binary)")
    return _text_kind(head, path.suffix.lower(), path)


def describe_unknown(path: Path) -> str:
    """What puremagic thinks an unsupported file is, for the error message."""
    try:
        guesses = puremagic.magic_file(str(path))
    except (puremagic.PureError, ValueError, OSError):
        guesses = []
    if guesses:
        best = guesses[0]
        name = (best.name or "").strip() or "a file"
        return f"{name} ({best.extension})" if best.extension else name
    return "of an unknown type"


#: Extensions people use for each format, to spot mislabelled files.
EXTENSIONS = {
    "jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "png": {".png"},
    "tiff": {".tif", ".tiff"},
    "webp": {".webp"},
    "glb": {".glb"},
    "gltf": {".gltf"},
    "obj": {".obj"},
    "ply": {".ply"},
    "stl": {".stl"},
    "zip": {".zip"},
    "mp4": {".mp4", ".m4v"},
    "mov": {".mov"},
    "webm": {".webm"},
    "mkv": {".mkv"},
    "avi": {".avi"},
    "wav": {".wav"},
    "mp3": {".mp3"},
    "m4a": {".m4a", ".aac"},
    "ogg": {".ogg", ".oga", ".opus"},
    "flac": {".flac"},
    "webvtt": {".vtt"},
    "srt": {".srt"},
    "mtl": {".mtl"},
}


#: What an unrecognised file is when a model in the same item names it (a .gltf's buffer).
MODEL_BUFFER = Detected("companion", "application/octet-stream", "bin", "binary buffer of a glTF model")


def mislabelled(path: Path, detected: Detected) -> bool:
    known = EXTENSIONS.get(detected.format)
    return bool(known) and path.suffix.lower() not in known
