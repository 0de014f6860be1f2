"""Checks of untrusted 3D model files before anything large is allocated (:mod:`media.models3d` reads them
after): forged GLB chunk lengths, glTF documents that point outside their folder, PLY headers that declare
more elements than the file can hold, and ZIP bundles (zip slip, zip bombs, too many members)."""
from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path

from .errors import MediaError

# limits (module constants so that a deployment or a test can tighten them)
ZIP_MAX_TOTAL = 2_000_000_000  # bytes a ZIP bundle may unpack to
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_RATIO = 200  # compression ratio above which a large member is taken for a bomb
ZIP_RATIO_MIN_SIZE = 1_000_000  # members smaller than this are never judged by ratio
MAX_FACES = 60_000_000
MAX_VERTICES = 60_000_000
GLB_MAX_JSON = 64_000_000

#: the model formats a ZIP bundle may hold, and which is taken as its main file when it holds several
_PRIORITY = {"gltf": 0, "glb": 0, "obj": 1, "ply": 2, "stl": 3}
MODEL_EXTS = {".gltf": "gltf", ".glb": "glb", ".obj": "obj", ".ply": "ply", ".stl": "stl"}


def check_glb(path: Path) -> None:
    """Refuse a GLB whose header or chunk lengths do not fit the file, before reading it."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        header = handle.read(12)
        if len(header) < 12:
            raise MediaError("the GLB file is truncated (shorter than its 12-byte header)")
        magic, version, length = struct.unpack("<4sII", header)
        if magic != b"glTF":
            raise MediaError("not a GLB file (bad magic bytes)")
        if version != 2:
            raise MediaError(f"GLB version {version} is not supported (glTF 2.0 only)")
        if length > size:
            raise MediaError(f"the GLB header declares {length} bytes but the file has only {size} "
                             "(truncated or forged)")
        offset, index = 12, 0
        while offset + 8 <= length:
            handle.seek(offset)
            chunk_length, chunk_type = struct.unpack("<II", handle.read(8))
            if offset + 8 + chunk_length > length:
                raise MediaError(f"GLB chunk {index} declares {chunk_length} bytes, more than the file holds "
                                 "(truncated or forged)")
            if index == 0:
                if chunk_type != 0x4E4F534A:  # 'JSON'
                    raise MediaError("the GLB file does not start with a JSON chunk")
                if chunk_length > GLB_MAX_JSON:
                    raise MediaError(f"the GLB JSON chunk is implausibly large ({chunk_length} bytes)")
                try:
                    document = json.loads(handle.read(chunk_length).decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise MediaError(f"the GLB's JSON chunk does not parse ({exc})") from None
                check_gltf_document(document)
            offset += 8 + chunk_length
            index += 1
        if index == 0:
            raise MediaError("the GLB file holds no chunks")


_UNREADABLE_EXTENSIONS = {
    "KHR_draco_mesh_compression": "Draco mesh compression",
    "EXT_meshopt_compression": "meshopt compression",
    "KHR_meshopt_compression": "meshopt compression",
}


def check_gltf_document(document) -> None:
    if not isinstance(document, dict) or not isinstance(document.get("asset"), dict):
        raise MediaError("not a glTF document (no 'asset' object)")
    version = str(document["asset"].get("version", ""))
    if not version.startswith("2."):
        raise MediaError(f"glTF version {version or '?'} is not supported (glTF 2.0 only)")
    for name in document.get("extensionsRequired") or []:
        if name in _UNREADABLE_EXTENSIONS:
            raise MediaError(f"the model uses {_UNREADABLE_EXTENSIONS[name]} ({name}), which Jinshi cannot read; "
                             "export it again without compression")


_PLY_SIZES = {"char": 1, "uchar": 1, "int8": 1, "uint8": 1, "short": 2, "ushort": 2, "int16": 2,
              "uint16": 2, "int": 4, "uint": 4, "int32": 4, "uint32": 4, "float": 4, "float32": 4,
              "double": 8, "float64": 8}


def check_ply(path: Path) -> None:
    """Refuse a PLY whose header declares more than the file can hold."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(65536)
    end = head.find(b"end_header")
    if end < 0:
        raise MediaError("the PLY header is missing its end_header line (not a PLY file, or truncated)")
    lines = head[:end].decode("ascii", "replace").splitlines()
    body = size - (end + len("end_header") + 1)
    fmt = "ascii"
    elements: list[list] = []  # [name, count, min_bytes_per_element]
    for raw in lines:
        parts = raw.split()
        if not parts:
            continue
        if parts[0] == "format" and len(parts) > 1:
            fmt = parts[1]
        elif parts[0] == "element" and len(parts) == 3:
            try:
                count = int(parts[2])
            except ValueError:
                raise MediaError(f"the PLY header has a bad element count: {raw.strip()!r}") from None
            if count < 0:
                raise MediaError(f"the PLY header has a negative element count: {raw.strip()!r}")
            elements.append([parts[1], count, 0])
        elif parts[0] == "property" and elements:
            if len(parts) >= 5 and parts[1] == "list":
                elements[-1][2] += _PLY_SIZES.get(parts[2], 1)
            else:
                elements[-1][2] += _PLY_SIZES.get(parts[1], 1) if len(parts) >= 3 else 1
    for name, count, _ in elements:
        if name == "vertex" and count > MAX_VERTICES:
            raise MediaError(f"the PLY declares {count} vertices, more than the limit of {MAX_VERTICES}")
        if name == "face" and count > MAX_FACES:
            raise MediaError(f"the PLY declares {count} faces, more than the limit of {MAX_FACES}")
    if fmt.startswith("binary"):
        need = sum(count * per for _, count, per in elements)
    else:
        need = sum(count * 2 for _, count, _ in elements)  # at least a digit and a newline each
    if need > body:
        raise MediaError(f"the PLY header declares {need} bytes of data but the file holds only {max(body, 0)} "
                         "(truncated or forged)")


def safe_member(name: str) -> str:
    """The member name as a safe relative POSIX path, or a MediaError for zip slip."""
    if "\x00" in name:
        raise MediaError(f"the ZIP holds a member with a NUL in its name: {name!r}")
    clean = name.replace("\\", "/")
    if clean.startswith("/") or re.match(r"^[A-Za-z]:", clean):
        raise MediaError(f"the ZIP holds a member with an absolute path, refused: {name!r}")
    parts = [p for p in clean.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise MediaError(f"the ZIP holds a member that climbs out of its folder ('..'), refused: {name!r}")
    return "/".join(parts)


def extract_zip(path: Path, dest: Path) -> tuple[str, dict[str, Path], str, list[str]]:
    """Check every member of a ZIP bundle, unpack it into ``dest`` and find its model file."""
    warnings: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise MediaError(f"not a readable ZIP archive ({exc})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > ZIP_MAX_ENTRIES:
            raise MediaError(f"the ZIP holds {len(infos)} members, more than the limit of {ZIP_MAX_ENTRIES}")
        declared = 0
        members = []
        for info in infos:
            rel = safe_member(info.filename)
            mode = (info.external_attr >> 16) & 0o170000
            if mode == 0o120000:
                raise MediaError(f"the ZIP holds a symbolic link, refused: {info.filename!r}")
            if info.flag_bits & 0x1:
                raise MediaError(f"the ZIP member {info.filename!r} is encrypted")
            declared += info.file_size
            if declared > ZIP_MAX_TOTAL:
                raise MediaError(f"the ZIP would unpack to more than {ZIP_MAX_TOTAL} bytes (a zip bomb?)")
            if info.file_size > ZIP_RATIO_MIN_SIZE and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
                raise MediaError(f"the ZIP member {info.filename!r} is compressed more than {ZIP_MAX_RATIO}:1 "
                                 "(a zip bomb?)")
            if info.is_dir() or not rel or rel.split("/")[0] == "__MACOSX":
                continue
            members.append((info, rel))
        written = 0
        root = dest.resolve()
        files: dict[str, Path] = {}
        for info, rel in members:
            target = (dest / rel).resolve()
            if root not in target.parents:
                raise MediaError(f"the ZIP member {info.filename!r} would be written outside its folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            size = 0
            try:
                with archive.open(info) as src, open(target, "wb") as out:
                    while chunk := src.read(1 << 20):
                        size += len(chunk)
                        written += len(chunk)
                        if size > info.file_size or written > ZIP_MAX_TOTAL:
                            raise MediaError(f"the ZIP member {info.filename!r} unpacks to more than it "
                                             "declares (a zip bomb?)")
                        out.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise MediaError(f"the ZIP member {info.filename!r} is damaged ({exc})") from None
            files[rel] = target
    candidates = [(rel, MODEL_EXTS[Path(rel).suffix.lower()]) for rel in files
                  if Path(rel).suffix.lower() in MODEL_EXTS and not Path(rel).name.startswith(".")]
    if not candidates:
        raise MediaError("the ZIP holds no 3D model (.obj, .gltf, .glb, .ply or .stl)")
    candidates.sort(key=lambda c: (_PRIORITY[c[1]], -files[c[0]].stat().st_size, c[0]))
    chosen, fmt = candidates[0]
    if len(candidates) > 1:
        warnings.append(f"the ZIP holds {len(candidates)} models; used {chosen}")
    return chosen, files, fmt, warnings


