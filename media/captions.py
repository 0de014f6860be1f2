"""Captions, chapters and transcripts: WebVTT or SRT read by content (any of the encodings real files come
in), parsed with line-numbered errors, and always written out as WebVTT."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .errors import MediaError


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    id: str | None = None
    settings: str = ""  # WebVTT cue settings ("line:0 align:start"), kept through conversion


_TS = r"(?:(\d+):)?([0-5]?\d):([0-5]\d)[.,](\d{1,3})"
_TIME = re.compile(r"^" + _TS + r"$")
CAPTION_KINDS = ("captions", "subtitles", "chapters", "descriptions", "metadata")
MAX_CAPTION_BYTES = 20_000_000


def _parse_time(text: str, line_no: int) -> float:
    match = _TIME.match(text.strip())
    if not match:
        raise MediaError(f"line {line_no}: bad timecode {text.strip()!r}")
    hours, minutes, seconds, fraction = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(fraction.ljust(3, "0")) / 1000


def _decode_caption_bytes(data: bytes) -> str:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise MediaError("not a caption file (it holds binary data)")
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:  # many Chinese SRT files are GBK
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise MediaError("the caption file is not UTF-8 text") from None


def read_captions(path: Path) -> list[Cue]:
    """Cues of a WebVTT or SRT file (detected by content); MediaError naming the line of any bad timing."""
    path = Path(path)
    if path.stat().st_size > MAX_CAPTION_BYTES:
        raise MediaError(f"the caption file is larger than {MAX_CAPTION_BYTES} bytes")
    return parse_captions(_decode_caption_bytes(path.read_bytes()))


def parse_captions(text: str) -> list[Cue]:
    text = text.lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[0].strip() if lines else ""
    if first.startswith("WEBVTT") and (len(first) == 6 or first[6] in " \t"):
        return _parse_vtt(lines)
    if first.startswith("WEBVTT"):
        raise MediaError("line 1: the WebVTT header must be 'WEBVTT' alone or followed by a space")
    return _parse_srt(lines)


def _parse_timing(line: str, line_no: int) -> tuple[float, float, str]:
    if "-->" not in line:
        raise MediaError(f"line {line_no}: expected a timing line 'start --> end', found {line.strip()!r}")
    left, right = line.split("-->", 1)
    right_parts = right.strip().split(None, 1)
    if not right_parts:
        raise MediaError(f"line {line_no}: the timing line has no end time")
    start = _parse_time(left, line_no)
    end = _parse_time(right_parts[0], line_no)
    settings = right_parts[1].strip() if len(right_parts) > 1 else ""
    if end < start:
        raise MediaError(f"line {line_no}: the cue ends ({right_parts[0]}) before it starts ({left.strip()})")
    return start, end, settings


def _parse_vtt(lines: list[str]) -> list[Cue]:
    cues: list[Cue] = []
    i = 1
    # header block: skip to the first blank line
    while i < len(lines) and lines[i].strip():
        if "-->" in lines[i]:
            raise MediaError(f"line {i + 1}: a blank line must separate the WEBVTT header from the first cue")
        i += 1
    n = len(lines)
    while i < n:
        while i < n and not lines[i].strip():
            i += 1
        if i >= n:
            break
        block_start = i
        head = lines[i].strip()
        if head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
            while i < n and lines[i].strip():
                i += 1
            continue
        cue_id = None
        if "-->" not in lines[i]:
            cue_id = lines[i].strip()
            i += 1
            if i >= n or not lines[i].strip():
                raise MediaError(f"line {block_start + 1}: cue {cue_id!r} has no timing line")
        start, end, settings = _parse_timing(lines[i], i + 1)
        i += 1
        body = []
        while i < n and lines[i].strip():
            if "-->" in lines[i]:
                raise MediaError(f"line {i + 1}: a cue's text may not contain '-->' (a blank line is missing?)")
            body.append(lines[i].rstrip())
            i += 1
        cues.append(Cue(start, end, "\n".join(body), cue_id, settings))
    return cues


def _parse_srt(lines: list[str]) -> list[Cue]:
    cues: list[Cue] = []
    n = len(lines)
    i = 0
    found_any = False
    while i < n:
        while i < n and not lines[i].strip():
            i += 1
        if i >= n:
            break
        cue_id = None
        if "-->" not in lines[i]:
            candidate = lines[i].strip()
            if not candidate.isdigit():
                if not found_any:
                    raise MediaError(f"line {i + 1}: not a WebVTT or SRT caption file (expected a cue number "
                                     f"or timing, found {candidate[:40]!r})")
                raise MediaError(f"line {i + 1}: expected a cue number, found {candidate[:40]!r}")
            cue_id = candidate
            i += 1
            if i >= n:
                raise MediaError(f"line {i}: cue {cue_id} has no timing line")
        start, end, _settings = _parse_timing(lines[i], i + 1)  # SRT's X1: Y1: coordinates are dropped
        found_any = True
        i += 1
        body = []
        while i < n and lines[i].strip():
            body.append(lines[i].rstrip())
            i += 1
        cues.append(Cue(start, end, _srt_text("\n".join(body)), cue_id))
    if not found_any:
        raise MediaError("line 1: the caption file holds no cues")
    return cues


_ALLOWED_TAG = re.compile(r"</?(?:i|b|u)>", re.IGNORECASE)


def _srt_text(text: str) -> str:
    """SRT markup to WebVTT cue text: keep <i>, <b>, <u>; drop <font>, {\\an8}; escape & and stray <."""
    text = re.sub(r"\{\\[^}]*\}", "", text)
    out = []
    pos = 0
    for match in re.finditer(r"<[^<>\n]*>", text):
        out.append(_escape(text[pos:match.start()]))
        tag = match.group(0)
        if _ALLOWED_TAG.fullmatch(tag):
            out.append(tag.lower())
        pos = match.end()
    out.append(_escape(text[pos:]))
    return "".join(out)


def _escape(text: str) -> str:
    text = re.sub(r"&(?!(?:amp|lt|gt|nbsp|lrm|rlm|#\d+|#x[0-9a-fA-F]+);)", "&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _strip_markup(text: str) -> str:
    text = re.sub(r"<[^>]*>", "", text)
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ").replace("&amp;", "&"))


def cue_plain_text(cue: Cue) -> str:
    """The cue's text without markup (for transcripts and search)."""
    return _strip_markup(cue.text)


def format_timestamp(seconds: float) -> str:
    millis = int(round(max(seconds, 0.0) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def to_webvtt(cues: Iterable[Cue], kind: str = "captions") -> str:
    """WebVTT text for ``cues`` (chapters get plain-text titles)."""
    if kind not in CAPTION_KINDS:
        raise ValueError(f"kind must be one of {CAPTION_KINDS}, not {kind!r}")
    out = ["WEBVTT", ""]
    seen: set[str] = set()
    for cue in cues:
        if cue.end < cue.start:
            raise ValueError(f"cue {cue.id or ''} ends before it starts")
        if cue.id:
            ident = cue.id.replace("\n", " ").replace("-->", "->").strip()
            if ident in seen:
                ident = f"{ident}-{len(seen)}"
            seen.add(ident)
            out.append(ident)
        timing = f"{format_timestamp(cue.start)} --> {format_timestamp(cue.end)}"
        if cue.settings:
            timing += " " + cue.settings
        out.append(timing)
        text = _strip_markup(cue.text) if kind == "chapters" else cue.text
        lines = [line.replace("-->", "→") for line in text.split("\n") if line.strip()]
        out.extend(lines)
        out.append("")
    return "\n".join(out)


def captions_to_webvtt(path: Path, kind: str = "captions") -> str:
    """Read a VTT or SRT file and return it as WebVTT text."""
    return to_webvtt(read_captions(path), kind)
