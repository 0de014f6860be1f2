"""Search results, facets and highlighted snippets (shared by every backend)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from search import analysis

SNIPPET_CHARS = 160
#: Width of the IIIF still of a photo in ``thumbnail_url`` (exhibits.iiif.THUMBNAIL_WIDTH).
THUMBNAIL_WIDTH = 400


@dataclass
class Hit:
    id: str
    score: float | None
    stored: dict[str, Any]
    snippet: str | None = None
    highlights: list[dict[str, Any]] = field(default_factory=list)

    def to_api(self, base: str = "") -> dict[str, Any]:
        """The API form of the hit; ``base`` (scheme and host) makes ``thumbnail_url`` absolute."""
        s = self.stored
        still = s.get("thumbnail_url")
        if not still and s.get("thumbnail"):  # indexed before thumbnail_url: the image's IIIF still
            still = f"/iiif/3/{s['thumbnail']}/full/{THUMBNAIL_WIDTH},/0/default.jpg"
        return {
            "id": self.id,
            "title": s.get("title") or {},
            "score": None if self.score is None else round(float(self.score), 4),
            "snippet": self.snippet,
            "highlights": self.highlights,
            "museum": s.get("museum"),
            "hall": s.get("hall"),
            "object_type": s.get("object_type"),
            "date_start": s.get("date_start"),
            "date_end": s.get("date_end"),
            "period": s.get("period") or {},
            "thumbnail": s.get("thumbnail"),
            "thumbnail_url": (base + still) if still and still.startswith("/") else still,
            "has_3d": bool(s.get("has_3d")),
            "has_video": bool(s.get("has_video")),
            "has_audio": bool(s.get("has_audio")),
        }


@dataclass
class SearchResults:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[dict[str, Any]]]
    #: For a query that found nothing: search.suggest.suggest's answer.
    suggestions: dict[str, Any] | None = None

    def to_api(self, base: str = "") -> dict[str, Any]:
        return {
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "hits": [h.to_api(base) for h in self.hits],
            "facets": self.facets,
            **({"suggestions": self.suggestions} if self.suggestions is not None else {}),
        }

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def facet_list(counts: dict[str, int], limit: int = 30) -> list[dict[str, Any]]:
    items = sorted(((v, c) for v, c in counts.items() if c > 0 and v != ""), key=lambda vc: (-vc[1], vc[0]))
    return [{"value": v, "count": int(c)} for v, c in items[:limit]]


def label_facets(facets: dict[str, list[dict[str, Any]]], label_terms) -> dict[str, list[dict[str, Any]]]:
    """Give facet values a ``label`` language map where the catalogue translates them: object_type and
    material from the documents' label terms (search.documents.facet_label_terms), period from
    search.periods. The ``value`` (what a filter takes) stays as it is."""
    from search.documents import parse_label_term

    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    for term in label_terms:
        parsed = parse_label_term(term)
        if parsed is None:
            continue
        facet, value, lang, label = parsed
        labels = found.setdefault((facet, value), {}).setdefault(lang, [])
        if label not in labels and len(labels) < 3:
            labels.append(label)
    for name, entries in facets.items():
        for entry in entries:
            label = found.get((name, entry["value"]))
            if name == "period" and label is None:
                label = period_label(entry["value"])
            if label:
                entry["label"] = {"zh": [entry["value"]], **{k: sorted(v)[:1] for k, v in label.items()}}
    return facets


def period_label(zh: str) -> dict[str, list[str]] | None:
    from search.periods import PERIODS

    found = PERIODS.get(zh)
    if not found or not found[2]:
        return None
    small = {"and", "of", "the"}
    words = found[2][0].split()
    return {"en": [" ".join(w if w in small and i else w[:1].upper() + w[1:] for i, w in enumerate(words))]}


# ---------------------------------------------------------------- snippets


def _patterns(terms: list[str]) -> re.Pattern | None:
    parts = []
    for term in sorted(set(terms), key=len, reverse=True):
        if not term:
            continue
        if analysis.has_han(term):
            parts.append(re.escape(term))
        else:
            parts.append(r"(?<![0-9a-z])" + re.escape(term) + r"[0-9a-z]*")
    if not parts:
        return None
    return re.compile("|".join(parts[:40]))


def highlight(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> str | None:
    """An HTML-escaped window of ``text`` around the first match, matches wrapped in <mark>.

    Returns None when nothing matches.
    """
    if not text:
        return None
    pattern = _patterns(terms)
    if pattern is None:
        return None
    norm = analysis.to_simplified(text).lower()
    if len(norm) != len(text):  # rare phrase conversions change the length: show the normalised text
        text = analysis.to_simplified(text)
        norm = text.lower()
    matches = list(pattern.finditer(norm))
    if not matches:
        return None
    first = matches[0].start()
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    out = [Markup("…") if start > 0 else Markup("")]
    pos = start
    for m in matches:
        if m.start() < pos or m.end() > end:
            continue
        out.append(escape(text[pos:m.start()]))
        out.append(Markup("<mark>") + escape(text[m.start():m.end()]) + Markup("</mark>"))
        pos = m.end()
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append(Markup("…"))
    return str(Markup("").join(out))


def make_snippets(stored: dict[str, Any], terms: list[str], lang: str | None = None) -> tuple[str | None, list[dict[str, Any]]]:
    """The best snippet of a hit's description and the transcript cues that match."""
    snippet = None
    desc = stored.get("description") or {}
    order = ([lang] if lang else []) + ["zh", "en"] + list(desc)
    for code in dict.fromkeys(order):
        for text in desc.get(code) or []:
            snippet = highlight(text, terms)
            if snippet:
                break
        if snippet:
            break
    if snippet is None:
        for code in dict.fromkeys(order):
            if desc.get(code):
                first = desc[code][0]
                snippet = str(escape(first[:SNIPPET_CHARS])) + ("…" if len(first) > SNIPPET_CHARS else "")
                break
    highlights = []
    if terms:
        for cue in stored.get("transcript") or []:
            html = highlight(cue.get("text") or "", terms, width=120)
            if html:
                highlights.append({"field": "transcript", "start": cue.get("start"), "html": html})
                if len(highlights) >= 3:
                    break
    return snippet, highlights


def strip_marks(html: str) -> str:
    """Plain text of a snippet (for terminals)."""
    from html import unescape

    return unescape(re.sub(r"</?mark>", "", html))
