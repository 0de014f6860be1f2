"""Audio and video: probe, web derivatives (H.264/AAC MP4, AAC M4A), poster, thumbnail strip, waveform.

Probing and frame grabs use PyAV; transcoding drives the FFmpeg binary that the
``imageio-ffmpeg`` wheel ships (no system FFmpeg needed). Captions: :mod:`media.captions`.
"""
from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from PIL import Image, ImageDraw

from .errors import MediaError, UnsupportedMedia
from .store import atomic_path

X264_PRESET = "veryfast"
X264_CRF = 23
AUDIO_BITRATE = "128k"
STRIP_FRAMES = 10
STRIP_HEIGHT = 90
WAVEFORM_SIZE = (1800, 240)
WAVEFORM_BINS = 1000
WAVEFORM_RATE = 8000
WAVEFORM_COLOUR = (140, 90, 43, 255)  # bronze
_IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "bmp_pipe", "gif", "gif_pipe", "webp_pipe", "tiff_pipe",
                  "svg_pipe", "pam_pipe", "pgm_pipe", "ppm_pipe", "psd_pipe", "jpegxl_pipe", "j2k_pipe",
                  "dds_pipe", "exr_pipe", "qoi_pipe", "tty", "apng", "webp", "pcx_pipe", "sgi_pipe"}
_TEXT_FORMATS = {"srt", "webvtt", "ass", "microdvd", "subviewer", "subviewer1", "sami", "jacosub",
                 "mpl2", "pjs", "realtext", "stl", "vplayer", "lrc", "tty", "aqtitle"}


# ----------------------------------------------------------------------------- probing


@dataclass(frozen=True)
class AVInfo:
    kind: str  # "video" or "audio"
    duration: float  # seconds
    width: int | None  # as displayed (rotation and pixel aspect applied)
    height: int | None
    codecs: tuple[str, ...]  # e.g. ("h264", "aac")
    fps: float | None
    has_audio: bool
    video_codec: str | None = None
    audio_codec: str | None = None
    container: str = ""
    bit_rate: int | None = None
    sample_rate: int | None = None
    channels: int | None = None
    rotation: int = 0  # degrees, as the player must turn the coded picture
    coded_width: int | None = None
    coded_height: int | None = None

    def as_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


# Demuxers that read only the file they are given. Playlists (hls, concat, m3u8), image sequences,
# SDP and network formats can make FFmpeg open other files or URLs, so they are never let in.
_ALLOWED_FORMATS = {"mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "mpegts", "mpeg", "flv",
                    "asf", "ogg", "wav", "w64", "mp3", "flac", "aac", "aiff", "amr", "ape", "wv", "dv", "mxf", "caf",
                    "au", "rm", "ac3", "eac3", "dts", "truehd", "mlp", "tta", "wsaud", "voc", "opus", "m4v"}


_FORMAT_WHITELIST = ",".join(sorted(_ALLOWED_FORMATS))


def _looks_like_text(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return False
        text = head[: exc.start].decode("utf-8")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls == 0


def _open(path: Path):
    import av

    if _looks_like_text(path):
        raise UnsupportedMedia("this is a text file (a playlist, subtitles or notes?), not audio or video")
    try:
        container = av.open(str(path), metadata_errors="ignore",
                            options={"protocol_whitelist": "file", "format_whitelist": _FORMAT_WHITELIST})
    except av.FFmpegError as exc:
        reason = _av_reason(exc)
        if "Invalid argument" in reason:  # what FFmpeg says when only a refused demuxer matches
            reason = "not an audio or video format that is accepted"
        raise MediaError(f"not a readable audio or video file ({reason})") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise MediaError(f"not a readable audio or video file ({exc})") from None
    names = set(container.format.name.split(","))
    if not names & _ALLOWED_FORMATS:
        container.close()
        if names & _IMAGE_FORMATS:
            raise UnsupportedMedia(f"this is a still image ({container.format.name}), not audio or video")
        raise UnsupportedMedia(f"the {container.format.name} format is not accepted for audio or video")
    return container


def _av_reason(exc) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text).split(":")[0].strip() or type(exc).__name__


def _main_streams(container):
    import av

    video = None
    for stream in container.streams.video:
        if stream.disposition & av.stream.Disposition.attached_pic:
            continue  # cover art of an audio file
        if stream.codec_context is None:
            continue
        video = stream
        break
    audio = container.streams.audio[0] if container.streams.audio else None
    return video, audio


def probe_av(path: Path) -> AVInfo:
    """Describe an audio or video file; MediaError for anything corrupt, truncated or not audio/video."""
    import av

    path = Path(path)
    if not path.is_file():
        raise MediaError("the file does not exist")
    if path.stat().st_size == 0:
        raise MediaError("the file is empty")
    container = _open(path)
    try:
        fmt = container.format.name
        if fmt in _IMAGE_FORMATS or fmt.split(",")[0] in _IMAGE_FORMATS:
            raise UnsupportedMedia(f"this is a still image or text ({fmt}), not audio or video")
        if fmt in _TEXT_FORMATS:
            raise UnsupportedMedia(f"this is a subtitle or text file ({fmt}), not audio or video")
        video, audio = _main_streams(container)
        if video is None and audio is None:
            raise MediaError("the file holds no audio or video stream")
        if video is not None and video.codec_context.codec.canonical_name in ("mjpeg", "png", "bmp", "gif", "webp") and \
                (video.frames or 0) <= 1 and audio is None:
            raise UnsupportedMedia("this is a still image, not a video")
        duration = _duration(container, video or audio)
        main = video or audio
        width = height = fps = coded_w = coded_h = None
        sar = None
        if video is not None:
            coded_w, coded_h = video.codec_context.width, video.codec_context.height
            if not coded_w or not coded_h:
                raise MediaError("the video stream has no picture size")
            sar = video.sample_aspect_ratio
            rate = video.average_rate or video.guessed_rate or video.base_rate
            fps = round(float(rate), 3) if rate else None
        codecs = tuple(s.codec_context.codec.canonical_name for s in (video, audio) if s is not None)
        video_codec = video.codec_context.codec.canonical_name if video is not None else None
        audio_codec = audio.codec_context.codec.canonical_name if audio is not None else None
        sample_rate = audio.codec_context.sample_rate if audio is not None else None
        channels = audio.codec_context.channels if audio is not None else None
        bit_rate = container.bit_rate or None
        main_index = main.index
        # decode at the start and near the end: truncated and damaged files fail here
        first = _decode_near(container, main_index, 0.0)
        if first is None:
            raise MediaError("the file is damaged: no frame could be decoded at its start")
        rotation = int(round(getattr(first, "rotation", 0) or 0)) % 360 if video is not None else 0
        del first
        if duration > 1.0:
            container.close()
            container = _open(path)
            if not _tail_present(container, main_index, max(duration - 1.0, duration * 0.9), path.stat().st_size):
                raise MediaError(f"the file is truncated or damaged: nothing can be decoded near its end "
                                 f"(it claims {duration:.1f} s)")
        if video is not None:
            display_w = int(round(coded_w * float(sar))) if sar and float(sar) > 0 else coded_w
            width, height = (coded_h, display_w) if rotation in (90, 270) else (display_w, coded_h)
        return AVInfo(
            kind="video" if video is not None else "audio",
            duration=round(duration, 3),
            width=width,
            height=height,
            codecs=codecs,
            fps=fps,
            has_audio=audio is not None,
            video_codec=video_codec,
            audio_codec=audio_codec,
            container=fmt,
            bit_rate=bit_rate,
            sample_rate=sample_rate,
            channels=channels,
            rotation=rotation,
            coded_width=coded_w,
            coded_height=coded_h,
        )
    except av.FFmpegError as exc:
        raise MediaError(f"the file is damaged ({_av_reason(exc)})") from None
    finally:
        container.close()


def _duration(container, stream) -> float:
    if container.duration and container.duration > 0:
        return container.duration / 1_000_000
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    # no duration in the headers (raw streams): demux to the last timestamp
    last = 0.0
    for packet in container.demux(stream):
        if packet.pts is not None and packet.time_base:
            last = max(last, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    container.seek(0)
    if last <= 0:
        raise MediaError("the file's duration cannot be determined")
    return last


def _tail_present(container, index: int, seconds: float, file_size: int) -> bool:
    """Whether packets of stream ``index`` from ``seconds`` on can be read whole (not cut off by truncation)."""
    import av

    stream = next(s for s in container.streams if s.index == index)
    try:
        container.seek(int(seconds * 1_000_000), backward=True, any_frame=True)
        packets = 0
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            packets += 1
            if packet.pos is not None and packet.pos >= 0 and packet.pos + packet.size > file_size:
                return False
            if packet.pts is not None and float(packet.pts * stream.time_base) >= seconds - 0.5:
                return True
            if packets > 5000:
                break
    except (av.FFmpegError, EOFError):
        return False
    return False


def _decode_near(container, index: int, seconds: float):
    """The first frame of stream ``index`` at or after ``seconds`` (from the keyframe before), or None."""
    import av

    stream = next(s for s in container.streams if s.index == index)
    try:
        if seconds > 0:
            container.seek(int(seconds * 1_000_000), backward=True, any_frame=False)
        packets = 0
        for packet in container.demux(stream):
            packets += 1
            for frame in packet.decode():
                return frame
            if packets > 600:
                break
        # flush the decoder
        for frame in stream.codec_context.decode(None):
            return frame
    except (av.FFmpegError, EOFError):
        return None
    return None


# ----------------------------------------------------------------------------- FFmpeg


def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:
        found = shutil.which("ffmpeg")
        if not found:
            raise MediaError("FFmpeg is not available (install imageio-ffmpeg)") from None
        return found


def _run_ffmpeg(args: list[str], duration: float | None = None, progress: Callable[[float], None] | None = None,
                stdout_sink: bool = False, timeout: float | None = None) -> bytes:
    """Run FFmpeg; return stdout when ``stdout_sink``; raise MediaError with FFmpeg's last words on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    if progress is not None and not stdout_sink:
        cmd += ["-progress", "pipe:1", "-nostats"]
    cmd += args
    if stdout_sink or progress is None:
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise MediaError(f"FFmpeg took longer than {timeout} s") from None
        if done.returncode != 0:
            raise MediaError(f"FFmpeg could not convert the file: {_last_words(done.stderr)}")
        return done.stdout
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        proc.kill()

    watchdog = threading.Timer(timeout, kill) if timeout else None
    if watchdog:
        watchdog.daemon = True
        watchdog.start()
    stderr_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()), daemon=True)
    reader.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(b"out_time_us=") and duration:
                try:
                    seconds = int(line.split(b"=", 1)[1]) / 1_000_000
                    progress(max(0.0, min(1.0, seconds / duration)))
                except ValueError:
                    pass
        code = proc.wait()
        reader.join()
    finally:
        if watchdog:
            watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if timed_out.is_set():
        raise MediaError(f"FFmpeg took longer than {timeout:.0f} s")
    if code != 0:
        raise MediaError(f"FFmpeg could not convert the file: {_last_words(b''.join(stderr_chunks))}")
    progress(1.0)
    return b""


def _input_args(info: AVInfo) -> list[str]:
    """Force the demuxer the probe accepted, and let FFmpeg read no other file or URL."""
    names = info.container.split(",")
    fmt = "mov" if "mov" in names else names[0]
    return ["-protocol_whitelist", "file", "-format_whitelist", _FORMAT_WHITELIST, "-f", fmt]


def _last_words(stderr: bytes) -> str:
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return "; ".join(lines[-3:])[-500:] or "unknown error"


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


# ----------------------------------------------------------------------------- video


def make_video_derivatives(source: Path, out_fn: Callable[[str], Path], max_height: int = 720, *,
                           progress: Callable[[float], None] | None = None, preset: str = X264_PRESET,
                           crf: int = X264_CRF, strip_frames: int = STRIP_FRAMES,
                           timeout: float | None = None) -> dict:
    """Write web.mp4 (H.264 High/yuv420p + AAC, faststart), poster.jpg and strip.jpg; return the facts."""
    source = Path(source)
    info = probe_av(source)
    if info.kind != "video":
        raise UnsupportedMedia("the file holds no video stream (it is audio)")
    height = _even(min(max_height, info.height))
    width = _even(info.width * height / info.height)
    fps_args: list[str] = []
    if info.fps and info.fps > 60:
        fps_args = ["-r", "60"]
    timeout = timeout if timeout is not None else max(300.0, info.duration * 5)
    audio_args = ["-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "2", "-ar", "48000"] if info.has_audio else ["-an"]
    started = time.monotonic()
    with atomic_path(out_fn("web.mp4")) as tmp:
        # the first video stream that is not a picture; "0:V" excludes cover art, fall back to 0:v
        args = [*_input_args(info), "-i", str(source), "-map", "0:V:0", "-map", "0:a:0?", "-map_metadata", "-1", "-map_chapters", "-1",
                "-sn", "-dn",
                "-vf", f"scale={width}:{height}:flags=bicubic,setsar=1,format=yuv420p",
                "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-profile:v", "high",
                "-pix_fmt", "yuv420p", "-force_key_frames", "expr:gte(t,n_forced*2)", *fps_args,
                *audio_args, "-movflags", "+faststart", "-f", "mp4", str(tmp)]
        _run_ffmpeg(args, info.duration, progress, timeout=timeout)
        web = probe_av(tmp)
        web_bytes = tmp.stat().st_size
        transcode_seconds = time.monotonic() - started
        poster_time, poster = _poster(tmp, web.duration)
        strip, times = _strip(tmp, web.duration, strip_frames)
    with atomic_path(out_fn("poster.jpg")) as tmp_poster:
        poster.save(tmp_poster, format="JPEG", quality=85, optimize=True)
    with atomic_path(out_fn("strip.jpg")) as tmp_strip:
        strip.save(tmp_strip, format="JPEG", quality=80, optimize=True)
    return {
        "kind": "video",
        "duration": info.duration,
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "codecs": list(info.codecs),
        "video_codec": info.video_codec,
        "audio_codec": info.audio_codec,
        "has_audio": info.has_audio,
        "rotation": info.rotation,
        "container": info.container,
        "web_bytes": web_bytes,
        "web_width": web.width,
        "web_height": web.height,
        "web_duration": web.duration,
        "web_codecs": list(web.codecs),
        "poster_time": round(poster_time, 3),
        "poster": {"width": poster.width, "height": poster.height},
        "strip": {"frames": len(times), "tile_width": strip.width // max(len(times), 1),
                  "tile_height": strip.height, "times": [round(t, 3) for t in times]},
        "transcode_seconds": round(transcode_seconds, 3),
        "realtime_factor": round(info.duration / transcode_seconds, 2) if transcode_seconds > 0 else None,
        "derivatives": {"video": "web.mp4", "poster": "poster.jpg", "strip": "strip.jpg"},
    }


def _grab(path: Path, times: Iterable[float], height: int | None = None) -> list[tuple[float, Image.Image]]:
    """Frames at (or just after) each time, from one open container; scaled to ``height`` when given."""
    import av

    out: list[tuple[float, Image.Image]] = []
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        tb = stream.time_base
        last = None
        for wanted in times:
            container.seek(int(wanted * 1_000_000), backward=True, any_frame=False)
            chosen = None
            for frame in container.decode(stream):
                last = frame
                if frame.pts is None or float(frame.pts * tb) + 1e-3 >= wanted:
                    chosen = frame
                    break
            chosen = chosen or last
            if chosen is None:
                continue
            if height:
                w = _even(chosen.width * height / chosen.height)
                image = chosen.to_image(width=w, height=height)
            else:
                image = chosen.to_image()
            t = float(chosen.pts * tb) if chosen.pts is not None else wanted
            out.append((t, image.convert("RGB")))
    except av.FFmpegError as exc:
        raise MediaError(f"could not read frames from the web video ({_av_reason(exc)})") from None
    finally:
        container.close()
    return out


def _poster(path: Path, duration: float) -> tuple[float, Image.Image]:
    """A frame a little way in, skipping black or blank ones (fades, slates)."""
    candidates = [min(max(1.0, duration * 0.1), duration * 0.5), duration * 0.25, duration * 0.5]
    grabbed = _grab(path, candidates)
    if not grabbed:
        raise MediaError("no frame could be taken from the video for its poster")
    for t, image in grabbed:
        stat = np.asarray(image.convert("L").reduce(8), dtype=np.float32)
        if stat.mean() > 16 and stat.std() > 4:
            return t, image
    return grabbed[0]


def _strip(path: Path, duration: float, count: int) -> tuple[Image.Image, list[float]]:
    count = max(1, count)
    times = [(i + 0.5) * duration / count for i in range(count)]
    frames = _grab(path, times, STRIP_HEIGHT)
    if not frames:
        raise MediaError("no frame could be taken from the video for its thumbnail strip")
    tile_w = frames[0][1].width
    strip = Image.new("RGB", (tile_w * len(frames), STRIP_HEIGHT), (0, 0, 0))
    for i, (_, image) in enumerate(frames):
        strip.paste(image.resize((tile_w, STRIP_HEIGHT)) if image.width != tile_w else image, (i * tile_w, 0))
    return strip, [t for t, _ in frames]


# ----------------------------------------------------------------------------- audio


def make_audio_derivatives(source: Path, out_fn: Callable[[str], Path], *, mp3: bool = False,
                           timeout: float | None = None) -> dict:
    """Write web.m4a (AAC, faststart), optionally web.mp3, waveform.png and waveform.json; return the facts."""
    source = Path(source)
    info = probe_av(source)
    if not info.has_audio:
        raise UnsupportedMedia("the file holds no audio stream")
    timeout = timeout if timeout is not None else max(300.0, info.duration * 3)
    # the waveform needs only a few samples per bin: a low rate keeps long recordings small in memory
    rate = WAVEFORM_RATE if info.duration <= 600 else max(1000, int(WAVEFORM_RATE * 600 / info.duration))
    started = time.monotonic()
    extra = []
    with atomic_path(out_fn("web.m4a")) as tmp, _maybe(mp3, out_fn, "web.mp3") as tmp_mp3:
        args = [*_input_args(info), "-i", str(source), "-vn", "-sn", "-dn", "-map_metadata", "-1",
                "-map", "0:a:0", "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", str(min(info.channels or 2, 2)),
                "-movflags", "+faststart", "-f", "mp4", str(tmp)]
        if tmp_mp3 is not None:
            args += ["-map", "0:a:0", "-c:a", "libmp3lame", "-q:a", "4", "-ac", str(min(info.channels or 2, 2)),
                     "-f", "mp3", str(tmp_mp3)]
        args += ["-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-f", "s16le", "-c:a", "pcm_s16le", "pipe:1"]
        pcm = _run_ffmpeg(args, stdout_sink=True, timeout=timeout)
        web = probe_av(tmp)
        web_bytes = tmp.stat().st_size
        if tmp_mp3 is not None:
            extra.append(("web_mp3_bytes", tmp_mp3.stat().st_size))
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
    peaks = waveform_peaks(samples, WAVEFORM_BINS)
    loudest = float(peaks.max()) if len(peaks) else 0.0
    # drawn normalised to the loudest moment, so quiet field recordings still show their shape
    image = draw_waveform(peaks / loudest if loudest > 1e-3 else peaks, WAVEFORM_SIZE)
    with atomic_path(out_fn("waveform.png")) as tmp_png:
        image.save(tmp_png, format="PNG", optimize=True)
    with atomic_path(out_fn("waveform.json")) as tmp_json:
        tmp_json.write_text(json.dumps({"bins": len(peaks), "duration": info.duration,
                                        "max": round(loudest, 4),
                                        "peaks": [round(float(p), 4) for p in peaks]}))
    peak = float(np.abs(samples).max()) if len(samples) else 0.0
    facts = {
        "kind": "audio",
        "duration": info.duration,
        "codecs": list(info.codecs),
        "audio_codec": info.audio_codec,
        "sample_rate": info.sample_rate,
        "channels": info.channels,
        "container": info.container,
        "web_bytes": web_bytes,
        "web_duration": web.duration,
        "web_codecs": list(web.codecs),
        "peak_dbfs": round(20 * math.log10(peak), 2) if peak > 0 else None,
        "silent": peak < 1e-3,
        "waveform": {"width": image.width, "height": image.height, "bins": len(peaks)},
        "transcode_seconds": round(time.monotonic() - started, 3),
        "derivatives": {"audio": "web.m4a", "waveform": "waveform.png", "peaks": "waveform.json"},
    }
    for key, value in extra:
        facts[key] = value
    if mp3:
        facts["derivatives"]["audio_mp3"] = "web.mp3"
    return facts


class _maybe:
    """``atomic_path`` when ``enabled``, else a context that yields None."""

    def __init__(self, enabled: bool, out_fn, name: str) -> None:
        self.cm = atomic_path(out_fn(name)) if enabled else None

    def __enter__(self):
        return self.cm.__enter__() if self.cm else None

    def __exit__(self, *exc):
        return self.cm.__exit__(*exc) if self.cm else False


def waveform_peaks(samples: np.ndarray, bins: int) -> np.ndarray:
    """Peak absolute amplitude (0..1) in each of ``bins`` equal slices of ``samples``."""
    if len(samples) == 0:
        return np.zeros(bins, dtype=np.float32)
    edges = np.linspace(0, len(samples), bins + 1).astype(np.int64)
    absolute = np.abs(samples)
    out = np.zeros(bins, dtype=np.float32)
    nonempty = edges[1:] > edges[:-1]
    out[nonempty] = np.maximum.reduceat(absolute, edges[:-1][nonempty])
    return np.clip(out, 0.0, 1.0)


def draw_waveform(peaks: np.ndarray, size: tuple[int, int] = WAVEFORM_SIZE) -> Image.Image:
    """A mirrored bar waveform on a transparent background."""
    width, height = size
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    mid = height / 2
    xs = np.linspace(0, len(peaks), width, endpoint=False).astype(np.int64)
    column = peaks[np.clip(xs, 0, len(peaks) - 1)] if len(peaks) else np.zeros(width)
    for x, p in enumerate(column):
        half = max(0.5, float(p) * (mid - 1))
        draw.line([(x, mid - half), (x, mid + half)], fill=WAVEFORM_COLOUR)
    return image
