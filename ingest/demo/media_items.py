"""Demo 3D models, videos and audio recordings, made procedurally and deterministically.

Registered in :data:`ingest.demo.EXTRA_GENERATORS` (listed in ``EXTRA_MODULES``). Under
``<out_dir>/media/`` it makes

* three bronzes for the copper museum: a ding (revolved body, legs and upright handles, vertex-colour
  patina, GLB), a mirror (relief rings and a knob, ASCII PLY in millimetres) and a bell (a textured
  OBJ + MTL + PNG in one ZIP bundle);
* two ICH videos (copper carving, a niuge folk-song performance), 640×360, each with Chinese and
  English captions (one of them SubRip), a chapters track and transcripts;
* two audio recordings (a niuge song, a storyteller), with transcripts;

and returns their CSV rows. Files already made are kept, so a second run costs nothing.
"""
from __future__ import annotations

import io
import math
import subprocess
import wave
import zipfile
from pathlib import Path

import numpy as np

from ingest.demo import EXTRA_GENERATORS

FPS = 25
W, H = 640, 360
RATE = 44100
SUB = "media"


# ----------------------------------------------------------------------------- helpers


def _ffmpeg() -> str:
    from media.av import ffmpeg_exe

    return ffmpeg_exe()


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)


def _ts(seconds: float, comma: bool = False) -> str:
    ms = int(round(seconds * 1000))
    text = f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"
    return text.replace(".", ",") if comma else text


def _vtt(cues: list[tuple[float, float, str]]) -> str:
    return "WEBVTT\n\n" + "\n".join(f"{_ts(a)} --> {_ts(b)}\n{t}\n" for a, b, t in cues)


def _srt(cues: list[tuple[float, float, str]]) -> str:
    return "\n".join(f"{i}\n{_ts(a, True)} --> {_ts(b, True)}\n{t}\n" for i, (a, b, t) in enumerate(cues, 1))


def _write_text(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        _atomic_write(path, text.encode("utf-8"))


def _wav_bytes(samples: np.ndarray) -> bytes:
    pcm = (np.clip(samples, -1, 1) * 32000).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def _encode_audio(path: Path, samples: np.ndarray, codec: list[str]) -> None:
    tmp = path.with_name(f".{path.stem}.part{path.suffix}")
    subprocess.run([_ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-f", "wav", "-i", "pipe:0", *codec, str(tmp)],
                   input=_wav_bytes(samples), check=True)
    tmp.replace(path)


def _encode_video(path: Path, frames, seconds: float, samples: np.ndarray, workdir: Path) -> None:
    wav = workdir / f".{path.stem}.wav"
    wav.write_bytes(_wav_bytes(samples))
    tmp = path.with_name(f".{path.stem}.part.mp4")
    process = subprocess.Popen(
        [_ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{W}x{H}",
         "-r", str(FPS), "-i", "pipe:0", "-i", str(wav), "-c:v", "libx264", "-preset", "veryfast", "-crf", "26",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-shortest", "-movflags", "+faststart", str(tmp)],
        stdin=subprocess.PIPE)
    try:
        for frame in frames(int(seconds * FPS)):
            process.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())
        process.stdin.close()
        if process.wait() != 0:
            raise RuntimeError(f"ffmpeg could not encode {path.name}")
    finally:
        if process.poll() is None:
            process.kill()
        wav.unlink(missing_ok=True)
    tmp.replace(path)


# ----------------------------------------------------------------------------- 3D


def _patina(mesh, seed: int) -> None:
    """Bronze with green-blue patina gathering in the hollows and low parts (vertex colours)."""
    rng = np.random.default_rng(seed)
    v = mesh.vertices
    span = np.ptp(v, axis=0) + 1e-9
    p = (v - v.min(axis=0)) / span
    noise = (np.sin(p[:, 0] * 23 + 1.3) * np.sin(p[:, 1] * 17 + 0.4) * np.sin(p[:, 2] * 19 + 2.1) + 1) / 2
    noise = 0.65 * noise + 0.35 * rng.random(len(v))
    bronze = np.array([146, 98, 52])
    patina = np.array([66, 128, 112])
    dark = np.array([58, 44, 30])
    t = np.clip(noise * 1.25 - 0.25, 0, 1)[:, None]
    colour = bronze * (1 - t) + patina * t
    colour = colour * (0.8 + 0.2 * p[:, 1:2]) + dark * 0.15 * (1 - p[:, 1:2])
    mesh.visual.vertex_colors = np.c_[np.clip(colour, 0, 255), np.full(len(v), 255)].astype(np.uint8)


def _ding(path: Path) -> None:
    """A Western Zhou ding: revolved belly, three column legs, two upright loop handles (metres, Y up)."""
    import trimesh

    # profile (radius, height) in metres, revolved about Z, then turned Y-up
    profile = np.array([[0.0, 0.13], [0.10, 0.13], [0.135, 0.16], [0.148, 0.21], [0.150, 0.26],
                        [0.156, 0.285], [0.162, 0.29], [0.150, 0.292], [0.142, 0.27], [0.14, 0.22],
                        [0.125, 0.17], [0.09, 0.15], [0.0, 0.148]])
    body = trimesh.creation.revolve(profile, sections=72)
    parts = [body]
    for k in range(3):
        angle = 2 * math.pi * k / 3 + math.pi / 2
        leg = trimesh.creation.cylinder(radius=0.016, height=0.15, sections=16)
        leg.apply_translation([0.085 * math.cos(angle), 0.085 * math.sin(angle), 0.075])
        parts.append(leg)
    for side in (-1, 1):
        handle = trimesh.creation.torus(major_radius=0.035, minor_radius=0.008, major_sections=32, minor_sections=10)
        handle.apply_transform(trimesh.transformations.rotation_matrix(math.pi / 2, [1, 0, 0]))  # loop upright
        handle.apply_translation([side * 0.146, 0, 0.318])
        parts.append(handle)
    for part in parts:
        trimesh.repair.fix_normals(part)
    mesh = trimesh.util.concatenate(parts)
    mesh.apply_transform(trimesh.transformations.rotation_matrix(-math.pi / 2, [1, 0, 0]))  # Z up → Y up
    _patina(mesh, 7)
    _atomic_write(path, trimesh.Scene(mesh).export(file_type="glb"))


def _mirror(path: Path) -> None:
    """A Han mirror seen from the back: rim, relief rings, four nipples, a central knob (ASCII PLY, mm, Z up)."""
    import trimesh

    radius = 90.0
    rs = np.linspace(0, radius, 160)
    z = np.full_like(rs, 4.0)
    z += 6.0 * np.exp(-((rs - 0) / 9.0) ** 2)  # knob
    z += 2.2 * np.exp(-((rs - 16) / 2.2) ** 2)  # knob base ring
    for ring, height in ((38, 1.3), (52, 1.0), (66, 1.6)):
        z += height * np.exp(-((rs - ring) / 1.6) ** 2)
    z += 3.0 / (1 + np.exp(-(rs - 80) / 1.2))  # raised rim
    profile = np.c_[np.r_[0.0, rs[1:], radius], np.r_[z, 0.0]]
    profile = np.r_[profile, [[0.0, 0.0]]]
    body = trimesh.creation.revolve(profile[::-1], sections=128)
    parts = [body]
    for k in range(4):
        angle = math.pi / 4 + k * math.pi / 2
        nipple = trimesh.creation.icosphere(subdivisions=2, radius=3.2)
        nipple.apply_translation([45 * math.cos(angle), 45 * math.sin(angle), 4.5])
        parts.append(nipple)
    for part in parts:
        trimesh.repair.fix_normals(part)
    mesh = trimesh.util.concatenate(parts)
    _patina(mesh, 11)
    _atomic_write(path, mesh.export(file_type="ply", encoding="ascii"))


def _bell(path: Path) -> None:
    """A zhong bell, textured (cylindrical UVs on a drawn bronze texture): OBJ + MTL + PNG in a ZIP."""
    import trimesh
    from PIL import Image, ImageDraw

    profile = np.array([[0.0, 200.0], [30.0, 200.0], [34.0, 196.0], [44.0, 150.0], [52.0, 80.0],
                        [58.0, 10.0], [60.0, 0.0], [56.0, 0.0], [0.0, 20.0]])
    body = trimesh.creation.revolve(profile, sections=64)
    stem = trimesh.creation.cylinder(radius=8, height=60, sections=24)
    stem.apply_translation([0, 0, 230])
    for part in (body, stem):
        trimesh.repair.fix_normals(part)
    mesh = trimesh.util.concatenate([body, stem])
    v = mesh.vertices
    u = (np.arctan2(v[:, 1], v[:, 0]) / (2 * math.pi)) % 1.0
    w = (v[:, 2] - v[:, 2].min()) / np.ptp(v[:, 2])
    size = 512
    image = Image.new("RGB", (size, size), (128, 86, 46))
    draw = ImageDraw.Draw(image)
    rng = np.random.default_rng(5)
    for _ in range(1400):  # patina speckle
        x, y = rng.integers(0, size, 2)
        r = int(rng.integers(2, 9))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(70 + int(rng.integers(0, 30)), 120 + int(rng.integers(0, 30)), 100))
    for row in range(3):  # rows of bosses (mei) between raised bands
        y = int(size * (0.35 + row * 0.12))
        draw.rectangle([0, y - 26, size, y - 20], fill=(160, 112, 60))
        for col in range(12):
            x = int((col + 0.5) * size / 12)
            draw.ellipse([x - 9, y - 9, x + 9, y + 9], fill=(176, 126, 70), outline=(90, 60, 30))
    draw.rectangle([0, int(size * 0.72), size, int(size * 0.78)], fill=(150, 104, 56))
    mesh.visual = trimesh.visual.TextureVisuals(uv=np.c_[u, w], image=image)
    obj, files = trimesh.exchange.obj.export_obj(mesh, include_texture=True, return_texture=True, mtl_name="zhong.mtl")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("zhong/zhong.obj", obj)
        for name, data in sorted(files.items()):
            bundle.writestr(f"zhong/{name}", data)
    _atomic_write(path, buffer.getvalue())


# ----------------------------------------------------------------------------- video frames


def _carving_frames(count: int):
    """A copper plate: light sweep (preparation), a scroll outline growing (outlining), chased texture (chasing)."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    plate = np.zeros((H, W, 3), np.float32)
    plate[..., 0] = 150 + 40 * (xx / W)
    plate[..., 1] = 86 + 20 * (yy / H)
    plate[..., 2] = 50
    inside = (np.abs(xx - W / 2) < 250) & (np.abs(yy - H / 2) < 140)
    background = np.where(inside[..., None], plate, np.array([40, 30, 24], np.float32))
    ts = np.linspace(0, 1, 900)
    theta = ts * 7 * math.pi
    path_x = W / 2 + (20 + 190 * ts) * np.cos(theta) * np.where(ts > 0, 1, 0)
    path_y = H / 2 + (12 + 110 * ts) * np.sin(theta)
    groove = np.zeros((H, W), np.float32)
    dots = np.zeros((H, W), np.float32)
    rng = np.random.default_rng(3)
    dot_x = rng.integers(W // 2 - 240, W // 2 + 240, 4000)
    dot_y = rng.integers(H // 2 - 130, H // 2 + 130, 4000)
    drawn = 0
    for i in range(count):
        t = i / FPS
        frame = background.copy()
        if t < 8:  # preparation: a light sweeps over the annealed plate
            sweep = np.exp(-((xx - (t / 8) * W * 1.3 + 80) / 70) ** 2) * inside
            frame += sweep[..., None] * np.array([70, 55, 35], np.float32)
        else:
            target = int(len(ts) * min(1.0, (t - 8) / 10))
            for k in range(drawn, target):
                x0, y0 = int(path_x[k]), int(path_y[k])
                groove[max(0, y0 - 2):y0 + 3, max(0, x0 - 2):x0 + 3] = 1
            drawn = target
            if t >= 18:
                n = int(4000 * min(1.0, (t - 18) / 11))
                dots[dot_y[:n], dot_x[:n]] = 1
            frame -= groove[..., None] * np.array([80, 60, 35], np.float32)
            frame += dots[..., None] * np.array([45, 35, 20], np.float32)
            k = max(0, min(drawn, len(ts) - 1))
            tip = np.exp(-(((xx - path_x[k]) ** 2 + (yy - path_y[k]) ** 2) / 120.0))
            frame += tip[..., None] * np.array([90, 90, 90], np.float32) * (0.6 + 0.4 * math.sin(t * 25))
        yield np.clip(frame, 0, 255).astype(np.uint8)


def _niuge_frames(count: int):
    """Paddy fields under a moving sky, a singer's voice as rising rings (a folk-song performance)."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    for i in range(count):
        t = i / FPS
        sky = np.stack([120 + 60 * yy / H, 170 + 40 * yy / H, 220 - 20 * yy / H], -1)
        frame = sky.astype(np.float32)
        for layer, (base, amp, colour, speed) in enumerate(((200, 18, (70, 120, 60), 6), (250, 12, (90, 150, 70), 12), (300, 8, (110, 170, 80), 20))):
            ridge = base + amp * np.sin((xx + t * speed) / (60 + 20 * layer))
            frame = np.where((yy > ridge)[..., None], np.array(colour, np.float32), frame)
        sun = np.exp(-(((xx - 520) ** 2 + (yy - 70) ** 2) / 900.0))
        frame += sun[..., None] * np.array([120, 90, 20], np.float32)
        for ring in range(4):  # the song spreading over the fields
            r = ((t * 40 + ring * 45) % 180)
            d = np.abs(np.sqrt((xx - 180) ** 2 + (yy - 230) ** 2) - r)
            frame += (np.exp(-(d / 3.0) ** 2) * (1 - r / 180))[..., None] * np.array([60, 50, 30], np.float32)
        figure = ((xx - 180) ** 2 / 64 + (yy - 228) ** 2 / 400 < 1) | ((xx - 180) ** 2 + (yy - 196) ** 2 < 70)
        frame = np.where(figure[..., None], np.array([50, 40, 35], np.float32), frame)
        yield np.clip(frame, 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------- sound


def _melody(seconds: float, notes: list[int], beat: float, seed: int, voice: float = 1.0) -> np.ndarray:
    """A pentatonic folk tune: a sung line (vibrato, soft attack) — notes in semitones from A3."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    out = np.zeros(n, np.float32)
    rng = np.random.default_rng(seed)
    position = 0.0
    k = 0
    while position < seconds:
        length = beat * (2 if rng.random() < 0.25 else 1)
        semitone = notes[k % len(notes)]
        freq = 220.0 * 2 ** (semitone / 12)
        a, b = int(position * RATE), min(n, int((position + length) * RATE))
        local = t[a:b] - position
        vibrato = 1 + 0.006 * np.sin(2 * math.pi * 5.2 * local) * np.minimum(local / 0.3, 1)
        phase = 2 * math.pi * freq * np.cumsum(vibrato) / RATE
        tone = np.sin(phase) + 0.4 * np.sin(2 * phase) * voice + 0.15 * np.sin(3 * phase)
        env = np.minimum(local / 0.06, 1) * np.exp(-local * 0.8) * np.minimum((length - local) / 0.08, 1)
        out[a:b] += (tone * env * 0.3).astype(np.float32)
        position += length
        k += 1
    return out


def _taps(seconds: float, seed: int) -> np.ndarray:
    """Hammer on chisel: bright decaying taps, faster in the chasing chapter."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    out = np.zeros(n, np.float32)
    rng = np.random.default_rng(seed)
    time = 8.0
    while time < seconds - 0.2:
        a = int(time * RATE)
        local = t[a:a + RATE // 4] - time
        f = 1700 + 300 * rng.random()
        out[a:a + len(local)] += (0.35 * np.sin(2 * math.pi * f * local) * np.exp(-local * 40)).astype(np.float32)
        time += 0.45 if time < 18 else 0.22
    out += (0.01 * rng.standard_normal(n)).astype(np.float32)
    return out


def _speech(seconds: float, seed: int) -> np.ndarray:
    """Speech-like sound: a gliding buzz through syllable envelopes and pauses (a storyteller)."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    rng = np.random.default_rng(seed)
    pitch = 150 + 25 * np.sin(2 * math.pi * 0.3 * t) + 10 * np.sin(2 * math.pi * 1.7 * t)
    phase = 2 * math.pi * np.cumsum(pitch) / RATE
    buzz = sum(np.sin(k * phase) / k * (1.5 if 3 <= k <= 5 else 1) for k in range(1, 12))
    env = np.zeros(n, np.float32)
    time = 0.3
    while time < seconds - 0.3:
        words = int(rng.integers(3, 8))
        for _ in range(words):
            length = 0.16 + 0.1 * rng.random()
            a, b = int(time * RATE), min(n, int((time + length) * RATE))
            if b > a:
                env[a:b] = np.sin(np.linspace(0, math.pi, b - a))
            time += length + 0.04
        time += 0.5 + 0.4 * rng.random()
    return (0.18 * buzz * env).astype(np.float32)


# ----------------------------------------------------------------------------- texts

CARVING_ZH = [(0, 4, "铜陵铜雕，先选一块退过火的紫铜板。"), (4, 8, "退火后的铜板柔软，便于锤錾。"),
              (8, 13, "匠人用勾錾沿画稿勾出纹样的轮廓。"), (13, 18, "錾子走线要匀，力道要稳。"),
              (18, 24, "接着用点錾、压錾錾出肌理，让纹样立体起来。"), (24, 30, "一块铜板，要经过成千上万次敲击才能完成。")]
CARVING_EN = [(0, 4, "Tongling copper carving begins with an annealed sheet of pure copper."),
              (4, 8, "Annealing makes the copper soft enough to hammer and chase."),
              (8, 13, "With a tracing chisel the carver follows the outline of the design."),
              (13, 18, "The line must be even and the force steady."),
              (18, 24, "Then matting and planishing tools give the pattern its texture and depth."),
              (24, 30, "One plate takes many thousands of hammer blows.")]
CARVING_CHAPTERS = [(0, 8, "备料与退火 Preparation and annealing"), (8, 18, "勾线 Outlining"), (18, 30, "錾刻肌理 Chasing the texture")]

NIUGE_ZH = [(0, 5, "铜陵牛歌，是农人在田间劳作时唱的山歌。"), (5, 10, "“日头出来照山岗，牵牛下田插秧忙。”"),
            (10, 16, "一人领唱，众人相和，歌声此起彼伏。"), (16, 22, "“哥在田头打牛歌，妹在田尾把秧拔。”"),
            (22, 28, "曲调多用五声音阶，高亢悠长。")]
NIUGE_EN = [(0, 5, "Tongling niuge are field songs sung by farmers at work."),
            (5, 10, "\u201cThe sun comes up over the hill; lead the ox down to plant the rice.\u201d"),
            (10, 16, "One voice leads and the others answer, back and forth across the fields."),
            (16, 22, "\u201cHe sings the ox song at the field's head, she pulls seedlings at its end.\u201d"),
            (22, 28, "The tunes are pentatonic, high and long-drawn.")]
NIUGE_CHAPTERS = [(0, 10, "起腔 The opening call"), (10, 22, "领唱与和声 Lead and chorus"), (22, 28, "尾腔 The closing phrase")]

SONG_ZH = [(0, 6, "（领）正月里来是新春，牵起黄牛去犁田。"), (6, 12, "（和）嗨呀嗬，犁田哟。"),
           (12, 18, "（领）二月里来百花开，一犁一耙到田来。"), (18, 24, "（和）嗨呀嗬，到田来哟。")]
SONG_EN = [(0, 6, "(lead) In the first month the year is new; lead the ox to plough the field."),
           (6, 12, "(chorus) Hai ya ho, plough the field."),
           (12, 18, "(lead) In the second month the flowers bloom; plough and harrow, to the field."),
           (18, 24, "(chorus) Hai ya ho, to the field.")]
STORY_ZH = [(0, 5, "早年间，铜官山下住着一户炼铜的人家。"), (5, 10, "老师傅说，炉火要看颜色：由红转青，铜水才成。"),
            (10, 15, "有一年大旱，炉火三天不旺，全村人都来帮着拉风箱。"), (15, 20, "这就是“铜官山炉火”的故事。")]
STORY_EN = [(0, 5, "Long ago a family of copper smelters lived below Mount Tongguan."),
            (5, 10, "The old master said: watch the colour of the fire — when red turns blue-green, the copper is ready."),
            (10, 15, "One year of drought the furnace would not draw for three days, and the whole village came to work the bellows."),
            (15, 20, "That is the story of the Tongguan Mountain furnace.")]


def _row(**values) -> dict:
    base = {"rights": "CC BY-NC 4.0"}
    base.update(values)
    return base


# ----------------------------------------------------------------------------- generator


def make_media_items(out_dir: Path) -> list[dict]:
    folder = Path(out_dir) / SUB
    folder.mkdir(parents=True, exist_ok=True)

    def make(name: str, build) -> str:
        path = folder / name
        if not path.exists():
            build(path)
        return f"{SUB}/{name}"

    def tracks(stem: str, zh, en, chapters, srt_lang: str, captions: bool = True) -> list[str]:
        names = []
        for lang, cues in (("zh", zh), ("en", en)) if captions else ():
            ext = "srt" if lang == srt_lang else "vtt"
            _write_text(folder / f"{stem}.{lang}.{ext}", _srt(cues) if ext == "srt" else _vtt(cues))
            names.append(f"{SUB}/{stem}.{lang}.{ext}")
        if chapters:  # one chapter track per language ("中文 English" titles are split), so each page has its own
            for lang, index in (("zh", 0), ("en", 1)):
                titles = [(start, end, text.split(" ", 1)[index] if " " in text else text) for start, end, text in chapters]
                _write_text(folder / f"{stem}.{lang}.chapters.vtt", _vtt(titles))
                names.append(f"{SUB}/{stem}.{lang}.chapters.vtt")
        for lang, cues in (("zh", zh), ("en", en)):
            _write_text(folder / f"{stem}.{lang}.transcript.vtt", _vtt(cues))
            names.append(f"{SUB}/{stem}.{lang}.transcript.vtt")
        return names

    ding = make("ding-3d.glb", _ding)
    mirror = make("mirror-3d.ply", _mirror)
    bell = make("zhong-3d.zip", _bell)
    carving = make("copper-carving.mp4", lambda p: _encode_video(p, _carving_frames, 30, _taps(30, 1), folder))
    niuge = make("niuge-performance.mp4", lambda p: _encode_video(
        p, _niuge_frames, 28, _melody(28, [0, 3, 5, 7, 10, 7, 5, 3, 0, -2, 0], 0.55, 2), folder))
    song = make("niuge-song.m4a", lambda p: _encode_audio(
        p, _melody(24, [7, 10, 12, 10, 7, 5, 3, 5, 7], 0.6, 4, voice=0.6), ["-c:a", "aac", "-b:a", "96k"]))
    story = make("tongguan-story.mp3", lambda p: _encode_audio(p, _speech(20, 9), ["-c:a", "libmp3lame", "-q:a", "5"]))

    copper = dict(museum="copper", material="青铜", material_en="bronze", place="安徽铜陵", place_en="Tongling, Anhui")
    ich = dict(museum="ich", place="安徽铜陵", place_en="Tongling, Anhui", region="安徽省铜陵市", period="现代", period_en="Modern")
    return [
        _row(**copper, id="cu-ding-3d-01", hall="bronze-vessels", section="western-zhou",
             title_zh="立耳三足青铜鼎（三维扫描）", title_en="Bronze ding with upright handles (3D scan)",
             object_type="鼎", object_type_en="ding cauldron", period="西周", period_en="Western Zhou",
             date_start="-1046", date_end="-771", dimensions="通高 36 厘米，口径 32 厘米",
             accession_number="TL-CU-3D-0001",
             description_zh="立耳，浅腹微鼓，三柱足。三维扫描模型保留了器表的绿锈与铸造痕迹，可旋转、缩放观察。",
             description_en="Upright handles, a shallow swelling belly and three column legs. The 3D scan keeps the green patina and casting marks; turn and zoom it to look closely.",
             files=ding),
        _row(**copper, id="cu-mirror-3d-01", hall="bronze-mirrors", section="warring-states-han-mirrors",
             title_zh="四乳弦纹铜镜（三维扫描）", title_en="Bronze mirror with four nipples and raised rings (3D scan)",
             object_type="镜", object_type_en="mirror", period="西汉", period_en="Western Han",
             date_start="-206", date_end="8", dimensions="直径 18 厘米", accession_number="TL-CU-3D-0002",
             description_zh="圆钮，钮座外饰凸弦纹三周，四乳均布，宽素缘。三维模型可见纹饰的起伏。",
             description_en="A round knob, three raised rings and four evenly spaced nipples inside a broad plain rim. The 3D model shows the relief of the decoration.",
             files=mirror),
        _row(**copper, id="cu-zhong-3d-01", hall="bronze-vessels", section="spring-autumn-warring-states",
             title_zh="枚纹青铜甬钟（三维模型）", title_en="Bronze yongzhong bell with bosses (3D model)",
             object_type="钟", object_type_en="bell", period="春秋", period_en="Spring and Autumn",
             date_start="-770", date_end="-476", dimensions="通高 29 厘米", accession_number="TL-CU-3D-0003",
             description_zh="长甬，钲部两侧各列三排枚。模型带有纹理贴图（OBJ + MTL + PNG 打包上传）。",
             description_en="A long shank and three rows of bosses on each side. The model is textured (uploaded as an OBJ + MTL + PNG bundle).",
             files=bell),
        _row(**ich, id="ich-copper-carving-video-01", hall="traditional-crafts", section="copper-carving",
             title_zh="铜雕技艺：錾刻过程", title_en="Copper carving: the chasing process",
             object_type="影像", object_type_en="video", date_start="2023", date_end="2023",
             creator="铜陵市非遗保护中心", creator_en="Tongling ICH Protection Centre",
             ich_category="传统美术", ich_level="省级", inheritor="王建国", accession_number="TL-ICH-V-0001",
             description_zh="记录铜雕从备料、退火、勾线到錾刻肌理的主要工序，附中英文字幕、章节与文字稿。",
             description_en="The main steps of copper carving, from preparing and annealing the sheet to outlining and chasing, with Chinese and English captions, chapters and a transcript.",
             files=";".join([carving] + tracks("copper-carving", CARVING_ZH, CARVING_EN, CARVING_CHAPTERS, "en"))),
        _row(**ich, id="ich-niuge-video-01", hall="performing-arts", section="folk-song",
             title_zh="铜陵牛歌表演", title_en="Tongling niuge folk song performance",
             object_type="影像", object_type_en="video", date_start="2022", date_end="2022",
             creator="铜陵市非遗保护中心", creator_en="Tongling ICH Protection Centre",
             ich_category="传统音乐", ich_level="省级", inheritor="", accession_number="TL-ICH-V-0002",
             description_zh="田间演唱的牛歌，一领众和。附中英文字幕（中文为 SRT）、章节与文字稿。",
             description_en="Niuge sung in the fields, one voice leading and the others answering. Chinese (SRT) and English captions, chapters and transcripts.",
             files=";".join([niuge] + tracks("niuge-performance", NIUGE_ZH, NIUGE_EN, NIUGE_CHAPTERS, "zh"))),
        _row(**ich, id="ich-niuge-audio-01", hall="performing-arts", section="folk-song",
             title_zh="牛歌《十二月调》（录音）", title_en="Niuge \u201cSong of the Twelve Months\u201d (recording)",
             object_type="录音", object_type_en="sound recording", date_start="2021", date_end="2021",
             ich_category="传统音乐", ich_level="省级", accession_number="TL-ICH-A-0001",
             description_zh="按月份铺陈农事的牛歌唱段，领唱与和声交替。附中英文文字稿。",
             description_en="A niuge that follows the farming year month by month, lead and chorus in turn. With Chinese and English transcripts.",
             files=";".join([song] + tracks("niuge-song", SONG_ZH, SONG_EN, None, "", captions=False))),
        _row(**ich, id="ich-story-audio-01", hall="folk-customs", section="",
             title_zh="民间故事：铜官山炉火（讲述录音）", title_en="Folk tale: the Tongguan Mountain furnace (told aloud)",
             object_type="录音", object_type_en="sound recording", date_start="2020", date_end="2020",
             ich_category="民间文学", ich_level="市级", accession_number="TL-ICH-A-0002",
             description_zh="老艺人讲述铜官山冶铜人家的传说。附中英文文字稿。",
             description_en="An elder tells the legend of a copper-smelting family below Mount Tongguan. With Chinese and English transcripts.",
             files=";".join([story] + tracks("tongguan-story", STORY_ZH, STORY_EN, None, "", captions=False))),
    ]


EXTRA_GENERATORS.append(make_media_items)
