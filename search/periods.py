"""Chinese period (dynasty) names and their year ranges (negative years are BCE).

``period:商`` and ``商代`` match items whose dates overlap the Shang's years, not only
items whose period text says 商.
"""
from __future__ import annotations

import re

from search.analysis import fold, to_simplified

#: canonical zh name → (start, end, English names)
PERIODS: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "新石器时代": (-10000, -2071, ("neolithic",)),
    "夏": (-2070, -1601, ("xia",)),
    "商": (-1600, -1046, ("shang",)),
    "周": (-1046, -256, ("zhou",)),
    "西周": (-1046, -771, ("western zhou",)),
    "东周": (-770, -256, ("eastern zhou",)),
    "春秋": (-770, -476, ("spring and autumn",)),
    "战国": (-475, -221, ("warring states",)),
    "秦": (-221, -207, ("qin",)),
    "汉": (-206, 220, ("han",)),
    "西汉": (-206, 8, ("western han",)),
    "新": (9, 23, ("xin",)),
    "东汉": (25, 220, ("eastern han",)),
    "三国": (220, 280, ("three kingdoms",)),
    "晋": (265, 420, ("jin",)),
    "西晋": (265, 316, ("western jin",)),
    "东晋": (317, 420, ("eastern jin",)),
    "南北朝": (420, 589, ("northern and southern dynasties", "southern and northern dynasties")),
    "隋": (581, 618, ("sui",)),
    "唐": (618, 907, ("tang",)),
    "五代": (907, 960, ("five dynasties", "five dynasties and ten kingdoms")),
    "五代十国": (907, 979, ()),
    "宋": (960, 1279, ("song",)),
    "北宋": (960, 1127, ("northern song",)),
    "南宋": (1127, 1279, ("southern song",)),
    "辽": (907, 1125, ("liao",)),
    "西夏": (1038, 1227, ("western xia",)),
    "金": (1115, 1234, ("jin dynasty", "jurchen jin")),
    "元": (1271, 1368, ("yuan",)),
    "明": (1368, 1644, ("ming",)),
    "清": (1644, 1911, ("qing",)),
    "民国": (1912, 1949, ("republic of china", "republican", "republic")),
    "现代": (1949, 2100, ("modern", "contemporary", "people's republic")),
}

_SUFFIX = re.compile(r"(时期|时代|王朝|朝|代)$")
_EN_SUFFIX = re.compile(r"\s+(dynasty|period)$")

_BY_NAME: dict[str, str] = {}
for _zh, (_s, _e, _ens) in PERIODS.items():
    _BY_NAME[_zh] = _zh
    for _en in _ens:
        _BY_NAME[_en] = _zh
#: Names that are plain words elsewhere: without a suffix they are not read as periods in free text.
_AMBIGUOUS = {zh for zh in PERIODS if len(zh) == 1} | {"周", "新", "金"}


def canonical(name: str) -> str | None:
    """The canonical zh name of a period name (商, 商代, 商朝, Shang, Shang dynasty...), or None."""
    if not name:
        return None
    text = to_simplified(name.strip())
    key = fold(text).strip()
    key = _EN_SUFFIX.sub("", key)
    if key in _BY_NAME:
        return _BY_NAME[key]
    stripped = _SUFFIX.sub("", text)
    if stripped != text and stripped in _BY_NAME:
        return _BY_NAME[stripped]
    # "商代晚期", "西周早期", "明代中期": a period name followed by a phase
    for zh in sorted(PERIODS, key=len, reverse=True):
        if text.startswith(zh) and re.fullmatch(r"(时期|时代|王朝|朝|代)?(早期|中期|晚期|初期|末期|前期|后期)?", text[len(zh):]):
            return zh
    return None


def free_text_period(word: str) -> str | None:
    """A period named by a bare query word: 商代, 西周, 春秋; 商 alone is too ambiguous."""
    zh = canonical(word)
    if zh is None:
        return None
    text = to_simplified(word.strip())
    if zh in _AMBIGUOUS and text == zh:
        return None
    if not has_cjk(text):  # English bare words (Ming, Song, Han...) are also names and words
        return None
    return zh


def has_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


def years(name: str) -> tuple[int, int] | None:
    zh = canonical(name)
    if zh is None:
        return None
    start, end, _ = PERIODS[zh]
    return start, end


def from_years(start: int | None, end: int | None) -> str | None:
    """The narrowest listed period containing [start, end] (for the period facet of undated text)."""
    if start is None and end is None:
        return None
    start = start if start is not None else end
    end = end if end is not None else start
    best = None
    for zh, (s, e, _) in PERIODS.items():
        if zh in ("五代十国",):
            continue
        if s <= start and end <= e and (best is None or (e - s) < (PERIODS[best][1] - PERIODS[best][0])):
            best = zh
    return best


def query_range(zh: str) -> tuple[int, int]:
    """A period's years for matching: the last year is left out when the next period starts in it
    (the Shang ends in -1046, the year the Western Zhou begins)."""
    start, end, _ = PERIODS[zh]
    if any(s == end and z != zh for z, (s, _e, _n) in PERIODS.items()):
        end -= 1
    return start, end
