"""Real 3D models, video and audio clips and caption files made by the tests (nothing downloaded)."""
from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import trimesh
from PIL import Image

from media.av import ffmpeg_exe


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def make_clip(path: Path, seconds: float = 2, size: str = "320x240") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}",
           "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}:sample_rate=44100",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path))
    return path


def make_wav(path: Path, seconds: float = 2) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=220:duration={seconds}:sample_rate=22050", str(path))
    return path


def vtt(cues: list[tuple[float, float, str]]) -> str:
    def ts(s: float) -> str:
        return f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}:{s % 60:06.3f}"

    return "WEBVTT\n\n" + "\n".join(f"{ts(a)} --> {ts(b)}\n{text}\n" for a, b, text in cues)


def srt(cues: list[tuple[float, float, str]]) -> str:
    def ts(s: float) -> str:
        return f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}:{int(s % 60):02d},{int(round(s % 1 * 1000)):03d}"

    return "\n".join(f"{i}\n{ts(a)} --> {ts(b)}\n{text}\n" for i, (a, b, text) in enumerate(cues, 1))


ZH = [(0.0, 1.0, "铜雕匠人开始錾刻"), (1.0, 2.0, "纹样逐渐成形")]
EN = [(0.0, 1.0, "The carver starts chasing"), (1.0, 2.0, "The pattern takes shape")]
CHAPTERS = [(0.0, 1.0, "Opening"), (1.0, 2.0, "Chasing")]


def write_av_companions(folder: Path, stem: str) -> list[Path]:
    files = {
        f"{stem}.zh.vtt": vtt(ZH),
        f"{stem}.en.srt": srt(EN),
        f"{stem}.chapters.vtt": vtt(CHAPTERS),
        f"{stem}.en.transcript.vtt": vtt([(0.0, 1.0, "Hammer and chisel on copper sheet"), (1.0, 2.0, "The dragon scales appear")]),
    }
    out = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        out.append(folder / name)
    return out


def patina_mesh() -> trimesh.Trimesh:
    mesh = trimesh.creation.cylinder(radius=40, height=60, sections=24)
    green = np.array([70, 130, 110, 255])
    bronze = np.array([150, 100, 50, 255])
    t = (mesh.vertices[:, 2:3] - mesh.vertices[:, 2].min()) / np.ptp(mesh.vertices[:, 2])
    mesh.visual.vertex_colors = (green * t + bronze * (1 - t)).astype(np.uint8)
    return mesh


def textured_obj(folder: Path, name: str = "vase") -> list[Path]:
    """OBJ + MTL + PNG texture (paths in that order)."""
    folder.mkdir(parents=True, exist_ok=True)
    box = trimesh.creation.box(extents=(30, 20, 10))
    uv = np.random.default_rng(1).random((len(box.vertices), 2))
    box.visual = trimesh.visual.TextureVisuals(uv=uv, image=Image.new("RGB", (64, 64), (160, 110, 60)))
    obj, files = trimesh.exchange.obj.export_obj(box, include_texture=True, return_texture=True, mtl_name=f"{name}.mtl")
    (folder / f"{name}.obj").write_text(obj)
    paths = [folder / f"{name}.obj"]
    for fname, data in sorted(files.items(), key=lambda kv: not kv[0].endswith(".mtl")):
        (folder / fname).write_bytes(data)
        paths.append(folder / fname)
    return paths


def make_ply(path: Path) -> Path:
    # ASCII: media.detect does not yet recognise binary PLY (its body is not text)
    patina_mesh().export(path, file_type="ply", encoding="ascii")
    return path


def make_stl(path: Path) -> Path:
    trimesh.creation.icosphere(subdivisions=2, radius=25).export(path, file_type="stl")
    return path


def make_glb(path: Path) -> Path:
    path.write_bytes(trimesh.Scene(patina_mesh()).export(file_type="glb"))
    return path


def make_zip_bundle(path: Path, tmp: Path) -> Path:
    parts = textured_obj(tmp / "zip-src", "bell")
    with zipfile.ZipFile(path, "w") as bundle:
        for part in parts:
            bundle.write(part, f"bell/{part.name}")
    return path


def make_zip_slip(path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("../../evil.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    path.write_bytes(buffer.getvalue())
    return path


def make_forged_glb(path: Path) -> Path:
    import struct

    json_chunk = b'{"asset":{"version":"2.0"}}  '
    body = struct.pack("<I4s", 10_000_000, b"JSON") + json_chunk
    path.write_bytes(b"glTF" + struct.pack("<II", 2, 12 + len(body)) + body)
    return path
