"""Benchmark of the 3D and video derivative pipelines on two cores.

    python benchmarks/media.py [--faces 1000000] [--seconds 60] [--cores 2] [--keep DIR] [--json]

1. A scan-like mesh (a revolved vase profile with noise and vertex colours, ~1M triangles) as a
   binary PLY → model.glb + model-web.glb + thumbnail.jpg. Target: under 20 s.
2. A 1080p video (lavfi testsrc2 + sine) → web.mp4 (720p, H.264 veryfast) + poster + strip.
   Target: at least 2× real time.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from media.av import ffmpeg_exe, make_video_derivatives  # noqa: E402
from media.models3d import make_model_derivatives  # noqa: E402


def make_scan(path: Path, faces: int) -> int:
    """A revolved vase with surface noise and a bronze-and-patina colour, written as binary PLY."""
    import trimesh

    rings = int(np.sqrt(faces / 4))  # faces = 2 * segments * (rings - 1), segments = 2 * rings
    segments = 2 * rings
    rng = np.random.default_rng(0)
    t = np.linspace(0.0, 1.0, rings)
    radius = 60 + 35 * np.sin(np.pi * t * 1.3) + 10 * np.sin(12 * np.pi * t)  # mm
    height = 300 * t
    theta = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    r = radius[:, None] * (1 + 0.004 * rng.standard_normal((rings, segments)))
    x, z = r * np.cos(theta)[None, :], r * np.sin(theta)[None, :]
    y = np.broadcast_to(height[:, None], r.shape)
    vertices = np.stack([x, z, y], axis=-1).reshape(-1, 3)  # Z up, as a scanner writes it
    i, j = np.meshgrid(np.arange(rings - 1), np.arange(segments), indexing="ij")
    a = i * segments + j
    b = i * segments + (j + 1) % segments
    c = a + segments
    d = b + segments
    tri = np.concatenate([np.stack([a, b, d], -1).reshape(-1, 3), np.stack([a, d, c], -1).reshape(-1, 3)])
    patina = (np.sin(vertices[:, 0] * 0.05) * np.cos(vertices[:, 2] * 0.03) + 1) / 2
    bronze = np.array([150, 100, 50]) * (1 - patina[:, None]) + np.array([70, 140, 120]) * patina[:, None]
    colours = np.c_[bronze, np.full(len(vertices), 255)].astype(np.uint8)
    mesh = trimesh.Trimesh(vertices, tri, vertex_colors=colours, process=False)
    path.write_bytes(trimesh.exchange.ply.export_ply(mesh, encoding="binary"))
    return len(tri)


def make_video(path: Path, seconds: int) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
                    "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}:sample_rate=48000",
                    "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-shortest", str(path)], check=True)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (FFmpeg), user + system."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the inputs and derivatives in this folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--skip-video", action="store_true")
    parser.add_argument("--skip-mesh", action="store_true")
    args = parser.parse_args(argv)

    available = sorted(os.sched_getaffinity(0))
    cores = available[: args.cores]
    os.sched_setaffinity(0, cores)
    report: dict = {"cores": len(cores), "cpus_available": len(available), "load_average": os.getloadavg()[0]}
    say = (lambda *a: None) if args.json else print
    say(f"{len(cores)} cores, load average {os.getloadavg()[0]:.1f} (other work on the machine slows wall times; "
        "the CPU-time figures say what dedicated cores would do)")

    with tempfile.TemporaryDirectory(prefix="jinshi-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not args.skip_mesh:
            scan = work / "scan.ply"
            start = time.perf_counter()
            faces = make_scan(scan, args.faces)
            say(f"made a {faces:,}-triangle PLY scan ({scan.stat().st_size / 1e6:.1f} MB) "
                f"in {time.perf_counter() - start:.1f} s")
            out = work / "mesh"
            out.mkdir(exist_ok=True)
            start, cpu = time.perf_counter(), cpu_seconds()
            facts = make_model_derivatives(scan, lambda n: out / n)
            elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
            report["mesh"] = {"faces": facts["faces"], "seconds": round(elapsed, 2), "target_seconds": 20,
                              "ok": elapsed < 20, "cpu_seconds": round(cpu, 2), "full_bytes": facts["full_bytes"], "web_faces": facts["web_faces"],
                              "web_bytes": facts["web_bytes"], "watertight": facts["watertight"]}
            say(f"mesh: {facts['faces']:,} faces → model.glb ({facts['full_bytes'] / 1e6:.1f} MB), "
                f"model-web.glb ({facts['web_faces']:,} faces, {facts['web_bytes'] / 1e6:.2f} MB), thumbnail "
                f"in {elapsed:.1f} s on {len(cores)} cores, {cpu:.1f} s of CPU "
                f"(target < 20 s: {'ok' if elapsed < 20 else 'MISSED'})")
        if not args.skip_video:
            clip = work / "clip-1080p.mp4"
            start = time.perf_counter()
            make_video(clip, args.seconds)
            say(f"made a {args.seconds}-s 1080p test video ({clip.stat().st_size / 1e6:.1f} MB) "
                f"in {time.perf_counter() - start:.1f} s")
            out = work / "video"
            out.mkdir(exist_ok=True)
            start, cpu = time.perf_counter(), cpu_seconds()
            facts = make_video_derivatives(clip, lambda n: out / n)
            elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
            factor = facts["duration"] / elapsed
            dedicated = facts["duration"] / (cpu / len(cores))
            report["video"] = {"duration": facts["duration"], "seconds": round(elapsed, 2),
                               "transcode_seconds": facts["transcode_seconds"],
                               "realtime_factor": round(factor, 2), "cpu_seconds": round(cpu, 2),
                               "realtime_factor_dedicated_cores": round(dedicated, 2), "target_factor": 2, "ok": factor >= 2,
                               "web": f"{facts['web_width']}x{facts['web_height']}", "web_bytes": facts["web_bytes"]}
            say(f"video: {facts['duration']:.0f} s 1080p → web.mp4 {facts['web_width']}x{facts['web_height']} "
                f"({facts['web_bytes'] / 1e6:.1f} MB) + poster + strip in {elapsed:.1f} s "
                f"(transcode {facts['transcode_seconds']:.1f} s) = {factor:.1f}× real time on {len(cores)} cores; "
                f"{cpu:.1f} s of CPU = {dedicated:.1f}× real time on {len(cores)} dedicated cores "
                f"(target ≥ 2×: {'ok' if factor >= 2 else 'MISSED'})")
    if args.json:
        print(json.dumps(report))
    return 0 if all(part.get("ok", True) for part in report.values() if isinstance(part, dict)) else 1


if __name__ == "__main__":
    sys.exit(main())
