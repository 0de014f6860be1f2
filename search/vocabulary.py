"""Controlled values with variants (``search/vocabulary.yaml``): 镜, 铜镜 and mirror are one value.

At index time a material or object type brings the words of its value (every variant, both
languages) into the general fields, so any of them finds it, and its facet value is the
canonical form; filters and ``object_type:`` take any variant.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from search.analysis import fold, to_simplified

DATA = Path(__file__).with_name("vocabulary.yaml")
FACETS = ("material", "object_type")


@dataclass(frozen=True)
class Value:
    facet: str
    zh: str
    variants: tuple[str, ...]
    en: tuple[str, ...]
    endings: tuple[str, ...]

    @property
    def words(self) -> tuple[str, ...]:
        """Every way of writing the value, canonical form first."""
        return (self.zh,) + self.variants + self.en


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[dict[str, Value], list[tuple[str, Value]]]]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    out = {}
    for facet in FACETS:
        by_key: dict[str, Value] = {}
        endings: list[tuple[str, Value]] = []
        for entry in raw.get(facet) or []:
            value = Value(facet, entry["zh"], tuple(entry.get("variants") or ()), tuple(entry.get("en") or ()),
                          tuple(entry.get("endings") or ()))
            for word in value.words:
                by_key.setdefault(_key(word), value)
            endings.extend((end, value) for end in value.endings)
        endings.sort(key=lambda ev: len(ev[0]), reverse=True)
        out[facet] = (by_key, endings)
    return out


def _key(text: str) -> str:
    return fold(to_simplified(text.strip()))


@lru_cache(maxsize=50_000)
def lookup(facet: str, text: str | None) -> Value | None:
    """The controlled value ``text`` writes (exactly, or for object types by its ending: 葡萄镜 → 铜镜)."""
    if not text or facet not in FACETS:
        return None
    by_key, endings = _table()[facet]
    key = _key(text)
    found = by_key.get(key)
    if found is not None:
        return found
    for end, value in endings:
        if len(key) > len(end) and key.endswith(end):
            return value
    return None


def canonical(facet: str, text: str) -> str:
    """The facet value of ``text``: the canonical form of its controlled value, else the text itself."""
    value = lookup(facet, text)
    return value.zh if value is not None else text


def expansion(facet: str, texts) -> list[str]:
    """The words of the controlled values among ``texts`` (for the general search fields)."""
    out: list[str] = []
    for text in texts:
        value = lookup(facet, text)
        if value is not None:
            out.extend(w for w in value.words if w not in out)
    return out


def values(facet: str) -> list[Value]:
    """The controlled values of a facet, in the file's order."""
    return list({v.zh: v for v in _table()[facet][0].values()}.values()) if facet in FACETS else []


def all_words() -> list[str]:
    """The canonical Chinese names of the vocabulary (for jieba's user dictionary; variants such as
    青铜鼎 are left to jieba, which cuts them into their parts)."""
    words = []
    for by_key, _endings in _table().values():
        for value in by_key.values():
            if value.zh not in words:
                words.append(value.zh)
    return words
