"""Date text as catalogues write it → years (start, end); negative years are BCE.

One parser for the CSV's ``date_start``/``date_end`` columns and for ``period`` text, in English
and Chinese (simplified or traditional, full-width digits)::

    1850  -1046  c.1850  ca. 1850  1850?  [1850]  1850s  1800s  1997-9  c.1997-9  1850–1860
    19th century  early 19th century  5th century BC  19th-20th century  1046 BC  AD 25
    公元前1046年  前771年  公元前1046年—前771年  约1850年  1850年左右  1850年代  19世纪  19世纪中叶
    明  明代  明代晚期  明万历  万历  万历十年  清乾隆年间  康熙  乾隆三十年  清乾隆（1736—1795）
    Ming dynasty  Qing dynasty, Qianlong period  Wanli reign
    no date  n.d.  undated  unknown  不详  年代不详  无  →  no date (not an error)

:func:`parse_years` answers ``(start, end)`` or None and never raises on any text;
:func:`read_dates` reads a record's two columns and its period the way ingest needs them, with
warnings for text it cannot read (the record keeps empty years).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from exhibits import eras as era_table

Years = tuple[int, int]

NO_DATE = frozenset({
    "no date", "n.d", "n. d", "nd", "n/d", "undated", "unknown", "date unknown", "not dated", "s.d", "sd", "none",
    "-", "--", "?", "??", "不详", "年代不详", "年代未详", "未详", "未知", "无", "无年代", "年代不明", "不明", "待考", "年代待考",
})
#: Phases of a period or century: (first, last) fraction of its years.
PHASES = {
    "早期": (0, 1 / 3), "初期": (0, 1 / 3), "前期": (0, 1 / 3), "初": (0, 1 / 3), "上半叶": (0, 1 / 2),
    "中期": (1 / 3, 2 / 3), "中叶": (1 / 3, 2 / 3), "中": (1 / 3, 2 / 3),
    "晚期": (2 / 3, 1), "末期": (2 / 3, 1), "后期": (2 / 3, 1), "末": (2 / 3, 1), "末叶": (2 / 3, 1), "下半叶": (1 / 2, 1),
    "early": (0, 1 / 3), "mid": (1 / 3, 2 / 3), "middle": (1 / 3, 2 / 3), "late": (2 / 3, 1),
    "first half": (0, 1 / 2), "second half": (1 / 2, 1), "end": (2 / 3, 1), "beginning": (0, 1 / 3),
}
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DASHES = re.compile(r"\s*(?:[-‐‑‒–—―－~～〜]+|至|到|\bto\b|/)\s*")
_CIRCA = re.compile(r"^(?:circa|approximately|approx\.?|about|around|ca\.|c\.|ca(?=\s*\d)|c(?=\s*\d)|大约|大概|约)\s*")
_CIRCA_SUFFIX = re.compile(r"\s*(?:左右|前后|许|\?|？)$")
_BCE = r"(?:b\.?\s?c\.?(?:\s?e\.?)?)"
_CE = r"(?:a\.?\s?d\.?|c\.?\s?e\.?)"
_YEAR = re.compile(rf"^(?P<pre>公元前|前|公元|{_CE}\s*)?(?P<n>\d{{1,5}})\s*年?\s*(?P<post>{_BCE}|{_CE})?$")
_DECADE = re.compile(r"^(?P<n>\d{3})0\s*'?s$|^(?P<zh>\d{3})0\s*年代$")
_CENTURY_S = re.compile(r"^(?P<n>\d{2})00\s*'?s$")
_ORD = r"(?:st|nd|rd|th)?"
_CENTURY_EN = re.compile(
    rf"^(?:(?P<phase>early|mid|middle|late|first half of(?: the)?|second half of(?: the)?|end of(?: the)?|beginning of(?: the)?)\s*-?\s*)?"
    rf"(?:the\s+)?(?P<n>\d{{1,2}}){_ORD}\s*(?:-\s*(?P<m>\d{{1,2}}){_ORD}\s*)?(?:century|centuries|cent\.?|c\.?)\s*(?P<era>{_BCE}|{_CE})?$")
_CENTURY_ZH = re.compile(r"^(?P<pre>公元前|前|公元)?(?P<n>\d{1,2}|[一二三四五六七八九十]{1,3})世纪"
                         r"(?:(?P<phase>初期|初|早期|前期|上半叶|中期|中叶|中|末期|末叶|末|晚期|后期|下半叶)|(?P<half>\d{1,2}0)年代)?$")
_PARENS = re.compile(r"[（(\[［【]([^）)\]］】]*)[）)\]］】]")
_ERA_YEAR = re.compile(r"^(?P<num>元|[〇零○一二两三四五六七八九十廿卅]{1,4}|\d{1,2})年")
_ZH_TAIL = re.compile(r"(年间|年间制|年制|年造|年款|御制|款|间|时期|时代|王朝|朝|代)$")


@dataclass
class DateReading:
    """A record's years as read from its date columns (or its period), with what could not be read."""

    start: int | None = None
    end: int | None = None
    warnings: list[str] = field(default_factory=list)
    #: "date" (the date columns), "period" (derived from the period text) or None (no years).
    source: str | None = None


def is_no_date(text: str | None) -> bool:
    """True for empty text and the ways catalogues say there is no date (``n.d.``, ``不详``)."""
    if text is None:
        return True
    t = _normalise(text).strip(" .")
    return not t or t in NO_DATE or t.rstrip(".") in NO_DATE


def parse_years(text: str | None) -> Years | None:
    """``(start, end)`` of a date text, or None when it names no date or cannot be read (never raises)."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    return _parse_text(text)


@lru_cache(maxsize=8192)
def _parse_text(text: str) -> Years | None:
    # catalogues repeat their period and date texts: each is read once
    if is_no_date(text):
        return None
    return _parse(_normalise(text))


def read_dates(date_start: str | None, date_end: str | None, period: str | None = None) -> DateReading:
    """Years of a record from its ``date_start``/``date_end`` text, else from its ``period``.

    One column holding a span (``1850s``, ``明万历``, ``1997-9``) gives both years when the other is
    empty. Text that is not a date we can read leaves the years empty with a warning naming the column.
    """
    out = DateReading()
    spans: dict[str, Years | None] = {}
    for column, text in (("date_start", date_start), ("date_end", date_end)):
        if is_no_date(text):
            spans[column] = None
            continue
        span = parse_years(text)
        if span is None:
            out.warnings.append(f"{column} {text.strip()!r} is not a date we can read; its years are left empty")
        spans[column] = span
    first, last = spans["date_start"], spans["date_end"]
    if first and last:
        out.start, out.end = first[0], last[1]
    elif first or last:
        out.start, out.end = first or last
    if out.start is not None:
        out.source = "date"
    elif period and not out.warnings:
        span = parse_years(period)
        if span:
            out.start, out.end = span
            out.source = "period"
    return out


# ---------------------------------------------------------------- internals


@lru_cache(maxsize=4096)
def _normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).strip().lower()
    if re.search(r"[\u3400-\u9fff]", t):
        t = _simplified(t)
    t = re.sub(r"\s+", " ", t)
    return t


def _simplified(text: str) -> str:
    try:
        converter = _converter()
    except ImportError:  # opencc is a dependency; without it traditional text is read as written
        return text
    return converter.convert(text)


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _parse(t: str) -> Years | None:
    t = t.strip(" ,;.。，；")
    if not t:
        return None
    inner = None
    for m in _PARENS.finditer(t):
        inner = inner or _parse(m.group(1))
    if inner is not None:
        return inner
    t = _PARENS.sub(" ", t).strip(" ,;.。，；")
    t = _CIRCA_SUFFIX.sub("", _CIRCA.sub("", t)).strip()
    if not t:
        return None
    single = _span(t)
    if single is not None:
        return single
    return _range(t)


def _range(t: str) -> Years | None:
    signed = _signed_range(t)
    if signed is not None:
        return signed
    parts = [p for p in _DASHES.split(t) if p]
    if len(parts) != 2:
        return None
    a_txt, b_txt = parts
    a_txt, b_txt = _CIRCA.sub("", a_txt), _CIRCA.sub("", b_txt)
    b_bce = re.search(rf"{_BCE}$|^公元前|^前", b_txt) is not None
    a_bce = re.search(rf"{_BCE}$|^公元前|^前", a_txt) is not None
    a = _span(a_txt)
    if b_bce and not a_bce and re.fullmatch(r"\d{1,5}", a_txt):  # "1046-771 bc"
        a = (-int(a_txt), -int(a_txt))
    if a is None:
        return None
    if re.fullmatch(r"\d{1,3}", b_txt) and re.fullmatch(r"\d{3,4}", a_txt) and len(b_txt) < len(a_txt):
        # "1997-9", "1850-60": the later year's last digits
        full = int(a_txt[: len(a_txt) - len(b_txt)] + b_txt)
        b = (full, full) if full >= a[0] else None
    elif a_bce and re.fullmatch(r"\d{1,5}\s*年?", b_txt):  # "公元前475-221年"
        n = int(re.match(r"\d+", b_txt).group())
        b = (-n, -n)
    else:
        b = _span(b_txt)
    if b is None:
        return None
    return min(a[0], b[0]), max(a[1], b[1])


def _signed_range(t: str) -> Years | None:
    """Two years as the CSV writes them, BCE ones negative: ``-1046--771``, ``-500..-200``, ``-206-8``."""
    m = re.fullmatch(r"(-?\d{1,5})\s*(?:\.\.|[-–—])\s*(-?\d{1,5})", t)
    if m and not m.group(1).startswith("-") and not m.group(2).startswith("-"):
        return None  # 1850-60, 1997-9: read by _range
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    return (a, b) if a <= b else None


def _span(t: str) -> Years | None:
    t = t.strip(" ,;.。，；")
    if not t:
        return None
    m = re.fullmatch(r"-?\d{1,4}", t)
    if m:
        y = int(t)
        return (y, y) if y != 0 else None
    m = _YEAR.match(t)
    if m:
        n = int(m.group("n"))
        pre, post = (m.group("pre") or "").strip(), (m.group("post") or "")
        bce = pre in ("公元前", "前") or bool(post and re.fullmatch(_BCE, post))
        if n == 0 or (n > 9999 and not bce) or (not bce and n > 2200):
            return None
        y = -n if bce else n
        return y, y
    if re.fullmatch(r"[〇零○一二三四五六七八九]{4}年?", t):  # 一八五〇年
        y = int("".join(str(_CN_DIGITS[c]) for c in t.rstrip("年")))
        return y, y
    m = _CENTURY_S.match(t)  # 1800s: the nineteenth century, as catalogues use it
    if m:
        base = int(m.group("n")) * 100
        return base, base + 99
    m = _DECADE.match(t)
    if m:
        base = int(m.group("n") or m.group("zh")) * 10
        return base, base + 9
    m = _CENTURY_EN.match(t)
    if m:
        bce = bool(m.group("era") and re.fullmatch(_BCE, m.group("era")))
        first = _century(int(m.group("n")), bce)
        last = _century(int(m.group("m")), bce) if m.group("m") else first
        if first is None or last is None:
            return None
        span = (min(first[0], last[0]), max(first[1], last[1]))
        phase = (m.group("phase") or "").replace(" of the", "").replace(" of", "").strip()
        return _phase(span, PHASES.get(phase)) if phase and not m.group("m") else span
    m = _CENTURY_ZH.match(t)
    if m:
        n = _cn_number(m.group("n"))
        span = _century(n, m.group("pre") in ("公元前", "前")) if n else None
        if span is None:
            return None
        if m.group("half"):  # 19世纪50年代
            decade = int(m.group("half"))
            start = span[0] + decade if span[0] >= 0 else span[1] + 1 - decade - 10
            return start, start + 9
        return _phase(span, PHASES.get(m.group("phase") or ""))
    return _named(t)


def _century(n: int, bce: bool) -> Years | None:
    if not 1 <= n <= 30:
        return None
    if bce:
        return -100 * n, -100 * (n - 1) - 1
    return 100 * (n - 1), 100 * n - 1


def _phase(span: Years, fraction: tuple[float, float] | None) -> Years:
    if not fraction:
        return span
    start, end = span
    length = end - start + 1
    return start + int(length * fraction[0]), start + max(int(length * fraction[1]) - 1, 0)


def _cn_number(text: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23, 廿三 → 23, 元 → 1; also Arabic digits."""
    if text.isdigit():
        return int(text)
    if text == "元":
        return 1
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        t = _CN_DIGITS.get(tens, None) if tens else 1
        o = _CN_DIGITS.get(ones, None) if ones else 0
        if t is None or o is None:
            return None
        return t * 10 + o
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS[text] or None
    return None


def _named(t: str) -> Years | None:
    """A period, a period group, a reign era, optionally with a year of the era and a phase."""
    if re.search(r"[\u3400-\u9fff]", t):
        return _named_zh(t.replace(" ", ""))
    return _named_en(t)


def _named_zh(t: str) -> Years | None:
    found = _named_zh_phase(t, None)
    if found is not None:
        return found
    for name in sorted(PHASES, key=len, reverse=True):  # 明代晚期, 19世纪末: a phase of the period
        if re.search(r"[\u3400-\u9fff]", name) and t.endswith(name) and len(t) > len(name):
            return _named_zh_phase(t[: -len(name)], PHASES[name])
    return None


def _named_zh_phase(t: str, phase: tuple[float, float] | None) -> Years | None:
    table = era_table.table()
    t = _ZH_TAIL.sub("", t) if len(t) > 1 else t
    if len(t) > 2 and t[0] == "大" and t[1] in "汉唐宋元明清":  # reign marks: 大明宣德年制, 大清乾隆年制
        t = t[1:]
    period = None
    for name in sorted(list(table.periods) + list(table.groups), key=len, reverse=True):
        if t.startswith(name):
            rest = t[len(name):]
            rest = re.sub(r"^(时期|时代|王朝|朝|代)", "", rest)
            if not rest or _era_part(rest, name) is not None:
                period, t = name, rest
                break
    if period is not None and not t:
        if period in table.groups:
            start, end, _ = table.groups[period]
            return _phase((start, end), phase)
        p = table.periods[period]
        return _phase((p.start, p.end), phase)
    era = _era_part(t, period)
    if era is None:
        return None
    return _phase(era, phase) if era[0] != era[1] else era


@lru_cache(maxsize=1)
def _era_names() -> dict[str, str]:
    """Era names as the normalised text spells them (OpenCC turns 乾封 into 干封) → the table's name."""
    out = {}
    for name in era_table.table().eras_by_name:
        out.setdefault(name, name)
        out.setdefault(_simplified(name), name)
    return out


def _era_part(t: str, period: str | None) -> Years | None:
    """``万历``, ``万历十年``, ``万历年间``, ``乾隆三十年``."""
    t = _ZH_TAIL.sub("", t) if len(t) > 2 else t
    for length in range(min(len(t), 4), 1, -1):
        name, rest = _era_names().get(t[:length]), t[length:]
        if name is None:
            continue
        era = era_table.find_era(name, era_table.dynasty_of(period) if period else None)
        if era is None and period:
            era = era_table.find_era(name, period)
        if era is None:
            continue
        if not rest:
            return era.start, era.end
        m = _ERA_YEAR.match(rest)
        if m and not rest[m.end():].strip("间制造款"):
            number = _cn_number(m.group("num"))
            if number is None or number < 1 or number > era.end - era.start + 2:
                return None
            y = era.year(number)
            return y, y
        return None
    return None


_EN_NOISE = re.compile(r"\b(dynasty|dynasties|period|reign|era|mark and period of|mark|of|the)\b")


def _named_en(t: str) -> Years | None:
    table = era_table.table()
    words = re.sub(r"[,;:]", " ", t)
    phase = None
    for name in ("first half", "second half", "early", "middle", "mid", "late"):
        if re.match(rf"^{name}\b", words.strip()):
            phase = PHASES[name]
            words = words.strip()[len(name):]
            break
    words = re.sub(r"\s+", " ", _EN_NOISE.sub(" ", words)).strip(" -")
    if not words:
        return None
    names = {en: zh for zh, p in table.periods.items() for en in p.en}
    if words in names:
        p = table.periods[names[words]]
        return _phase((p.start, p.end), phase)
    # "qing qianlong", "ming wanli", "qianlong", "wanli 10"
    parts = words.split(" ")
    period = None
    for n in range(len(parts), 0, -1):
        head = " ".join(parts[:n])
        if head in names:
            period, parts = names[head], parts[n:]
            break
    if not parts:
        return None
    era = era_table.era_pinyin().get("".join(parts[:1]))
    if era is None and len(parts) >= 2:
        era = era_table.era_pinyin().get("".join(parts[:2]))
        parts = [parts[0] + parts[1]] + parts[2:] if era else parts
    if era is None:
        return None
    if period and era_table.dynasty_of(era.period) != era_table.dynasty_of(period):
        return None
    if len(parts) == 1:
        return era.start, era.end
    if len(parts) == 2 and parts[1].isdigit():
        number = int(parts[1])
        if 1 <= number <= era.end - era.start + 2:
            y = era.year(number)
            return y, y
    return None
