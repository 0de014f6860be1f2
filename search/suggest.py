"""What to offer when a query finds nothing, so a search never ends the visit.

:func:`suggest` answers ``{"queries": [{"q", "total", "why"}], "facets": {...}, "halls": [...]}``:

* ``queries``: other queries that do find something, each run before it is offered: the query
  with a word left out (or a Chinese run cut into its words), and close names from the catalogue's
  own words (hall, museum and section titles, controlled values, periods, reign eras) matched by
  spelling, by pinyin (``qingtong``, ``qintong`` → 青铜) and by characters (traditional folded);
* ``facets``: the facet values of the best such query (where the near misses are);
* ``halls``: the halls to browse (those of the best query, else every hall with works).
"""
from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Any

from search import analysis, query as qm

MAX_QUERIES = 5
#: Searches one zero-hit query may cost at most (a long query must not become dozens of searches).
MAX_ATTEMPTS = 12
MAX_CANDIDATES = 12
FACET_VALUES = 5
#: Similarity a name needs to be offered: Chinese (shared characters or sequence), Latin (spelling, pinyin).
NEAR = 0.6
NEAR_LATIN = 0.75


def suggest(index, query: qm.SearchQuery, names: dict[str, dict[str, dict]] | None = None,
            lang: str | None = None) -> dict[str, Any]:
    """Suggestions for a query that found nothing (``names``: search.sync.facet_labels)."""
    names = names or {}
    tried: dict[str, int] = {query.text: 0}
    offered: list[dict[str, Any]] = []
    best_facets: dict[str, list[dict]] | None = None

    def attempt(text: str, why: str) -> None:
        nonlocal best_facets
        text = analysis.to_simplified(text.strip())  # 青銅 and 青铜 are one suggestion, offered simplified
        key = text
        if not text or key in tried or len(offered) >= MAX_QUERIES or len(tried) > MAX_ATTEMPTS:
            return
        tried[key] = 0
        try:
            parsed = qm.parse_query(text, query.filters, per_page=1)
        except qm.QueryError:
            return
        found = index.search(parsed, lang=lang)
        tried[key] = found.total
        if found.total:
            offered.append({"q": text, "total": found.total, "why": why})
            if best_facets is None:
                best_facets = found.facets

    for text in relaxed(query):
        attempt(text, "fewer words")
    for text in similar_names(query.text, names):
        attempt(text, "similar")
    facets = best_facets
    if facets is None and query.filters:  # the words find nothing with these filters: without them?
        try:
            found = index.search(qm.parse_query(query.text, per_page=1), lang=lang)
        except qm.QueryError:
            found = None
        if found is not None and found.total:
            offered.append({"q": query.text, "total": found.total, "why": "without filters"})
            facets = found.facets
    if facets is None:
        facets = index.search(qm.parse_query("*", per_page=1), lang=lang).facets
    halls = [dict(entry, label=(names.get("hall") or {}).get(entry["value"]) or {}) for entry in facets.get("hall", [])]
    near = {name: facets.get(name, [])[:FACET_VALUES] for name in ("period", "object_type", "material", "museum")
            if facets.get(name)}
    return {"queries": offered[:MAX_QUERIES], "facets": near, "halls": halls[:10]}


def relaxed(query: qm.SearchQuery) -> list[str]:
    """The query with one word left out, and the words of a Chinese run typed without spaces."""
    words = query.text.split()
    out: list[str] = []
    if len(words) > 1:
        for i in range(len(words)):
            out.append(" ".join(words[:i] + words[i + 1:]))
    for word in words:
        if analysis.is_han_run(analysis.to_simplified(word)):
            parts = analysis.query_words(word)
            if len(parts) > 1:
                out.append(" ".join(words).replace(word, " ".join(parts)))
                out.extend(p for p in parts if len(p) > 1)
        if len(words) > 1:
            out.append(word)
    return list(dict.fromkeys(out))


def similar_names(text: str, names: dict[str, dict[str, dict]]) -> list[str]:
    """The catalogue's words nearest to ``text``: by spelling, pinyin or characters."""
    text = text.strip()
    if not text or len(text) > 40:
        return []
    folded = analysis.fold(analysis.to_simplified(text)).replace(" ", "")
    han = analysis.has_han(folded)
    typed_pinyin = "".join(analysis.pinyin_syllables(folded)) if han else ""
    scored: list[tuple[float, str]] = []
    for word, keys in _lexicon(_names_key(names)).items():
        if word == text:
            continue
        if han:
            zh = keys[0]
            if not analysis.has_han(zh):
                continue
            overlap = len(set(zh) & set(folded)) / max(len(set(zh) | set(folded)), 1)
            # a homophone picked by the input method (青同 for 青铜) sounds the same
            sound = 1.0 if keys[1] == typed_pinyin and len(zh) == len(folded) else 0.0
            score = max(overlap, sound, difflib.SequenceMatcher(None, folded, zh).ratio())
        else:
            score = max(difflib.SequenceMatcher(None, folded, key).ratio() for key in keys[1:] or ("",))
        if score >= (NEAR if han else NEAR_LATIN):
            scored.append((score, word))
    scored.sort(key=lambda sw: (-sw[0], len(sw[1]), sw[1]))
    return [w for _s, w in scored[:MAX_CANDIDATES]]


def _names_key(names: dict[str, dict[str, dict]]) -> tuple[str, ...]:
    out = []
    for titles in names.values():
        for title in titles.values():
            for values in (title or {}).values():
                out.extend(values)
    return tuple(sorted(set(out)))


@lru_cache(maxsize=8)
def _lexicon(catalogue_names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """word → (simplified form, pinyin key, English key...) for the candidates."""
    from exhibits import eras
    from search import vocabulary

    words: list[str] = list(catalogue_names)
    table = eras.table()
    words.extend(table.periods)
    words.extend(en for p in table.periods.values() for en in p.en)
    words.extend(table.groups)
    words.extend(e.name for e in table.eras)
    for facet in vocabulary.FACETS:
        for value in vocabulary.values(facet):
            words.extend(value.words)
    out: dict[str, tuple[str, ...]] = {}
    for word in dict.fromkeys(words):
        simplified = analysis.to_simplified(word)
        if analysis.has_han(simplified):
            out[word] = (simplified, "".join(analysis.pinyin_syllables(simplified)))
        else:
            out[word] = (analysis.fold(word), analysis.fold(word).replace(" ", ""))
    return out


def search_with_suggestions(index, query: qm.SearchQuery, names: dict[str, dict[str, dict]] | None = None,
                            lang: str | None = None):
    """``index.search(query)``, with :func:`suggest`'s answer in ``suggestions`` when nothing matched."""
    results = index.search(query, lang=lang)
    if results.total == 0 and not isinstance(query.tree, qm.MatchAll):
        results.suggestions = suggest(index, query, names, lang)
    return results
