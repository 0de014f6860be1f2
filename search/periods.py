"""Chinese period (dynasty) names, period groups and reign eras, for the search.

The names and years come from the one table in :mod:`exhibits.eras` (``exhibits/eras.yaml``),
which the date parser :mod:`exhibits.dates` reads too. ``period:商`` and ``商代`` match items
whose dates overlap the Shang's years, not only items whose period text says 商; ``period:明``
finds 明永乐 and 明宣德 (a dynasty finds its reigns); ``明清`` covers both dynasties; ``万历`` the
years of the Wanli reign.
"""
from __future__ import annotations

import re
from functools import lru_cache

from exhibits import dates, eras
from search.analysis import fold, to_simplified

#: canonical zh name → (start, end, English names)
PERIODS: dict[str, tuple[int, int, tuple[str, ...]]] = {
    zh: (p.start, p.end, p.en) for zh, p in eras.periods().items()
}

_SUFFIX = re.compile(r"(时期|时代|王朝|朝|代)$")
_EN_SUFFIX = re.compile(r"\s+(dynasty|period)$")
_PHASE = re.compile(r"(时期|时代|王朝|朝|代)?(早期|中期|晚期|初期|末期|前期|后期)?")

_BY_NAME: dict[str, str] = {}
for _zh, (_s, _e, _ens) in PERIODS.items():
    _BY_NAME[_zh] = _zh
    for _en in _ens:
        _BY_NAME[_en] = _zh
#: Names that are plain words elsewhere: without a suffix they are not read as periods in free text.
_AMBIGUOUS = {zh for zh in PERIODS if len(zh) == 1} | {"周", "新", "金"}


@lru_cache(maxsize=8192)
def canonical(name: str) -> str | None:
    """The canonical zh period of a period or reign name (商, 商代, Shang dynasty, 明永乐, 永乐,
    大清乾隆年制 → 商, 商, 商, 明, 明, 清), or None."""
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
        if text.startswith(zh) and _PHASE.fullmatch(text[len(zh):]):
            return zh
    return era_period(text)


@lru_cache(maxsize=8192)
def era_period(text: str) -> str | None:
    """The period of a reign named in ``text`` (明永乐, 永乐年间, 清乾隆三十年, Qianlong), or None."""
    span = dates.parse_years(text)
    if span is None:
        return None
    folded = fold(to_simplified(text))
    for era in eras.eras():
        if era.name in text or era.name in folded or to_simplified(era.name) in text:
            if era.start <= span[0] and span[1] <= era.end and _named_before(text, era):
                return era.period
    for key, era in eras.era_pinyin().items():
        if key in folded.replace(" ", "") and era.start <= span[0] and span[1] <= era.end:
            return era.period
    return None


def _named_before(text: str, era: eras.Era) -> bool:
    """The text names the era's period or no other period (明永乐, 永乐: yes; 清永乐: no)."""
    named = [zh for zh in PERIODS if zh in text and zh not in era.name]
    return not named or any(eras.dynasty_of(era.period) == eras.dynasty_of(zh) or era.period == zh for zh in named)


def free_text_period(word: str) -> str | None:
    """A period named by a bare query word: 商代, 西周, 春秋; 商 alone is too ambiguous."""
    zh = canonical(word)
    if zh is None or zh not in PERIODS:
        return None
    text = to_simplified(word.strip())
    if zh in _AMBIGUOUS and text == zh:
        return None
    if not has_cjk(text):  # English bare words (Ming, Song, Han...) are also names and words
        return None
    if text not in (zh, ) and not _SUFFIX.search(text) and not _PHASE.fullmatch(text[len(zh):] if text.startswith(zh) else "x"):
        return None  # a reign (明永乐): see free_text_range
    return zh


@lru_cache(maxsize=8192)
def free_text_range(word: str) -> tuple[int, int] | None:
    """The years a bare Chinese query word names: a period (唐代, 西周), a group of periods (明清,
    秦汉) or a reign (万历, 明永乐, 康熙); None for other words and for eras that are also plain words
    or places (广德, 绍兴)."""
    text = to_simplified((word or "").strip())
    if not text or not has_cjk(text) or not re.fullmatch(r"[\u3400-\u9fff]+", text):
        return None
    zh = free_text_period(text)
    if zh is not None:
        return query_range(zh)
    table = eras.table()
    stripped = _SUFFIX.sub("", text)
    for name in (text, stripped):
        if name in table.groups:
            start, end, (_first, last) = table.groups[name]
            return start, query_range(last)[1]
    if len(text) < 2 or text in table.common_words or stripped in table.common_words:
        return None
    if era_period(text) is None:
        return None
    return dates.parse_years(text)


@lru_cache(maxsize=8192)
def period_range(text: str) -> tuple[int, int] | None:
    """The years a field value names (``period:明``, ``date:明万历``): a period's years (without the
    year the next one starts in), a group's, or a reign's; None when it names none."""
    zh = canonical(text)
    if zh is not None and era_period(to_simplified(text.strip())) is None:
        return query_range(zh)
    text = to_simplified((text or "").strip())
    table = eras.table()
    stripped = _SUFFIX.sub("", text)
    for name in (text, stripped):
        if name in table.groups:
            start, end, (_first, last) = table.groups[name]
            return start, query_range(last)[1]
    if zh is not None:
        return dates.parse_years(text) or query_range(zh)
    return None


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


def chronological(entries: list[dict], limit: int | None = None) -> list[dict]:
    """Period facet entries (``{"value", "count", ...}``) in the order of the eras, not by count.

    The ``limit`` most frequent periods are kept first (a facet shows a dozen), then put in date order; values that
    name no known period follow, by count.
    """
    chosen = sorted(entries, key=lambda e: -e.get("count", 0))[:limit] if limit else list(entries)

    def key(entry: dict) -> tuple:
        zh = canonical(str(entry.get("value", "")))
        if zh is None:
            return (1, 0, 0, -entry.get("count", 0))
        start, end, _ = PERIODS[zh]
        return (0, start, end, 0)

    return sorted(chosen, key=key)
