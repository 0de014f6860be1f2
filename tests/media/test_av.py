"""media.av: probing, web derivatives, posters, strips, waveforms and captions, on files FFmpeg makes here."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import av as pyav
import numpy as np
import pytest
from PIL import Image

from media.av import ffmpeg_exe, make_audio_derivatives, make_video_derivatives, probe_av
from media.captions import Cue, read_captions, to_webvtt
from media.errors import MediaError


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args], check=True)


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("av")
    files = {}
    files["video"] = d / "clip.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2",
           "-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=44100",
           "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-c:a", "aac", "-shortest", str(files["video"]))
    files["mute"] = d / "mute.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2", "-c:v", "mpeg4", str(files["mute"]))
    files["rotated"] = d / "phone.mp4"
    ffmpeg("-display_rotation", "90", "-i", str(files["video"]), "-c", "copy", str(files["rotated"]))
    files["faststart"] = d / "fast.mp4"
    ffmpeg("-i", str(files["video"]), "-c", "copy", "-movflags", "+faststart", str(files["faststart"]))
    files["wav"] = d / "tone.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:duration=2:sample_rate=48000", "-ac", "2", str(files["wav"]))
    files["mp3"] = d / "song.mp3"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:duration=2", "-c:a", "libmp3lame", str(files["mp3"]))
    files["silence"] = d / "silence.wav"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono", "-t", "1.5", str(files["silence"]))
    data = files["video"].read_bytes()
    files["truncated"] = d / "truncated.mp4"  # moov at the end: cut off
    files["truncated"].write_bytes(data[: len(data) // 2])
    fast = files["faststart"].read_bytes()
    files["truncated_fast"] = d / "truncated-fast.mp4"  # moov first, media data cut off
    files["truncated_fast"].write_bytes(fast[: int(len(fast) * 0.6)])
    files["garbage"] = d / "garbage.mp4"
    files["garbage"].write_bytes(np.random.default_rng(7).bytes(50_000))
    files["png"] = d / "picture.mp4"
    Image.new("RGB", (64, 64), (255, 0, 0)).save(files["png"], format="PNG")
    files["text"] = d / "notes.mp4"
    files["text"].write_text("This is a note, not a video.\n" * 50)
    files["empty"] = d / "empty.mp4"
    files["empty"].write_bytes(b"")
    return files


def out(tmp_path: Path):
    folder = tmp_path / "derivatives"
    folder.mkdir(exist_ok=True)
    return lambda name: folder / name


# ----------------------------------------------------------------------------- probe


def test_probe_video(media):
    info = probe_av(media["video"])
    assert info.kind == "video"
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert (info.width, info.height) == (320, 240)
    assert info.fps == pytest.approx(25)
    assert info.has_audio and info.codecs == ("h264", "aac")
    assert info.video_codec == "h264" and info.audio_codec == "aac"


def test_probe_video_without_audio(media):
    info = probe_av(media["mute"])
    assert info.kind == "video" and not info.has_audio and info.codecs == ("mpeg4",)
    assert info.fps == pytest.approx(30)


def test_probe_rotated_phone_video_reports_display_size(media):
    info = probe_av(media["rotated"])
    assert info.rotation in (90, 270)
    assert (info.width, info.height) == (240, 320)


@pytest.mark.parametrize("name,codec", [("wav", "pcm_s16le"), ("mp3", "mp3")])
def test_probe_audio(media, name, codec):
    info = probe_av(media[name])
    assert info.kind == "audio" and info.width is None and info.fps is None
    assert info.audio_codec == codec and info.has_audio
    assert info.duration == pytest.approx(2.0, abs=0.1)


@pytest.mark.parametrize("name", ["truncated", "truncated_fast", "garbage", "png", "text", "empty"])
def test_probe_refuses_bad_files(media, name):
    with pytest.raises(MediaError):
        probe_av(media[name])


def test_truncated_faststart_message_says_truncated(media):
    with pytest.raises(MediaError, match="truncated"):
        probe_av(media["truncated_fast"])


# ----------------------------------------------------------------------------- video derivatives


def test_video_derivatives(media, tmp_path):
    progress = []
    facts = make_video_derivatives(media["video"], out(tmp_path), progress=progress.append)
    folder = tmp_path / "derivatives"
    with pyav.open(str(folder / "web.mp4")) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert video.codec_context.profile in ("High", "high")
        assert container.streams.audio[0].codec_context.name == "aac"
    data = (folder / "web.mp4").read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # faststart: the index comes first
    assert facts["web_width"] == 320 and facts["web_height"] == 240  # never upscaled
    assert facts["duration"] == pytest.approx(2.0, abs=0.1)
    assert facts["web_codecs"] == ["h264", "aac"] and facts["has_audio"]
    assert facts["web_bytes"] == len(data)
    poster = Image.open(folder / "poster.jpg")
    assert poster.format == "JPEG" and poster.size == (320, 240)
    strip = Image.open(folder / "strip.jpg")
    assert facts["strip"]["frames"] == 10
    assert strip.size == (10 * facts["strip"]["tile_width"], facts["strip"]["tile_height"])
    times = facts["strip"]["times"]
    assert times == sorted(times) and times[0] < 0.4 and times[-1] > 1.5
    assert progress and progress[-1] == 1.0
    json.dumps(facts)
    assert not list(folder.glob(".tmp-*"))


def test_video_is_scaled_down_to_max_height(media, tmp_path):
    facts = make_video_derivatives(media["mute"], out(tmp_path), max_height=120)
    assert (facts["web_width"], facts["web_height"]) == (160, 120)
    assert facts["has_audio"] is False
    with pyav.open(str(tmp_path / "derivatives" / "web.mp4")) as container:
        assert not container.streams.audio


def test_rotated_video_is_turned_upright(media, tmp_path):
    facts = make_video_derivatives(media["rotated"], out(tmp_path))
    assert (facts["web_width"], facts["web_height"]) == (240, 320)
    assert Image.open(tmp_path / "derivatives" / "poster.jpg").size == (240, 320)


def test_video_derivatives_refuse_audio_and_garbage(media, tmp_path):
    with pytest.raises(MediaError):
        make_video_derivatives(media["wav"], out(tmp_path))
    with pytest.raises(MediaError):
        make_video_derivatives(media["garbage"], out(tmp_path))
    with pytest.raises(MediaError):
        make_video_derivatives(media["truncated"], out(tmp_path))
    assert not list((tmp_path / "derivatives").iterdir())


# ----------------------------------------------------------------------------- audio derivatives


def test_audio_derivatives(media, tmp_path):
    facts = make_audio_derivatives(media["wav"], out(tmp_path), mp3=True)
    folder = tmp_path / "derivatives"
    with pyav.open(str(folder / "web.m4a")) as container:
        assert container.streams.audio[0].codec_context.name == "aac"
        assert not container.streams.video
    with pyav.open(str(folder / "web.mp3")) as container:
        assert container.streams.audio[0].codec_context.codec.canonical_name == "mp3"
    assert facts["duration"] == pytest.approx(2.0, abs=0.1)
    assert facts["sample_rate"] == 48000 and facts["channels"] == 2
    assert facts["silent"] is False and -30 < facts["peak_dbfs"] <= 0
    wave = Image.open(folder / "waveform.png")
    assert wave.format == "PNG" and wave.size == (facts["waveform"]["width"], facts["waveform"]["height"])
    alpha = np.asarray(wave)[..., 3]
    assert alpha[wave.height // 2].mean() > 200  # a constant tone paints the middle line end to end
    assert alpha[0].mean() < 255
    peaks = json.loads((folder / "waveform.json").read_text())["peaks"]
    assert len(peaks) == facts["waveform"]["bins"] and max(peaks) > 0.05
    json.dumps(facts)


def test_audio_from_mp3_without_mp3_copy(media, tmp_path):
    facts = make_audio_derivatives(media["mp3"], out(tmp_path))
    assert not (tmp_path / "derivatives" / "web.mp3").exists()
    assert facts["web_codecs"] == ["aac"]


def test_silent_audio_is_flagged(media, tmp_path):
    facts = make_audio_derivatives(media["silence"], out(tmp_path))
    assert facts["silent"] is True


def test_audio_derivatives_refuse_garbage(media, tmp_path):
    for name in ("garbage", "mute", "text"):
        with pytest.raises(MediaError):
            make_audio_derivatives(media[name], out(tmp_path))


# ----------------------------------------------------------------------------- captions

SRT = """1
00:00:01,000 --> 00:00:04,500
铜镜，汉代。
<i>Bronze mirror</i>, Han & co.

2
00:00:05,000 --> 00:01:02,250 X1:10 X2:100 Y1:10 Y2:50
<font color="#ff0000">{\\an8}Second</font> line
"""

VTT = """WEBVTT - made by hand

NOTE this is a comment
spanning two lines

STYLE
::cue { color: yellow }

intro
00:00.000 --> 00:02.500 line:0 align:start
Opening <b>titles</b>

01:00:00.000 --> 01:00:01.000
An hour in
"""


def test_read_srt(tmp_path):
    path = tmp_path / "clip.zh.srt"
    path.write_bytes(b"\xef\xbb\xbf" + SRT.replace("\n", "\r\n").encode("utf-8"))
    cues = read_captions(path)
    assert [c.id for c in cues] == ["1", "2"]
    assert cues[0].start == 1.0 and cues[0].end == 4.5
    assert cues[0].text == "铜镜，汉代。\n<i>Bronze mirror</i>, Han &amp; co."
    assert cues[1].end == pytest.approx(62.25)
    assert cues[1].text == "Second line"


def test_read_vtt(tmp_path):
    path = tmp_path / "clip.en.vtt"
    path.write_text(VTT, encoding="utf-8")
    cues = read_captions(path)
    assert len(cues) == 2
    assert cues[0] == Cue(0.0, 2.5, "Opening <b>titles</b>", "intro", "line:0 align:start")
    assert cues[1].start == 3600.0 and cues[1].id is None


def test_srt_to_webvtt_round_trip(tmp_path):
    path = tmp_path / "clip.srt"
    path.write_text(SRT, encoding="utf-8")
    vtt = to_webvtt(read_captions(path))
    assert vtt.startswith("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.500\n铜镜")
    assert "00:00:05.000 --> 00:01:02.250\n" in vtt
    again = tmp_path / "again.vtt"
    again.write_text(vtt, encoding="utf-8")
    assert [(c.start, c.end, c.text) for c in read_captions(again)] == \
           [(c.start, c.end, c.text) for c in read_captions(path)]


def test_chapters_are_plain_text_vtt():
    vtt = to_webvtt([Cue(0, 30, "<b>Casting</b> &amp; moulds", "ch1"), Cue(30, 60, "Polishing", "ch2")],
                    kind="chapters")
    assert vtt == ("WEBVTT\n\nch1\n00:00:00.000 --> 00:00:30.000\nCasting & moulds\n\n"
                   "ch2\n00:00:30.000 --> 00:01:00.000\nPolishing\n")
    with pytest.raises(ValueError):
        to_webvtt([], kind="karaoke")


@pytest.mark.parametrize("text,line", [
    ("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 --> 00:0x:04,000\nbad\n", 6),
    ("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:05,000 --> 00:00:04,000\nbackwards\n", 6),
    ("1\n00:00:01,000 00:00:02,000\nno arrow\n", 2),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n00:03.000 --> 00:61.000\nbad seconds\n", 6),
    ("WEBVTT\n\nid\n00:01.000 --> \nno end\n", 4),
])
def test_broken_timecodes_name_the_line(tmp_path, text, line):
    path = tmp_path / "bad.srt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MediaError, match=rf"^line {line}:"):
        read_captions(path)


def test_gbk_srt_is_read(tmp_path):
    path = tmp_path / "gbk.srt"
    path.write_bytes("1\n00:00:01,000 --> 00:00:02,000\n青铜器\n".encode("gbk"))
    assert read_captions(path)[0].text == "青铜器"


def test_binary_garbage_is_not_captions(tmp_path, media):
    with pytest.raises(MediaError):
        read_captions(media["png"])
    path = tmp_path / "prose.srt"
    path.write_text("Once upon a time\nthere was a bronze.\n")
    with pytest.raises(MediaError, match="line 1"):
        read_captions(path)


def test_audio_with_cover_art_is_audio(media, tmp_path):
    cover = tmp_path / "cover.png"
    Image.new("RGB", (300, 300), (10, 120, 200)).save(cover)
    song = tmp_path / "with-cover.mp3"
    ffmpeg("-i", str(media["mp3"]), "-i", str(cover), "-map", "0:a", "-map", "1:v", "-c:a", "copy", "-c:v", "png",
           "-disposition:v", "attached_pic", "-id3v2_version", "3", str(song))
    info = probe_av(song)
    assert info.kind == "audio" and info.width is None
    facts = make_audio_derivatives(song, out(tmp_path))
    assert facts["web_codecs"] == ["aac"]
    with pytest.raises(MediaError):
        make_video_derivatives(song, out(tmp_path))


def test_odd_sized_video_is_made_even(tmp_path):
    source = tmp_path / "odd.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=321x181:rate=25:duration=1", "-c:v", "ffv1", str(source))
    facts = make_video_derivatives(source, out(tmp_path))
    assert facts["web_width"] % 2 == 0 and facts["web_height"] % 2 == 0
    assert facts["web_height"] == 180


def test_playlists_that_would_open_other_files_are_refused(media, tmp_path):
    """An HLS playlist or concat list called .mp4 must never make FFmpeg read another file or URL."""
    playlist = tmp_path / "evil.mp4"
    playlist.write_text("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\n"
                        f"file://{media['video']}\n#EXTINF:10.0,\nhttp://example.invalid/x.ts\n#EXT-X-ENDLIST\n")
    concat = tmp_path / "list.mp4"
    concat.write_text(f"ffconcat version 1.0\nfile '{media['video']}'\n")
    for path in (playlist, concat):
        with pytest.raises(MediaError, match="text"):
            probe_av(path)
        with pytest.raises(MediaError):
            make_video_derivatives(path, out(tmp_path))


def test_ffmpeg_timeout_is_a_media_error(media, tmp_path):
    with pytest.raises(MediaError, match="longer than"):
        make_video_derivatives(media["video"], out(tmp_path), timeout=0.01, progress=lambda p: None)
    with pytest.raises(MediaError, match="longer than"):
        make_video_derivatives(media["video"], out(tmp_path), timeout=0.01)
    assert not list((tmp_path / "derivatives").iterdir())
