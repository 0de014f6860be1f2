"""Chinese periods (dynasties), period groups (明清) and reign eras (年号), from ``eras.yaml``.

The one table behind the date parser (:mod:`exhibits.dates`) and the search's period expansion
(:mod:`search.periods`). Years are of the common era; negative years are BCE.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("eras.yaml")


@dataclass(frozen=True)
class Period:
    zh: str
    start: int
    end: int
    en: tuple[str, ...] = ()


@dataclass(frozen=True)
class Era:
    """A reign era: ``name`` of ``period`` (a key of :func:`periods`), from ``start`` to ``end``."""

    name: str
    period: str
    start: int
    end: int

    def year(self, number: int) -> int:
        """The common-era year of the era's ``number``-th year (元年 = 1); BCE years count towards 0."""
        year = self.start + number - 1
        if self.start < 0 <= year:  # no year 0: -1 is followed by 1
            year += 1
        return year


@dataclass(frozen=True)
class Table:
    periods: dict[str, Period]
    groups: dict[str, tuple[int, int, tuple[str, ...]]]
    eras: tuple[Era, ...]
    eras_by_name: dict[str, tuple[Era, ...]]
    common_words: frozenset[str]


@lru_cache(maxsize=1)
def table() -> Table:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    periods = {p["zh"]: Period(p["zh"], int(p["start"]), int(p["end"]), tuple(p.get("en") or ()))
               for p in raw["periods"]}
    groups = {}
    for name, (first, last) in raw["groups"].items():
        groups[name] = (periods[first].start, periods[last].end, (first, last))
    eras: list[Era] = []
    by_name: dict[str, list[Era]] = {}
    for period, rows in raw["eras"].items():
        if period not in periods:
            raise ValueError(f"{DATA.name}: eras of unknown period {period!r}")
        for name, start, end in rows:
            if int(start) > int(end):
                raise ValueError(f"{DATA.name}: era {period}{name} ends before it starts")
            era = Era(str(name), period, int(start), int(end))
            eras.append(era)
            by_name.setdefault(era.name, []).append(era)
    return Table(periods=periods, groups=groups, eras=tuple(eras),
                 eras_by_name={k: tuple(v) for k, v in by_name.items()},
                 common_words=frozenset(raw.get("common_words") or ()))


def periods() -> dict[str, Period]:
    return table().periods


def eras() -> tuple[Era, ...]:
    return table().eras


def dynasty_of(period: str) -> str:
    """The dynasty a period belongs to for its eras: 西汉 and 东汉 are 汉, 北宋 and 南宋 are 宋."""
    return {"西汉": "汉", "东汉": "汉", "北宋": "宋", "南宋": "宋"}.get(period, period)


def find_era(name: str, period: str | None = None) -> Era | None:
    """The era called ``name`` (of ``period``, or of a period inside it: 汉 covers 西汉 and 东汉)."""
    found = table().eras_by_name.get(name)
    if not found:
        return None
    if period is None:
        return found[0]
    for era in found:
        if era.period == period or dynasty_of(era.period) == period:
            return era
    return None


@lru_cache(maxsize=1)
def era_pinyin() -> dict[str, Era]:
    """Eras by their toneless pinyin (``wanli``, ``qianlong``), for English catalogue text."""
    from pypinyin import Style, lazy_pinyin

    out: dict[str, Era] = {}
    for era in eras():
        key = "".join(lazy_pinyin(era.name, style=Style.NORMAL)).replace("ü", "v")
        out.setdefault(key, era)
    return out
