"""Dimensions as Chinese catalogues write them, in English: ``通高 38.5 厘米，口径 32 厘米`` → ``H. 38.5 cm; mouth diam. 32 cm``.

Only a text whose every part is understood is translated (a measurement with an unknown name keeps the
whole value in Chinese rather than half of it in English).
"""
from __future__ import annotations

import re

#: Chinese name of a measurement → the English abbreviation museums print on labels
MEASURES: dict[str, str] = {
    "通高": "H.", "高": "H.", "残高": "surviving H.", "长": "L.", "通长": "L.", "残长": "surviving L.", "宽": "W.",
    "厚": "Th.", "深": "D.", "纵": "H.", "横": "W.", "直径": "diam.", "径": "diam.", "口径": "mouth diam.",
    "腹径": "belly diam.", "底径": "base diam.", "足径": "foot diam.", "缘厚": "rim th.", "足高": "foot H.",
    "重": "wt.", "重量": "wt.", "画心": "image", "边长": "side",
}
UNITS: dict[str, str] = {"厘米": "cm", "公分": "cm", "毫米": "mm", "米": "m", "克": "g", "千克": "kg", "公斤": "kg",
                         "cm": "cm", "mm": "mm", "m": "m", "g": "g", "kg": "kg"}
_NUMBER = r"\d+(?:\.\d+)?"
_PART = re.compile(
    rf"^(?P<name>{'|'.join(sorted(map(re.escape, MEASURES), key=len, reverse=True))})?\s*[:：]?\s*"
    rf"(?P<approx>约)?\s*(?P<value>{_NUMBER}(?:\s*[×xX*]\s*{_NUMBER})*)\s*"
    rf"(?P<unit>{'|'.join(sorted(map(re.escape, UNITS), key=len, reverse=True))})$")
_SEPARATORS = re.compile(r"\s*[，,；;、]\s*")


def to_english(text: str | None) -> str | None:
    """The English form of a dimensions text, or None when any part of it is not understood."""
    if not text or not text.strip():
        return None
    parts = []
    for part in _SEPARATORS.split(text.strip()):
        if not part:
            continue
        match = _PART.match(part)
        if not match:
            return None
        value = re.sub(r"\s*[×xX*]\s*", " × ", match.group("value"))
        name = MEASURES.get(match.group("name") or "")
        approx = "c." if match.group("approx") else None
        parts.append(" ".join(filter(None, (name, approx, value, UNITS[match.group("unit")]))))
    if not parts:
        return None
    english = "; ".join(parts)
    return english if english.startswith("c.") else english[0].upper() + english[1:]


def with_english(value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
    """A dimensions language map with its English form added when it has none and the Chinese is understood."""
    if not value or value.get("en"):
        return value
    english = [e for e in (to_english(v) for v in value.get("zh", [])) if e]
    return {**value, "en": english} if english and len(english) == len(value.get("zh", [])) else value
